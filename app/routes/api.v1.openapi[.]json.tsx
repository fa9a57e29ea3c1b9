import type { LoaderFunctionArgs } from "@remix-run/node";
import { openApiDocument } from "~/features/catalogue/openapi.server.ts";
import { jsonResponse } from "~/platform/http/public-response.server.ts";
import { listFilterOptions } from "~/features/catalogue/catalogue.server.ts";

/** GET /api/v1/openapi.json: the OpenAPI 3.1 description of the catalogue's open data. */
export async function loader({ request }: LoaderFunctionArgs) {
  return jsonResponse(request, openApiDocument(await listFilterOptions()), { maxAge: 3600 });
}
