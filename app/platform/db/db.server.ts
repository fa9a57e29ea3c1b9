import fs from "node:fs";
import { Kysely, PostgresDialect, type LogEvent, type Transaction } from "kysely";
import { noteQueryTime } from "~/platform/http/request-scope.server.ts";
import { lockDataDir } from "./exclusive-lock.server.ts";
import type { Database } from "./db-types.ts";
import { createPool, type DbTimeouts, type PoolOptions } from "./pg-pool.server.ts";
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
}

export interface PoolStats {
  max: number;
  total: number;
  idle: number;
  waiting: number;
}

export { DatabaseLockedError, lockDataDir } from "./exclusive-lock.server.ts";

/** Every query, failed ones too, counts toward its request's database time (the `db` of Server-Timing). */
function timeQueries(event: LogEvent): void {
  noteQueryTime(event.queryDurationMillis);
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
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: dialectPool }), log: timeQueries });
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
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite), log: timeQueries });
    return {
      db,
      kind: "pglite",
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
