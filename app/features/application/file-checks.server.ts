import { createHash } from "node:crypto";
import { fileTypeFromStream } from "file-type";
import { MAX_FILE_BYTES } from "./limits.server.ts";

/**
 * Multipart uploads: files stream into the file store in chunks while the body arrives, limits are enforced on the
 * way (nothing over a limit is buffered or kept), every file is checked by extension and by content, and file names
 * are cleaned before they reach the database or a header.
 */

export interface AllowedType {
  mime: string;
  /** What file-type must detect for a file with this extension. */
  detected: readonly string[];
}

export const ALLOWED: Record<string, AllowedType> = {
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
export const MAX_TEXT_FIELD_BYTES = 64 * 1024;
export const MAX_PARTS = 200;
/** How much of a refused body is read and thrown away so the browser sees the answer; beyond that the connection is closed. */
export const MAX_DRAIN_BYTES = 160 * 1024 * 1024;

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

export type FileProblemCode = "empty" | "type" | "mismatch" | "tooLarge" | "quotaFiles" | "quotaBytes" | "quotaEnterprise";

export interface CheckedFile {
  fileName: string;
  contentType: string;
  content: Uint8Array;
  sha256: string;
}

/**
 * What file-type sees in a file, reading only as far as it needs (the first bytes; further into a zip only when the
 * entry that names an office format is not at its start). Undefined when it cannot tell or the bytes are malformed.
 */
export async function sniff(chunks: AsyncIterable<Uint8Array>): Promise<string | undefined> {
  const iterator = chunks[Symbol.asyncIterator]();
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
  try {
    return (await fileTypeFromStream(stream))?.ext;
  } catch {
    return undefined;
  } finally {
    await stream.cancel().catch(() => undefined);
  }
}

async function* once(content: Uint8Array): AsyncGenerator<Uint8Array> {
  yield content;
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
  const detected = await sniff(once(content));
  if (!detected || !allowed.detected.includes(detected)) return { ok: false, code: "mismatch", fileName };
  const sha256 = createHash("sha256").update(content).digest("hex");
  return { ok: true, file: { fileName, contentType: allowed.mime, content, sha256 } };
}
