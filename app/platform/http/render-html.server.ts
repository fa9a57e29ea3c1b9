import { createHash } from "node:crypto";
import type { ReactNode } from "react";
// Not renderToPipeableStream: React 18.3's Node stream writer flushes its whole 2 KB buffer when a multi-byte character
// does not fit at the end, so a NUL byte lands in the middle of Vietnamese text (seen as "ph\0át triển" in a select).
// The web-stream writer (the same one Remix uses on other runtimes) copies bytes exactly.
import { renderToReadableStream } from "react-dom/server.browser";

export interface RenderOptions {
  signal?: AbortSignal;
  onError?: (error: unknown) => void;
}

/**
 * The whole document in one buffer: React renders every Suspense boundary (`allReady`) before a byte leaves, as it
 * did for bots, so the response has a Content-Length, the compressor sees the document at once, and the inline
 * scripts are known before the headers go (their hashes make the Content-Security-Policy, see inlineScriptHashes).
 * Rejects when the shell itself fails to render. Decision 023.
 */
export async function renderHtml(element: ReactNode, opts: RenderOptions = {}): Promise<Uint8Array<ArrayBuffer>> {
  const stream = await renderToReadableStream(element, { signal: opts.signal, onError: opts.onError });
  await stream.allReady;
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// React escapes `<` and `>` in attribute values, and Remix writes `<` inside its scripts as \u003c, so a tag ends at
// the first `>` and a script at the first `</script`.
const SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;

/** The CSP source (`'sha256-…'`) of each distinct inline script of a finished document, in document order. */
export function inlineScriptHashes(html: string): string[] {
  const hashes = new Set<string>();
  for (const [, attrs, body] of html.matchAll(SCRIPT)) {
    if (/\ssrc\s*=/i.test(` ${attrs}`)) continue;
    hashes.add(`'sha256-${createHash("sha256").update(body!, "utf8").digest("base64")}'`);
  }
  return [...hashes];
}
