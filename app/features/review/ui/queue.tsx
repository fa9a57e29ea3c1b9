import { Form, Link } from "@remix-run/react";
import type { ApplicationStatus } from "~/platform/db/db-types.ts";
import type { QueueView } from "~/features/review/queues.server.ts";
import { formatDate } from "~/platform/i18n/format.ts";
import { useLocale, useT } from "~/platform/i18n/use-t.ts";
import { ApplicationStatusTag } from "~/features/application/ui/application-ui.tsx";
import { PageTitle, Table } from "~/components/ui.tsx";
import { localised } from "~/platform/i18n/localised.ts";
import { intlLocale } from "~/platform/i18n/i18n.ts";

interface Named {
  code: string;
  name_vi: string;
  name_en?: string;
}

export interface QueueData {
  title: string;
  ministry: boolean;
  views: QueueView[];
  filters: Record<"q" | "sector" | "overdue" | "assignee" | "province", string> & { view: QueueView };
  rows: {
    id: string;
    reference: string | null;
    platform_name: string;
    enterprise_name: string;
    province_code: string | null;
    status: ApplicationStatus;
    due_at: string | Date | null;
    assignee_name: string | null;
    overdue: boolean;
  }[];
  nextHref: string | null;
  isFirstPage: boolean;
  count: { count: number; capped: boolean };
  exportCap: number;
  sectors: (Named & { name_en: string })[];
  provinces: (Named & { name_en: string })[];
  colleagues: { id: string; name: string }[];
}

/** A review queue: views as tabs, a GET filter form, the table and keyset "next page" links. */
export function QueuePage({ data, basePath }: { data: QueueData; basePath: string }) {
  const t = useT();
  const locale = useLocale();
  const f = data.filters;
  const countText = data.count.capped ? t("queue.countCapped", { count: data.count.count }) : t("queue.count", { count: data.count.count });
  return (
    <>
      <PageTitle>{data.title}</PageTitle>
      <nav aria-label={t("queue.views")}>
        <ul className="tabs">
          {data.views.map((v) => (
            <li key={v}>
              <Link to={`${basePath}?view=${v}`} className={`tabs__tab${v === f.view ? " tabs__tab--current" : ""}`} aria-current={v === f.view ? "page" : undefined}>
                {t(`queue.view.${v}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {f.view === "unstaffed" ? <p className="body">{t("queue.unstaffed.lead")}</p> : null}
      <Form method="get" className="filters" role="search">
        <input type="hidden" name="view" value={f.view} />
        <div className="form-group">
          <label className="label" htmlFor="q">
            {t("queue.search")}
          </label>
          <div className="hint" id="q-hint">
            {t("queue.search.hint")}
          </div>
          <input className="input input--full" type="search" id="q" name="q" defaultValue={f.q} aria-describedby="q-hint" />
        </div>
        <div className="filters__row">
          <div className="form-group">
            <label className="label" htmlFor="sector">
              {t("queue.filter.sector")}
            </label>
            <select className="select" id="sector" name="sector" defaultValue={f.sector}>
              <option value="">{t("queue.filter.all")}</option>
              {data.sectors.map((s) => (
                <option key={s.code} value={s.code}>
                  {localised(s, "name", locale)}
                </option>
              ))}
            </select>
          </div>
          <div className="form-group">
            <label className="label" htmlFor="assignee">
              {t("queue.filter.assignee")}
            </label>
            <select className="select" id="assignee" name="assignee" defaultValue={f.assignee}>
              <option value="">{t("queue.filter.all")}</option>
              <option value="none">{t("queue.filter.unassigned")}</option>
              {data.colleagues.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          {data.ministry ? (
            <div className="form-group">
              <label className="label" htmlFor="province">
                {t("queue.filter.province")}
              </label>
              <select className="select" id="province" name="province" defaultValue={f.province}>
                <option value="">{t("queue.filter.all")}</option>
                {data.provinces.map((p) => (
                  <option key={p.code} value={p.code}>
                    {localised(p, "name", locale)}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
        </div>
        <div className="checkbox">
          <input className="checkbox__input" type="checkbox" id="overdue" name="overdue" value="1" defaultChecked={f.overdue === "1"} />
          <label className="checkbox__label" htmlFor="overdue">
            {t("queue.filter.overdue")}
          </label>
        </div>
        <button type="submit" className="button button--secondary">
          {t("queue.filter.apply")}
        </button>
        <Link to={`${basePath}?view=${f.view}`} className="body">
          {t("queue.filter.clear")}
        </Link>
      </Form>
      <p className="body" role="status" aria-live="polite">
        <strong>{countText}</strong>
      </p>
      {data.rows.length === 0 ? (
        <p className="body">{t("queue.none")}</p>
      ) : (
        <Table
          caption={t(`queue.view.${f.view}`)}
          head={[
            t("queue.col.reference"),
            t("queue.col.platform"),
            t("queue.col.enterprise"),
            ...(data.ministry ? [t("queue.col.province")] : []),
            t("queue.col.status"),
            t("queue.col.due"),
            t("queue.col.assignee"),
          ]}
        >
          {data.rows.map((r) => (
            <tr key={r.id} className={r.overdue ? "row--overdue" : undefined}>
              <td>
                <Link to={`${basePath}/${r.id}`}>{r.reference ?? "—"}</Link>
                {r.status === "resubmitted" || r.status === "returned_to_province" ? (
                  <strong className="tag tag--yellow tag--small"> {r.status === "resubmitted" ? t("queue.updated") : t("app.status.returned_to_province")}</strong>
                ) : null}
              </td>
              <td>{r.platform_name}</td>
              <td>{r.enterprise_name}</td>
              {data.ministry ? <td>{r.province_code}</td> : null}
              <td>
                <ApplicationStatusTag status={r.status} />
              </td>
              <td>
                {r.due_at ? formatDate(r.due_at, locale) : "—"}
                {r.overdue ? <strong className="tag tag--red tag--small"> {t("queue.overdue")}</strong> : null}
              </td>
              <td>{r.assignee_name ?? "—"}</td>
            </tr>
          ))}
        </Table>
      )}
      {data.rows.length > 0 ? <ExportLinks basePath={basePath} filters={f} cap={data.exportCap} /> : null}
      <p className="body pagination">
        {!data.isFirstPage ? <Link to={`${basePath}?view=${f.view}`}>{t("queue.first")}</Link> : null}
        {data.nextHref ? (
          <Link to={data.nextHref} rel="next">
            {t("queue.next")}
          </Link>
        ) : null}
      </p>
    </>
  );
}

/** Plain links (no JavaScript needed) to the whole view, with the same filters, as CSV and as Excel. */
function ExportLinks({ basePath, filters, cap }: { basePath: string; filters: QueueData["filters"]; cap: number }) {
  const t = useT();
  const locale = useLocale();
  const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => v)).toString();
  return (
    <div className="export-links">
      <p className="hint" id="export-hint">
        {t("export.hint", { cap: cap.toLocaleString(intlLocale(locale)) })}
      </p>
      <p className="body">
        <a href={`${basePath}/export/csv?${query}`} download aria-describedby="export-hint">
          {t("export.csv")}
        </a>
        {" · "}
        <a href={`${basePath}/export/xlsx?${query}`} download aria-describedby="export-hint">
          {t("export.xlsx")}
        </a>
      </p>
    </div>
  );
}
