import type { ReactNode } from "react";
import type { ReactDOMServerReadableStream } from "react-dom/server";
// Not renderToPipeableStream: React 18.3's Node stream writer flushes its whole 2 KB buffer when a multi-byte character
// does not fit at the end, so a NUL byte lands in the middle of Vietnamese text (seen as "ph\0át triển" in a select).
// The web-stream writer (the same one Remix uses on other runtimes) copies bytes exactly.
import { renderToReadableStream } from "react-dom/server.browser";

export interface RenderOptions {
  nonce?: string;
  signal?: AbortSignal;
  /** Wait for every Suspense boundary before the first byte (bots, tests), instead of streaming after the shell. */
  waitForAll?: boolean;
  onError?: (error: unknown) => void;
}

/** The document as a byte stream; rejects when the shell itself fails to render. */
export async function renderHtml(element: ReactNode, opts: RenderOptions = {}): Promise<ReactDOMServerReadableStream> {
  const stream = await renderToReadableStream(element, { nonce: opts.nonce, signal: opts.signal, onError: opts.onError });
  if (opts.waitForAll) await stream.allReady;
  return stream;
}
