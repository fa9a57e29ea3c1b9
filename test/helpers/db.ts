import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { openPglite, openPostgres, setDb, type DbHandle } from "~/platform/db/db.server.ts";
import { migrateToLatest, MIGRATIONS_DIR } from "~/platform/db/migrate.server.ts";
import { pgliteExtensions } from "~/platform/db/pglite-extensions.server.ts";
import { seedReferenceData } from "~/features/reference/reference.server.ts";

process.env.NODE_ENV ??= "test";
process.env.LOG_LEVEL ??= "silent";

const CACHE_DIR = path.resolve(".cache");

function schemaFingerprint(): string {
  const hash = createHash("sha256");
  for (const file of fs.readdirSync(MIGRATIONS_DIR).sort()) hash.update(file).update(fs.readFileSync(path.join(MIGRATIONS_DIR, file)));
  for (const file of fs.readdirSync("db/reference").sort()) hash.update(file).update(fs.readFileSync(path.join("db/reference", file)));
  return hash.digest("hex").slice(0, 16);
}

export interface TestDb extends DbHandle {
  url?: string;
  schema?: string;
}

/**
 * A fresh, migrated and seeded database for one test file: a private schema on the PostgreSQL server
 * when DATABASE_URL is set, otherwise an in-memory PGlite loaded from a cached template.
 */
export async function createTestDb(): Promise<TestDb> {
  const url = process.env.DATABASE_URL;
  let handle: TestDb;
  if (url) {
    const schema = `t_${randomBytes(6).toString("hex")}`;
    const admin = await openPostgres(url, { max: 1 });
    await sql.raw(`create schema ${schema}`).execute(admin.db);
    await admin.close();
    const inner = await openPostgres(url, { searchPath: schema });
    await migrateToLatest(inner.db);
    await seedReferenceData(inner.db);
    handle = {
      ...inner,
      url,
      schema,
      close: async () => {
        await inner.close();
        const cleanup = await openPostgres(url, { max: 1 });
        await sql.raw(`drop schema ${schema} cascade`).execute(cleanup.db);
        await cleanup.close();
      },
    };
  } else {
    handle = await openPgliteFromTemplate();
  }
  setDb(handle);
  return handle;
}

/**
 * A migrated, seeded PGlite data directory, built once and reused: initdb costs seconds, loading a dump under one. The
 * dump is an uncompressed tar: gunzipping it in each test file's process cost a third of the load.
 */
async function openPgliteFromTemplate(): Promise<DbHandle> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGliteDialect } = await import("kysely-pglite-dialect");
  const { Kysely } = await import("kysely");
  const file = path.join(CACHE_DIR, `pglite-template-${schemaFingerprint()}.tar`);
  if (!fs.existsSync(file)) {
    const fresh = await PGlite.create("memory://", { extensions: await pgliteExtensions() });
    const db = new Kysely<never>({ dialect: new PGliteDialect(fresh) });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await migrateToLatest(db as any);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await seedReferenceData(db as any);
    const dump = await fresh.dumpDataDir("none");
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Templates of earlier schemas are of no further use.
    for (const old of fs.readdirSync(CACHE_DIR)) if (old.startsWith("pglite-template-") && !old.includes(".tmp") && old !== path.basename(file)) fs.rmSync(path.join(CACHE_DIR, old), { force: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(tmp, file);
    await db.destroy();
  }
  return openPglite(undefined, { loadDataDir: new Blob([fs.readFileSync(file)]) });
}
