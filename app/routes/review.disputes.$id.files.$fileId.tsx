import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/features/account/auth.server.ts";
import { contentDisposition, SERVABLE_TYPES } from "~/features/application/file-checks.server.ts";
import { getAttachmentForDownload } from "~/features/application/files.server.ts";
import { blobStream } from "~/platform/db/file-store.server.ts";
import { getDisputeFile } from "~/features/enterprise/verification-queries.server.ts";

/** A business registration certificate of either party of a dispute, for reviewers of the dispute's province only. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "province_reviewer");
  const notFound = () => new Response("Not Found", { status: 404, headers: { "Cache-Control": "private, no-store" } });
  const found = await getDisputeFile(user, params.id ?? "", params.fileId ?? "");
  const file = found?.kind === "attachment" ? await getAttachmentForDownload(found.applicationId, found.id) : found;
  if (!file?.blob_id) throw notFound();
  return new Response(blobStream(file.blob_id, file.size_bytes), {
    status: 200,
    headers: {
      "Content-Type": SERVABLE_TYPES.has(file.content_type) ? file.content_type : "application/octet-stream",
      "Content-Disposition": contentDisposition(file.file_name),
      "Content-Length": String(file.size_bytes),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
      "Content-Security-Policy": "default-src 'none'; sandbox",
    },
  });
}
