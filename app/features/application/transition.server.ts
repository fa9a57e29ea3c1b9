import { sql, type Transaction } from "kysely";
import { settingValue } from "~/features/reference/reference.server.ts";
import type { Application, ApplicationUpdate, Database, User } from "~/platform/db/db-types.ts";
import { db, type Executor } from "~/platform/db/db.server.ts";
import { vietnamDate } from "~/platform/time/working-days.ts";
import { canTransition, isMinistryStage, WORKFLOW, type WorkflowAction } from "./workflow.ts";

import { ConflictError, ForbiddenTransitionError, NotFoundError } from "~/platform/errors.ts";
import { recordAudit } from "~/platform/db/audit.server.ts";
import { queueWorkflowNotices } from "./notifications.server.ts";

import { deleteUnsubmittedFiles, listAttachments } from "./files.server.ts";
import { canViewApplication } from "./queries.server.ts";

// ---------- workflow ----------

export interface TransitionInput<Patch extends ApplicationUpdate = ApplicationUpdate> {
  applicationId: string;
  actor: User;
  action: WorkflowAction;
  /** The lock_version the actor was looking at; a mismatch answers 409. */
  expectedLockVersion?: number;
  reason?: string | null;
  data?: Record<string, unknown>;
  requestId: string;
  /** Extra checks and column updates inside the transaction, after the state check. */
  apply?: (trx: Transaction<Database>, app: Application) => Promise<Patch | void>;
  /** Records beyond the table's notices that must commit with the change (e.g. the assignment email). */
  after?: (trx: Transaction<Database>, app: Application) => Promise<void>;
}

/**
 * A returned object is not checked for excess properties (a misspelt column would pass as long as one other key is
 * right): the patch type is inferred instead, and any key that is not a column of applications is an error naming it.
 */
type UnknownColumns<Patch> = Patch extends unknown ? Exclude<keyof Patch, keyof ApplicationUpdate> : never;
type KnownColumns<Patch> = [UnknownColumns<Patch>] extends [never] ? unknown : { notColumnsOfApplications: UnknownColumns<Patch> };

/**
 * The one place an application changes state: checks actor, scope, state and version; audits; and queues the emails
 * NOTICES (app/features/application/workflow.ts) names for the action, all in one transaction. Routes call the commands that wrap it.
 */
export async function transition<Patch extends ApplicationUpdate>(input: TransitionInput<Patch> & KnownColumns<Patch>): Promise<Application> {
  const { actor, action } = input;
  return db()
    .transaction()
    .execute(async (trx) => {
      const app = await trx.selectFrom("applications").selectAll().where("id", "=", input.applicationId).forUpdate().executeTakeFirst();
      if (!app || !(await inScope(trx, actor, app))) throw new NotFoundError();
      if (input.expectedLockVersion !== undefined && app.lock_version !== input.expectedLockVersion)
        throw new ConflictError({ status: app.status, lockVersion: app.lock_version });
      if (!canTransition(action, app.status, actor.role)) {
        if (WORKFLOW[action].role !== actor.role) throw new ForbiddenTransitionError();
        throw new ConflictError({ status: app.status, lockVersion: app.lock_version });
      }
      const rule = WORKFLOW[action];
      const extra = (await input.apply?.(trx, app)) ?? {};
      const to = rule.toWhenAssigned && (await hasActiveProvincialAssignee(trx, app)) ? rule.toWhenAssigned : rule.to;
      const updated = await trx
        .updateTable("applications")
        .set({
          ...extra,
          status: to,
          lock_version: sql`lock_version + 1`,
          updated_at: sql`now()`,
          ...(["recognised", "rejected"].includes(to) || (to === "withdrawn" && app.status !== "recognised") ? { decided_at: sql`now()` } : {}),
          ...(isMinistryStage(to) && !app.reached_ministry_at ? { reached_ministry_at: sql`now()` } : {}),
        })
        .where("id", "=", app.id)
        .where("lock_version", "=", app.lock_version)
        .returningAll()
        .executeTakeFirst();
      if (!updated) throw new ConflictError({ status: app.status, lockVersion: app.lock_version });
      if (to === "withdrawn") await deleteUnsubmittedFiles(trx, app.id);
      await recordAudit(trx, {
        actorUserId: actor.id,
        actorRole: actor.role,
        provinceCode: updated.province_code,
        action: `application.${action}`,
        entityType: "application",
        entityId: app.id,
        fromState: app.status,
        toState: to,
        reason: input.reason ?? null,
        // The deadline in force when the step ended (cleared or replaced by the change): the staff statistics' "on time".
        data: app.due_at ? { ...input.data, dueAt: app.due_at.toISOString() } : input.data,
        requestId: input.requestId,
      });
      await queueWorkflowNotices(trx, { action, before: app, app: updated, actor, reason: input.reason ?? null });
      await input.after?.(trx, updated);
      return updated;
    });
}

/** The application's assignee is still an active reviewer of its province (so work can go straight back to them). */
async function hasActiveProvincialAssignee(trx: Executor, app: Application): Promise<boolean> {
  if (!app.assigned_to || !app.province_code) return false;
  const row = await trx
    .selectFrom("users")
    .select("id")
    .where("id", "=", app.assigned_to)
    .where("role", "=", "province_reviewer")
    .where("province_code", "=", app.province_code)
    .where("status", "=", "active")
    .executeTakeFirst();
  return Boolean(row);
}

async function inScope(trx: Executor, actor: User, app: Application): Promise<boolean> {
  if (actor.role === "enterprise") {
    const m = await trx
      .selectFrom("enterprise_members")
      .select("user_id")
      .where("user_id", "=", actor.id)
      .where("enterprise_id", "=", app.enterprise_id)
      .executeTakeFirst();
    return Boolean(m);
  }
  return canViewApplication(actor, app, trx);
}

/** Province code, Vietnamese date and a daily sequence: short enough to read over the phone, e.g. 79-261123-0042. */
export async function nextReference(trx: Executor, provinceCode: string, at: Date): Promise<string> {
  const day = vietnamDate(at).slice(2).replace(/-/g, "");
  const row = await trx
    .insertInto("reference_counters")
    .values({ province_code: provinceCode, day, last_value: 1 })
    .onConflict((oc) => oc.columns(["province_code", "day"]).doUpdateSet({ last_value: sql`reference_counters.last_value + 1` }))
    .returning("last_value")
    .executeTakeFirstOrThrow();
  return `${provinceCode}-${day}-${String(row.last_value).padStart(4, "0")}`;
}

/** A numeric setting (kept in memory by the reference feature), else `fallback`. */
export async function settingNumber(key: string, fallback: number, ex?: Executor): Promise<number> {
  const n = Number(await settingValue(key, ex));
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export async function freezeVersion(trx: Transaction<Database>, app: Application, user: User, version: number) {
  const files = await listAttachments(app.id, trx);
  await trx
    .insertInto("application_versions")
    .values({
      application_id: app.id,
      version,
      answers: JSON.stringify(app.answers),
      attachment_ids: JSON.stringify(files.map((f) => f.id)),
      submitted_by: user.id,
    })
    .execute();
  await trx.updateTable("attachments").set({ frozen: true }).where("application_id", "=", app.id).where("deleted_at", "is", null).execute();
  return files;
}
