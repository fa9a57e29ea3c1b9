import type { ApplicationStatus, OutboxStatus } from "~/platform/db/db-types.ts";
import { formatDateTime } from "~/platform/i18n/format.ts";
import { useLocale, useT } from "~/platform/i18n/use-t.ts";
import { StatusTag, Table } from "~/components/ui.tsx";

const STATUS_COLOURS: Record<ApplicationStatus, string> = {
  draft: "grey",
  submitted: "blue",
  in_provincial_review: "blue",
  changes_requested: "yellow",
  resubmitted: "blue",
  forwarded: "blue",
  in_ministry_review: "blue",
  returned_to_province: "yellow",
  recognised: "green",
  rejected: "red",
  withdrawn: "grey",
  revoked: "red",
};

export function ApplicationStatusTag({ status }: { status: ApplicationStatus }) {
  const t = useT();
  return <strong className={`tag tag--${STATUS_COLOURS[status]}`}>{t(`app.status.${status}`)}</strong>;
}

export function SummaryRow({ label, value, changeHref, changeLabel }: { label: string; value: React.ReactNode; changeHref?: string; changeLabel?: string }) {
  const t = useT();
  return (
    <div className="summary-list__row">
      <dt className="summary-list__key">{label}</dt>
      <dd className="summary-list__value">{value === "" || value === undefined || value === null ? t("common.notProvided") : value}</dd>
      <dd className="summary-list__actions">
        {changeHref ? (
          <a href={changeHref}>
            {t("common.change")}
            <span className="visually-hidden"> {changeLabel ?? label}</span>
          </a>
        ) : null}
      </dd>
    </div>
  );
}

/** Emails sent about an application and whether each was delivered. */
export function ApplicationEmails({ emails }: { emails: { id: number; to_address: string; subject: string; status: OutboxStatus; created_at: string | Date }[] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h2 className="heading-m">{t("app.emails")}</h2>
      {emails.length === 0 ? (
        <p className="body">{t("app.emails.none")}</p>
      ) : (
        <Table caption={t("app.emails")} head={[t("mailbox.col.created"), t("mailbox.col.to"), t("mailbox.col.subject"), t("mailbox.col.status")]}>
          {emails.map((e) => (
            <tr key={e.id}>
              <td>{formatDateTime(e.created_at, locale)}</td>
              <td>{e.to_address}</td>
              <td>{e.subject}</td>
              <td>
                <StatusTag status={e.status} label={t(`app.email.status.${e.status}`)} />
              </td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}
