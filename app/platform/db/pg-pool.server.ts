import type { PostgresPool } from "kysely";
import type pg from "pg";
import type { Logger } from "pino";
import { DatabaseUnavailableError, faultSummary, isDatabaseUnavailable } from "./db-faults.server.ts";
import { logger } from "~/platform/ops/logger.server.ts";

/** How long the portal waits for PostgreSQL before giving up; 0 switches a limit off. See docs/operations/resilience.md. */
export interface DbTimeouts {
  /** Opening a connection, or waiting for a free one when the pool is full (pg's connectionTimeoutMillis). */
  connectMs: number;
  /** Server side: PostgreSQL cancels a statement that runs longer (statement_timeout). */
  statementMs: number;
  /**
   * Client side: a query without an answer for this long fails and its connection is dropped. This is what ends a
   * network stall, which the server cannot see; it is longer than statementMs so that a slow statement is cancelled by
   * the server first and the connection stays usable.
   */
  queryMs: number;
  /** Server side: a session left idle inside a transaction this long is ended, and its locks released. */
  idleInTransactionMs: number;
}

export const DEFAULT_DB_TIMEOUTS: DbTimeouts = { connectMs: 5_000, statementMs: 15_000, queryMs: 20_000, idleInTransactionMs: 30_000 };

/** TCP keepalive probes start after this much silence, so a peer that vanished (no FIN, no RST) is noticed. */
const KEEPALIVE_DELAY_MS = 10_000;

type Log = Pick<Logger, "error" | "warn">;

export interface PoolOptions {
  connectionString: string;
  max: number;
  searchPath?: string;
  applicationName?: string;
  timeouts?: Partial<DbTimeouts>;
  log?: Log;
}

/**
 * A pg pool that survives the database going away. pg emits 'error' on a client whose connection dies, and an
 * EventEmitter without an 'error' listener throws: the pool listens only while a client is idle, so a connection cut
 * while a request holds it (between two statements of a transaction) used to kill the process. Every client gets its
 * own listener; a client that saw its connection fail, or a query time out, is destroyed when released rather than
 * handed to the next request; a connection that cannot be had becomes a DatabaseUnavailableError.
 */
export function createPool(Pool: typeof pg.Pool, opts: PoolOptions): { pool: pg.Pool; dialectPool: PostgresPool } {
  const set = Object.entries(opts.timeouts ?? {}).filter(([, v]) => v !== undefined);
  const t: DbTimeouts = { ...DEFAULT_DB_TIMEOUTS, ...Object.fromEntries(set) };
  const log = opts.log ?? logger();
  const pool = new Pool({
    connectionString: opts.connectionString,
    max: opts.max,
    options: opts.searchPath ? `-c search_path=${opts.searchPath}` : undefined,
    application_name: opts.applicationName ?? "nentangso-portal",
    connectionTimeoutMillis: t.connectMs,
    statement_timeout: t.statementMs,
    query_timeout: t.queryMs,
    idle_in_transaction_session_timeout: t.idleInTransactionMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
  });
  const broken = new WeakSet<pg.PoolClient>();
  // An idle client's failure reaches both the pool and the client; the client's listener below logs it.
  pool.on("error", () => {});
  pool.on("connect", (client) => {
    client.on("error", (err) => {
      broken.add(client as pg.PoolClient);
      log.error({ fault: faultSummary(err) }, "database connection lost");
    });
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      const result = query(...args);
      if (!(result instanceof Promise)) return result;
      return result.catch((e: unknown) => {
        if (isDatabaseUnavailable(e)) broken.add(client as pg.PoolClient);
        throw e;
      });
    }) as typeof client.query;
  });
  const dialectPool: PostgresPool = {
    async connect() {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (e) {
        throw new DatabaseUnavailableError(`No database connection: ${faultSummary(e).message}`, { cause: e });
      }
      const release = client.release;
      client.release = (err?: Error | boolean) => release(err ?? broken.has(client));
      return client;
    },
    end: () => pool.end(),
  };
  return { pool, dialectPool };
}
