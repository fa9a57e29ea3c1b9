import { Form, Link } from "@remix-run/react";
import { AuditTable, type AuditTableLine } from "~/components/audit-table.tsx";
import { ErrorSummary, Select, TextInput } from "~/components/form.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { useT } from "~/platform/i18n/use-t.ts";

export interface AdminLogData {
  title: string;
  values: Record<string, string>;
  errors: Record<string, string> | null;
  actions: { value: string; label: string }[];
  actors: { value: string; label: string }[];
  lines: (AuditTableLine & { id: number })[];
  nextHref: string | null;
  isFirstPage: boolean;
  exportQuery: string;
  exportCap: string;
  chain: { ok: boolean; text: string } | null;
}

/** The administrators' log: GET filters, the table newest first, keyset pages, downloads and the hash-chain check. */
export function AdminLogPage({ data }: { data: AdminLogData }) {
  const t = useT();
  const state = { values: data.values, errors: data.errors ?? undefined };
  const all = { value: "", label: t("admin.audit.filter.all") };
  const q = data.exportQuery ? `?${data.exportQuery}` : "";
  return (
    <>
      <ErrorSummary errors={data.errors ?? undefined} />
      <PageTitle>{data.title}</PageTitle>
      <p className="body">{t("admin.audit.lead")}</p>

      <section aria-labelledby="chain-title" className="panel">
        <h2 className="heading-m" id="chain-title">
          {t("admin.audit.chain.title")}
        </h2>
        <p className="body">{t("admin.audit.chain.lead")}</p>
        {data.chain ? (
          <div className={`banner ${data.chain.ok ? "banner--success" : "banner--warning"}`} role="status">
            <p className="banner__text">
              <strong>{data.chain.text}</strong>
            </p>
            {data.chain.ok ? <p className="body">{t("admin.audit.chain.anchorHint")}</p> : null}
          </div>
        ) : null}
        <Form method="get">
          {Object.entries(data.values).map(([k, v]) => (v && !data.errors ? <input key={k} type="hidden" name={k} value={v} /> : null))}
          <input type="hidden" name="check" value="1" />
          <button type="submit" className="button button--secondary">
            {t("admin.audit.chain.check")}
          </button>
        </Form>
      </section>

      <Form method="get" className="filters" role="search" aria-label={t("admin.audit.filters")}>
        <div className="filters__row">
          <Select name="action" label={t("admin.audit.filter.action")} options={[all, ...data.actions]} state={state} />
          <Select name="actor" label={t("admin.audit.filter.actor")} options={[all, ...data.actors]} state={state} />
        </div>
        <div className="filters__row">
          <TextInput name="from" label={t("admin.audit.filter.from")} hint={t("admin.audit.filter.dateHint")} state={state} width="short" />
          <TextInput name="to" label={t("admin.audit.filter.to")} hint={t("admin.audit.filter.dateHint")} state={state} width="short" />
        </div>
        <button type="submit" className="button button--secondary">
          {t("admin.audit.filter.apply")}
        </button>{" "}
        <Link to="/admin/audit" className="body">
          {t("admin.audit.filter.clear")}
        </Link>
      </Form>

      <AuditTable caption={t("admin.audit.caption")} lines={data.lines} withSubject />

      {data.lines.length > 0 ? (
        <div>
          <p className="hint" id="export-hint">
            {t("export.hint", { cap: data.exportCap })}
          </p>
          <p className="body">
            <a href={`/admin/audit/export/csv${q}`} download aria-describedby="export-hint">
              {t("export.csv")}
            </a>
            {" · "}
            <a href={`/admin/audit/export/xlsx${q}`} download aria-describedby="export-hint">
              {t("export.xlsx")}
            </a>
          </p>
        </div>
      ) : null}
      <p className="body pagination">
        {!data.isFirstPage ? <Link to={`/admin/audit${q}`}>{t("admin.audit.first")}</Link> : null}
        {data.nextHref ? (
          <Link to={data.nextHref} rel="next">
            {t("admin.audit.next")}
          </Link>
        ) : null}
      </p>
    </>
  );
}
