import type { ApplicationStatus } from "~/lib/db-types.ts";
import { useT } from "~/lib/use-t.ts";

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
