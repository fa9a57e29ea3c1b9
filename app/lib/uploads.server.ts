import { createHash } from "node:crypto";
import { unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
import { fileTypeFromBuffer } from "file-type";
import { MAX_BYTES_PER_APPLICATION, MAX_FILE_BYTES, MAX_FILES_PER_APPLICATION } from "~/models/application.server.ts";
import type { FieldErrors, FormValues } from "./forms.server.ts";
import type { Translate } from "./i18n.ts";

/**
 * Multipart uploads: limits are enforced while the body streams in (nothing over a limit is buffered), every file is
 * checked by extension and by content, and file names are cleaned before they reach the database or a header.
 */

interface AllowedType {
  mime: string;
  /** What file-type must detect for a file with this extension. */
  detected: readonly string[];
}

const ALLOWED: Record<string, AllowedType> = {
  pdf: { mime: "application/pdf", detected: ["pdf", "ai"] }, // Illustrator files are PDFs
  png: { mime: "image/png", detected: ["png", "apng"] },
  jpg: { mime: "image/jpeg", detected: ["jpg"] },
  jpeg: { mime: "image/jpeg", detected: ["jpg"] },
  docx: { mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", detected: ["docx"] },
  xlsx: { mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", detected: ["xlsx"] },
  odt: { mime: "application/vnd.oasis.opendocument.text", detected: ["odt"] },
  ods: { mime: "application/vnd.oasis.opendocument.spreadsheet", detected: ["ods"] },
};

/** The `accept` attribute of file inputs (a hint for the browser's picker; the server checks again). */
export const ACCEPT = Object.keys(ALLOWED)
  .map((e) => `.${e}`)
  .join(",");
/** Content types the download route may send; anything else goes out as application/octet-stream. */
export const SERVABLE_TYPES: ReadonlySet<string> = new Set(Object.values(ALLOWED).map((a) => a.mime));

/** Room for the text fields, part headers and boundaries of a form that also carries files. */
export const MULTIPART_OVERHEAD_BYTES = 512 * 1024;
const MAX_TEXT_FIELD_BYTES = 64 * 1024;
const MAX_PARTS = 200;
/** How much of a refused body is read and thrown away so the browser sees the answer; beyond that the connection is closed. */
const MAX_DRAIN_BYTES = 160 * 1024 * 1024;

const MAX_NAME_LENGTH = 150;
const FALLBACK_STEM = "tai-lieu";

// ---------- file names ----------

/**
 * A file name safe to store, show and send in a header: no path, no control/format characters (bidi overrides,
 * zero-width), no characters Windows or Content-Disposition choke on; Vietnamese letters kept (NFC, so names typed
 * on macOS compare equal); at most 150 characters with the extension kept; never empty.
 */
export function sanitizeFileName(raw: string): string {
  let name = raw.normalize("NFC");
  name = name.split(/[/\\]/).pop() ?? "";
  name = name.replace(/[\t\n\r\v\f]/g, " ");
  // Cc control, Cf format (U+202E etc.), Co private use, Cn unassigned, Cs lone surrogates, Zl/Zp separators
  name = name.replace(/[\p{C}\p{Zl}\p{Zp}]/gu, "");
  name = name.replace(/["*:<>?|]/g, "_");
  name = name.replace(/\s+/gu, " ");
  name = name.replace(/^[\s.]+/u, "").replace(/[\s.]+$/u, "");
  const match = /\.([\p{L}\p{N}]{1,10})$/u.exec(name);
  const ext = match ? match[1]!.toLowerCase() : "";
  let stem = match ? name.slice(0, match.index) : name;
  const room = MAX_NAME_LENGTH - (ext ? ext.length + 1 : 0);
  const chars = Array.from(stem);
  if (chars.length > room) stem = chars.slice(0, room).join("");
  stem = stem.replace(/[\s.]+$/u, "");
  if (!stem) stem = FALLBACK_STEM;
  return ext ? `${stem}.${ext}` : stem;
}

export function fileExtension(fileName: string): string {
  const match = /\.([^.]+)$/.exec(fileName);
  return match ? match[1]!.toLowerCase() : "";
}

/** `attachment` with an ASCII fallback name and the exact name in RFC 5987 form; always a valid (ASCII) header value. */
export function contentDisposition(fileName: string): string {
  const safe = sanitizeFileName(fileName);
  const ascii = safe
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .replace(/[^\x20-\x7E]/g, "_")
    .replace(/["\\%]/g, "_");
  const encoded = encodeURIComponent(safe).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

// ---------- content checks ----------

export type FileProblemCode = "empty" | "type" | "mismatch" | "tooLarge" | "quotaFiles" | "quotaBytes";

export interface CheckedFile {
  fileName: string;
  contentType: string;
  content: Uint8Array;
  sha256: string;
}

/** Checks one complete file: allowed extension, content of that type, not empty, not over the size limit. */
export async function inspectFile(
  rawName: string,
  content: Uint8Array,
): Promise<{ ok: true; file: CheckedFile } | { ok: false; code: FileProblemCode; fileName: string }> {
  const fileName = sanitizeFileName(rawName);
  if (content.byteLength === 0) return { ok: false, code: "empty", fileName };
  if (content.byteLength > MAX_FILE_BYTES) return { ok: false, code: "tooLarge", fileName };
  const allowed = ALLOWED[fileExtension(fileName)];
  if (!allowed) return { ok: false, code: "type", fileName };
  let detected: string | undefined;
  try {
    detected = (await fileTypeFromBuffer(content))?.ext;
  } catch {
    detected = undefined;
  }
  if (!detected || !allowed.detected.includes(detected)) return { ok: false, code: "mismatch", fileName };
  const sha256 = createHash("sha256").update(content).digest("hex");
  return { ok: true, file: { fileName, contentType: allowed.mime, content, sha256 } };
}

// ---------- multipart parsing ----------

export interface UploadedFile extends CheckedFile {
  field: string;
}

export interface FileProblem {
  field: string;
  code: FileProblemCode | "unreadable";
  fileName?: string;
}

export interface UploadResult {
  /** Text fields, first value of each name, as `readForm` gives them. */
  values: FormValues;
  /** Files that passed every check, in the order they were sent. */
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

export interface UploadOptions {
  t: Translate;
  /** Names of the file inputs; file parts under other names are read and ignored. */
  fileFields: readonly string[];
  /** What the application already holds (live files). */
  usage: { files: number; bytes: number };
  /** Field to blame when the request as a whole is refused (too big, unreadable). */
  defaultField?: string;
}

class LimitError extends Error {
  constructor(
    public code: "tooLarge" | "quotaFiles" | "quotaBytes" | "unreadable",
    public field: string,
    public fileName?: string,
  ) {
    super(code);
  }
}

function problemMessage(t: Translate, p: FileProblem): string {
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
      return t("upload.error.quotaFiles", { max: MAX_FILES_PER_APPLICATION });
    case "quotaBytes":
      return t("upload.error.quotaBytes", { max: Math.round(MAX_BYTES_PER_APPLICATION / 1024 / 1024) });
    case "unreadable":
      return t("upload.error.unreadable");
  }
}

export function problemErrors(t: Translate, problems: FileProblem[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const p of problems) {
    const message = problemMessage(t, p);
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

/**
 * Parses a multipart form with Remix's streaming parser. Limits stop the parse as soon as they are crossed:
 * a file over MAX_FILE_BYTES, more files or bytes than the application's remaining quota, a body larger than that
 * quota plus MULTIPART_OVERHEAD_BYTES (refused from Content-Length before any part is parsed), too many parts.
 * Nothing past a limit is kept in memory; the rest of a refused body is read and dropped so the browser gets the
 * answer (a connection closed mid-upload shows as a network error), up to a cap beyond which the connection closes.
 * A refused request still returns the text fields read so far, so the form can show what was typed.
 */
export async function parseUpload(request: Request, opts: UploadOptions): Promise<UploadResult> {
  const { t } = opts;
  const defaultField = opts.defaultField ?? opts.fileFields[0] ?? "form";
  const remainingBytes = Math.max(0, MAX_BYTES_PER_APPLICATION - opts.usage.bytes);
  const remainingFiles = Math.max(0, MAX_FILES_PER_APPLICATION - opts.usage.files);
  const bodyLimit = remainingBytes + MULTIPART_OVERHEAD_BYTES;

  // The read the parser may still have in flight when it stops. Draining must wait for it: two reads pending at
  // once on Remix's Node stream pump can leave the request paused for good.
  let inFlight: Promise<unknown> = Promise.resolve();
  const values: FormValues = {};
  const received: { field: string; name: string; content: Uint8Array }[] = [];

  const refuse = async (
    error: LimitError,
    reader: ReadableStreamDefaultReader<Uint8Array> | null,
    alreadyRead: number,
  ): Promise<UploadResult> => {
    const problems: FileProblem[] = [{ field: error.field, code: error.code, fileName: error.fileName }];
    const errors = problemErrors(t, problems);
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
  if (Number.isFinite(declared) && declared > bodyLimit) return refuse(new LimitError("quotaBytes", defaultField), null, 0);

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
      if (bytesRead > bodyLimit) return controller.error(new LimitError("quotaBytes", defaultField));
      controller.enqueue(value);
    },
  });

  let parts = 0;
  let fileBytes = 0;
  const handler: UploadHandler = async ({ name, filename, data }) => {
    if (++parts > MAX_PARTS) throw new LimitError("unreadable", defaultField);
    const isFile = typeof filename === "string";
    const limit = isFile ? MAX_FILE_BYTES : MAX_TEXT_FIELD_BYTES;
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of data) {
      size += chunk.byteLength;
      if (size > limit) {
        if (isFile) throw new LimitError("tooLarge", opts.fileFields.includes(name) ? name : defaultField, sanitizeFileName(decodeMultipartName(filename)));
        throw new LimitError("unreadable", defaultField);
      }
      if (isFile && fileBytes + size > remainingBytes) throw new LimitError("quotaBytes", name);
      chunks.push(chunk);
    }
    if (!isFile) {
      if (!(name in values)) values[name] = new TextDecoder().decode(concat(chunks, size));
      return undefined;
    }
    // A file input left empty sends a part with no name and no bytes.
    if (!filename && size === 0) return undefined;
    if (!opts.fileFields.includes(name)) return undefined;
    if (received.length + 1 > remainingFiles) throw new LimitError("quotaFiles", name);
    fileBytes += size;
    received.push({ field: name, name: decodeMultipartName(filename), content: concat(chunks, size) });
    return undefined;
  };

  try {
    const body = new Request(request.url, { method: "POST", headers: request.headers, body: limited, duplex: "half" } as RequestInit);
    await unstable_parseMultipartFormData(body, handler);
  } catch (e) {
    stopped = true;
    if (e instanceof LimitError) return refuse(e, reader, bytesRead);
    // Malformed multipart (Remix's parser also trips on ";" or "=" inside a file name).
    return refuse(new LimitError("unreadable", defaultField), reader, bytesRead);
  }
  stopped = true;
  await inFlight;
  // Anything after the closing boundary (an epilogue) is read so the connection can be reused.
  const closeConnection = !(await drain(reader, MULTIPART_OVERHEAD_BYTES));

  const files: UploadedFile[] = [];
  const problems: FileProblem[] = [];
  for (const r of received) {
    const checked = await inspectFile(r.name, r.content);
    if (checked.ok) files.push({ ...checked.file, field: r.field });
    else problems.push({ field: r.field, code: checked.code, fileName: checked.fileName });
  }
  return { values, files, problems, errors: problemErrors(t, problems), status: problems.length ? 400 : 200, complete: true, closeConnection };
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

/** Bytes from the database as one Uint8Array view: PGlite gives Uint8Array, pg gives Buffer. */
export function toBytes(value: Uint8Array | Buffer | ArrayBuffer): Uint8Array<ArrayBuffer> {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  // Neither driver hands out shared memory, so the view is over a plain ArrayBuffer.
  return new Uint8Array(value.buffer as ArrayBuffer, value.byteOffset, value.byteLength);
}
