import { Form, Link } from "@remix-run/react";
import { formatDate, formatIsoDate } from "~/platform/i18n/format.ts";
import { useLocale, useT } from "~/platform/i18n/use-t.ts";
import { localised } from "~/platform/i18n/localised.ts";
import { textKeyOr } from "~/platform/i18n/messages-store.ts";

export interface Option {
  code: string;
  name_vi: string;
  name_en: string;
}

export interface CatalogueFilterValues {
  q: string;
  pillar: string;
  sector: string;
  province: string;
  ownership: string;
  sort: string;
}

export interface CatalogueOptions {
  pillars: Option[];
  sectors: Option[];
  provinces: Option[];
  ownershipTypes: Option[];
}

function FilterSelect({ name, label, options, value }: { name: string; label: string; options: Option[]; value: string }) {
  const t = useT();
  const locale = useLocale();
  return (
    <div className="form-group">
      <label className="label" htmlFor={`f-${name}`}>
        {label}
      </label>
      <select className="select" id={`f-${name}`} name={name} defaultValue={value}>
        <option value="">{t("catalogue.filter.all")}</option>
        {options.map((o) => (
          <option key={o.code} value={o.code}>
            {localised(o, "name", locale)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A plain GET form: it works without JavaScript, and every result page has a shareable URL. */
export function CatalogueSearchForm({ filters, options, formKey }: { filters: CatalogueFilterValues; options: CatalogueOptions; formKey: string }) {
  const t = useT();
  return (
    // The key remounts the form after each search, so "clear filters" also clears what the fields show.
    <Form method="get" action="/platforms" className="filters" role="search" aria-label={t("catalogue.filters")} key={formKey}>
      <div className="form-group">
        <label className="label" htmlFor="f-q">
          {t("catalogue.search")}
        </label>
        <div className="hint" id="f-q-hint">
          {t("catalogue.search.hint")}
        </div>
        <input className="input input--full" type="search" id="f-q" name="q" defaultValue={filters.q} aria-describedby="f-q-hint" maxLength={100} />
      </div>
      <div className="filters__row">
        <FilterSelect name="pillar" label={t("catalogue.filter.pillar")} options={options.pillars} value={filters.pillar} />
        <FilterSelect name="sector" label={t("catalogue.filter.sector")} options={options.sectors} value={filters.sector} />
        <FilterSelect name="province" label={t("catalogue.filter.province")} options={options.provinces} value={filters.province} />
        <FilterSelect name="ownership" label={t("catalogue.filter.ownership")} options={options.ownershipTypes} value={filters.ownership} />
        <div className="form-group">
          <label className="label" htmlFor="f-sort">
            {t("catalogue.sort")}
          </label>
          <select className="select" id="f-sort" name="sort" defaultValue={filters.sort}>
            <option value="name">{t("catalogue.sort.name")}</option>
            <option value="newest">{t("catalogue.sort.newest")}</option>
          </select>
        </div>
      </div>
      <button type="submit" className="button button--primary">
        {t("catalogue.apply")}
      </button>
      <Link to="/platforms" className="body">
        {t("catalogue.clear")}
      </Link>
    </Form>
  );
}

export interface ListingCardData {
  id: string;
  name: string;
  shortDescription: string;
  enterprise: string;
  province: string;
  sector: string;
  pillar: string;
  decisionNumber: string;
  decisionDate: string;
}

export function ListingList({ rows }: { rows: ListingCardData[] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <ol className="catalogue-list">
      {rows.map((r) => (
        <li key={r.id} className="catalogue-list__item">
          <h3 className="heading-s catalogue-list__name">
            <Link to={`/platforms/${r.id}`}>{r.name}</Link>
          </h3>
          {r.shortDescription ? <p className="body">{r.shortDescription}</p> : null}
          <p className="catalogue-list__meta">
            {[r.enterprise, r.province, r.sector].filter(Boolean).join(" · ")}
          </p>
          <p className="catalogue-list__meta">
            {r.pillar ? <strong className="tag tag--blue">{r.pillar}</strong> : null}{" "}
            {r.decisionNumber ? t("catalogue.decision", { number: r.decisionNumber, date: r.decisionDate ? formatIsoDate(r.decisionDate, locale) : "" }) : null}
          </p>
        </li>
      ))}
    </ol>
  );
}

/** Page numbers around the current one, with the first and the last: 1 … 4 5 6 … 20. */
export function pageWindow(page: number, pageCount: number): (number | "gap")[] {
  const pages = new Set([1, pageCount, page - 1, page, page + 1].filter((p) => p >= 1 && p <= pageCount));
  const sorted = [...pages].sort((a, b) => a - b);
  const out: (number | "gap")[] = [];
  for (const p of sorted) {
    const prev = out.at(-1);
    if (typeof prev === "number" && p - prev > 1) out.push("gap");
    out.push(p);
  }
  return out;
}

export function CataloguePagination({ page, pageCount, hrefFor }: { page: number; pageCount: number; hrefFor: (page: number) => string }) {
  const t = useT();
  if (pageCount <= 1) return null;
  return (
    <nav aria-label={t("catalogue.pagination")}>
      <ul className="catalogue-pagination">
        {page > 1 ? (
          <li>
            <Link to={hrefFor(page - 1)} rel="prev">
              {t("catalogue.prev")}
            </Link>
          </li>
        ) : null}
        {pageWindow(page, pageCount).map((p, i) =>
          p === "gap" ? (
            <li key={`gap-${i}`} aria-hidden="true">
              …
            </li>
          ) : (
            <li key={p}>
              {p === page ? (
                <span className="catalogue-pagination__current" aria-current="page">
                  <span className="visually-hidden">{t("catalogue.currentPage", { page: p })}</span>
                  <span aria-hidden="true">{p}</span>
                </span>
              ) : (
                <Link to={hrefFor(p)} aria-label={t("catalogue.pageN", { page: p })}>
                  {p}
                </Link>
              )}
            </li>
          ),
        )}
        {page < pageCount ? (
          <li>
            <Link to={hrefFor(page + 1)} rel="next">
              {t("catalogue.next")}
            </Link>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

export function SummaryList({ rows }: { rows: { label: string; value: React.ReactNode }[] }) {
  return (
    <dl className="summary-list">
      {rows
        .filter((r) => r.value !== "" && r.value !== null && r.value !== undefined)
        .map((r) => (
          <div className="summary-list__row catalogue-summary__row" key={r.label}>
            <dt className="summary-list__key">{r.label}</dt>
            <dd className="summary-list__value">{r.value}</dd>
          </div>
        ))}
    </dl>
  );
}

export function PublicTimeline({ events }: { events: { id: number; action: string; date: string }[] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <ol className="timeline">
      {events.map((e) => (
        <li className="timeline__item" key={e.id}>
          <strong>{t(textKeyOr(`timeline.${e.action}`, "timeline.other"))}</strong>
          <span className="timeline__date">
            <time dateTime={e.date}>{formatDate(e.date, locale)}</time>
          </span>
        </li>
      ))}
    </ol>
  );
}
