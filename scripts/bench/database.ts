/**
 * The benchmark's database (a throw-away PostgreSQL schema or an in-memory PGlite, migrated, with reference data) and
 * query inspection: the SQL a model function sends, and its EXPLAIN ANALYZE.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { sql, type KyselyPlugin, type RootOperationNode } from "kysely";
import type { DB, DbHandle } from "../../app/platform/db/db.server.ts";

// App modules are imported lazily (inside the functions below): some create the logger or read the environment when
// they load, so prepareBenchProcess() must run first.
const appDb = () => import("../../app/platform/db/db.server.ts");

export interface BenchDb extends DbHandle {
  /** e.g. "PostgreSQL 15.20 (schema bench_1a2b3c, dropped at the end)" or "PGlite 0.5.16 (PostgreSQL 18, in memory)". */
  description: string;
  /** PostgreSQL: the application_name of the app's pool connections (their backends' CPU: ./pg-cpu.ts). */
  applicationName?: string;
  /** For seeding and set-up: on PostgreSQL a second small pool without the app's statement timeouts (a million rows take minutes). */
  bulk: DB;
}

/**
 * A fresh, migrated database with reference data, registered as the app's database (setDb):
 * a private schema on the server in DATABASE_URL (dropped by close()), otherwise an in-memory PGlite.
 */
export async function openBenchDb(env: NodeJS.ProcessEnv = process.env): Promise<BenchDb> {
  const { openPglite, openPostgres, setDb } = await appDb();
  const { migrateToLatest } = await import("../../app/platform/db/migrate.server.ts");
  const { seedReferenceData } = await import("../../app/features/reference/reference.server.ts");
  const url = env.DATABASE_URL || undefined;
  let handle: BenchDb;
  let schemaName: string | undefined;
  if (url) {
    const schema = `bench_${randomBytes(5).toString("hex")}`;
    schemaName = schema;
    const admin = await openPostgres(url, { max: 1 });
    await sql.raw(`create schema ${schema}`).execute(admin.db);
    const version = await sql<{ server_version: string }>`show server_version`.execute(admin.db);
    await admin.close();
    const applicationName = `nentangso-${schema}`;
    const inner = await openPostgres(url, { searchPath: schema, applicationName }); // the app's default pool (max 10)
    const bulk = await openPostgres(url, { searchPath: schema, max: 2, applicationName: `${applicationName}-seed`, timeouts: { statementMs: 0, queryMs: 0 } });
    const where = new URL(url);
    handle = {
      ...inner,
      applicationName,
      bulk: bulk.db,
      description: `PostgreSQL ${version.rows[0]?.server_version ?? "?"} at ${where.host}${where.pathname} (schema ${schema}, dropped at the end; pool max 10)`,
      close: async () => {
        await bulk.close();
        await inner.close();
        const cleanup = await openPostgres(url, { max: 1 });
        await sql.raw(`drop schema if exists ${schema} cascade`).execute(cleanup.db);
        await cleanup.close();
      },
    };
  } else {
    const inner = await openPglite(undefined);
    const version = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(inner.db);
    const pkg = JSON.parse(fs.readFileSync(path.resolve("node_modules/@electric-sql/pglite/package.json"), "utf8")) as { version: string };
    handle = { ...inner, bulk: inner.db, description: `PGlite ${pkg.version} (PostgreSQL ${version.rows[0]?.v ?? "?"}, in memory, same thread as the app)` };
  }
  try {
    if (schemaName) await migrateSchema(handle.db, schemaName);
    else await migrateToLatest(handle.db);
    await seedReferenceData(handle.db);
  } catch (e) {
    await handle.close();
    throw e;
  }
  setDb(handle);
  return handle;
}

/**
 * The app's migrations into one schema. Kysely's Migrator, without `migrationTableSchema`, looks for its
 * kysely_migration tables in every schema of the server, so another schema's tables (a concurrent test run, a schema
 * left behind) make it skip creating them here and fail with "relation kysely_migration_lock does not exist".
 */
async function migrateSchema(database: DB, schema: string): Promise<void> {
  const { promises: fsp } = await import("node:fs");
  const { FileMigrationProvider, Migrator } = await import("kysely");
  const { MIGRATIONS_DIR } = await import("../../app/platform/db/migrate.server.ts");
  const migrator = new Migrator({
    db: database,
    migrationTableSchema: schema,
    provider: new FileMigrationProvider({ fs: fsp, path, migrationFolder: MIGRATIONS_DIR }),
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

// ---------------------------------------------------------------- query inspection

/**
 * Runs `fn` (which queries through the app's db()) with a plugin that records every query Kysely compiles,
 * so a benchmark can EXPLAIN exactly the SQL a model function sends.
 */
export async function captureQueries(handle: DbHandle, fn: () => Promise<unknown>): Promise<{ sql: string; parameters: readonly unknown[] }[]> {
  const { setDb } = await appDb();
  const nodes: RootOperationNode[] = [];
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      nodes.push(args.node);
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  setDb({ ...handle, db: handle.db.withPlugin(plugin) });
  try {
    await fn();
  } finally {
    setDb(handle);
  }
  const executor = handle.db.getExecutor();
  return nodes.map((node) => {
    const compiled = executor.compileQuery(node, { queryId: "bench" });
    return { sql: compiled.sql, parameters: compiled.parameters };
  });
}

/** EXPLAIN (ANALYZE, BUFFERS) of one captured query; returns the plan text. */
export async function explainAnalyze(handle: DbHandle, q: { sql: string; parameters: readonly unknown[] }): Promise<string> {
  const rows = await sql<{ "QUERY PLAN": string }>`${sql.raw(`explain (analyze, buffers) ${q.sql.replace(/\$(\d+)/g, (_m, i: string) => literal(q.parameters[Number(i) - 1]))}`)}`.execute(
    handle.db,
  );
  return rows.rows.map((r) => r["QUERY PLAN"]).join("\n");
}

/** Shared buffers (hit + read) one run of the captured query touched, from EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON). */
export async function explainBuffers(handle: DbHandle, q: { sql: string; parameters: readonly unknown[] }): Promise<number> {
  const text = `explain (analyze, buffers, format json) ${q.sql.replace(/\$(\d+)/g, (_m, i: string) => literal(q.parameters[Number(i) - 1]))}`;
  const rows = await sql<{ "QUERY PLAN": unknown }>`${sql.raw(text)}`.execute(handle.db);
  const raw = rows.rows[0]!["QUERY PLAN"];
  const plan = (typeof raw === "string" ? JSON.parse(raw) : raw) as [{ Plan: Record<string, number> }];
  return (plan[0].Plan["Shared Hit Blocks"] ?? 0) + (plan[0].Plan["Shared Read Blocks"] ?? 0);
}

function literal(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v instanceof Date) return `'${v.toISOString()}'`;
  return `'${String(v).replace(/'/g, "''")}'`;
}
