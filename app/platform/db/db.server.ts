import fs from "node:fs";
import { Kysely, PostgresDialect, type LogEvent, type Transaction } from "kysely";
import { lockDataDir } from "./exclusive-lock.server.ts";
import type { Database } from "./db-types.ts";
import { createPool, type DbTimeouts, type PoolOptions } from "./pg-pool.server.ts";
import { noteQuery } from "~/platform/http/request-scope.server.ts";
import { pgliteExtensions } from "./pglite-extensions.server.ts";

export type DB = Kysely<Database>;
/** The database or an open transaction: what a query function takes to run inside its caller's transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;

export interface DbHandle {
  db: DB;
  kind: "postgres" | "pglite";
  close: () => Promise<void>;
  /** Connections of the pg pool, for /metrics (PGlite has one connection and no pool). */
  poolStats?: () => PoolStats;
  /**
   * PGlite only: how many statements that may have changed data have finished in this process. PGlite is open in one
   * process only (the exclusive lock), so nothing changes its data without this counter moving; the response cache
   * keeps the data versions while it stands (decision 029). A PostgreSQL server has other clients: undefined.
   */
  changes?: () => number;
}

/** A statement that only reads (select/show without a writing word): it cannot fire a trigger or change a row. */
export function onlyReads(text: string): boolean {
  return /^\s*(select|show)\s/i.test(text) && !/\b(insert|update|delete|merge|truncate|perform|call|nextval|setval|copy)\b/i.test(text);
}

/**
 * Counts the statements of a PGlite instance that may change data, once each has finished (a commit's changes are
 * visible before the counter moves). Every way in is wrapped: query and sql (one statement each, counted unless
 * `onlyReads`), exec (several), transaction (its end).
 */
function countChanges(pglite: { query: (...a: never[]) => Promise<unknown>; exec: (...a: never[]) => Promise<unknown>; transaction: (...a: never[]) => Promise<unknown> }): () => number {
  let changes = 0;
  const query = pglite.query.bind(pglite) as (text: string, ...rest: unknown[]) => Promise<unknown>;
  const exec = pglite.exec.bind(pglite) as (...a: unknown[]) => Promise<unknown>;
  const transaction = pglite.transaction.bind(pglite) as (...a: unknown[]) => Promise<unknown>;
  const after = <T>(p: Promise<T>, counts: boolean): Promise<T> => (counts ? p.finally(() => void changes++) : p);
  Object.assign(pglite, {
    query: (text: string, ...rest: unknown[]) => after(query(text, ...rest), typeof text !== "string" || !onlyReads(text)),
    exec: (...a: unknown[]) => after(exec(...a), true),
    transaction: (...a: unknown[]) => after(transaction(...a), true),
  });
  return () => changes;
}

export interface PoolStats {
  max: number;
  total: number;
  idle: number;
  waiting: number;
}

export { DatabaseLockedError, lockDataDir } from "./exclusive-lock.server.ts";

/**
 * Kysely's log hook sees every statement a connection runs, failed ones and a transaction's begin and commit too: each
 * counts for the request that runs it, in round trips (its request log line) and in time (the `db` of Server-Timing).
 */
function noteStatement(event: LogEvent): void {
  noteQuery(event.queryDurationMillis);
}

const GLOBAL_KEY = Symbol.for("nentangso.db");
type GlobalWithDb = typeof globalThis & { [GLOBAL_KEY]?: DbHandle };

/** The process-wide database, shared by server.ts and the Remix build (which bundles its own copy of this module). */
export function db(): DB {
  const handle = (globalThis as GlobalWithDb)[GLOBAL_KEY];
  if (!handle) throw new Error("Database not initialised: call setDb() at start-up");
  return handle.db;
}

export function dbHandle(): DbHandle | undefined {
  return (globalThis as GlobalWithDb)[GLOBAL_KEY];
}

export function setDb(handle: DbHandle | undefined): void {
  (globalThis as GlobalWithDb)[GLOBAL_KEY] = handle;
}


export interface PostgresOptions {
  searchPath?: string;
  max?: number;
  /** Limits on waiting for the server (see pg-pool.server.ts); unset ones take the defaults. */
  timeouts?: Partial<DbTimeouts>;
  applicationName?: string;
  log?: PoolOptions["log"];
}

export async function openPostgres(url: string, opts: PostgresOptions = {}): Promise<DbHandle> {
  const pg = await import("pg");
  const { Pool, types } = pg.default;
  // PGlite returns int8 as a number; make pg agree so queries behave the same on both.
  types.setTypeParser(20, (v: string) => Number.parseInt(v, 10));
  const { pool, dialectPool } = createPool(Pool, { ...opts, connectionString: url, max: opts.max ?? 10 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: dialectPool }), log: noteStatement });
  const poolStats = () => ({ max: pool.options.max ?? 10, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });
  return { db, kind: "postgres", close: () => db.destroy(), poolStats };
}

export async function openPglite(dir: string | undefined, opts: { loadDataDir?: Blob } = {}): Promise<DbHandle> {
  const release = dir ? await lockDataDir(dir) : () => {};
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const { PGliteDialect } = await import("kysely-pglite-dialect");
    if (dir) fs.mkdirSync(dir, { recursive: true });
    const extensions = await pgliteExtensions();
    const pglite = await PGlite.create(dir ?? "memory://", opts.loadDataDir ? { loadDataDir: opts.loadDataDir, extensions } : { extensions });
    const changes = countChanges(pglite as unknown as Parameters<typeof countChanges>[0]);
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite), log: noteStatement });
    return {
      db,
      kind: "pglite",
      changes,
      close: async () => {
        await db.destroy();
        // The dialect closes PGlite only if it ever opened a connection: one never queried kept the process alive.
        if (!pglite.closed) await pglite.close();
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}
