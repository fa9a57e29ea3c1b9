import type { Locale } from "./db-types.ts";
import { translator } from "./i18n.server.ts";
import type { RenderedEmail } from "~/models/outbox.server.ts";

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
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
  body: string;
  link?: { href: string; label?: string };
  after?: string;
}

function render({ template, locale, subject, body, link, after }: Parts): RenderedEmail {
  const t = translator(locale);
  const footer = t("email.footer");
  const text = [body, link ? link.href : "", after ?? "", "--", footer].filter(Boolean).join("\n\n");
  const html = `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #0b0c0c">
<p style="font-weight: bold; border-bottom: 4px solid #c8102e; padding-bottom: 8px">${escapeHtml(t("app.name"))}</p>
${paragraphsHtml(body)}
${link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label ?? link.href)}</a></p>` : ""}
${after ? paragraphsHtml(after) : ""}
<hr><p style="color: #505a5f; font-size: 14px">${escapeHtml(footer)}</p>
</body></html>`;
  return { template, subject: `${subject} – ${t("app.short")}`, text, html };
}

export function verifyEmailMessage(locale: Locale, p: { name: string; url: string }): RenderedEmail {
  const t = translator(locale);
  return render({
    template: "verify_email",
    locale,
    subject: t("email.verify.subject"),
    body: t("email.verify.body", { name: p.name }),
    link: { href: p.url },
    after: t("email.verify.ignore"),
  });
}

export function signupExistingMessage(locale: Locale, p: { name: string; url: string }): RenderedEmail {
  const t = translator(locale);
  return render({
    template: "signup_existing",
    locale,
    subject: t("email.signupExisting.subject"),
    body: t("email.signupExisting.body", { name: p.name }),
    link: { href: p.url },
  });
}

export function resetPasswordMessage(locale: Locale, p: { name: string; url: string }): RenderedEmail {
  const t = translator(locale);
  return render({
    template: "reset_password",
    locale,
    subject: t("email.reset.subject"),
    body: t("email.reset.body", { name: p.name }),
    link: { href: p.url },
    after: t("email.reset.ignore"),
  });
}

export function inviteMessage(locale: Locale, p: { name: string; url: string; role: string }): RenderedEmail {
  const t = translator(locale);
  return render({
    template: "invite",
    locale,
    subject: t("email.invite.subject"),
    body: t("email.invite.body", { name: p.name, role: t(`role.${p.role}`) }),
    link: { href: p.url },
  });
}

export function enterpriseInviteMessage(locale: Locale, p: { inviter: string; enterprise: string; url: string }): RenderedEmail {
  const t = translator(locale);
  return render({
    template: "enterprise_invite",
    locale,
    subject: t("email.enterpriseInvite.subject", { enterprise: p.enterprise }),
    body: t("email.enterpriseInvite.body", { inviter: p.inviter, enterprise: p.enterprise }),
    link: { href: p.url },
  });
}

export interface ApplicationMailFacts {
  reference: string;
  platform: string;
  enterprise: string;
  url: string;
}

export function submissionReceiptMessage(
  locale: Locale,
  p: ApplicationMailFacts & { agency: string; dueDate: string; resubmission: boolean },
): RenderedEmail {
  const t = translator(locale);
  return render({
    template: p.resubmission ? "resubmission_receipt" : "submission_receipt",
    locale,
    subject: t(p.resubmission ? "email.resubmitted.subject" : "email.received.subject", { reference: p.reference }),
    body: t(p.resubmission ? "email.resubmitted.body" : "email.received.body", {
      reference: p.reference,
      platform: p.platform,
      agency: p.agency,
      dueDate: p.dueDate,
    }),
    link: { href: p.url },
  });
}

export function newApplicationNoticeMessage(locale: Locale, p: ApplicationMailFacts & { resubmission: boolean }): RenderedEmail {
  const t = translator(locale);
  return render({
    template: p.resubmission ? "reviewer_resubmitted" : "reviewer_new_application",
    locale,
    subject: t(p.resubmission ? "email.reviewerResubmitted.subject" : "email.reviewerNew.subject", { reference: p.reference }),
    body: t(p.resubmission ? "email.reviewerResubmitted.body" : "email.reviewerNew.body", {
      reference: p.reference,
      platform: p.platform,
      enterprise: p.enterprise,
    }),
    link: { href: p.url },
  });
}

export function withdrawnNoticeMessage(locale: Locale, p: ApplicationMailFacts): RenderedEmail {
  const t = translator(locale);
  return render({
    template: "withdrawn",
    locale,
    subject: t("email.withdrawn.subject", { reference: p.reference }),
    body: t("email.withdrawn.body", { reference: p.reference, platform: p.platform, enterprise: p.enterprise }),
    link: { href: p.url },
  });
}

type StepTemplate =
  | "changes_requested"
  | "forwarded"
  | "returned"
  | "rejected"
  | "recognised"
  | "overdue_apology"
  | "reviewer_assigned"
  | "reviewer_due_soon"
  | "ministry_new_application"
  | "province_returned";

/** The workflow's step emails share one shape: a subject, a body with the facts, and a link. */
export function stepMessage(
  template: StepTemplate,
  locale: Locale,
  p: ApplicationMailFacts & Record<string, string>,
): RenderedEmail {
  const t = translator(locale);
  return render({
    template,
    locale,
    subject: t(`email.${template}.subject`, p),
    body: t(`email.${template}.body`, p),
    link: { href: p.url },
  });
}

export type VerificationTemplate =
  | "dispute_filed_province"
  | "dispute_filed_holder"
  | "dispute_filed_claimant"
  | "dispute_upheld"
  | "dispute_refused"
  | "enterprise_not_verified";

/** Enterprise verification and tax-code dispute emails (app/models/verification.server.ts). */
export function verificationMessage(template: VerificationTemplate, locale: Locale, p: Record<string, string> & { url: string }): RenderedEmail {
  const t = translator(locale);
  return render({ template, locale, subject: t(`email.${template}.subject`, p), body: t(`email.${template}.body`, p), link: { href: p.url } });
}
