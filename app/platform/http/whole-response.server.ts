import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { chooseEncoding } from "./static-files.server.ts";

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** Below this a compressed body saves less than its headers cost (the compression middleware's own threshold). */
const MIN_COMPRESS_BYTES = 1024;

/**
 * A whole body (a rendered document, a data response) sent at once: compressed in one go when the client accepts it
 * (brotli at the quality the compression middleware uses, else gzip), with Content-Length and `Vary: Accept-Encoding`,
 * so it is never chunked and never flushed piecemeal. The compression middleware leaves an encoded body alone.
 */
export async function wholeBody(bytes: Uint8Array, acceptEncoding: string | null, headers: Headers): Promise<Uint8Array<ArrayBuffer>> {
  headers.append("Vary", "Accept-Encoding");
  const encoding = bytes.byteLength >= MIN_COMPRESS_BYTES ? chooseEncoding(acceptEncoding ?? undefined, ["br", "gzip"]) : undefined;
  let body: Uint8Array = bytes;
  if (encoding === "br") body = await brotli(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength } });
  else if (encoding === "gzip") body = await gz(bytes);
  if (encoding) headers.set("Content-Encoding", encoding);
  headers.set("Content-Length", String(body.byteLength));
  // zlib's buffers are never shared memory.
  return body as Uint8Array<ArrayBuffer>;
}
