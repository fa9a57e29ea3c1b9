import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { FileMigrationProvider, Migrator, sql, type Kysely } from "kysely";
import { openPglite, openPostgres, type DbHandle } from "~/platform/db/db.server.ts";
import { MIGRATIONS_DIR } from "~/platform/db/migrate.server.ts";
import { CHUNK_BYTES, toBytes } from "~/platform/db/file-store.server.ts";

/**
 * The file-storage migration on a database that holds files the old way (one bytea per attachment): the bytes of live
 * and submitted files move into chunks unchanged, those of removed draft files are dropped.
 */

const MIGRATION = "2026-12-02T1200_file_storage";
let handle: DbHandle;
let dropSchema: (() => Promise<void>) | undefined;
let schemaName: string | undefined;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let db: Kysely<any>;

before(async () => {
  const url = process.env.DATABASE_URL;
  if (url) {
    const schema = `t_${randomBytes(6).toString("hex")}`;
    schemaName = schema;
    const admin = await openPostgres(url, { max: 1 });
    await sql.raw(`create schema ${schema}`).execute(admin.db);
    await admin.close();
    handle = await openPostgres(url, { searchPath: schema, max: 1 });
    dropSchema = async () => {
      const cleanup = await openPostgres(url, { max: 1 });
      await sql.raw(`drop schema ${schema} cascade`).execute(cleanup.db);
      await cleanup.close();
    };
  } else {
    handle = await openPglite(undefined);
  }
  db = handle.db;
});

after(async () => {
  await handle.close();
  await dropSchema?.();
});

function migrator(): Migrator {
  // On a server, the migration bookkeeping goes in the test's own schema too.
  return new Migrator({ db, migrationTableSchema: schemaName, provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR }) });
}

test("existing files move into 256 KiB chunks; removed draft files lose their bytes", async () => {
  const names = (await fs.readdir(MIGRATIONS_DIR)).map((f) => f.replace(/\.ts$/, "")).sort();
  const previous = names[names.indexOf(MIGRATION) - 1]!;
  const upTo = await migrator().migrateTo(previous);
  assert.equal(upTo.error, undefined);

  await sql`insert into provinces (code, name_vi, short_name_vi, name_ascii, kind) values ('01', 'Thành phố Hà Nội', 'Hà Nội', 'Ha Noi', 'city')`.execute(db);
  const user = await sql<{ id: string }>`insert into users (email, name, role) values ('a@b.vn', 'A', 'enterprise') returning id`.execute(db);
  const set = await sql<{ id: number }>`
    insert into criteria_sets (version, title_vi, title_en, legal_basis, effective_from) values ('t', 't', 't', 't', '2026-01-01') returning id`.execute(db);
  const enterprise = await sql<{ id: string }>`
    insert into enterprises (tax_code, legal_name, province_code, address, representative_name, representative_title, phone, created_by)
    values ('0100000001', 'X', '01', 'a', 'b', 'c', '+84912345678', ${user.rows[0]!.id}) returning id`.execute(db);
  const app = await sql<{ id: string }>`
    insert into applications (enterprise_id, criteria_set_id, created_by) values (${enterprise.rows[0]!.id}, ${set.rows[0]!.id}, ${user.rows[0]!.id}) returning id`.execute(db);

  const files = {
    live: randomBytes(CHUNK_BYTES * 2 + 123),
    exact: randomBytes(CHUNK_BYTES),
    frozenRemoved: randomBytes(1000),
    draftRemoved: randomBytes(CHUNK_BYTES + 1),
  };
  const ids: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    const row = await sql<{ id: string }>`
      insert into attachments (application_id, slot, file_name, content_type, size_bytes, sha256, content, uploaded_by, frozen, deleted_at)
      values (${app.rows[0]!.id}, 'doc:other', ${`${name}.pdf`}, 'application/pdf', ${content.length}, 'x', ${content}, ${user.rows[0]!.id},
              ${name === "frozenRemoved"}, ${name.endsWith("Removed") ? sql`now()` : null})
      returning id`.execute(db);
    ids[name] = row.rows[0]!.id;
  }

  const rest = await migrator().migrateToLatest();
  assert.equal(rest.error, undefined, String(rest.error));

  const reassembled = async (attachmentId: string) => {
    const att = await sql<{ blob_id: string | null }>`select blob_id from attachments where id = ${attachmentId}`.execute(db);
    const blobId = att.rows[0]!.blob_id;
    if (!blobId) return null;
    const chunks = await sql<{ seq: number; bytes: Uint8Array }>`select seq, bytes from file_chunks where blob_id = ${blobId} order by seq`.execute(db);
    assert.ok(chunks.rows.every((c, i) => c.seq === i && toBytes(c.bytes).byteLength <= CHUNK_BYTES));
    return Buffer.concat(chunks.rows.map((c) => toBytes(c.bytes)));
  };
  assert.ok((await reassembled(ids.live!))?.equals(files.live), "a live file, in three chunks");
  assert.ok((await reassembled(ids.exact!))?.equals(files.exact), "a file of exactly one chunk");
  assert.ok((await reassembled(ids.frozenRemoved!))?.equals(files.frozenRemoved), "a submitted version still holds it");
  assert.equal(await reassembled(ids.draftRemoved!), null, "a removed draft file keeps no bytes");
  const chunkCount = await sql<{ n: number }>`select count(*)::int as n from file_chunks`.execute(db);
  assert.equal(Number(chunkCount.rows[0]!.n), 3 + 1 + 1);
  const staged = await sql<{ n: number }>`select count(*)::int as n from file_blobs where staged`.execute(db);
  assert.equal(Number(staged.rows[0]!.n), 0, "migrated blobs belong to their attachments");
  const columns = await sql<{ column_name: string }>`
    select column_name from information_schema.columns where table_schema = current_schema() and table_name = 'attachments'`.execute(db);
  assert.ok(!columns.rows.some((c) => c.column_name === "content"), "the old column is gone");
});
