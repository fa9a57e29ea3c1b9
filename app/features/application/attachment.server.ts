import { db } from "~/platform/db/db.server.ts";
import { isUuid } from "~/platform/forms/input.server.ts";

/**
 * One attachment, with the blob that holds its bytes (null once removed from a draft) and the two facts the download
 * route needs: whether it was removed from the draft and whether a submitted version includes it (frozen).
 * Undefined for another application's file or a bad id.
 */
export function getAttachmentForDownload(applicationId: string, attachmentId: string) {
  if (!isUuid(applicationId) || !isUuid(attachmentId)) return Promise.resolve(undefined);
  return db()
    .selectFrom("attachments")
    .select(["id", "slot", "file_name", "content_type", "size_bytes", "blob_id", "frozen", "deleted_at"])
    .where("id", "=", attachmentId)
    .where("application_id", "=", applicationId)
    .executeTakeFirst();
}

/** The live (not removed) attachment with this id in this slot, without its bytes. */
export function findLiveAttachment(applicationId: string, attachmentId: string) {
  if (!isUuid(applicationId) || !isUuid(attachmentId)) return Promise.resolve(undefined);
  return db()
    .selectFrom("attachments")
    .select(["id", "slot", "file_name"])
    .where("id", "=", attachmentId)
    .where("application_id", "=", applicationId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}
