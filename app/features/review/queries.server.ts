import type { Application, ReviewStage, User } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import { isUuid } from "~/platform/forms/input.server.ts";
import { verdictStagesFor, type Audience } from "~/features/application/disclosure.server.ts";
import { canViewApplication } from "~/features/application/queries.server.ts";

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
