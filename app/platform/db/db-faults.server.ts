/**
 * Which errors mean "the database is not answering" (as opposed to a bug or a bad query): pages answer those with 503,
 * /readyz reports them, and a pool client that saw one is discarded instead of being reused.
 */

/** Socket errors of a connection that was refused, cut, or never made. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * SQLSTATEs of a server that is going away, starting, overloaded or cancelled our statement on a timeout:
 * class 08 (connection exception) and 53 (insufficient resources) are matched by prefix.
 */
const SQLSTATES = new Set([
  "57P01", // admin_shutdown: pg_terminate_backend, a fast or smart shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: starting up or shutting down
  "57P05", // idle_session_timeout
  "57014", // query_canceled: statement_timeout
  "25P03", // idle_in_transaction_session_timeout
]);

/** What pg, pg-pool and Kysely say when a connection died or could not be had in time; they give no code. */
const MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Query read timeout/,
  /is not queryable/,
  /^Cannot use a pool after calling end/,
  /^driver has already been destroyed/,
];

export const DATABASE_UNAVAILABLE = "DatabaseUnavailableError";

/** Thrown by the pool when no connection could be had; `cause` is what pg said. */
export class DatabaseUnavailableError extends Error {
  override name = DATABASE_UNAVAILABLE;
}

function isFault(e: { code?: unknown; message?: unknown; name?: unknown }): boolean {
  if (e.name === DATABASE_UNAVAILABLE) return true;
  const code = typeof e.code === "string" ? e.code : "";
  if (NETWORK_CODES.has(code) || SQLSTATES.has(code) || /^(08|53)...$/.test(code)) return true;
  const message = typeof e.message === "string" ? e.message : "";
  return MESSAGES.some((m) => m.test(message));
}

/** True when `error`, its cause chain, or any error of an AggregateError says the database is out of reach. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== "object" || error === null) return false;
  const e = error as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
  if (isFault(e)) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isDatabaseUnavailable(x, depth + 1))) return true;
  return isDatabaseUnavailable(e.cause, depth + 1);
}

/** A loggable summary (message and code, of the error and of what it wraps), never the query's parameters. */
export function faultSummary(error: unknown): { message: string; code?: string } {
  const e = (error ?? {}) as { message?: unknown; code?: unknown; errors?: unknown[]; cause?: unknown };
  const inner = (Array.isArray(e.errors) && e.errors[0]) || e.cause;
  const innerSummary = inner && inner !== error ? faultSummary(inner) : undefined;
  const message = typeof e.message === "string" && e.message ? e.message : (innerSummary?.message ?? String(error));
  const code = typeof e.code === "string" ? e.code : innerSummary?.code;
  return code ? { message, code } : { message };
}

/** True when `error` is PostgreSQL's unique_violation (23505) on the named constraint or index (pg and PGlite). */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown };
  if (e.code !== "23505") return false;
  return e.constraint === constraint || (typeof e.message === "string" && e.message.includes(`"${constraint}"`));
}
