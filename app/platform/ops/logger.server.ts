import pino, { type DestinationStream, type Logger } from "pino";
import { redactText } from "./redact.server.ts";

const KEY = Symbol.for("nentangso.logger");
const SINK = Symbol.for("nentangso.logger.sink");
type Sink = { target: DestinationStream | null };
type G = typeof globalThis & { [KEY]?: Logger; [SINK]?: Sink };

/** The process-wide logger (server.ts and the Remix build each bundle this module; the instance is shared). */
export function logger(): Logger {
  const g = globalThis as G;
  if (!g[KEY]) {
    const sink = (g[SINK] ??= { target: null });
    const stdout = pino.destination({ dest: 1, sync: true });
    g[KEY] = pino(
      {
        level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
        base: { service: "nentangso-portal" },
        redact: ["req.headers.cookie", "req.headers.authorization", "password", "*.password"],
        serializers: { err: serializeError },
      },
      { write: (line: string) => (sink.target ?? stdout).write(line) },
    );
  }
  return g[KEY];
}

/** Sends every log line to `stream` instead of standard output (null: back to standard output). For tests. */
export function setLogDestination(stream: DestinationStream | null): void {
  const g = globalThis as G;
  (g[SINK] ??= { target: null }).target = stream;
}

export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  code?: string;
  constraint?: string;
  status?: number;
  cause?: SerializedError;
}

/**
 * Anything thrown, as JSON fields a log search can read: an Error's type, message and stack (never "[object Object]"),
 * a thrown Response or router error response by its status. Query-string values in messages are redacted: error
 * texts quote URLs, and ours carry reset and verification tokens. A database error's `detail` is left out (it quotes
 * row values such as email addresses).
 */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (error instanceof Error) {
    const e = error as Error & { code?: unknown; constraint?: unknown };
    const out: SerializedError = { type: e.constructor?.name || e.name || "Error", message: redactText(e.message) };
    if (e.stack) out.stack = redactText(e.stack);
    if (typeof e.code === "string" || typeof e.code === "number") out.code = String(e.code);
    if (typeof e.constraint === "string") out.constraint = e.constraint;
    if (e.cause !== undefined && depth < 3) out.cause = serializeError(e.cause, depth + 1);
    return out;
  }
  if (typeof Response !== "undefined" && error instanceof Response) return { type: "Response", message: `HTTP ${error.status}`, status: error.status };
  if (error && typeof error === "object") {
    const o = error as { status?: unknown; statusText?: unknown; data?: unknown };
    if (typeof o.status === "number") {
      const data = typeof o.data === "string" ? `: ${o.data}` : "";
      return { type: "ErrorResponse", message: redactText(`${o.status} ${String(o.statusText ?? "")}${data}`.slice(0, 500)), status: o.status };
    }
    let text: string;
    try {
      text = JSON.stringify(error) ?? String(error);
    } catch {
      text = Object.prototype.toString.call(error);
    }
    return { type: "object", message: redactText(text.slice(0, 500)) };
  }
  return { type: typeof error, message: redactText(String(error).slice(0, 500)) };
}
