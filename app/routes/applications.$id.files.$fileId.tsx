import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/features/account/auth.server.ts";
import { contentDisposition, SERVABLE_TYPES } from "~/features/application/file-checks.server.ts";
import { canViewApplication, getApplication } from "~/features/application/queries.server.ts";
import { getAttachmentForDownload } from "~/features/application/files.server.ts";
import { blobStream } from "~/platform/db/file-store.server.ts";

/**
 * Downloads an attachment. Who may: members of the owning enterprise (live files, and removed ones that a
 * submitted version still holds) and staff who may see the application (only files of submitted versions, never
 * the enterprise's unsent drafts). Everyone else gets the same 404 as for an id that does not exist. Someone not
 * signed in is sent to sign in first; that happens before any lookup, so it reveals nothing either.
 * The bytes stream out one stored chunk at a time.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const notFound = () => new Response("Not Found", { status: 404, headers: { "Cache-Control": "private, no-store" } });
  const app = await getApplication(params.id ?? "");
  if (!app || !(await canViewApplication(user, app))) throw notFound();
  const file = await getAttachmentForDownload(app.id, params.fileId ?? "");
  if (!file) throw notFound();
  const visible = user.role === "enterprise" ? file.deleted_at === null || file.frozen : file.frozen;
  if (!visible || !file.blob_id) throw notFound();
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
