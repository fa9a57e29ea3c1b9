import type { LoaderFunctionArgs } from "@remix-run/node";
import { openApiDocument } from "~/lib/openapi.server.ts";
import { jsonResponse } from "~/lib/public-response.server.ts";
import { listFilterOptions } from "~/models/catalogue.server.ts";

/** GET /api/v1/openapi.json: the OpenAPI 3.1 description of the catalogue's open data. */
export async function loader({ request }: LoaderFunctionArgs) {
  return jsonResponse(request, openApiDocument(await listFilterOptions()), { maxAge: 3600 });
}
