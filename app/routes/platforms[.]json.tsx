import type { LoaderFunctionArgs } from "@remix-run/node";
import { makeLabels, parseCatalogueQuery, summaryJson } from "~/features/catalogue/open-data.server.ts";
import { jsonResponse } from "~/platform/http/public-response.server.ts";
import { listAllListings, listFilterOptions } from "~/features/catalogue/catalogue.server.ts";

/** The whole catalogue (with the page's filters, if any) as one JSON document; shape `PlatformCollection` in the OpenAPI document. */
export async function loader({ request }: LoaderFunctionArgs) {
  const options = await listFilterOptions();
  const { query, errors } = parseCatalogueQuery(new URL(request.url).searchParams, options, { strict: true });
  if (errors.length > 0) return jsonResponse(request, { error: "invalid_parameters", details: errors }, { status: 400, maxAge: 60 });
  const rows = await listAllListings(query.filters);
  const labels = makeLabels(options);
  return jsonResponse(request, { total: rows.length, items: rows.map((r) => summaryJson(r, labels)) });
}
