import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/features/account/auth.server.ts";
import { exportStaffStatistics } from "~/features/statistics/export.server.ts";
import { seesAllProvinces } from "~/features/statistics/page.server.ts";
import { isExportFormat } from "~/platform/http/spreadsheet.server.ts";

/** /staff/statistics/export/csv and /staff/statistics/export/xlsx: the tables of /staff/statistics (same query string) as a download. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ["province_reviewer", "ministry_reviewer", "admin"]);
  if (!seesAllProvinces(user) && !user.province_code) throw new Response("Forbidden", { status: 403 });
  if (!isExportFormat(params.format)) throw new Response("Not Found", { status: 404 });
  return exportStaffStatistics(request, user, params.format);
}
