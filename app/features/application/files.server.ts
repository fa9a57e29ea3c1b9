import { sql, type Transaction } from "kysely";
import type {
Database,User
} from "~/platform/db/db-types.ts";
import { db, type Executor } from "~/platform/db/db.server.ts";
import { isUuid } from "~/platform/forms/input.server.ts";
import { canEditSlot } from "./editable.ts";

import { NotEditableError, NotFoundError } from "~/platform/errors.ts";
import { recordAudit } from "~/platform/db/audit.server.ts";
import { BlobGoneError, claimStagedBlobs, databaseFileStore, deleteBlobs, reclaimFileSpace, stageBytes, storedBlobSizes } from "~/platform/db/file-store.server.ts";

import { lockForEdit, markAddressed } from "./drafts.server.ts";
import { MAX_BYTES_PER_APPLICATION, MAX_BYTES_PER_ENTERPRISE, MAX_FILES_PER_APPLICATION } from "./limits.server.ts";
import { settingNumber } from "./transition.server.ts";

// ---------- attachments ----------

export function listAttachments(applicationId: string, ex: Executor = db()) {
  return ex
    .selectFrom("attachments")
    .select(["id", "slot", "file_name", "content_type", "size_bytes", "sha256", "created_at", "frozen"])
    .where("application_id", "=", applicationId)
    .where("deleted_at", "is", null)
    .orderBy("created_at")
    .execute();
}

export type AttachmentSummary = Awaited<ReturnType<typeof listAttachments>>[number];

export interface StorageUsage {
  /** Live files of this application and their bytes: what its per-application limits count. */
  files: number;
  bytes: number;
  /** Everything the enterprise stores, in all its applications, submitted versions included. */
  enterpriseBytes: number;
  enterpriseMaxBytes: number;
}

export async function attachmentUsage(applicationId: string, ex: Executor = db()): Promise<StorageUsage> {
  const row = await ex
    .selectFrom("attachments")
    .select([sql<number>`count(*)::int`.as("files"), sql<number>`coalesce(sum(size_bytes), 0)::bigint`.as("bytes")])
    .where("application_id", "=", applicationId)
    .where("deleted_at", "is", null)
    .executeTakeFirstOrThrow();
  const app = await ex.selectFrom("applications").select("enterprise_id").where("id", "=", applicationId).executeTakeFirst();
  return {
    files: Number(row.files),
    bytes: Number(row.bytes),
    enterpriseBytes: app ? await enterpriseStoredBytes(app.enterprise_id, ex) : 0,
    enterpriseMaxBytes: await settingNumber("storage.enterprise_max_bytes", MAX_BYTES_PER_ENTERPRISE, ex),
  };
}

/** Bytes of every file of the enterprise that still has bytes: live ones, and removed ones a submitted version holds. */
export async function enterpriseStoredBytes(enterpriseId: string, ex: Executor = db()): Promise<number> {
  const row = await ex
    .selectFrom("attachments")
    .innerJoin("applications", "applications.id", "attachments.application_id")
    .select(sql<number>`coalesce(sum(attachments.size_bytes), 0)::bigint`.as("bytes"))
    .where("applications.enterprise_id", "=", enterpriseId)
    .where("attachments.blob_id", "is not", null)
    .executeTakeFirstOrThrow();
  return Number(row.bytes);
}

export class QuotaError extends Error {
  constructor(
    public kind: "files" | "bytes" | "enterprise",
    public usage?: StorageUsage,
  ) {
    super(`Attachment quota exceeded: ${kind}`);
  }
}

/** A file to attach: staged by an upload (parseUpload), or bytes in memory (demo data, tests), staged here. */
export type NewAttachment =
  | { fileName: string; contentType: string; blobId: string; sizeBytes: number; sha256: string }
  | { fileName: string; contentType: string; content: Uint8Array; sha256?: string };

export function addAttachments(user: User, applicationId: string, slot: string, files: NewAttachment[], requestId: string) {
  return addAttachmentsToSlots(
    user,
    applicationId,
    files.map((f) => ({ ...f, slot })),
    requestId,
  );
}

/**
 * Records files in one transaction, all or none: editing rights per slot, the application's limits and the
 * enterprise's byte quota (checked under a lock of the enterprise, so two uploads at once cannot both slip under
 * it), sizes taken from the bytes really stored. Staged bytes that are not recorded are discarded.
 */
export async function addAttachmentsToSlots(user: User, applicationId: string, files: (NewAttachment & { slot: string })[], requestId: string) {
  if (files.length === 0) return;
  const staged: { slot: string; fileName: string; contentType: string; blobId: string; sizeBytes: number; sha256: string }[] = [];
  try {
    for (const f of files) {
      if ("content" in f) {
        const s = await stageBytes(f.content);
        staged.push({ slot: f.slot, fileName: f.fileName, contentType: f.contentType, ...s });
      } else staged.push(f);
    }
    await db()
      .transaction()
      .execute(async (trx) => {
        const app = await lockForEdit(trx, applicationId);
        if (staged.some((f) => !canEditSlot(app, f.slot))) throw new NotEditableError();
        // Serialises the quota checks of one enterprise; "no key" so that rows referencing it are not held up.
        await trx.selectFrom("enterprises").select("id").where("id", "=", app.enterprise_id).forNoKeyUpdate().executeTakeFirst();
        const stored = await storedBlobSizes(trx, staged.map((f) => f.blobId));
        if (staged.some((f) => stored.get(f.blobId) !== f.sizeBytes)) throw new BlobGoneError();
        const adding = staged.reduce((n, f) => n + f.sizeBytes, 0);
        const usage = await attachmentUsage(app.id, trx);
        if (usage.files + staged.length > MAX_FILES_PER_APPLICATION) throw new QuotaError("files", usage);
        if (usage.bytes + adding > MAX_BYTES_PER_APPLICATION) throw new QuotaError("bytes", usage);
        if (usage.enterpriseBytes + adding > usage.enterpriseMaxBytes) throw new QuotaError("enterprise", usage);
        await claimStagedBlobs(trx, staged.map((f) => f.blobId));
        for (const f of staged) {
          await trx
            .insertInto("attachments")
            .values({
              application_id: app.id,
              slot: f.slot,
              file_name: f.fileName,
              content_type: f.contentType,
              size_bytes: f.sizeBytes,
              sha256: f.sha256,
              blob_id: f.blobId,
              uploaded_by: user.id,
            })
            .execute();
        }
        await trx.updateTable("applications").set({ updated_at: sql`now()` }).where("id", "=", app.id).execute();
        if (staged.some((f) => f.slot.startsWith("doc:"))) await markAddressed(trx, app, "section:documents");
        for (const slot of new Set(staged.map((f) => f.slot))) {
          await recordAudit(trx, {
            actorUserId: user.id,
            actorRole: user.role,
            action: "application.files_added",
            entityType: "application",
            entityId: app.id,
            data: { slot, files: staged.filter((f) => f.slot === slot).map((f) => ({ name: f.fileName, sha256: f.sha256 })) },
            requestId,
          });
        }
      });
  } catch (e) {
    await databaseFileStore.discard(staged.map((f) => f.blobId));
    throw e;
  }
}

/**
 * Removing a file that no submitted version holds deletes its bytes; a file of a submitted version (frozen) keeps
 * them, because that version still shows it. The row stays, marked removed, for the record.
 */
export async function removeAttachment(user: User, applicationId: string, attachmentId: string, requestId: string) {
  if (!isUuid(attachmentId)) throw new NotFoundError();
  const freed = await db()
    .transaction()
    .execute(async (trx) => {
      const app = await lockForEdit(trx, applicationId);
      const file = await trx
        .selectFrom("attachments")
        .select(["id", "slot", "file_name", "frozen", "blob_id"])
        .where("id", "=", attachmentId)
        .where("application_id", "=", app.id)
        .where("deleted_at", "is", null)
        .executeTakeFirst();
      if (!file) throw new NotFoundError();
      if (!canEditSlot(app, file.slot)) throw new NotEditableError();
      // One statement clears the pointer with the removal: the table's checks hold after every statement.
      await trx
        .updateTable("attachments")
        .set({ deleted_at: sql`now()`, ...(file.frozen ? {} : { blob_id: null }) })
        .where("id", "=", file.id)
        .execute();
      const freed = file.frozen ? 0 : await deleteBlobs(trx, [file.blob_id]);
      await trx.updateTable("applications").set({ updated_at: sql`now()` }).where("id", "=", app.id).execute();
      if (file.slot.startsWith("doc:")) await markAddressed(trx, app, "section:documents");
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        action: "application.file_removed",
        entityType: "application",
        entityId: app.id,
        data: { slot: file.slot, name: file.file_name, bytesDeleted: !file.frozen },
        requestId,
      });
      return freed;
    });
  if (freed > 0) await reclaimFileSpace();
}

/** Files uploaded since the last submitted version, when the application can no longer be submitted (withdrawn): their bytes go. */
export async function deleteUnsubmittedFiles(trx: Transaction<Database>, applicationId: string) {
  const rows = await trx
    .selectFrom("attachments")
    .select(["id", "blob_id"])
    .where("application_id", "=", applicationId)
    .where("deleted_at", "is", null)
    .where("frozen", "=", false)
    .execute();
  if (rows.length === 0) return;
  await trx
    .updateTable("attachments")
    .set({ deleted_at: sql`now()`, blob_id: null })
    .where(
      "id",
      "in",
      rows.map((r) => r.id),
    )
    .execute();
  await deleteBlobs(
    trx,
    rows.map((r) => r.blob_id),
  );
}

export function listAttachmentsByIds(applicationId: string, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as AttachmentSummary[]);
  return db()
    .selectFrom("attachments")
    .select(["id", "slot", "file_name", "content_type", "size_bytes", "sha256", "created_at", "frozen"])
    .where("application_id", "=", applicationId)
    .where("id", "in", ids)
    .orderBy("created_at")
    .execute();
}

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
