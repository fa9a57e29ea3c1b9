import type { LoaderFunctionArgs } from "@remix-run/node";
import { criteriaStatus, detailJson, goneJson, makeLabels, requireListing } from "~/features/catalogue/open-data.server.ts";
import { jsonResponse } from "~/platform/http/public-response.server.ts";
import { listFilterOptions } from "~/features/catalogue/catalogue.server.ts";

/** GET /api/v1/platforms/{id}: one recognised platform; 410 with the end date once revoked or withdrawn; 404 otherwise. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  let state;
  try {
    state = await requireListing(params.id);
  } catch (e) {
    if (e instanceof Response && e.status === 404) return jsonResponse(request, { error: "not_found" }, { status: 404, maxAge: 60 });
    throw e;
  }
  if (state.endedBy) return jsonResponse(request, goneJson(state), { status: 410 });
  const [options, criteria] = await Promise.all([listFilterOptions(), criteriaStatus(state.listing)]);
  return jsonResponse(request, detailJson(state, criteria, makeLabels(options)));
}
