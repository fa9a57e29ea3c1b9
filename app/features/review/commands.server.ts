import { sql, type Transaction } from "kysely";
import type { Application, ApplicationStatus, Database, ReviewStage, User, Verdict } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import { addWorkingDays, vietnamDate, workingDaysBetween } from "~/platform/time/working-days.ts";
import { recordAudit } from "~/platform/db/audit.server.ts";
import { ConflictError, ForbiddenTransitionError, NotFoundError } from "~/platform/errors.ts";
import { criteriaItems, getCriteria } from "~/features/application/criteria.server.ts";
import { settingNumber, transition } from "~/features/application/transition.server.ts";
import { canViewApplication } from "~/features/application/queries.server.ts";
import { notifyAssigned } from "./review-notifications.server.ts";
import { assertNoDeclaredConflict, DeclarationRequiredError, recordNoConflict } from "./conflicts.server.ts";
import { assertEnterpriseVerified } from "~/features/enterprise/verification.server.ts";
import { AWAITING_MINISTRY, AWAITING_PROVINCE } from "~/features/application/workflow.ts";
import { getApplicationForReviewer, stageOf } from "./queries.server.ts";
import { now as clockNow } from "~/platform/time/clock.ts";

const REVIEWING: Record<ReviewStage, ApplicationStatus> = { province: "in_provincial_review", ministry: "in_ministry_review" };

async function lockForReview(trx: Transaction<Database>, user: User, applicationId: string): Promise<Application> {
  const app = await trx.selectFrom("applications").selectAll().where("id", "=", applicationId).forUpdate().executeTakeFirst();
  if (!app || !(await canViewApplication(user, app, trx))) throw new NotFoundError();
  return app;
}

export async function saveVerdict(
  user: User,
  applicationId: string,
  input: { criterionKey: string; verdict: Verdict; note: string; lockVersion: number },
  requestId: string,
) {
  const stage = stageOf(user);
  await db()
    .transaction()
    .execute(async (trx) => {
      const app = await lockForReview(trx, user, applicationId);
      if (app.status !== REVIEWING[stage] || app.lock_version !== input.lockVersion)
        throw new ConflictError({ status: app.status, lockVersion: app.lock_version });
      const items = criteriaItems(await getCriteria(app.criteria_set_id, trx));
      if (!items.some((i) => i.key === input.criterionKey)) throw new NotFoundError();
      await trx
        .insertInto("criterion_verdicts")
        .values({
          application_id: app.id,
          stage,
          criterion_key: input.criterionKey,
          verdict: input.verdict,
          note: input.note,
          version: app.current_version,
          reviewer_id: user.id,
        })
        .onConflict((oc) =>
          oc.columns(["application_id", "stage", "criterion_key"]).doUpdateSet({
            verdict: input.verdict,
            note: input.note,
            version: app.current_version,
            reviewer_id: user.id,
            updated_at: sql`now()`,
          }),
        )
        .execute();
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        provinceCode: app.province_code,
        action: "application.verdict",
        entityType: "application",
        entityId: app.id,
        data: { stage, criterion: input.criterionKey, verdict: input.verdict },
        requestId,
      });
    });
}

export async function addInternalNote(user: User, applicationId: string, body: string, requestId: string) {
  await db()
    .transaction()
    .execute(async (trx) => {
      const app = await lockForReview(trx, user, applicationId);
      await trx.insertInto("internal_notes").values({ application_id: app.id, author_id: user.id, body }).execute();
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        provinceCode: app.province_code,
        action: "application.internal_note",
        entityType: "application",
        entityId: app.id,
        requestId,
      });
    });
}

// ---------- assignment ----------

/**
 * Take (assignee = the actor), assign to a colleague of the same stage and province, or release (null). A take needs
 * the taker's declaration of no conflict of interest with the enterprise (recorded with the take); a reviewer who
 * declared a conflict with it can neither take it nor be assigned it (conflicts.server.ts).
 */
export async function assignApplication(
  user: User,
  applicationId: string,
  input: { assigneeId: string | null; lockVersion: number; noConflict?: boolean },
  requestId: string,
): Promise<Application> {
  const stage = stageOf(user);
  const startAction = stage === "province" ? "take" : "take_ministry";
  const current = await getApplicationForReviewer(user, applicationId);
  if (!current) throw new NotFoundError();
  // What the ministry sees before it reached the ministry (an unstaffed province's queue) is read-only for it.
  if (stage === "ministry" && current.reached_ministry_at === null) throw new ForbiddenTransitionError();
  let assignee: User | undefined;
  if (input.assigneeId) {
    assignee = await db().selectFrom("users").selectAll().where("id", "=", input.assigneeId).where("status", "=", "active").executeTakeFirst();
    if (!assignee || assignee.role !== user.role || (stage === "province" && assignee.province_code !== user.province_code)) throw new NotFoundError();
  }
  const self = assignee?.id === user.id;
  if (self && input.noConflict !== true) throw new DeclarationRequiredError();
  /** The take's declaration, or the check that the colleague has declared no conflict with this enterprise. */
  const declare = async (trx: Transaction<Database>, app: Application) => {
    if (!assignee) return;
    if (self) await recordNoConflict(trx, user, app, requestId);
    else await assertNoDeclaredConflict(trx, assignee, app, false);
  };
  const waiting = stage === "province" ? AWAITING_PROVINCE : AWAITING_MINISTRY;
  if (waiting.includes(current.status) && assignee) {
    return transition({
      applicationId,
      actor: user,
      action: startAction,
      expectedLockVersion: input.lockVersion,
      requestId,
      data: { assignee: assignee.id },
      apply: async (trx, app) => {
        await declare(trx, app);
        return { assigned_to: assignee!.id };
      },
      after: async (trx, app) => {
        if (assignee!.id !== user.id) await notifyAssigned(trx, app, assignee!);
      },
    });
  }
  return db()
    .transaction()
    .execute(async (trx) => {
      const app = await lockForReview(trx, user, applicationId);
      if (app.lock_version !== input.lockVersion || app.status !== REVIEWING[stage])
        throw new ConflictError({ status: app.status, lockVersion: app.lock_version });
      await declare(trx, app);
      const updated = await trx
        .updateTable("applications")
        .set({ assigned_to: assignee?.id ?? null, lock_version: sql`lock_version + 1`, updated_at: sql`now()` })
        .where("id", "=", app.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        provinceCode: app.province_code,
        action: assignee ? "application.assigned" : "application.released",
        entityType: "application",
        entityId: app.id,
        data: { assignee: assignee?.id ?? null, previous: app.assigned_to },
        requestId,
      });
      if (assignee && assignee.id !== user.id) await notifyAssigned(trx, updated, assignee);
      return updated;
    });
}

// ---------- decisions ----------

export const REJECTION_REASONS = [
  "not_vietnamese_enterprise",
  "criteria_not_met",
  "insufficient_evidence",
  "security_not_approved",
  "data_not_in_vietnam",
  "duplicate",
  "other",
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export type SectionTarget = "section:platform" | "section:documents" | "section:contact";
export type ChangeTarget = `criterion:${string}` | SectionTarget;
export const RECOMMENDATIONS = ["recognise", "reject"] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];

const REPLY_DAYS_SETTING = "sla.enterprise_reply.working_days";

/** The enterprise's reply deadline when the reviewer leaves it empty: the setting's working days from today. */
export async function defaultReplyBy(now = clockNow()): Promise<{ days: number; date: string }> {
  const days = await settingNumber(REPLY_DAYS_SETTING, 10);
  return { days, date: vietnamDate(addWorkingDays(now, days)) };
}

export async function requestChanges(
  user: User,
  applicationId: string,
  input: { lockVersion: number; items: { target: ChangeTarget; note: string }[]; replyBy: string; message: string },
  requestId: string,
) {
  const replyBy = input.replyBy || (await defaultReplyBy()).date;
  return transition({
    applicationId,
    actor: user,
    action: "request_changes",
    expectedLockVersion: input.lockVersion,
    requestId,
    reason: input.message || null,
    data: { targets: input.items.map((i) => i.target), replyBy },
    apply: async (trx, app) => {
      const { id } = await trx
        .insertInto("change_requests")
        .values({ application_id: app.id, version: app.current_version, requested_by: user.id, reply_by: replyBy, message: input.message })
        .returning("id")
        .executeTakeFirstOrThrow();
      await trx
        .insertInto("change_request_items")
        .values(input.items.map((i) => ({ change_request_id: id, target: i.target, note: i.note })))
        .execute();
      const remaining = app.due_at ? workingDaysBetween(clockNow(), app.due_at) : null;
      // The enterprise confirms the declaration again with its changes.
      const answers = { ...app.answers, declaration: { ...app.answers.declaration, accepted: false } };
      return {
        reopened: JSON.stringify(input.items.map((i) => i.target)),
        answers: JSON.stringify(answers),
        sla_remaining_days: Math.max(1, remaining ?? 1),
        due_at: null,
      };
    },
  });
}

export class MissingVerdictsError extends Error {
  constructor(public missing: string[]) {
    super("Every criterion needs a verdict");
  }
}

export async function forwardToMinistry(
  user: User,
  applicationId: string,
  input: { lockVersion: number; recommendation: Recommendation; summary: string },
  requestId: string,
) {
  return transition({
    applicationId,
    actor: user,
    action: "forward",
    expectedLockVersion: input.lockVersion,
    requestId,
    reason: input.summary,
    data: { recommendation: input.recommendation },
    apply: async (trx, app) => {
      const items = criteriaItems(await getCriteria(app.criteria_set_id, trx));
      const verdicts = await trx
        .selectFrom("criterion_verdicts")
        .select("criterion_key")
        .where("application_id", "=", app.id)
        .where("stage", "=", "province")
        .execute();
      const have = new Set(verdicts.map((v) => v.criterion_key));
      const missing = items.filter((i) => !have.has(i.key)).map((i) => i.key);
      if (missing.length > 0) throw new MissingVerdictsError(missing);
      await assertEnterpriseVerified(trx, app.enterprise_id);
      const days = await settingNumber("sla.ministry.working_days", 15, trx);
      return {
        province_recommendation: input.recommendation,
        province_summary: input.summary,
        assigned_to: null,
        due_at: addWorkingDays(clockNow(), days),
      };
    },
  });
}

export async function rejectApplication(
  user: User,
  applicationId: string,
  input: { lockVersion: number; reasons: RejectionReason[]; note: string },
  requestId: string,
) {
  return transition({
    applicationId,
    actor: user,
    action: user.role === "ministry_reviewer" ? "reject_ministry" : "reject_province",
    expectedLockVersion: input.lockVersion,
    requestId,
    reason: input.note,
    data: { reasons: input.reasons },
    apply: async () => ({ decision_reasons: JSON.stringify(input.reasons), decision_note: input.note, due_at: null }),
  });
}

export async function returnToProvince(user: User, applicationId: string, input: { lockVersion: number; note: string }, requestId: string) {
  return transition({
    applicationId,
    actor: user,
    action: "return_to_province",
    expectedLockVersion: input.lockVersion,
    requestId,
    reason: input.note,
    apply: async (trx) => ({
      assigned_to: null,
      due_at: addWorkingDays(clockNow(), await settingNumber("sla.province.working_days", 10, trx)),
    }),
  });
}

export async function recognisePlatform(
  user: User,
  applicationId: string,
  input: { lockVersion: number; decisionNumber: string; decisionDate: string },
  requestId: string,
) {
  return transition({
    applicationId,
    actor: user,
    action: "recognise",
    expectedLockVersion: input.lockVersion,
    requestId,
    data: { decisionNumber: input.decisionNumber, decisionDate: input.decisionDate },
    apply: async (trx, app) => {
      await assertEnterpriseVerified(trx, app.enterprise_id);
      return { decision_number: input.decisionNumber, decision_date: input.decisionDate, due_at: null };
    },
  });
}

/**
 * The ministry revokes a recognition by its own decision (number, date, public reason); the catalogue keeps the page
 * and shows the revocation (HTTP 410).
 */
export async function revokeRecognition(
  user: User,
  applicationId: string,
  input: { lockVersion: number; decisionNumber: string; decisionDate: string; reason: string },
  requestId: string,
) {
  return transition({
    applicationId,
    actor: user,
    action: "revoke",
    expectedLockVersion: input.lockVersion,
    requestId,
    reason: input.reason,
    data: { decisionNumber: input.decisionNumber, decisionDate: input.decisionDate },
    apply: async () => ({ revocation_number: input.decisionNumber, revocation_date: input.decisionDate, revocation_reason: input.reason }),
  });
}
