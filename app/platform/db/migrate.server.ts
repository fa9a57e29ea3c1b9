import { promises as fs } from "node:fs";
import path from "node:path";
import { FileMigrationProvider, Migrator, sql } from "kysely";
import { buildFile, COMPILED } from "./compiled.server.ts";
import type { DB } from "./db.server.ts";

/** The compiled server runs the migrations compiled with it (build/migrations/*.js): node cannot import .ts files. */
export const MIGRATIONS_DIR = COMPILED ? buildFile("migrations") : path.resolve("db/migrations");

export async function migrateToLatest(db: DB): Promise<string[]> {
  // Kysely looks for its own tables in every visible schema unless told which one: a second schema on the same
  // server (parallel test files, a staging copy) would make it skip creating them in this one.
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  if (await allApplied(db, rows[0]!.schema)) return [];
  const migrator = new Migrator({
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    db: db as any,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR }),
    migrationTableSchema: rows[0]!.schema,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error");
    throw new Error(`Migration ${failed?.migrationName ?? "?"} failed: ${(error as Error).message ?? error}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/**
 * Every migration file already recorded: the common start, answered by one query instead of the migrator's lock
 * table round trips and the import of every migration (about half a second on the embedded database).
 */
async function allApplied(db: DB, schema: string): Promise<boolean> {
  const names = (await fs.readdir(MIGRATIONS_DIR)).filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith(".d.ts")).map((f) => f.replace(/\.(js|ts)$/, ""));
  try {
    const { rows } = await sql<{ name: string }>`select name from ${sql.id(schema, "kysely_migration")}`.execute(db);
    const applied = new Set(rows.map((r) => r.name));
    return names.every((n) => applied.has(n));
  } catch {
    return false; // a new database: no migration table yet
  }
}
