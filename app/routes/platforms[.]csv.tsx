import type { LoaderFunctionArgs } from "@remix-run/node";
import { catalogueCsv, makeLabels, parseCatalogueQuery } from "~/features/catalogue/open-data.server.ts";
import { publicResponse } from "~/platform/http/public-response.server.ts";
import { listAllListings, listFilterOptions } from "~/features/catalogue/catalogue.server.ts";

/** The catalogue (with the page's filters, if any) as CSV: UTF-8 with a byte-order mark, RFC 4180 quoting. */
export async function loader({ request }: LoaderFunctionArgs) {
  const options = await listFilterOptions();
  const { query, errors } = parseCatalogueQuery(new URL(request.url).searchParams, options, { strict: true });
  if (errors.length > 0) return publicResponse(request, `${errors.join("\n")}\n`, { contentType: "text/plain; charset=utf-8", status: 400, maxAge: 60 });
  const rows = await listAllListings(query.filters);
  return publicResponse(request, catalogueCsv(rows, makeLabels(options)), {
    contentType: "text/csv; charset=utf-8; header=present",
    headers: { "Content-Disposition": 'attachment; filename="danh-muc-nen-tang-so.csv"' },
  });
}
