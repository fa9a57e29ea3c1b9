import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/features/account/auth.server.ts";
import { exportQueue } from "~/features/review/queue-export.server.ts";
import { isExportFormat } from "~/platform/http/spreadsheet.server.ts";

/** /ministry/export/csv and /ministry/export/xlsx: the queue view of /ministry (same query string) as a download. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "ministry_reviewer");
  if (!isExportFormat(params.format)) throw new Response("Not Found", { status: 404 });
  return exportQueue(request, user, params.format);
}
