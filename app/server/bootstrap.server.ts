import type { Config } from "~/platform/config.server.ts";
import { openPglite, openPostgres, type DbHandle } from "~/platform/db/db.server.ts";
import { assertLimitedRuntimeRole, ensureRuntimeRole, grantRuntimeRole } from "~/platform/db/db-roles.server.ts";
import { migrateToLatest } from "~/platform/db/migrate.server.ts";
import type { DbTimeouts } from "~/platform/db/pg-pool.server.ts";
import { seedReferenceData } from "~/features/reference/reference.server.ts";

function urlPassword(url: string): string | undefined {
  return decodeURIComponent(new URL(url).password) || undefined;
}

/** The DB_*_TIMEOUT_MS settings; unset ones keep the defaults of pg-pool.server.ts. */
export function dbTimeouts(c: Config): Partial<DbTimeouts> {
  return {
    connectMs: c.DB_CONNECT_TIMEOUT_MS,
    statementMs: c.DB_STATEMENT_TIMEOUT_MS,
    queryMs: c.DB_QUERY_TIMEOUT_MS,
    idleInTransactionMs: c.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  };
}

/** Migrations may build an index over a large table: no limit on a statement, the other limits as configured. */
function migrationTimeouts(c: Config): Partial<DbTimeouts> {
  return { ...dbTimeouts(c), statementMs: 0, queryMs: 0 };
}

export interface OwnerMigration {
  applied: string[];
  /** The runtime role that was (re)granted, and whether it had to be created. */
  runtimeRole?: { name: string; created: boolean };
}

/**
 * `npm run db:migrate`: as the owner (MIGRATION_DATABASE_URL, else DATABASE_URL, else the embedded database) apply the
 * migrations, refresh the reference data and, when the web process runs as another role, create and grant that role.
 */
export async function migrateAsOwner(c: Config): Promise<OwnerMigration> {
  const url = c.MIGRATION_DATABASE_URL ?? c.DATABASE_URL;
  const owner = url ? await openPostgres(url, { max: 1, timeouts: migrationTimeouts(c) }) : await openPglite(c.pgliteDir);
  try {
    const applied = await migrateToLatest(owner.db);
    await seedReferenceData(owner.db);
    if (!c.runtimeRole) return { applied };
    const created = await ensureRuntimeRole(owner.db, c.runtimeRole, urlPassword(c.DATABASE_URL!));
    await grantRuntimeRole(owner.db, c.runtimeRole);
    return { applied, runtimeRole: { name: c.runtimeRole, created } };
  } finally {
    await owner.close();
  }
}

/**
 * Opens the configured database with its schema and reference data up to date. With MIGRATION_DATABASE_URL the
 * migrations run as the owner first and the returned handle is the runtime role; a production start then checks
 * that this role cannot rewrite the audit trail.
 */
export async function openDatabase(c: Config): Promise<DbHandle> {
  if (!c.DATABASE_URL) {
    const handle = await openPglite(c.pgliteDir);
    try {
      await migrateToLatest(handle.db);
      await seedReferenceData(handle.db);
      return handle;
    } catch (e) {
      await handle.close();
      throw e;
    }
  }
  if (c.MIGRATION_DATABASE_URL) await migrateAsOwner(c);
  const handle = await openPostgres(c.DATABASE_URL, { timeouts: dbTimeouts(c) });
  try {
    if (!c.MIGRATION_DATABASE_URL) {
      // On a connection of its own: the runtime pool's statement timeout would stop a long index build.
      const owner = await openPostgres(c.DATABASE_URL, { max: 1, timeouts: migrationTimeouts(c) });
      try {
        await migrateToLatest(owner.db);
        await seedReferenceData(owner.db);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        if (!/permission denied|must be owner/i.test(message)) throw e;
        throw new Error(
          `${message}\nDATABASE_URL cannot change the schema (a runtime role?): run npm run db:migrate with ` +
            `MIGRATION_DATABASE_URL set to the owner role, or set MIGRATION_DATABASE_URL for this process too.`,
        );
      } finally {
        await owner.close();
      }
    }
    if (c.mode === "production") await assertLimitedRuntimeRole(handle.db);
    return handle;
  } catch (e) {
    await handle.close();
    throw e;
  }
}
