import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/features/account/auth.server.ts";
import { exportQueue } from "~/features/review/queue-export.server.ts";
import { isExportFormat } from "~/platform/http/spreadsheet.server.ts";

/** /review/export/csv and /review/export/xlsx: the queue view of /review (same query string) as a download. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "province_reviewer");
  if (!isExportFormat(params.format)) throw new Response("Not Found", { status: 404 });
  return exportQueue(request, user, params.format);
}
