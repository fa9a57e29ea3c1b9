import { Form, Link } from "@remix-run/react";
import type { VerificationStatus } from "~/platform/db/db-types.ts";
import { formatDate, formatDateTime } from "~/platform/i18n/format.ts";
import { useLocale, useT } from "~/platform/i18n/use-t.ts";
import { Button, Radios, TextArea, type FormState } from "~/components/form.tsx";
import { textKeyOr } from "~/platform/i18n/messages-store.ts";

const COLOURS: Record<VerificationStatus, string> = {
  unverified: "grey",
  verified: "green",
  not_verified: "red",
  disputed: "yellow",
  refused: "red",
};

/** An enterprise's verification state as a tag (enterprise page, review page, disputes). */
export function VerificationTag({ status }: { status: VerificationStatus }) {
  const t = useT();
  return <strong className={`tag tag--${COLOURS[status]}`}>{t(`verification.status.${status}`)}</strong>;
}

export interface ReviewVerificationData {
  status: VerificationStatus;
  reason: string | null;
  decidedAt: string | Date | null;
  representative: { name: string; title: string };
  certificates: { id: string; name: string }[];
  canVerify: boolean;
  disputed: boolean;
  disputeHref: string | null;
  history: { id: number; action: string; by: string; reason: string | null; created_at: string | Date }[];
}

/**
 * The enterprise verification step of the review page: what the enterprise declared, its certificate in this version,
 * the state, the province's form (in the first review) and the history. Read-only for the ministry.
 */
export function ReviewVerification({
  v,
  enterprise,
  applicationId,
  version,
  lockVersion,
  state,
}: {
  v: ReviewVerificationData;
  enterprise: { legalName: string; taxCode: string } | null;
  applicationId: string;
  version: number;
  lockVersion: number;
  state?: FormState;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <section aria-labelledby="enterprise-verification" className="verification">
      <h2 className="heading-m" id="enterprise-verification" tabIndex={-1}>
        {t("verification.title")}
      </h2>
      <p className="body">
        <VerificationTag status={v.status} />
        {v.decidedAt ? <span className="timeline__date"> {formatDate(v.decidedAt, locale)}</span> : null}
      </p>
      {v.reason && (v.status === "not_verified" || v.status === "refused") ? <p className="inset summary-list__value">{v.reason}</p> : null}
      {v.disputed ? (
        <div className="banner banner--warning" role="status">
          <p className="banner__text">{t("review.verification.disputed")}</p>
          <p className="banner__text">
            {v.disputeHref ? <Link to={v.disputeHref}>{t("review.verification.disputeLink")}</Link> : t("review.verification.disputeElsewhere")}
          </p>
        </div>
      ) : null}
      {v.status === "refused" ? <p className="inset">{t("review.verification.refused")}</p> : null}
      <p className="hint">{t("review.verification.lead")}</p>
      <dl className="summary-list">
        <div className="summary-list__row">
          <dt className="summary-list__key">{t("review.verification.enterprise")}</dt>
          <dd className="summary-list__value">{enterprise ? `${enterprise.legalName} (${enterprise.taxCode})` : ""}</dd>
        </div>
        <div className="summary-list__row">
          <dt className="summary-list__key">{t("review.verification.representative")}</dt>
          <dd className="summary-list__value">{[v.representative.name, v.representative.title].filter(Boolean).join(" – ")}</dd>
        </div>
        <div className="summary-list__row">
          <dt className="summary-list__key">{t("review.verification.certificate", { n: version })}</dt>
          <dd className="summary-list__value">
            {v.certificates.length === 0
              ? t("review.verification.noCertificate")
              : v.certificates.map((f) => (
                  <span className="block" key={f.id}>
                    <a href={`/applications/${applicationId}/files/${f.id}`}>{f.name}</a>
                  </span>
                ))}
          </dd>
        </div>
      </dl>
      {v.canVerify ? (
        <Form method="post" preventScrollReset>
          <input type="hidden" name="intent" value="verify_enterprise" />
          <input type="hidden" name="lockVersion" value={lockVersion} />
          <Radios
            name="verification"
            legend={t("review.verification.outcome")}
            state={state}
            defaultValue={v.status === "verified" || v.status === "not_verified" ? v.status : undefined}
            options={(["verified", "not_verified"] as const).map((o) => ({ value: o, label: t(`review.verification.outcome.${o}`) }))}
          />
          <TextArea name="verificationReason" label={t("review.verification.reason")} rows={2} state={state} />
          <Button variant="secondary">{t("review.verification.save")}</Button>
        </Form>
      ) : null}
      {v.history.length > 0 ? (
        <>
          <h3 className="heading-s">{t("review.verification.history")}</h3>
          <ul className="timeline">
            {v.history.map((h) => (
              <li className="timeline__item" key={h.id}>
                <strong>{t(textKeyOr(`timeline.${h.action}`, "timeline.other"))}</strong> – {h.by}
                <span className="timeline__date">{formatDateTime(h.created_at, locale)}</span>
                {h.reason ? <p className="body summary-list__value">{h.reason}</p> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
