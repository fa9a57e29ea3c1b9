import type { Transaction } from "kysely";
import type { Application, Database, Locale, User } from "~/lib/db-types.ts";
import { config } from "~/lib/config.server.ts";
import { stepMessage, type ApplicationMailFacts } from "~/lib/email-templates.server.ts";
import { translator } from "~/lib/i18n.server.ts";
import { formatDate, formatIsoDate } from "~/lib/format.ts";
import { enqueueEmail } from "./outbox.server.ts";
import { listActiveReviewersOfProvince } from "./user.server.ts";

type Trx = Transaction<Database>;

async function baseFacts(trx: Trx, app: Application, path: string): Promise<ApplicationMailFacts> {
  const enterprise = await trx.selectFrom("enterprises").select("legal_name").where("id", "=", app.enterprise_id).executeTakeFirstOrThrow();
  return { reference: app.reference ?? "", platform: app.platform_name, enterprise: enterprise.legal_name, url: `${config().publicUrl}${path}` };
}

/** The enterprise side of an application: its contact address, in the language of the person who applied. */
async function enterpriseRecipient(trx: Trx, app: Application): Promise<{ email: string; locale: Locale }> {
  const creator = await trx.selectFrom("users").select(["email", "locale"]).where("id", "=", app.created_by).executeTakeFirstOrThrow();
  return { email: app.answers.contact?.email ?? creator.email, locale: creator.locale };
}

async function toEnterprise(trx: Trx, app: Application, template: Parameters<typeof stepMessage>[0], extra: (locale: Locale) => Record<string, string> = () => ({})) {
  const to = await enterpriseRecipient(trx, app);
  const facts = await baseFacts(trx, app, template === "recognised" ? `/platforms/${app.id}` : `/applications/${app.id}`);
  await enqueueEmail(trx, { to: to.email, locale: to.locale, applicationId: app.id, email: stepMessage(template, to.locale, { ...facts, ...extra(to.locale) }) });
}

async function toStaff(trx: Trx, app: Application, staff: Pick<User, "id" | "email" | "locale">[], template: Parameters<typeof stepMessage>[0], path: string, extra: Record<string, string> = {}) {
  const facts = await baseFacts(trx, app, path);
  for (const s of staff) {
    await enqueueEmail(trx, { to: s.email, locale: s.locale, userId: s.id, applicationId: app.id, email: stepMessage(template, s.locale, { ...facts, ...extra }) });
  }
}

function ministryReviewers(trx: Trx) {
  return trx.selectFrom("users").select(["id", "email", "locale"]).where("role", "=", "ministry_reviewer").where("status", "=", "active").execute();
}

export async function notifyAssigned(trx: Trx, app: Application, assignee: User) {
  const path = assignee.role === "ministry_reviewer" ? `/ministry/${app.id}` : `/review/${app.id}`;
  await toStaff(trx, app, [assignee], "reviewer_assigned", path);
}

export async function notifyChangesRequested(trx: Trx, app: Application, input: { items: { target: string; note: string }[]; replyBy: string; message: string }) {
  const items = await trx
    .selectFrom("criteria_items")
    .innerJoin("criteria_groups", "criteria_groups.id", "criteria_items.criteria_group_id")
    .select(["criteria_items.key", "criteria_items.text_vi", "criteria_items.text_en"])
    .where("criteria_groups.criteria_set_id", "=", app.criteria_set_id)
    .execute();
  await toEnterprise(trx, app, "changes_requested", (locale) => {
    const t = translator(locale);
    const lines = input.items.map((i) => {
      const item = i.target.startsWith("criterion:") ? items.find((x) => `criterion:${x.key}` === i.target) : undefined;
      const label = item ? (locale === "vi" ? item.text_vi : item.text_en) : t(`app.changes.target.${i.target}`);
      return `- ${label}: ${i.note}`;
    });
    return { notes: [input.message, ...lines].filter(Boolean).join("\n"), replyBy: formatIsoDate(input.replyBy, locale) };
  });
}

export async function notifyForwarded(trx: Trx, app: Application) {
  await toEnterprise(trx, app, "forwarded", (locale) => ({ dueDate: app.due_at ? formatDate(app.due_at, locale) : "" }));
  await toStaff(trx, app, await ministryReviewers(trx), "ministry_new_application", `/ministry/${app.id}`);
}

export async function notifyReturned(trx: Trx, app: Application, note: string) {
  await toEnterprise(trx, app, "returned");
  await toStaff(trx, app, await listActiveReviewersOfProvince(app.province_code!, trx), "province_returned", `/review/${app.id}`, { note });
}

export async function notifyRejected(trx: Trx, app: Application) {
  await toEnterprise(trx, app, "rejected", (locale) => {
    const t = translator(locale);
    const reasons = (app.decision_reasons ?? []).map((r) => `- ${t(`reason.${r}`)}`).join("\n");
    return { reasons: [reasons, app.decision_note ?? ""].filter(Boolean).join("\n") };
  });
}

export async function notifyRecognised(trx: Trx, app: Application) {
  await toEnterprise(trx, app, "recognised", (locale) => ({
    decisionNumber: app.decision_number ?? "",
    decisionDate: app.decision_date ? formatIsoDate(app.decision_date, locale) : "",
  }));
}

export async function notifyOverdue(trx: Trx, app: Application, newDate: Date) {
  await toEnterprise(trx, app, "overdue_apology", (locale) => ({ newDate: formatDate(newDate, locale) }));
}

/** Who answers for a deadline: the assigned reviewer, else every active reviewer of the stage (province or ministry). */
async function deadlineKeepers(trx: Trx, app: Application) {
  const ministry = app.status === "in_ministry_review" || app.status === "forwarded";
  let staff: Pick<User, "id" | "email" | "locale">[];
  if (app.assigned_to) staff = await trx.selectFrom("users").select(["id", "email", "locale"]).where("id", "=", app.assigned_to).execute();
  else staff = ministry ? await ministryReviewers(trx) : await listActiveReviewersOfProvince(app.province_code!, trx);
  return { staff, path: ministry ? `/ministry/${app.id}` : `/review/${app.id}` };
}

export async function notifyDueSoon(trx: Trx, app: Application) {
  const { staff, path } = await deadlineKeepers(trx, app);
  await toStaff(trx, app, staff, "reviewer_due_soon", path, {
    dueDate: app.due_at ? formatDate(app.due_at, "vi") : "",
  });
}

export async function notifyReviewersOverdue(trx: Trx, app: Application, newDate: Date) {
  const { staff, path } = await deadlineKeepers(trx, app);
  await toStaff(trx, app, staff, "reviewer_overdue", path, {
    dueDate: app.due_at ? formatDate(app.due_at, "vi") : "",
    newDate: formatDate(newDate, "vi"),
  });
}
