import { sql, type Transaction } from "kysely";
import type { Application, ApplicationStatus, Database, ReviewStage, User, Verdict } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import { isIsoDate, isUuid } from "~/platform/forms/input.server.ts";
import { verdictStagesFor, type Audience } from "~/features/application/disclosure.server.ts";
import { foldVietnamese } from "~/platform/db/search-text.ts";
import { AWAITING_PROVINCE } from "~/features/application/workflow.ts";
import { addWorkingDays, vietnamDate, workingDaysBetween } from "~/platform/time/working-days.ts";
import { recordAudit } from "~/platform/db/audit.server.ts";
import { ConflictError, ForbiddenTransitionError, NotFoundError } from "~/platform/errors.ts";
import { criteriaItems, getCriteria } from "~/features/application/criteria.server.ts";
import { settingNumber, transition } from "~/features/application/transition.server.ts";
import { canViewApplication } from "~/features/application/queries.server.ts";
import { notifyAssigned } from "./review-notifications.server.ts";
import { assertEnterpriseVerified } from "~/features/enterprise/verification.server.ts";



// ---------- queues ----------

export const PROVINCE_VIEWS = {
  new: ["submitted"],
  mine: ["in_provincial_review", "submitted", "resubmitted", "returned_to_province"],
  in_review: ["in_provincial_review"],
  waiting: ["changes_requested"],
  resubmitted: ["resubmitted", "returned_to_province"],
  done: ["forwarded", "in_ministry_review", "recognised", "rejected", "withdrawn", "revoked"],
} as const satisfies Record<string, readonly ApplicationStatus[]>;

// The ministry's views list what reached the ministry (applications.reached_ministry_at), except "unstaffed": what
// waits for a provincial reviewer in a province that has none (read-only for the ministry, see docs/decisions/006).
export const MINISTRY_VIEWS = {
  new: ["forwarded"],
  mine: ["in_ministry_review", "forwarded"],
  in_review: ["in_ministry_review"],
  returned: ["returned_to_province"],
  done: ["recognised", "rejected", "revoked", "withdrawn"],
  unstaffed: AWAITING_PROVINCE,
} as const satisfies Record<string, readonly ApplicationStatus[]>;

export type ProvinceView = keyof typeof PROVINCE_VIEWS;
export type MinistryView = keyof typeof MINISTRY_VIEWS;

export interface QueueQuery {
  scope: { kind: "province"; provinceCode: string } | { kind: "ministry"; provinceCode?: string; unstaffed?: boolean };
  statuses: readonly ApplicationStatus[];
  userId: string;
  mineOnly?: boolean;
  sector?: string;
  overdue?: boolean;
  assignee?: string | "none";
  search?: string;
  after?: string;
  limit?: number;
}

export interface QueueRow {
  id: string;
  reference: string | null;
  platform_name: string;
  enterprise_name: string;
  tax_code: string;
  province_code: string | null;
  status: ApplicationStatus;
  due_at: Date | null;
  assigned_to: string | null;
  assignee_name: string | null;
  current_version: number;
  overdue: boolean;
}

// Keyset cursor on (due date, id): far-future stands in for "no due date" so the order is total.
const NO_DUE = "9999-12-31T00:00:00.000Z";

// The due key comes from the database as text: a JS Date would drop the microseconds and repeat a row.
function encodeCursor(row: { due_key: string; id: string }): string {
  return Buffer.from(`${row.due_key}|${row.id}`).toString("base64url");
}

const DUE_KEY = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{6}Z$/;

/**
 * A queue cursor exactly as encodeCursor writes it, or null. Cursors are validated, not signed: one only says where
 * a page starts inside the viewer's own queue (the scope comes from the session), so a hand-made one can reveal
 * nothing; but anything that is not a real (timestamp, uuid) pair is refused before it reaches SQL.
 */
export function parseQueueCursor(cursor: string): { due: string; id: string } | null {
  if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const text = Buffer.from(cursor, "base64url").toString();
  if (Buffer.from(text).toString("base64url") !== cursor) return null;
  const [due, id, ...rest] = text.split("|");
  const m = due ? DUE_KEY.exec(due) : null;
  if (!m || !isUuid(id) || rest.length > 0) return null;
  const [, date, hh, mm, ss] = m;
  if (!isIsoDate(date!, 1970) || Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return null;
  return { due: due!, id: id!.toLowerCase() };
}

export class InvalidCursorError extends Error {
  constructor() {
    super("Invalid queue cursor");
  }
}

export const QUEUE_PAGE_SIZE = 25;
export const QUEUE_COUNT_CAP = 1000;

function queueBase(q: QueueQuery) {
  // A literal, not a parameter: the queue indexes (db/migrations/2026-12-01T1000_queue_order.ts) hold this expression.
  const due = sql<Date>`coalesce(applications.due_at, ${sql.lit(NO_DUE)}::timestamptz)`;
  let query = db()
    .selectFrom("applications")
    .innerJoin("enterprises", "enterprises.id", "applications.enterprise_id")
    .where("applications.current_version", ">", 0)
    .where("applications.status", "in", [...q.statuses]);
  if (q.scope.kind === "province") query = query.where("applications.province_code", "=", q.scope.provinceCode);
  else {
    if (q.scope.provinceCode) query = query.where("applications.province_code", "=", q.scope.provinceCode);
    query = q.scope.unstaffed
      ? query.where("applications.reached_ministry_at", "is", null).where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom("users")
                .select("users.id")
                .where("users.role", "=", "province_reviewer")
                .where("users.status", "=", "active")
                .whereRef("users.province_code", "=", "applications.province_code"),
            ),
          ),
        )
      : query.where("applications.reached_ministry_at", "is not", null);
  }
  if (q.mineOnly) query = query.where("applications.assigned_to", "=", q.userId);
  if (q.sector) query = query.where("applications.sector", "=", q.sector);
  if (q.overdue) query = query.where("applications.due_at", "<", sql<Date>`now()`);
  if (q.assignee === "none") query = query.where("applications.assigned_to", "is", null);
  else if (q.assignee) query = query.where("applications.assigned_to", "=", q.assignee);
  const term = q.search ? foldVietnamese(q.search).slice(0, 100) : "";
  // A whole reference number or tax code is looked up by its unique index instead of scanning the folded text.
  if (/^\d{2}-\d{6}-\d{4,}$/.test(term)) query = query.where("applications.reference", "=", term);
  else if (/^\d{10}(-\d{3})?$/.test(term)) query = query.where("enterprises.tax_code", "=", term);
  else if (term) query = query.where("applications.search_text", "like", `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  return { query, due };
}

/** One page of a queue, ordered by due date then id, continuing after the cursor (keyset: fast at any depth). */
export async function listQueue(q: QueueQuery) {
  const limit = q.limit ?? QUEUE_PAGE_SIZE;
  const { query, due } = queueBase(q);
  const cursor = q.after ? parseQueueCursor(q.after) : null;
  if (q.after && !cursor) throw new InvalidCursorError();
  const rows = await query
    .leftJoin("users as assignee", "assignee.id", "applications.assigned_to")
    .select([
      "applications.id",
      "applications.reference",
      "applications.platform_name",
      "enterprises.legal_name as enterprise_name",
      "enterprises.tax_code",
      "applications.province_code",
      "applications.status",
      "applications.due_at",
      "applications.assigned_to",
      "assignee.name as assignee_name",
      "applications.current_version",
      sql<boolean>`coalesce(applications.due_at < now(), false)`.as("overdue"),
      sql<string>`to_char(${due} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as("due_key"),
    ])
    .$if(Boolean(cursor), (qb) => qb.where(sql<boolean>`(${due}, applications.id) > (${cursor!.due}::timestamptz, ${cursor!.id}::uuid)`))
    .orderBy(due)
    .orderBy("applications.id")
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page.map(({ due_key: _dueKey, ...row }) => row as QueueRow), next: rows.length > limit && last ? encodeCursor(last) : null };
}

/** How many match, counted up to a cap: an exact count of a huge queue costs more than it tells. */
export async function countQueue(q: QueueQuery): Promise<{ count: number; capped: boolean }> {
  const { query } = queueBase(q);
  const row = await db()
    .selectFrom(query.select("applications.id").limit(QUEUE_COUNT_CAP + 1).as("sub"))
    .select(sql<number>`count(*)::int`.as("n"))
    .executeTakeFirstOrThrow();
  return { count: Math.min(row.n, QUEUE_COUNT_CAP), capped: row.n > QUEUE_COUNT_CAP };
}

export function listColleagues(user: User) {
  return db()
    .selectFrom("users")
    .select(["id", "name", "email"])
    .where("role", "=", user.role)
    .where("status", "=", "active")
    .$if(user.role === "province_reviewer", (qb) => qb.where("province_code", "=", user.province_code))
    .orderBy("name")
    .execute();
}

// ---------- review page data ----------

type StaffAudience = Exclude<Audience, "enterprise">;

/** The application for a reviewer, or undefined when it is outside their province or stage (callers answer 404). */
export async function getApplicationForReviewer(user: User, id: string): Promise<Application | undefined> {
  if (!isUuid(id)) return undefined;
  const app = await db().selectFrom("applications").selectAll().where("id", "=", id).executeTakeFirst();
  if (!app || !(await canViewApplication(user, app))) return undefined;
  return app;
}

/** Verdicts the audience may read; reviewers are named only to their own stage. */
export async function listVerdicts(applicationId: string, audience: StaffAudience) {
  const stages = verdictStagesFor(audience);
  const rows = await db()
    .selectFrom("criterion_verdicts")
    .leftJoin("users", "users.id", "criterion_verdicts.reviewer_id")
    .select([
      "criterion_verdicts.stage",
      "criterion_verdicts.criterion_key",
      "criterion_verdicts.verdict",
      "criterion_verdicts.note",
      "criterion_verdicts.version",
      "criterion_verdicts.updated_at",
      "users.name as reviewer_name",
    ])
    .where("application_id", "=", applicationId)
    .where("criterion_verdicts.stage", "in", [...stages])
    .execute();
  return rows.map((r) => ({ ...r, reviewer_name: r.stage === audience ? r.reviewer_name : null }));
}

/** Internal notes are the working notes of one organisation: the province's stay with the province, the ministry's with the ministry. */
export function listInternalNotes(applicationId: string, audience: StaffAudience) {
  return db()
    .selectFrom("internal_notes")
    .innerJoin("users", "users.id", "internal_notes.author_id")
    .select(["internal_notes.id", "internal_notes.body", "internal_notes.created_at", "users.name as author_name"])
    .where("application_id", "=", applicationId)
    .where("users.role", "=", audience === "province" ? "province_reviewer" : "ministry_reviewer")
    .orderBy("internal_notes.id")
    .execute();
}

export function stageOf(user: User): ReviewStage {
  return user.role === "ministry_reviewer" ? "ministry" : "province";
}

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

/** Take (assignee = the actor), assign to a colleague of the same stage and province, or release (null). */
export async function assignApplication(
  user: User,
  applicationId: string,
  input: { assigneeId: string | null; lockVersion: number },
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
  const waiting = stage === "province" ? ["submitted", "resubmitted", "returned_to_province"] : ["forwarded"];
  if (waiting.includes(current.status) && assignee) {
    return transition({
      applicationId,
      actor: user,
      action: startAction,
      expectedLockVersion: input.lockVersion,
      requestId,
      data: { assignee: assignee.id },
      apply: async () => ({ assigned_to: assignee!.id }),
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

export type ChangeTarget = `criterion:${string}` | "section:platform" | "section:documents" | "section:contact";

const REPLY_DAYS_SETTING = "sla.enterprise_reply.working_days";

/** The enterprise's reply deadline when the reviewer leaves it empty: the setting's working days from today. */
export async function defaultReplyBy(now = new Date()): Promise<{ days: number; date: string }> {
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
      const remaining = app.due_at ? workingDaysBetween(new Date(), app.due_at) : null;
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
  input: { lockVersion: number; recommendation: "recognise" | "reject"; summary: string },
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
        due_at: addWorkingDays(new Date(), days),
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
      due_at: addWorkingDays(new Date(), await settingNumber("sla.province.working_days", 10, trx)),
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
