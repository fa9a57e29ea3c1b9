import { promises as fs } from "node:fs";
import path from "node:path";
import { FileMigrationProvider, Migrator, sql } from "kysely";
import type { DB } from "./db.server.ts";

export const MIGRATIONS_DIR = path.resolve("db/migrations");

export async function migrateToLatest(db: DB): Promise<string[]> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one: a migration into a fresh schema then
  // fails while another schema of the same database (another test file's) has them.
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const migrator = new Migrator({
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    db: db as any,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR }),
    migrationTableSchema: rows[0]?.schema,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error");
    throw new Error(`Migration ${failed?.migrationName ?? "?"} failed: ${(error as Error).message ?? error}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
