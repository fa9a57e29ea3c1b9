import type { Transaction } from "kysely";
import type { Application, Database, Locale, User } from "~/lib/db-types.ts";
import { config } from "~/lib/config.server.ts";
import {
  newApplicationNoticeMessage,
  submissionReceiptMessage,
  withdrawnNoticeMessage,
  type ApplicationMailFacts,
} from "~/lib/email-templates.server.ts";
import { formatDate } from "~/lib/format.ts";
import { enqueueEmail } from "./outbox.server.ts";
import { listActiveReviewersOfProvince } from "./user.server.ts";

async function facts(trx: Transaction<Database>, app: Application, path: string): Promise<ApplicationMailFacts> {
  const enterprise = await trx.selectFrom("enterprises").select("legal_name").where("id", "=", app.enterprise_id).executeTakeFirstOrThrow();
  return {
    reference: app.reference ?? "",
    platform: app.platform_name,
    enterprise: enterprise.legal_name,
    url: `${config().publicUrl}${path}`,
  };
}

async function agencyName(trx: Transaction<Database>, provinceCode: string, locale: Locale): Promise<string> {
  const [province, setting] = await Promise.all([
    trx.selectFrom("provinces").select(["name_vi", "name_ascii"]).where("code", "=", provinceCode).executeTakeFirstOrThrow(),
    trx.selectFrom("settings").select("value").where("key", "=", `agency.province.${locale}`).executeTakeFirst(),
  ]);
  const agency = typeof setting?.value === "string" ? setting.value : locale === "vi" ? "Sở Khoa học và Công nghệ" : "Department of Science and Technology";
  return locale === "vi" ? `${agency} ${province.name_vi}` : `${agency}, ${province.name_ascii}`;
}


/** Receipt to the application's contact, notice to every active reviewer of the province. */
export async function notifySubmitted(
  trx: Transaction<Database>,
  app: Application,
  ctx: { user: User; locale: Locale; resubmission: boolean },
): Promise<void> {
  const province = app.province_code!;
  const enterpriseFacts = await facts(trx, app, `/applications/${app.id}`);
  const contactEmail = app.answers.contact?.email ?? ctx.user.email;
  await enqueueEmail(trx, {
    to: contactEmail,
    locale: ctx.locale,
    applicationId: app.id,
    email: submissionReceiptMessage(ctx.locale, {
      ...enterpriseFacts,
      agency: await agencyName(trx, province, ctx.locale),
      dueDate: app.due_at ? formatDate(app.due_at, ctx.locale) : "",
      resubmission: ctx.resubmission,
    }),
  });
  const staffFacts = { ...enterpriseFacts, url: `${config().publicUrl}/review/${app.id}` };
  for (const reviewer of await listActiveReviewersOfProvince(province, trx)) {
    await enqueueEmail(trx, {
      to: reviewer.email,
      locale: reviewer.locale,
      userId: reviewer.id,
      applicationId: app.id,
      email: newApplicationNoticeMessage(reviewer.locale, { ...staffFacts, resubmission: ctx.resubmission }),
    });
  }
}

/** Reviewers of a submitted application learn that it was withdrawn. */
export async function notifyWithdrawn(trx: Transaction<Database>, app: Application): Promise<void> {
  if (!app.province_code || app.current_version === 0) return;
  const staffFacts = await facts(trx, app, `/review/${app.id}`);
  for (const reviewer of await listActiveReviewersOfProvince(app.province_code, trx)) {
    await enqueueEmail(trx, {
      to: reviewer.email,
      locale: reviewer.locale,
      userId: reviewer.id,
      applicationId: app.id,
      email: withdrawnNoticeMessage(reviewer.locale, staffFacts),
    });
  }
}
