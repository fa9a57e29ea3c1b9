import type { Locale, Role } from "~/platform/db/db-types.ts";
import { EMAIL_TEXTS_EN, EMAIL_TEXTS_VI, type EmailKey } from "./email-texts.server.ts";
import { translator } from "~/platform/i18n/i18n.server.ts";
import type { RenderedEmail } from "./outbox.server.ts";
import { dateTimeFormat } from "~/platform/i18n/format.ts";

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const TEXTS: Record<Locale, Record<EmailKey, string>> = { vi: EMAIL_TEXTS_VI, en: EMAIL_TEXTS_EN };

/** One email text with its {placeholders} filled in. */
export function emailText(locale: Locale, key: EmailKey, params: Record<string, string> = {}): string {
  return TEXTS[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}

/** Dates in emails: "9/12/2026" in Vietnamese, "9 December 2026" in English (never a day/month order to guess). */
export function mailDate(value: Date | string, locale: Locale): string {
  const date = typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00+07:00`) : new Date(value);
  return dateTimeFormat(locale, "date").format(date);
}

function paragraphsHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("\n");
}

interface Parts {
  template: string;
  locale: Locale;
  subject: string;
  greeting: string;
  body: string;
  link?: { href: string; label?: string };
  after?: string;
  /** The sending agency, one line per level ("Sở Khoa học và Công nghệ tỉnh Đắk Lắk"). */
  signature: string;
}

function render({ template, locale, subject, greeting, body, link, after, signature }: Parts): RenderedEmail {
  const t = translator(locale);
  const footer = emailText(locale, "footer");
  const closing = emailText(locale, "closing");
  const text = [greeting, body, link ? link.href : "", after ?? "", `${closing}\n${signature}`, "--", footer].filter(Boolean).join("\n\n");
  const html = `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #0b0c0c">
<p style="font-weight: bold; border-bottom: 4px solid #c8102e; padding-bottom: 8px">${escapeHtml(t("app.name"))}</p>
${paragraphsHtml(greeting)}
${paragraphsHtml(body)}
${link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label ?? link.href)}</a></p>` : ""}
${after ? paragraphsHtml(after) : ""}
<p>${escapeHtml(closing)}<br><strong>${escapeHtml(signature).replace(/\n/g, "<br>")}</strong></p>
<hr><p style="color: #505a5f; font-size: 14px">${escapeHtml(footer)}</p>
</body></html>`;
  return { template, subject: `${subject} – ${t("app.short")}`, text, html };
}

/** The portal's own emails (accounts): addressed to the person, signed by the portal and its ministry. */
function accountMessage(template: AccountTemplate, locale: Locale, p: { name?: string; url: string; params?: Record<string, string>; after?: boolean }) {
  const params = { ...p.params, ...(p.name ? { name: p.name } : {}) };
  return render({
    template,
    locale,
    subject: emailText(locale, `${template}.subject`, params),
    greeting: p.name ? emailText(locale, "greeting.person", params) : emailText(locale, "greeting.unknown"),
    body: emailText(locale, `${template}.body`, params),
    link: { href: p.url },
    after: p.after ? emailText(locale, `${template}.after` as EmailKey) : undefined,
    signature: emailText(locale, "signature.portal"),
  });
}

export function verifyEmailMessage(locale: Locale, p: { name: string; url: string }): RenderedEmail {
  return accountMessage("verify_email", locale, { ...p, after: true });
}

export function signupExistingMessage(locale: Locale, p: { name: string; url: string }): RenderedEmail {
  return accountMessage("signup_existing", locale, p);
}

export function resetPasswordMessage(locale: Locale, p: { name: string; url: string }): RenderedEmail {
  return accountMessage("reset_password", locale, { ...p, after: true });
}

export function inviteMessage(locale: Locale, p: { name: string; url: string; role: Role }): RenderedEmail {
  return accountMessage("invite", locale, { name: p.name, url: p.url, params: { role: translator(locale)(`role.${p.role}`) } });
}

export function enterpriseInviteMessage(locale: Locale, p: { inviter: string; enterprise: string; url: string }): RenderedEmail {
  return accountMessage("enterprise_invite", locale, { url: p.url, params: { inviter: p.inviter, enterprise: p.enterprise } });
}

export interface ApplicationMailFacts {
  reference: string;
  platform: string;
  enterprise: string;
  url: string;
}

/** Emails about an application: the templates of the workflow's notices (NOTICES in app/features/application/workflow.ts) and the
 * deadline and assignment notices share one shape. */
export type ApplicationTemplate = Exclude<EmailTemplate, AccountTemplate | VerificationTemplate | DigestTemplate>;

/** Every email that has a subject and a body in the texts (the workflow's NoticeTemplate must be a subset: it is assigned to this). */
export type EmailTemplate = EmailKey extends infer K ? (K extends `${infer T}.subject` ? T : never) : never;
type AccountTemplate = "verify_email" | "signup_existing" | "reset_password" | "invite" | "enterprise_invite";

export interface Addressee {
  /** A person's name, or the enterprise's legal name for the enterprise side. */
  name: string;
  kind: "enterprise" | "person";
}

/** An email to one addressee about a case (an application, a verification, a dispute): greeting, body, link, signature. */
function addressedMessage(
  template: Exclude<EmailTemplate, AccountTemplate>,
  locale: Locale,
  p: Record<string, string> & { url: string },
  opts: { to: Addressee; signature: string },
): RenderedEmail {
  return render({
    template,
    locale,
    subject: emailText(locale, `${template}.subject`, p),
    greeting:
      opts.to.kind === "enterprise"
        ? emailText(locale, "greeting.enterprise", { enterprise: opts.to.name })
        : emailText(locale, "greeting.person", { name: opts.to.name }),
    body: emailText(locale, `${template}.body`, p),
    link: { href: p.url },
    signature: opts.signature,
  });
}

export function applicationMessage(
  template: ApplicationTemplate,
  locale: Locale,
  p: ApplicationMailFacts & Record<string, string>,
  opts: { to: Addressee; signature: string },
): RenderedEmail {
  return addressedMessage(template, locale, p, opts);
}

export type VerificationTemplate =
  | "dispute_filed_province"
  | "dispute_filed_holder"
  | "dispute_filed_claimant"
  | "dispute_upheld"
  | "dispute_refused"
  | "enterprise_not_verified";

/** Enterprise verification and tax-code dispute emails (app/features/enterprise/verification.server.ts). */
export function verificationMessage(
  template: VerificationTemplate,
  locale: Locale,
  p: Record<string, string> & { url: string },
  opts: { to: Addressee; signature: string },
): RenderedEmail {
  return addressedMessage(template, locale, p, opts);
}

type DigestTemplate = "reviewer_digest";

/**
 * A reviewer's daily digest (app/features/application/digest.server.ts): the notices of the day about new and
 * resubmitted applications in one email, one line and link per notice, signed by the portal.
 */
export function digestMessage(locale: Locale, p: { name: string; date: string; count: number; items: string; url: string }): RenderedEmail {
  return addressedMessage(
    "reviewer_digest",
    locale,
    { date: p.date, count: String(p.count), items: p.items, url: p.url },
    { to: { kind: "person", name: p.name }, signature: emailText(locale, "signature.portal") },
  );
}
