import { unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
import { MAX_BYTES_PER_APPLICATION, MAX_BYTES_PER_ENTERPRISE, MAX_FILE_BYTES, MAX_FILES_PER_APPLICATION } from "./limits.server.ts";
import { BlobWriter, type FileStore } from "~/platform/db/file-store.server.ts";
import { formatBytes } from "~/platform/i18n/format.ts";
import type { FieldErrors, FormValues } from "~/platform/forms/forms.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";

import { ALLOWED, MAX_DRAIN_BYTES, MAX_PARTS, MAX_TEXT_FIELD_BYTES, MULTIPART_OVERHEAD_BYTES, fileExtension, sanitizeFileName, sniff, type AllowedType, type FileProblemCode } from "./file-checks.server.ts";

// ---------- multipart parsing ----------

/** A file that passed every check. Its bytes are staged in the file store: addAttachments records it, else it is swept. */
export interface UploadedFile {
  field: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  blobId: string;
}

export interface FileProblem {
  field: string;
  code: FileProblemCode | "unreadable";
  fileName?: string;
}

export interface UploadResult {
  /** Text fields, first value of each name, as `readForm` gives them. */
  values: FormValues;
  /** Files that passed every check, in the order they were sent; empty when any file was refused. */
  files: UploadedFile[];
  problems: FileProblem[];
  /** One message per file field, ready for the error summary; empty when nothing was refused. */
  errors: FieldErrors;
  /** 413 when a size or quota limit was hit, 400 for other refusals, 200 when all is well. */
  status: 200 | 400 | 413;
  /** False when the parse stopped early: the text fields after the refused part are missing from `values`. */
  complete: boolean;
  /** Set `Connection: close` on the answer: part of the body was left unread. */
  closeConnection: boolean;
}

/** What is already stored (StorageUsage); without the enterprise's figures only the application's limits apply. */
export interface UploadUsage {
  files: number;
  bytes: number;
  enterpriseBytes?: number;
  enterpriseMaxBytes?: number;
}

export interface UploadOptions {
  t: Translate;
  /** Names of the file inputs; file parts under other names are read and ignored. */
  fileFields: readonly string[];
  /** What the application (and its enterprise) already holds. */
  usage: UploadUsage;
  /** Where the bytes go while they arrive: `databaseFileStore` in the app. */
  store: FileStore;
  /** Field to blame when the request as a whole is refused (too big, unreadable). */
  defaultField?: string;
}

class LimitError extends Error {
  constructor(
    public code: "tooLarge" | "quotaFiles" | "quotaBytes" | "quotaEnterprise" | "unreadable",
    public field: string,
    public fileName?: string,
  ) {
    super(code);
  }
}

/** The store failed (not the upload): answered as the server error it is, after the staged bytes are dropped. */
class StoreError extends Error {
  constructor(public cause: unknown) {
    super("File store failed");
  }
}

const mebibytes = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** A size for the quota texts: "1 GB" rather than "1024.0 MB". */
function quotaSize(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  return gib >= 1 ? `${Number(gib.toFixed(1))} GB` : formatBytes(bytes);
}

/** The parameters of the "upload.usage" text: the application's files and limits, and what the enterprise stores. */
export function usageParams(usage: Required<UploadUsage>) {
  return {
    files: usage.files,
    maxFiles: MAX_FILES_PER_APPLICATION,
    bytes: formatBytes(usage.bytes),
    maxBytes: formatBytes(MAX_BYTES_PER_APPLICATION),
    enterpriseBytes: formatBytes(usage.enterpriseBytes),
    enterpriseMaxBytes: quotaSize(usage.enterpriseMaxBytes),
  };
}

/** The message for an upload over a quota, for parse-time refusals and for QuotaError from addAttachments alike. */
export function quotaMessage(t: Translate, kind: "files" | "bytes" | "enterprise", usage?: UploadUsage): string {
  switch (kind) {
    case "files":
      return t("upload.error.quotaFiles", { max: MAX_FILES_PER_APPLICATION });
    case "bytes":
      return t("upload.error.quotaBytes", { max: mebibytes(MAX_BYTES_PER_APPLICATION) });
    case "enterprise":
      return t("upload.error.quotaEnterprise", {
        used: formatBytes(usage?.enterpriseBytes ?? 0),
        max: quotaSize(usage?.enterpriseMaxBytes ?? MAX_BYTES_PER_ENTERPRISE),
      });
  }
}

function problemMessage(t: Translate, p: FileProblem, usage?: UploadUsage): string {
  const name = p.fileName ?? "";
  switch (p.code) {
    case "empty":
      return t("upload.error.empty", { name });
    case "type":
      return t("upload.error.type", { name });
    case "mismatch":
      return t("upload.error.mismatch", { name, ext: fileExtension(name).toUpperCase() });
    case "tooLarge":
      return name ? t("upload.error.tooLarge", { name }) : t("upload.error.tooLargeUnnamed");
    case "quotaFiles":
      return quotaMessage(t, "files");
    case "quotaBytes":
      return quotaMessage(t, "bytes");
    case "quotaEnterprise":
      return quotaMessage(t, "enterprise", usage);
    case "unreadable":
      return t("upload.error.unreadable");
  }
}

export function problemErrors(t: Translate, problems: FileProblem[], usage?: UploadUsage): FieldErrors {
  const errors: FieldErrors = {};
  for (const p of problems) {
    const message = problemMessage(t, p, usage);
    errors[p.field] = errors[p.field] ? `${errors[p.field]} ${message}` : message;
  }
  return errors;
}

/** Reads and discards what is left of a body, up to a limit; false when the limit was reached first. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, limit: number): Promise<boolean> {
  let read = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return true;
      read += value.byteLength;
      // Stop reading (not cancel: that would destroy the socket before the answer goes out).
      if (read > limit) return false;
    }
  } catch {
    return false;
  }
}

/**
 * For an action that refuses a multipart request without parsing it (not editable, bad intent): reads the rest of
 * the body so the browser sees the answer; true when the caller should also send `Connection: close`.
 */
export async function discardBody(request: Request): Promise<boolean> {
  if (!request.body || request.bodyUsed || request.body.locked) return false;
  const length = Number(request.headers.get("Content-Length") ?? "0");
  if (length > MAX_DRAIN_BYTES) return true;
  return !(await drain(request.body.getReader(), MAX_DRAIN_BYTES));
}

export function isMultipart(request: Request): boolean {
  return /^multipart\/form-data\b/i.test(request.headers.get("Content-Type") ?? "");
}

/** A file part as it arrived: refused on sight (empty, wrong extension) or staged for the content check. */
type Received = { field: string; fileName: string } & ({ problem: FileProblemCode } | { staged: { blobId: string; sizeBytes: number; sha256: string; allowed: AllowedType } });

/**
 * Parses a multipart form with Remix's streaming parser and streams each file into the store as it arrives, in
 * chunks of CHUNK_BYTES, hashing on the way: no file (and no request) is ever held whole. Limits stop the parse as
 * soon as they are crossed: a file over MAX_FILE_BYTES, more files or bytes than the application's or the
 * enterprise's remaining quota, a body larger than that plus MULTIPART_OVERHEAD_BYTES (refused from Content-Length
 * before any part is parsed), too many parts. A file with an extension that is not accepted is read and dropped,
 * never stored; the others are sniffed from their first stored bytes once the body is in. When anything is refused
 * nothing is kept: every staged byte of the request is discarded. The rest of a refused body is read and dropped so
 * the browser gets the answer (a connection closed mid-upload shows as a network error), up to a cap beyond which
 * the connection closes. A refused request still returns the text fields read so far, so the form can show what
 * was typed.
 */
export async function parseUpload(request: Request, opts: UploadOptions): Promise<UploadResult> {
  const { t, store, usage } = opts;
  const defaultField = opts.defaultField ?? opts.fileFields[0] ?? "form";
  const applicationRoom = Math.max(0, MAX_BYTES_PER_APPLICATION - usage.bytes);
  const enterpriseRoom = usage.enterpriseMaxBytes === undefined ? Infinity : Math.max(0, usage.enterpriseMaxBytes - (usage.enterpriseBytes ?? 0));
  const remainingBytes = Math.min(applicationRoom, enterpriseRoom);
  const quotaCode = enterpriseRoom < applicationRoom ? "quotaEnterprise" : "quotaBytes";
  const remainingFiles = Math.max(0, MAX_FILES_PER_APPLICATION - usage.files);
  const bodyLimit = remainingBytes + MULTIPART_OVERHEAD_BYTES;

  // The read the parser may still have in flight when it stops. Draining must wait for it: two reads pending at
  // once on Remix's Node stream pump can leave the request paused for good.
  let inFlight: Promise<unknown> = Promise.resolve();
  const values: FormValues = {};
  const received: Received[] = [];
  /** Every blob this request created, so that a refusal can drop them all, the half-written one included. */
  const opened: string[] = [];
  const discardAll = () => store.discard(opened.splice(0));

  const refuse = async (
    error: LimitError,
    reader: ReadableStreamDefaultReader<Uint8Array> | null,
    alreadyRead: number,
  ): Promise<UploadResult> => {
    await discardAll();
    const problems: FileProblem[] = [{ field: error.field, code: error.code, fileName: error.fileName }];
    const errors = problemErrors(t, problems, usage);
    const status = error.code === "unreadable" ? 400 : 413;
    // What is left is read and dropped, not parsed or kept, so the browser gets the answer instead of a reset.
    const length = Number(request.headers.get("Content-Length") ?? "0");
    let closeConnection: boolean;
    if (reader) {
      await inFlight;
      const left = length > 0 ? length - alreadyRead : 0;
      closeConnection = left > MAX_DRAIN_BYTES || !(await drain(reader, MAX_DRAIN_BYTES));
    } else {
      closeConnection = await discardBody(request);
    }
    return { values, files: [], problems, errors, status, complete: false, closeConnection };
  };

  if (!request.body || !isMultipart(request)) return refuse(new LimitError("unreadable", defaultField), null, 0);
  const declared = Number(request.headers.get("Content-Length") ?? "NaN");
  if (Number.isFinite(declared) && declared > bodyLimit) return refuse(new LimitError(quotaCode, defaultField), null, 0);
  await store.sweep();

  // Count what actually arrives too: a chunked body has no Content-Length to check up front.
  const reader = request.body.getReader();
  let bytesRead = 0;
  let stopped = false;
  const limited = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (stopped) return controller.close();
      const read = reader.read();
      inFlight = read.catch(() => undefined);
      const { done, value } = await read;
      if (done) return controller.close();
      bytesRead += value.byteLength;
      if (bytesRead > bodyLimit) return controller.error(new LimitError(quotaCode, defaultField));
      controller.enqueue(value);
    },
  });

  const stored = <T>(op: Promise<T>) => op.catch((e: unknown) => Promise.reject(new StoreError(e)));
  let parts = 0;
  let fileBytes = 0;
  const handler: UploadHandler = async ({ name, filename, data }) => {
    if (++parts > MAX_PARTS) throw new LimitError("unreadable", defaultField);
    if (typeof filename !== "string") {
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of data) {
        size += chunk.byteLength;
        if (size > MAX_TEXT_FIELD_BYTES) throw new LimitError("unreadable", defaultField);
        chunks.push(chunk);
      }
      if (!(name in values)) values[name] = new TextDecoder().decode(concat(chunks, size));
      return undefined;
    }
    const field = opts.fileFields.includes(name) ? name : undefined;
    const fileName = sanitizeFileName(decodeMultipartName(filename));
    if (field && filename && received.length + 1 > remainingFiles) throw new LimitError("quotaFiles", field);
    // Only a file that may be kept is stored; the others are read through and dropped.
    const allowed = field && filename ? ALLOWED[fileExtension(fileName)] : undefined;
    const writer = allowed ? await stored(BlobWriter.open(store)) : undefined;
    if (writer) opened.push(writer.id);
    let size = 0;
    for await (const chunk of data) {
      size += chunk.byteLength;
      if (size > MAX_FILE_BYTES) throw new LimitError("tooLarge", field ?? defaultField, fileName);
      if (fileBytes + size > remainingBytes) throw new LimitError(quotaCode, field ?? defaultField);
      if (writer) await stored(writer.write(chunk));
    }
    // A file input left empty sends a part with no name and no bytes.
    if (!field || (!filename && size === 0)) return undefined;
    fileBytes += size;
    if (size === 0) received.push({ field, fileName, problem: "empty" });
    else if (!writer || !allowed) received.push({ field, fileName, problem: "type" });
    else received.push({ field, fileName, staged: { blobId: writer.id, ...(await stored(writer.close())), allowed } });
    return undefined;
  };

  try {
    const body = new Request(request.url, { method: "POST", headers: request.headers, body: limited, duplex: "half" } as RequestInit);
    await unstable_parseMultipartFormData(body, handler);
  } catch (e) {
    stopped = true;
    if (e instanceof StoreError) {
      await discardAll().catch(() => undefined);
      throw e.cause;
    }
    if (e instanceof LimitError) return refuse(e, reader, bytesRead);
    // Malformed multipart (Remix's parser also trips on ";" or "=" inside a file name), or the client went away.
    return refuse(new LimitError("unreadable", defaultField), reader, bytesRead);
  }
  stopped = true;
  await inFlight;
  // Anything after the closing boundary (an epilogue) is read so the connection can be reused.
  const closeConnection = !(await drain(reader, MULTIPART_OVERHEAD_BYTES));

  let files: UploadedFile[] = [];
  const problems: FileProblem[] = [];
  try {
    for (const r of received) {
      if ("problem" in r) {
        problems.push({ field: r.field, code: r.problem, fileName: r.fileName });
        continue;
      }
      const detected = await sniff(store.chunks(r.staged.blobId));
      if (!detected || !r.staged.allowed.detected.includes(detected)) problems.push({ field: r.field, code: "mismatch", fileName: r.fileName });
      else {
        const { blobId, sizeBytes, sha256, allowed } = r.staged;
        files.push({ field: r.field, fileName: r.fileName, contentType: allowed.mime, sizeBytes, sha256, blobId });
      }
    }
  } catch (e) {
    await discardAll().catch(() => undefined);
    throw e;
  }
  // No file is kept when any is refused: the user fixes the one and sends the set again.
  if (problems.length > 0) {
    await discardAll();
    files = [];
  }
  return { values, files, problems, errors: problemErrors(t, problems, usage), status: problems.length ? 400 : 200, complete: true, closeConnection };
}

/** Browsers escape exactly three characters in multipart file names (HTML standard): undo that before cleaning. */
function decodeMultipartName(name: string): string {
  return name.replace(/%22/g, '"').replace(/%0[AD]/gi, " ");
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
