import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageTitle, Table } from "~/components/ui.tsx";
import { requireRole } from "~/features/account/auth.server.ts";
import { formatDate } from "~/platform/i18n/format.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useLocale, useT } from "~/platform/i18n/use-t.ts";
import { listDisputes } from "~/features/enterprise/verification-queries.server.ts";

/** The province's tax code disputes (docs/decisions/010): the open ones first, then those it settled. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "province_reviewer");
  const { t } = await getTranslator(request);
  const rows = await listDisputes(user.province_code!);
  return {
    title: t("disputes.title"),
    rows: rows.map((r) => ({
      id: r.id,
      taxCode: r.tax_code,
      holder: r.holder_name,
      claimant: r.claimant_name,
      filedAt: r.created_at,
      resolvedAt: r.resolved_at,
    })),
  };
}

export default function Disputes() {
  const t = useT();
  const locale = useLocale();
  const { rows } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="body">
        <Link to="/review">{t("common.back")}</Link>
      </p>
      <PageTitle>{t("disputes.title")}</PageTitle>
      <p className="body">{t("disputes.lead")}</p>
      {rows.length === 0 ? (
        <p className="body">{t("disputes.none")}</p>
      ) : (
        <Table
          caption={t("disputes.title")}
          head={[t("disputes.col.taxCode"), t("disputes.col.holder"), t("disputes.col.claimant"), t("disputes.col.filed"), t("disputes.col.state")]}
        >
          {rows.map((r) => (
            <tr key={r.id}>
              <td>
                <Link to={`/review/disputes/${r.id}`}>{r.taxCode}</Link>
              </td>
              <td>{r.holder}</td>
              <td>{r.claimant}</td>
              <td>{formatDate(r.filedAt, locale)}</td>
              <td>
                <strong className={`tag tag--${r.resolvedAt ? "green" : "yellow"}`}>{r.resolvedAt ? t("disputes.resolved") : t("disputes.open")}</strong>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
