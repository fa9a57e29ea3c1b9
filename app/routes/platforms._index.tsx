import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CataloguePagination, CatalogueSearchForm, ListingList } from "~/features/catalogue/ui/catalogue.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { catalogueSearch, localName, makeLabels, parseCatalogueQuery, searchCatalogue } from "~/features/catalogue/open-data.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { listFilterOptions } from "~/features/catalogue/catalogue.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const [{ t, locale }, options] = await Promise.all([getTranslator(request), listFilterOptions()]);
  const { query } = parseCatalogueQuery(new URL(request.url).searchParams, options);
  const result = await searchCatalogue(query);
  const labels = makeLabels(options);
  const f = query.filters;
  const filters = { q: f.q ?? "", pillar: f.pillar ?? "", sector: f.sector ?? "", province: f.province ?? "", ownership: f.ownership ?? "", sort: f.sort ?? "name" };
  return {
    title: result.page > 1 ? `${t("catalogue.title")} (${t("catalogue.pageN", { page: result.page })})` : t("catalogue.title"),
    filters,
    search: catalogueSearch(f).replace(/^\?/, ""),
    options: {
      pillars: options.pillars,
      sectors: options.sectors,
      ownershipTypes: options.ownershipTypes,
      provinces: options.provinces.map((p) => ({ code: p.code, name_vi: p.name_vi, name_en: p.name_en })),
    },
    total: result.total,
    page: result.page,
    pageCount: result.pageCount,
    rows: result.rows.map((r) => ({
      id: r.id,
      name: r.name,
      shortDescription: r.short_description ?? "",
      enterprise: locale === "en" && r.enterprise_english_name ? r.enterprise_english_name : r.enterprise_name,
      province: localName(labels.province(r.province_code), locale),
      sector: localName(labels.sector(r.sector), locale),
      pillar: localName(labels.pillar(r.pillar), locale),
      decisionNumber: r.decision_number ?? "",
      decisionDate: r.decision_date ?? "",
    })),
  };
}

export default function Catalogue() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const hrefFor = (page: number) => {
    const p = new URLSearchParams(data.search);
    if (page > 1) p.set("page", String(page));
    const s = p.toString();
    return s ? `/platforms?${s}` : "/platforms";
  };
  const suffix = data.search ? `?${data.search}` : "";
  const count = t("catalogue.count", { count: data.total });
  return (
    <>
      <PageTitle>{t("catalogue.title")}</PageTitle>
      <p className="lead">{t("catalogue.lead")}</p>
      <CatalogueSearchForm filters={data.filters} options={data.options} formKey={data.search} />
      <p className="body catalogue-count" role="status" aria-live="polite" aria-atomic="true">
        <strong>{count}</strong>
        {data.pageCount > 1 ? `, ${t("catalogue.count.page", { page: data.page, pages: data.pageCount })}` : null}
      </p>
      <h2 className="visually-hidden">{t("catalogue.results")}</h2>
      {data.rows.length === 0 ? <p className="body">{t("catalogue.none")}</p> : <ListingList rows={data.rows} />}
      <CataloguePagination page={data.page} pageCount={data.pageCount} hrefFor={hrefFor} />
      {data.total > 0 ? (
        <p className="body">
          {t("catalogue.download")} <a href={`/platforms.csv${suffix}`}>CSV</a> · <a href={`/platforms.json${suffix}`}>JSON</a>
        </p>
      ) : null}
      <h2 className="heading-m">{t("catalogue.openData")}</h2>
      <p className="body">{t("catalogue.openData.body")}</p>
      <ul className="catalogue-links">
        <li>
          <a href="/api/v1/openapi.json">{t("catalogue.api")}</a>
        </li>
        <li>
          <a href="/platforms/feed.atom" type="application/atom+xml">
            {t("catalogue.feed")}
          </a>
        </li>
        <li>
          <Link to="/statistics">{t("nav.statistics")}</Link>
        </li>
      </ul>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => [
  ...pageTitle(args),
  { tagName: "link", rel: "alternate", type: "application/atom+xml", href: "/platforms/feed.atom", title: "Atom" },
];

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
