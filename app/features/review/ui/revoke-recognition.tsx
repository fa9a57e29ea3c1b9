import { Link } from "@remix-run/react";
import type { ApplicationStatus } from "~/platform/db/db-types.ts";
import { useT } from "~/platform/i18n/use-t.ts";

/** For the ministry's review page: a recognised platform can have its recognition revoked (confirmation page). */
export function RevokeRecognitionLink({ id, status }: { id: string; status: ApplicationStatus }) {
  const t = useT();
  if (status !== "recognised") return null;
  return (
    <p className="body">
      <Link to={`/ministry/${id}/revoke`} className="button button--warning">
        {t("revoke.link")}
      </Link>
    </p>
  );
}
