import { sql, type Transaction } from "kysely";
import type { Application, Database, ReviewStage, User } from "~/platform/db/db-types.ts";
import { db, type Executor } from "~/platform/db/db.server.ts";
import { recordAudit } from "~/platform/db/audit.server.ts";
import { NotFoundError } from "~/platform/errors.ts";
import { canViewApplication } from "~/features/application/queries.server.ts";
import { stageOf } from "./queries.server.ts";
import { notifyConflictDeclared } from "./review-notifications.server.ts";

type Trx = Transaction<Database>;

/**
 * Conflicts of interest (issue 12). Before a reviewer takes an application they declare that they have no conflict of
 * interest with its enterprise, or that they have one, with a reason. Both are kept (conflict_declarations) and are
 * audit events. A declared conflict blocks that reviewer from taking, or being assigned, any application of that
 * enterprise; the people who would otherwise decide (there is no lead role yet: the other active reviewers of the
 * stage, in the province or at the ministry) are told by email.
 */
export type Declaration = { conflict: false } | { conflict: true; reason: string };

/** A take without a declaration: the command refuses it (the form's radios must say one or the other). */
export class DeclarationRequiredError extends Error {
  constructor() {
    super("Taking an application needs a declaration about conflicts of interest");
  }
}

/** The reviewer (the taker, or the colleague being assigned) has declared a conflict with this enterprise. */
export class ConflictOfInterestError extends Error {
  constructor(
    readonly declaredAt: Date,
    readonly self: boolean,
  ) {
    super("A conflict of interest with this enterprise was declared");
  }
}

/** The reviewer's declared conflict with an enterprise (the first one), if any. */
export async function declaredConflict(userId: string, enterpriseId: string, ex: Executor = db()) {
  return ex
    .selectFrom("conflict_declarations")
    .select(["id", "reason", "created_at", "application_id"])
    .where("user_id", "=", userId)
    .where("enterprise_id", "=", enterpriseId)
    .where("has_conflict", "=", true)
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();
}

/** Of these reviewers, those who declared a conflict with the enterprise (the assign list leaves them out). */
export async function conflictedAmong(userIds: string[], enterpriseId: string): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db()
    .selectFrom("conflict_declarations")
    .select("user_id")
    .distinct()
    .where("user_id", "in", userIds)
    .where("enterprise_id", "=", enterpriseId)
    .where("has_conflict", "=", true)
    .execute();
  return new Set(rows.map((r) => r.user_id));
}

/** Refuses the assignment when the assignee declared a conflict with the application's enterprise. */
export async function assertNoDeclaredConflict(trx: Executor, assignee: User, app: Application, self: boolean): Promise<void> {
  const found = await declaredConflict(assignee.id, app.enterprise_id, trx);
  if (found) throw new ConflictOfInterestError(found.created_at, self);
}

async function record(trx: Trx, user: User, app: Application, stage: ReviewStage, declaration: Declaration, requestId: string) {
  const reason = declaration.conflict ? declaration.reason : "";
  await trx
    .insertInto("conflict_declarations")
    .values({ user_id: user.id, enterprise_id: app.enterprise_id, application_id: app.id, stage, has_conflict: declaration.conflict, reason })
    .execute();
  await recordAudit(trx, {
    actorUserId: user.id,
    actorRole: user.role,
    provinceCode: app.province_code,
    action: declaration.conflict ? "application.conflict_declared" : "application.no_conflict_declared",
    entityType: "application",
    entityId: app.id,
    reason: declaration.conflict ? reason : null,
    data: { stage, enterprise: app.enterprise_id },
    requestId,
  });
}

/** The "no conflict" half, inside the take's transaction: refused if a conflict was declared before. */
export async function recordNoConflict(trx: Trx, user: User, app: Application, requestId: string): Promise<void> {
  await assertNoDeclaredConflict(trx, user, app, true);
  await record(trx, user, app, stageOf(user), { conflict: false }, requestId);
}

/**
 * The reviewer declares a conflict with the application's enterprise: recorded, audited, and the stage's other
 * reviewers are told (in the same transaction, through the outbox). Nothing is taken; an assignment to the declarer
 * is released. Returns how many colleagues were told.
 */
export async function declareConflict(user: User, applicationId: string, reason: string, requestId: string): Promise<number> {
  const stage = stageOf(user);
  return db()
    .transaction()
    .execute(async (trx) => {
      const app = await trx.selectFrom("applications").selectAll().where("id", "=", applicationId).forUpdate().executeTakeFirst();
      if (!app || !(await canViewApplication(user, app, trx))) throw new NotFoundError();
      await record(trx, user, app, stage, { conflict: true, reason }, requestId);
      if (app.assigned_to === user.id) {
        await trx.updateTable("applications").set({ assigned_to: null, lock_version: sql`lock_version + 1`, updated_at: sql`now()` }).where("id", "=", app.id).execute();
        await recordAudit(trx, {
          actorUserId: user.id,
          actorRole: user.role,
          provinceCode: app.province_code,
          action: "application.released",
          entityType: "application",
          entityId: app.id,
          data: { assignee: null, previous: user.id, conflict: true },
          requestId,
        });
      }
      return notifyConflictDeclared(trx, app, user, reason);
    });
}
