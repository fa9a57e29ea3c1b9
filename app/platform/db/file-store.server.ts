import { createHash } from "node:crypto";
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "./db-types.ts";
import { db, dbHandle } from "./db.server.ts";

/**
 * File bytes in 256 KiB chunks (docs/decisions/009-file-storage-in-chunks.md). An upload is written chunk by chunk
 * as it arrives, into a staged blob; an attachment claims the blob in the transaction that records the file. No
 * query ever moves more than one chunk, so neither the web process nor PGlite holds a whole file.
 */

type Executor = Kysely<Database> | Transaction<Database>;

export const CHUNK_BYTES = 256 * 1024;
/** A staged blob this old belongs to no running request (Node ends a request after 5 minutes): it is swept. */
const STAGED_LIFETIME = "1 hour";

/** Where uploads put their bytes: the database in the app, memory in unit tests. */
export interface FileStore {
  create(): Promise<string>;
  writeChunk(blobId: string, seq: number, bytes: Uint8Array): Promise<void>;
  chunks(blobId: string): AsyncIterable<Uint8Array>;
  /** Drops staged blobs (a refused or failed upload); blobs an attachment claimed stay. */
  discard(blobIds: readonly string[]): Promise<void>;
  /** Drops staged blobs left behind by requests that never finished (a crash mid-upload). */
  sweep(): Promise<void>;
}

/** Bytes from the database as one Uint8Array view: PGlite gives Uint8Array, pg gives Buffer. */
export function toBytes(value: Uint8Array | Buffer | ArrayBuffer): Uint8Array<ArrayBuffer> {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  // Neither driver hands out shared memory, so the view is over a plain ArrayBuffer.
  return new Uint8Array(value.buffer as ArrayBuffer, value.byteOffset, value.byteLength);
}

// ---------- writing ----------

/**
 * Cuts a stream of pieces of any size into chunks of CHUNK_BYTES and writes each as soon as it is full: at most
 * one chunk is held. Hashes and counts what passes through.
 */
export class BlobWriter {
  private buffer: Uint8Array | null = null;
  private filled = 0;
  private seq = 0;
  private readonly hash = createHash("sha256");
  size = 0;

  private constructor(
    private readonly store: FileStore,
    readonly id: string,
  ) {}

  static async open(store: FileStore): Promise<BlobWriter> {
    return new BlobWriter(store, await store.create());
  }

  async write(piece: Uint8Array): Promise<void> {
    this.hash.update(piece);
    this.size += piece.byteLength;
    let offset = 0;
    while (offset < piece.byteLength) {
      this.buffer ??= new Uint8Array(CHUNK_BYTES);
      const take = Math.min(CHUNK_BYTES - this.filled, piece.byteLength - offset);
      this.buffer.set(piece.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === CHUNK_BYTES) await this.flush();
    }
  }

  /** Writes the last, partial chunk; returns the size and SHA-256 of everything written. */
  async close(): Promise<{ sizeBytes: number; sha256: string }> {
    if (this.filled > 0) await this.flush();
    return { sizeBytes: this.size, sha256: this.hash.digest("hex") };
  }

  private async flush(): Promise<void> {
    const bytes = this.buffer!.subarray(0, this.filled);
    this.buffer = null;
    this.filled = 0;
    await this.store.writeChunk(this.id, this.seq++, bytes);
  }
}

/** Stages bytes that are already in memory (demo data, tests), chunked like an upload. */
export async function stageBytes(content: Uint8Array, store: FileStore = databaseFileStore) {
  const writer = await BlobWriter.open(store);
  try {
    await writer.write(content);
    return { blobId: writer.id, ...(await writer.close()) };
  } catch (e) {
    await store.discard([writer.id]);
    throw e;
  }
}

// ---------- the database store ----------

function createStagedBlob(): Promise<string> {
  return db()
    .insertInto("file_blobs")
    .defaultValues()
    .returning("id")
    .executeTakeFirstOrThrow()
    .then((r) => r.id);
}

// Chunks travel as hex text, encoded and decoded natively by Buffer and by the database. PGlite's own bytea codec
// goes through a JS array of every byte (a 256 KiB chunk became ~10 MB of garbage and took 3-8 times longer); pg
// would send a Buffer as it is, but one code path for both keeps them alike.
async function writeChunk(blobId: string, seq: number, bytes: Uint8Array): Promise<void> {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
  await db()
    .insertInto("file_chunks")
    .values({ blob_id: blobId, seq, bytes: sql<Uint8Array>`decode(${hex}, 'hex')` })
    .execute();
}

async function readChunk(blobId: string, after: number, ex: Executor = db()): Promise<{ seq: number; bytes: Uint8Array } | undefined> {
  const row = await ex
    .selectFrom("file_chunks")
    .select(["seq", sql<string>`encode(bytes, 'hex')`.as("hex")])
    .where("blob_id", "=", blobId)
    .where("seq", ">", after)
    .orderBy("seq")
    .limit(1)
    .executeTakeFirst();
  return row && { seq: row.seq, bytes: Buffer.from(row.hex, "hex") };
}

/** The chunks of a blob in order, one query (one chunk in memory) at a time. */
async function* readChunks(blobId: string): AsyncGenerator<Uint8Array> {
  let seq = -1;
  for (;;) {
    const row = await readChunk(blobId, seq);
    if (!row) return;
    seq = row.seq;
    yield row.bytes;
  }
}

async function discardStagedBlobs(blobIds: readonly string[]): Promise<void> {
  if (blobIds.length === 0) return;
  await db()
    .deleteFrom("file_blobs")
    .where("id", "in", [...blobIds])
    .where("staged", "=", true)
    .execute();
  await reclaimFileSpace();
}

async function sweepAbandonedBlobs(): Promise<void> {
  const swept = await db()
    .deleteFrom("file_blobs")
    .where("staged", "=", true)
    .where("created_at", "<", sql<Date>`now() - ${STAGED_LIFETIME}::interval`)
    .executeTakeFirst();
  if (Number(swept.numDeletedRows) > 0) await reclaimFileSpace();
}

export const databaseFileStore: FileStore = {
  create: createStagedBlob,
  writeChunk,
  chunks: readChunks,
  discard: discardStagedBlobs,
  sweep: sweepAbandonedBlobs,
};

// ---------- attaching and deleting (inside the caller's transaction) ----------

/** The bytes really stored for each blob (octet_length reads only each chunk's header). */
export async function storedBlobSizes(trx: Executor, blobIds: readonly string[]): Promise<Map<string, number>> {
  if (blobIds.length === 0) return new Map();
  const rows = await trx
    .selectFrom("file_chunks")
    .select(["blob_id", sql<number>`sum(octet_length(bytes))::bigint`.as("bytes")])
    .where("blob_id", "in", [...blobIds])
    .groupBy("blob_id")
    .execute();
  return new Map(rows.map((r) => [r.blob_id, Number(r.bytes)]));
}

export class BlobGoneError extends Error {
  constructor() {
    super("A staged upload was discarded before it could be saved");
  }
}

/** Takes staged blobs out of the sweep's reach; throws when one was discarded or swept in the meantime. */
export async function claimStagedBlobs(trx: Transaction<Database>, blobIds: readonly string[]): Promise<void> {
  if (blobIds.length === 0) return;
  const claimed = await trx
    .updateTable("file_blobs")
    .set({ staged: false })
    .where("id", "in", [...blobIds])
    .where("staged", "=", true)
    .returning("id")
    .execute();
  if (claimed.length !== new Set(blobIds).size) throw new BlobGoneError();
}

/**
 * Deletes blobs with their chunks. Clear the attachments' pointers first: deleting a blob an attachment still points
 * at clears the pointer too, which the attachments table refuses for a live or submitted file.
 */
export async function deleteBlobs(trx: Transaction<Database>, blobIds: readonly (string | null)[]): Promise<number> {
  const ids = blobIds.filter((id): id is string => Boolean(id));
  if (ids.length === 0) return 0;
  const deleted = await trx.deleteFrom("file_blobs").where("id", "in", ids).executeTakeFirst();
  return Number(deleted.numDeletedRows);
}

// ---------- reading ----------

export class IncompleteBlobError extends Error {}

/**
 * A stored file as a byte stream for a response: one chunk read per pull. Errors (the response is cut, not completed
 * with wrong bytes) when the chunks do not add up to the size the attachment records, e.g. removed mid-download.
 */
export function blobStream(blobId: string, sizeBytes: number): ReadableStream<Uint8Array> {
  let seq = -1;
  let sent = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const row = await readChunk(blobId, seq);
        if (!row) {
          if (sent === sizeBytes) controller.close();
          else controller.error(new IncompleteBlobError(`Blob ${blobId}: ${sent} of ${sizeBytes} bytes stored`));
          return;
        }
        seq = row.seq;
        const bytes = row.bytes;
        sent += bytes.byteLength;
        if (sent > sizeBytes) return controller.error(new IncompleteBlobError(`Blob ${blobId}: more bytes than recorded`));
        controller.enqueue(bytes);
      },
    },
    { highWaterMark: 0 },
  );
}

// ---------- space ----------

let vacuuming: Promise<void> | null = null;

/**
 * PGlite runs no autovacuum: without this, the space of deleted chunks is never reused and the data directory grows
 * by every removed file. PostgreSQL's autovacuum does the same job on a server.
 */
export async function reclaimFileSpace(): Promise<void> {
  if (dbHandle()?.kind !== "pglite") return;
  vacuuming ??= sql`vacuum file_chunks`
    .execute(db())
    .then(() => undefined)
    .finally(() => {
      vacuuming = null;
    });
  await vacuuming;
}
