import { sql, type Transaction } from "kysely";
import type {
Answers,
Application,CriterionAnswer,
Database,User
} from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import { canEditCriterion, canEditSection } from "./editable.ts";
import { isEditable } from "./workflow.ts";

import { NotEditableError, NotFoundError } from "~/platform/errors.ts";
import { recordAudit } from "~/platform/db/audit.server.ts";

import { MAX_OPEN_DRAFTS_PER_ENTERPRISE } from "./limits.server.ts";
import { normaliseUrl, refreshSearchText } from "./queries.server.ts";
import { settingNumber } from "./transition.server.ts";

// ---------- drafting ----------

export class DraftLimitError extends Error {
  constructor(public max: number) {
    super(`The enterprise already has ${max} open drafts`);
  }
}

/** A new draft, unless the enterprise already has its maximum of open (never submitted) drafts. */
export async function createDraft(user: User, enterpriseId: string, requestId: string): Promise<Application> {
  return db()
    .transaction()
    .execute(async (trx) => {
      // Locked so that two requests at once cannot both create the last allowed draft.
      await trx.selectFrom("enterprises").select("id").where("id", "=", enterpriseId).forNoKeyUpdate().executeTakeFirst();
      const max = await settingNumber("drafts.enterprise_max_open", MAX_OPEN_DRAFTS_PER_ENTERPRISE, trx);
      const open = await trx
        .selectFrom("applications")
        .select(sql<number>`count(*)::int`.as("n"))
        .where("enterprise_id", "=", enterpriseId)
        .where("status", "=", "draft")
        .executeTakeFirstOrThrow();
      if (Number(open.n) >= max) throw new DraftLimitError(max);
      const set = await trx.selectFrom("criteria_sets").select("id").where("is_current", "=", true).executeTakeFirstOrThrow();
      const app = await trx
        .insertInto("applications")
        .values({ enterprise_id: enterpriseId, criteria_set_id: set.id, created_by: user.id })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        action: "application.created",
        entityType: "application",
        entityId: app.id,
        toState: "draft",
        requestId,
      });
      return app;
    });
}

export async function lockForEdit(trx: Transaction<Database>, applicationId: string): Promise<Application> {
  const app = await trx.selectFrom("applications").selectAll().where("id", "=", applicationId).forUpdate().executeTakeFirst();
  if (!app) throw new NotFoundError();
  if (!isEditable(app.status)) throw new NotEditableError();
  return app;
}

/** The enterprise saved a reopened part again: it no longer reads "needs changes" (see needsChanges in app/features/application/editable.ts). */
export async function markAddressed(trx: Transaction<Database>, app: Application, target: string) {
  if (app.status !== "changes_requested") return;
  await trx
    .updateTable("change_request_items")
    .set({ addressed_at: sql`now()` })
    .where("target", "=", target)
    .where("addressed_at", "is", null)
    .where("change_request_id", "in", (eb) =>
      eb.selectFrom("change_requests").select("id").where("application_id", "=", app.id).where("resolved_at", "is", null),
    )
    .execute();
}

type SectionData = {
  platform: NonNullable<Answers["platform"]>;
  contact: NonNullable<Answers["contact"]>;
  declaration: NonNullable<Answers["declaration"]>;
};

export async function saveSection<S extends keyof SectionData>(
  user: User,
  applicationId: string,
  section: S,
  value: SectionData[S],
  requestId: string,
): Promise<void> {
  await db()
    .transaction()
    .execute(async (trx) => {
      const app = await lockForEdit(trx, applicationId);
      if (!canEditSection(app, section)) throw new NotEditableError();
      const answers: Answers = { ...app.answers, [section]: value };
      const platform = answers.platform ?? {};
      await trx
        .updateTable("applications")
        .set({
          answers: JSON.stringify(answers),
          platform_name: platform.name ?? "",
          platform_url: normaliseUrl(platform.publicUrl ?? ""),
          sector: platform.sector ?? null,
          updated_at: sql`now()`,
        })
        .where("id", "=", app.id)
        .execute();
      if (section === "platform") await refreshSearchText(trx, { applicationId: app.id });
      await markAddressed(trx, app, `section:${section}`);
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        action: `application.section_saved`,
        entityType: "application",
        entityId: app.id,
        data: { section },
        requestId,
      });
    });
}

export async function saveCriterion(user: User, applicationId: string, key: string, answer: CriterionAnswer, requestId: string) {
  await db()
    .transaction()
    .execute(async (trx) => {
      const app = await lockForEdit(trx, applicationId);
      if (!canEditCriterion(app, key)) throw new NotEditableError();
      const criteria = { ...(app.answers.criteria ?? {}), [key]: answer };
      const answers: Answers = { ...app.answers, criteria };
      await trx
        .updateTable("applications")
        .set({ answers: JSON.stringify(answers), updated_at: sql`now()` })
        .where("id", "=", app.id)
        .execute();
      await markAddressed(trx, app, `criterion:${key}`);
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        action: "application.criterion_saved",
        entityType: "application",
        entityId: app.id,
        data: { key },
        requestId,
      });
    });
}
