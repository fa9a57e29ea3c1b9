import fs from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { sql } from "kysely";
import { DatabaseLockedError, lockDataDir } from "./exclusive-lock.server.ts";
import { pgliteExtensions } from "./pglite-extensions.server.ts";

export class BackupError extends Error {}

const PORTAL_RUNNING =
  "Stop the portal first (the one-process lock of the embedded database: a copy taken while it writes could be torn), " +
  "then run the command again; the portal can be started again right after.";

async function lockOrExplain(dir: string, what: string): Promise<() => void> {
  try {
    return await lockDataDir(dir);
  } catch (e) {
    if (e instanceof DatabaseLockedError) throw new BackupError(`Cannot ${what}: ${e.message.split("\n")[0]}\n${PORTAL_RUNNING}`);
    throw e;
  }
}

async function summarise(pglite: PGlite): Promise<{ users: number; auditEvents: number; emails: number }> {
  const { Kysely } = await import("kysely");
  const { PGliteDialect } = await import("kysely-pglite-dialect");
  const db = new Kysely<never>({ dialect: new PGliteDialect(pglite) });
  try {
    const { rows } = await sql<{ users: number; audit: number; emails: number }>`
      select (select count(*)::int from users) as users, (select count(*)::int from audit_events) as audit,
             (select count(*)::int from outbox_emails) as emails`.execute(db);
    return { users: rows[0]!.users, auditEvents: rows[0]!.audit, emails: rows[0]!.emails };
  } catch (e) {
    throw new BackupError(`This is not a backup of the portal's database (${e instanceof Error ? e.message : e})`);
  }
}

export interface BackupResult {
  file: string;
  bytes: number;
  users: number;
  auditEvents: number;
  emails: number;
}

/**
 * `npm run db:backup [FILE]`: the whole embedded database as one gzipped tarball (PGlite's dumpDataDir), written to a
 * temporary name and renamed when complete. Refused while the portal runs (it holds the lock).
 */
export async function backupEmbedded(dir: string, file: string): Promise<BackupResult> {
  if (!fs.existsSync(path.join(dir, "PG_VERSION"))) throw new BackupError(`No embedded database in ${dir}`);
  const release = await lockOrExplain(dir, "back up the embedded database");
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const pglite = await PGlite.create(dir, { extensions: await pgliteExtensions() });
    let summary: Awaited<ReturnType<typeof summarise>>;
    let dump: Blob;
    try {
      summary = await summarise(pglite);
      dump = await pglite.dumpDataDir("gzip");
    } finally {
      await pglite.close();
    }
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const tmp = `${file}.${process.pid}.partial`;
    fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(tmp, file);
    return { file, bytes: fs.statSync(file).size, ...summary };
  } finally {
    release();
  }
}

export interface RestoreResult extends Omit<BackupResult, "bytes"> {
  /** Where the database that was there before is kept (undefined when there was none). */
  keptAside: string | undefined;
}

/**
 * `npm run db:restore FILE`: checks that FILE is a portal database, unpacks it beside the current one, then swaps
 * the directories; the current database is kept as `<dir>.before-restore-<time>`, never deleted. Refused while the
 * portal runs.
 */
export async function restoreEmbedded(dir: string, file: string, now = new Date()): Promise<RestoreResult> {
  if (!fs.existsSync(file)) throw new BackupError(`No such backup file: ${file}`);
  const release = await lockOrExplain(dir, "restore the embedded database");
  const staging = `${dir}.restoring-${process.pid}`;
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    fs.rmSync(staging, { recursive: true, force: true });
    let summary: Awaited<ReturnType<typeof summarise>>;
    try {
      const pglite = await PGlite.create(staging, { loadDataDir: new Blob([fs.readFileSync(file)]), extensions: await pgliteExtensions() });
      try {
        summary = await summarise(pglite);
      } finally {
        await pglite.close();
      }
    } catch (e) {
      if (e instanceof BackupError) throw e;
      throw new BackupError(`${file} is not a readable backup of an embedded database (${e instanceof Error ? e.message : e})`);
    }
    let keptAside: string | undefined;
    if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
      keptAside = `${dir}.before-restore-${now.toISOString().replace(/[:.]/g, "-")}`;
      fs.renameSync(dir, keptAside);
    } else {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    fs.renameSync(staging, dir);
    return { file, keptAside, ...summary };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    release();
  }
}
