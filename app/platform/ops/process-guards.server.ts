import type { Logger } from "pino";
import { faultSummary, isDatabaseUnavailable } from "~/platform/db/db-faults.server.ts";

type Proc = Pick<NodeJS.Process, "on" | "exit">;

/**
 * An error nobody caught leaves the process in an unknown state: log it as one JSON record (fatal, with the stack)
 * and exit 1, for the supervisor to restart a clean process. Database faults are handled where they happen (the pool,
 * the pages, /readyz); reaching here is a bug.
 */
export function installCrashHandlers(log: Logger, proc: Proc = process): void {
  proc.on("uncaughtException", (err, origin) => {
    log.fatal({ err, origin }, "uncaught exception: exiting");
    proc.exit(1);
  });
  proc.on("unhandledRejection", (reason) => {
    log.fatal({ err: reason }, "unhandled promise rejection: exiting");
    proc.exit(1);
  });
}

/** host:port/database of a PostgreSQL URL, without the user or password. */
function where(databaseUrl: string | undefined): string {
  try {
    const u = new URL(databaseUrl ?? "");
    return `${u.host || "localhost"}${u.pathname || ""}`;
  } catch {
    return "DATABASE_URL";
  }
}

function sqlState(e: unknown, depth = 0): string | undefined {
  if (depth > 5 || typeof e !== "object" || e === null) return undefined;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  return sqlState((e as { cause?: unknown }).cause, depth + 1);
}

/**
 * The one line an operator needs for a start-up failure that is not a bug (port taken, database out of reach or
 * refusing us), or undefined for anything else.
 */
export function startupFailureLine(e: unknown, opts: { databaseUrl?: string; port?: number; host?: string } = {}): string | undefined {
  const err = (e ?? {}) as NodeJS.ErrnoException & { port?: number; address?: string; syscall?: string };
  if (err.syscall === "listen" || err.code === "EADDRINUSE") {
    const at = `${err.address ?? opts.host ?? ""}:${err.port ?? opts.port ?? ""}`;
    if (err.code === "EADDRINUSE") return `Cannot start: port ${at} is already in use (another portal or program is listening there). Stop it, or set PORT to a free port.`;
    if (err.code === "EACCES") return `Cannot start: not allowed to listen on ${at} (ports below 1024 need privileges). Set PORT to 1024 or higher.`;
    if (err.code === "EADDRNOTAVAIL") return `Cannot start: ${at} is not an address of this machine. Correct HOST.`;
    return undefined;
  }
  const db = where(opts.databaseUrl);
  const state = sqlState(e);
  const detail = faultSummary(e).message.replace(/\s+/g, " ");
  if (state === "28P01" || state === "28000")
    return `Cannot start: the database at ${db} refused the login of DATABASE_URL (${detail}). Check the user and password.`;
  if (state === "3D000") return `Cannot start: the database at ${db} does not exist (${detail}). Create it, or correct DATABASE_URL.`;
  if (isDatabaseUnavailable(e))
    return `Cannot start: the database at ${db} cannot be reached (${detail}). Check DATABASE_URL and that PostgreSQL is running and accepts connections.`;
  return undefined;
}
