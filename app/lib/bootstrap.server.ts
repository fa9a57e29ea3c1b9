import type { Config } from "./config.server.ts";
import { openPglite, openPostgres, type DbHandle } from "./db.server.ts";
import { migrateToLatest } from "./migrate.server.ts";
import { seedReferenceData } from "~/models/reference.server.ts";

/** Opens the configured database and brings its schema and reference data up to date. */
export async function openDatabase(c: Config): Promise<DbHandle> {
  const handle = c.DATABASE_URL ? await openPostgres(c.DATABASE_URL) : await openPglite(c.pgliteDir);
  try {
    await migrateToLatest(handle.db);
    await seedReferenceData(handle.db);
    return handle;
  } catch (e) {
    await handle.close();
    throw e;
  }
}
