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
