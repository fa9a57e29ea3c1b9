import { Link } from "@remix-run/react";
import type { ApplicationStatus } from "~/platform/db/db-types.ts";
import { useT } from "~/platform/i18n/use-t.ts";

/** On the enterprise's application page: the recognised platform's catalogue page, and withdrawing it from the list. */
export function ListingActions({ id, status, listed }: { id: string; status: ApplicationStatus; listed: boolean }) {
  const t = useT();
  if (status === "recognised") {
    return (
      <section className="inset" aria-labelledby="listing-actions-title">
        <h2 className="heading-m" id="listing-actions-title">
          {t("listingActions.title")}
        </h2>
        <p className="body">{t("listingActions.body")}</p>
        <p className="body">
          <Link to={`/platforms/${id}`}>{t("listingActions.view")}</Link>
        </p>
        <p className="body">
          <Link to={`/applications/${id}/withdraw-listing`} className="button button--warning">
            {t("listingActions.withdraw")}
          </Link>
        </p>
      </section>
    );
  }
  if (listed && (status === "revoked" || status === "withdrawn")) {
    return (
      <p className="body">
        {t("listingActions.gone")} <Link to={`/platforms/${id}`}>{`/platforms/${id}`}</Link>
      </p>
    );
  }
  return null;
}
