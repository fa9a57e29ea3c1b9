import { Link } from "@remix-run/react";
import { AuditTable, type AuditTableLine } from "~/components/audit-table.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { useT } from "~/platform/i18n/use-t.ts";

export interface AuditReaderData {
  title: string;
  base: "review" | "ministry";
  id: string;
  platformName: string;
  lines: AuditTableLine[];
}

/** Every event of one application, as the viewer's organisation may know them. */
export function AuditReaderPage({ data }: { data: AuditReaderData }) {
  const t = useT();
  return (
    <>
      <p className="body">
        <Link to={`/${data.base}/${data.id}`}>
          {t("audit.app.back")}
        </Link>
      </p>
      <PageTitle caption={data.platformName}>{data.title}</PageTitle>
      <p className="body">{t("audit.app.lead")}</p>
      <AuditTable caption={t("audit.app.caption")} lines={data.lines} />
    </>
  );
}
