import type { Transaction } from "kysely";
import type { Application, Database, User } from "~/platform/db/db-types.ts";
import { mailDate } from "~/platform/mail/email-templates.server.ts";
import { isMinistryStage } from "~/features/application/workflow.ts";
import { enqueueApplicationEmail, enterpriseRecipient, holderOf, MailFacts, recipientsOf } from "~/features/application/notifications.server.ts";

// Notices outside the workflow's transitions (those are in NOTICES, app/features/application/workflow.ts): assignments and deadlines.

type Trx = Transaction<Database>;

const reviewPath = (app: Application, ministry: boolean) => (ministry ? `/ministry/${app.id}` : `/review/${app.id}`);

export async function notifyAssigned(trx: Trx, app: Application, assignee: User) {
  const facts = new MailFacts(trx, app);
  const to = { email: assignee.email, locale: assignee.locale, userId: assignee.id, to: { kind: "person" as const, name: assignee.name } };
  await enqueueApplicationEmail(facts, to, "reviewer_assigned", reviewPath(app, assignee.role === "ministry_reviewer"), { signer: "portal" });
}

export async function notifyOverdue(trx: Trx, app: Application, newDate: Date) {
  const facts = new MailFacts(trx, app);
  const to = await enterpriseRecipient(facts);
  await enqueueApplicationEmail(facts, to, "overdue_apology", `/applications/${app.id}`, { signer: holderOf(app), params: { newDate: mailDate(newDate, to.locale) } });
}

export async function notifyDueSoon(trx: Trx, app: Application) {
  const facts = new MailFacts(trx, app);
  const ministry = isMinistryStage(app.status);
  for (const r of await recipientsOf(ministry ? "ministry" : "province", facts)) {
    await enqueueApplicationEmail(facts, r, "reviewer_due_soon", reviewPath(app, ministry), {
      signer: "portal",
      params: { dueDate: app.due_at ? mailDate(app.due_at, r.locale) : "" },
    });
  }
}

/** The assigned reviewer, or else every active reviewer of the stage, hears that the deadline has passed. */
export async function notifyReviewersOverdue(trx: Trx, app: Application, newDate: Date) {
  const facts = new MailFacts(trx, app);
  const ministry = isMinistryStage(app.status);
  for (const r of await recipientsOf(ministry ? "ministry" : "province", facts)) {
    await enqueueApplicationEmail(facts, r, "reviewer_overdue", reviewPath(app, ministry), {
      signer: "portal",
      params: { dueDate: app.due_at ? mailDate(app.due_at, r.locale) : "", newDate: mailDate(newDate, r.locale) },
    });
  }
}

/**
 * A reviewer declared a conflict of interest with the enterprise: the stage's other active reviewers hear of it (the
 * province's for the province step, the ministry's for the ministry step; there is no lead role yet). Returns how
 * many were told.
 */
export async function notifyConflictDeclared(trx: Trx, app: Application, declarer: User, reason: string): Promise<number> {
  const facts = new MailFacts(trx, app);
  const ministry = declarer.role === "ministry_reviewer";
  const people = ministry
    ? await trx.selectFrom("users").select(["id", "email", "name", "locale"]).where("role", "=", "ministry_reviewer").where("status", "=", "active").orderBy("email").execute()
    : await facts.provinceReviewers();
  const others = people.filter((p) => p.id !== declarer.id);
  for (const p of others) {
    const to = { email: p.email, locale: p.locale, userId: p.id, to: { kind: "person" as const, name: p.name } };
    await enqueueApplicationEmail(facts, to, "conflict_declared", reviewPath(app, ministry), { signer: "portal", params: { declarer: declarer.name, reason } });
  }
  return others.length;
}
