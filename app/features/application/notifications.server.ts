import type { Transaction } from "kysely";
import { provincialAgencyName } from "~/features/reference/agency.ts";
import { config } from "~/platform/config.server.ts";
import type { Application, Database, Locale, User } from "~/platform/db/db-types.ts";
import { applicationMessage, emailText, mailDate, type Addressee, type ApplicationTemplate } from "~/platform/mail/email-templates.server.ts";
import { textKeyOr, translator } from "~/platform/i18n/i18n.server.ts";
import {
  isMinistryStage,
  NOTICES,
  noticeCondition,
  noticeTemplate,
  type Audience,
  type NoticeCondition,
  type NoticeTemplate,
  type WorkflowAction,
} from "./workflow.ts";
import { enqueueEmail } from "~/platform/mail/outbox.server.ts";
import { getProvince, settingValue } from "~/features/reference/reference.server.ts";
import { listActiveReviewersOfProvince } from "~/features/account/user.server.ts";
import { changeTargetLabel } from "./answer-labels.server.ts";
import { digestReaders, isDigestible, recordDigestItem } from "./digest.server.ts";

type Trx = Transaction<Database>;
type Signer = "province" | "ministry" | "portal";

export interface Recipient {
  email: string;
  locale: Locale;
  /** Staff only: the enterprise's emails are listed to the enterprise, staff addresses never are. */
  userId: string | null;
  to: Addressee;
}

/** Facts about one application that several emails need, read once per change. */
export class MailFacts {
  private enterprise?: Promise<{ legal_name: string }>;
  private reviewers?: Promise<{ id: string; email: string; name: string; locale: Locale }[]>;

  constructor(
    readonly trx: Trx,
    readonly app: Application,
  ) {}

  enterpriseName(): Promise<string> {
    this.enterprise ??= this.trx.selectFrom("enterprises").select("legal_name").where("id", "=", this.app.enterprise_id).executeTakeFirstOrThrow();
    return this.enterprise.then((e) => e.legal_name);
  }

  /** An agency's name: the setting (editable), else its default. */
  private async setting(key: string): Promise<string> {
    const v = await settingValue(key, this.trx);
    return typeof v === "string" ? v : "";
  }

  /** "Sở Khoa học và Công nghệ tỉnh Đắk Lắk" (the application's provincial agency). */
  async agency(locale: Locale): Promise<string> {
    const base = await this.setting(`agency.province.${locale}`);
    const code = this.app.province_code;
    const p = code ? await getProvince(code, this.trx) : undefined;
    return p ? provincialAgencyName(base, p, locale) : base;
  }

  ministry(locale: Locale): Promise<string> {
    return this.setting(`agency.ministry.${locale}`);
  }

  async signature(signer: Signer, locale: Locale): Promise<string> {
    if (signer === "province") return this.agency(locale);
    if (signer === "ministry") return this.ministry(locale);
    return emailText(locale, "signature.portal");
  }

  provinceReviewers() {
    const code = this.app.province_code;
    this.reviewers ??= code ? listActiveReviewersOfProvince(code, this.trx) : Promise.resolve([]);
    return this.reviewers;
  }
}

/** The enterprise side: the application's contact address, in the language of the person acting for it. */
export async function enterpriseRecipient(facts: MailFacts, actor?: Pick<User, "role" | "email" | "locale">): Promise<Recipient> {
  const { trx, app } = facts;
  const person = actor?.role === "enterprise" ? actor : await trx.selectFrom("users").select(["email", "locale"]).where("id", "=", app.created_by).executeTakeFirstOrThrow();
  return { email: app.answers.contact?.email ?? person.email, locale: person.locale, userId: null, to: { kind: "enterprise", name: await facts.enterpriseName() } };
}

function staff(list: { id: string; email: string; name: string; locale: Locale }[]): Recipient[] {
  return list.map((s) => ({ email: s.email, locale: s.locale, userId: s.id, to: { kind: "person", name: s.name } }));
}

function activeUsers(trx: Trx, role: "ministry_reviewer" | "admin") {
  return trx.selectFrom("users").select(["id", "email", "name", "locale"]).where("role", "=", role).where("status", "=", "active").orderBy("email").execute();
}

/** A stage's people: its assigned reviewer when it has one, else everybody active at that stage. */
function assignedOrAll<T extends { id: string }>(people: T[], assignedTo: string | null): T[] {
  const assignee = people.find((p) => p.id === assignedTo);
  return assignee ? [assignee] : people;
}

export async function recipientsOf(audience: Audience, facts: MailFacts, actor?: Pick<User, "id" | "role" | "email" | "locale">): Promise<Recipient[]> {
  if (audience === "enterprise") return [await enterpriseRecipient(facts, actor)];
  let people;
  if (audience === "province") people = assignedOrAll(await facts.provinceReviewers(), facts.app.assigned_to);
  else if (audience === "ministry") people = assignedOrAll(await activeUsers(facts.trx, "ministry_reviewer"), facts.app.assigned_to);
  else people = await activeUsers(facts.trx, "admin");
  // Nobody is told about their own action.
  return staff(people.filter((p) => p.id !== actor?.id));
}

const LINKS: Record<Audience, (app: Application) => string> = {
  enterprise: (app) => `/applications/${app.id}`,
  province: (app) => `/review/${app.id}`,
  ministry: (app) => `/ministry/${app.id}`,
  admins: () => `/admin/users#unstaffed`,
};

export interface NoticeContext {
  action: WorkflowAction;
  /** The application before and after the change. */
  before: Application;
  app: Application;
  actor: User;
  reason: string | null;
  facts: MailFacts;
}

type Params = Record<string, string>;
interface TemplateSpec {
  signedBy: Signer | ((c: NoticeContext) => Signer);
  /** The enterprise's link goes to the public catalogue page instead of its application. */
  publicPage?: boolean;
  params?: (c: NoticeContext, locale: Locale) => Params | Promise<Params>;
}

const due = (c: NoticeContext, locale: Locale): Params => ({ dueDate: c.app.due_at ? mailDate(c.app.due_at, locale) : "" });
const decision = (c: NoticeContext, locale: Locale): Params => ({
  decisionNumber: c.app.decision_number ?? "",
  decisionDate: c.app.decision_date ? mailDate(c.app.decision_date, locale) : "",
});
const revocation = (c: NoticeContext, locale: Locale): Params => ({
  revocationNumber: c.app.revocation_number ?? "",
  revocationDate: c.app.revocation_date ? mailDate(c.app.revocation_date, locale) : "",
  revocationReason: c.app.revocation_reason ?? "",
});

async function changeNotes(c: NoticeContext, locale: Locale): Promise<Params> {
  const { trx, app } = c.facts;
  const request = await trx.selectFrom("change_requests").selectAll().where("application_id", "=", app.id).where("resolved_at", "is", null).orderBy("id", "desc").executeTakeFirst();
  if (!request) return { notes: "", replyBy: "" };
  const [items, criteria] = await Promise.all([
    trx.selectFrom("change_request_items").select(["target", "note"]).where("change_request_id", "=", request.id).execute(),
    trx
      .selectFrom("criteria_items")
      .innerJoin("criteria_groups", "criteria_groups.id", "criteria_items.criteria_group_id")
      .select(["criteria_items.key", "criteria_items.text_vi", "criteria_items.text_en"])
      .where("criteria_groups.criteria_set_id", "=", app.criteria_set_id)
      .execute(),
  ]);
  const t = translator(locale);
  const lines = items.map((i) => `- ${changeTargetLabel(t, locale, criteria, i.target)}: ${i.note}`);
  return { notes: [request.message, ...lines].filter(Boolean).join("\n"), replyBy: mailDate(request.reply_by, locale) };
}

/** How each template is signed and what it says beyond the common facts. Typed by NoticeTemplate: none is forgotten. */
const TEMPLATES: Record<NoticeTemplate, TemplateSpec> = {
  submission_receipt: { signedBy: "portal", params: due },
  reviewer_new_application: { signedBy: "portal" },
  unstaffed_province: { signedBy: "portal" },
  taken: { signedBy: "province", params: due },
  changes_requested: { signedBy: "province", params: changeNotes },
  resubmission_receipt: { signedBy: "portal", params: due },
  reviewer_resubmitted: { signedBy: "portal" },
  forwarded: { signedBy: "province", params: due },
  ministry_new_application: { signedBy: "portal" },
  rejected: {
    signedBy: (c) => (c.action === "reject_ministry" ? "ministry" : "province"),
    params: (c, locale) => {
      const t = translator(locale);
      const reasons = (c.app.decision_reasons ?? []).map((r) => `- ${t(textKeyOr(`reason.${r}`, "reason.other"))}`).join("\n");
      return { reasons: [reasons, c.app.decision_note ?? ""].filter(Boolean).join("\n") };
    },
  },
  province_outcome: {
    signedBy: "portal",
    params: (c, locale) => {
      const key = c.action === "recognise" ? "outcome.recognise" : c.action === "revoke" ? "outcome.revoke" : "outcome.reject_ministry";
      return { outcome: emailText(locale, key, { ...decision(c, locale), ...revocation(c, locale) }) };
    },
  },
  ministry_taken: { signedBy: "ministry", params: due },
  returned: { signedBy: "ministry" },
  province_returned: { signedBy: "portal", params: (c) => ({ note: c.reason ?? "" }) },
  recognised: { signedBy: "ministry", publicPage: true, params: decision },
  withdrawal_receipt: { signedBy: "portal" },
  withdrawn: { signedBy: "portal" },
  listing_withdrawal_receipt: { signedBy: "portal", publicPage: true },
  listing_withdrawn: { signedBy: "portal" },
  revoked: { signedBy: "ministry", publicPage: true, params: revocation },
};

async function holds(condition: NoticeCondition | null, c: NoticeContext): Promise<boolean> {
  switch (condition) {
    case null:
      return true;
    case "submitted":
      return c.app.current_version > 0;
    case "reached_ministry":
      return c.app.reached_ministry_at !== null;
    case "province_unstaffed":
      return (await c.facts.provinceReviewers()).length === 0;
    case "first_receipt":
      return c.before.status === "submitted";
  }
}

const AUDIENCES: readonly Audience[] = ["enterprise", "province", "ministry", "admins"];

/**
 * Queues the emails NOTICES names for this action, inside the transition's transaction (called by transition()
 * only). Each recipient gets the email in their own language, signed by the agency that acted; a reviewer who chose
 * the daily digest gets a new or resubmitted application's notice there instead (digest.server.ts).
 */
export async function queueWorkflowNotices(trx: Trx, input: Omit<NoticeContext, "facts">): Promise<void> {
  const c: NoticeContext = { ...input, facts: new MailFacts(trx, input.app) };
  const set = NOTICES[c.action];
  for (const audience of AUDIENCES) {
    const notice = set[audience];
    if (!notice || !(await holds(noticeCondition(notice), c))) continue;
    const template = noticeTemplate(notice);
    const recipients = await recipientsOf(audience, c.facts, c.actor);
    // Reviewers who chose the daily digest get this one there (digest.server.ts), not by email now.
    const digest = isDigestible(template) ? await digestReaders(trx, recipients.flatMap((r) => (r.userId ? [r.userId] : []))) : new Set<string>();
    for (const r of recipients) {
      const spec = TEMPLATES[template];
      const path = audience === "enterprise" && spec.publicPage ? `/platforms/${c.app.id}` : LINKS[audience](c.app);
      if (r.userId && digest.has(r.userId) && isDigestible(template)) {
        await recordDigestItem(trx, { userId: r.userId, applicationId: c.app.id, template, path });
        continue;
      }
      await enqueueApplicationEmail(c.facts, r, template, path, {
        signer: typeof spec.signedBy === "function" ? spec.signedBy(c) : spec.signedBy,
        params: (await spec.params?.(c, r.locale)) ?? {},
      });
    }
  }
}

/** One email about an application to one recipient, with the facts every template may use. */
export async function enqueueApplicationEmail(
  facts: MailFacts,
  r: Recipient,
  template: ApplicationTemplate,
  path: string,
  opts: { signer: Signer; params?: Params },
): Promise<void> {
  const { app } = facts;
  const [enterprise, agency, ministry, signature] = await Promise.all([
    facts.enterpriseName(),
    facts.agency(r.locale),
    facts.ministry(r.locale),
    facts.signature(opts.signer, r.locale),
  ]);
  const params = { reference: app.reference ?? "", platform: app.platform_name, enterprise, agency, ministry, signer: signature.split("\n")[0]!, url: `${config().publicUrl}${path}`, ...opts.params };
  await enqueueEmail(facts.trx, {
    to: r.email,
    locale: r.locale,
    userId: r.userId,
    applicationId: app.id,
    email: applicationMessage(template, r.locale, params, { to: r.to, signature }),
  });
}

/** Who signs a notice about an application that is at a given step (the agency holding it). */
export function holderOf(app: Application): Signer {
  return isMinistryStage(app.status) ? "ministry" : "province";
}
