import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/features/account/auth.server.ts";
import { exportAdminLog } from "~/features/audit/admin-log-page.server.ts";
import { isExportFormat } from "~/platform/http/spreadsheet.server.ts";

/** /admin/audit/export/csv and /admin/audit/export/xlsx: the admin log with the filters of /admin/audit, as a download. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  if (!isExportFormat(params.format)) throw new Response("Not Found", { status: 404 });
  return exportAdminLog(request, params.format);
}
