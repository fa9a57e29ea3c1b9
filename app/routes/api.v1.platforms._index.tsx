import type { LoaderFunctionArgs } from "@remix-run/node";
import { API_MAX_PAGE_SIZE, CATALOGUE_PAGE_SIZE, catalogueSearch, makeLabels, parseCatalogueQuery, searchCatalogue, summaryJson } from "~/features/catalogue/open-data.server.ts";
import { config } from "~/platform/config.server.ts";
import { jsonResponse } from "~/platform/http/public-response.server.ts";
import { listFilterOptions } from "~/features/catalogue/catalogue.server.ts";

/** GET /api/v1/platforms: recognised platforms, filtered and paginated (`PlatformPage` in /api/v1/openapi.json). */
export async function loader({ request }: LoaderFunctionArgs) {
  const options = await listFilterOptions();
  const { query, errors } = parseCatalogueQuery(new URL(request.url).searchParams, options, { strict: true, defaultPageSize: CATALOGUE_PAGE_SIZE });
  if (errors.length > 0) return jsonResponse(request, { error: "invalid_parameters", details: errors }, { status: 400, maxAge: 60 });
  const result = await searchCatalogue(query);
  const labels = makeLabels(options);
  const link = (page: number) =>
    `${config().publicUrl}/api/v1/platforms${catalogueSearch(query.filters, { ...(query.pageSize !== CATALOGUE_PAGE_SIZE ? { pageSize: query.pageSize } : {}), page })}`;
  return jsonResponse(request, {
    total: result.total,
    page: result.page,
    pageSize: query.pageSize,
    pageCount: result.pageCount,
    maxPageSize: API_MAX_PAGE_SIZE,
    items: result.rows.map((r) => summaryJson(r, labels)),
    links: {
      self: link(result.page),
      next: result.page < result.pageCount ? link(result.page + 1) : null,
      prev: result.page > 1 ? link(result.page - 1) : null,
    },
  });
}
