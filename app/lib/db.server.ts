import fs from "node:fs";
import path from "node:path";
import { Kysely, PostgresDialect } from "kysely";
import type { Database } from "./db-types.ts";

export type DB = Kysely<Database>;

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

export class DatabaseLockedError extends Error {}

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

export async function openPostgres(url: string, opts: { searchPath?: string; max?: number } = {}): Promise<DbHandle> {
  const pg = await import("pg");
  const { Pool, types } = pg.default;
  // PGlite returns int8 as a number; make pg agree so queries behave the same on both.
  types.setTypeParser(20, (v: string) => Number.parseInt(v, 10));
  const pool = new Pool({
    connectionString: url,
    max: opts.max ?? 10,
    options: opts.searchPath ? `-c search_path=${opts.searchPath}` : undefined,
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const poolStats = () => ({ max: pool.options.max ?? 10, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });
  return { db, kind: "postgres", close: () => db.destroy(), poolStats };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite has no server: two processes opening one directory both succeed and silently lose writes.
 * A pid lock file next to the directory makes the second one fail loudly instead.
 */
export function lockDataDir(dir: string): () => void {
  const lockPath = `${dir}.lock`;
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: "wx" });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(lockPath, "utf8") === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
      process.once("exit", release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const owner = Number.parseInt(fs.readFileSync(lockPath, "utf8"), 10);
      if (Number.isFinite(owner) && owner !== process.pid && processAlive(owner)) {
        throw new DatabaseLockedError(
          `The embedded database in ${dir} is already open in process ${owner}.\n` +
            `Only one process may use it at a time: stop that process first (for example the running "npm start"), ` +
            `or set DATABASE_URL to use a PostgreSQL server, which many processes can share.`,
        );
      }
      fs.unlinkSync(lockPath); // left behind by a process that died
    }
  }
  throw new DatabaseLockedError(`Could not lock ${dir}`);
}

export async function openPglite(dir: string | undefined, opts: { loadDataDir?: Blob } = {}): Promise<DbHandle> {
  const release = dir ? lockDataDir(dir) : () => {};
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const { PGliteDialect } = await import("kysely-pglite-dialect");
    if (dir) fs.mkdirSync(dir, { recursive: true });
    const pglite = await PGlite.create(dir ?? "memory://", opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {});
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    return {
      db,
      kind: "pglite",
      close: async () => {
        await db.destroy();
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}
