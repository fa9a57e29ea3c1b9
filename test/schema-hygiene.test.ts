import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "kysely";
import { ACTIVE_APPLICATION_STATUSES } from "~/features/application/workflow.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";

describe("schema hygiene", () => {
  let t: TestDb;
  before(async () => {
    t = await createTestDb();
  });
  after(async () => {
    await t.close();
  });

  test("every foreign key has an index that starts with its columns", async () => {
    // A foreign key without such an index makes each delete or key update on the parent scan the child table, and
    // every join on it a sequential scan.
    const { rows } = await sql<{ fk: string; tbl: string; cols: string }>`
      select c.conname as fk, c.conrelid::regclass::text as tbl,
             (select string_agg(a.attname, ', ' order by k.ord)
                from unnest(c.conkey) with ordinality as k(attnum, ord)
                join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum) as cols
        from pg_constraint c
        join pg_namespace n on n.oid = c.connamespace
       where c.contype = 'f' and n.nspname = current_schema()
         and not exists (
           select 1 from pg_index i
            where i.indrelid = c.conrelid
              and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
              and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)
       order by 2, 3`.execute(t.db);
    assert.deepEqual(
      rows.map((r) => `${r.tbl}(${r.cols})`),
      [],
      "foreign keys without an index",
    );
  });

  test("the one-active-application index covers exactly the statuses the workflow calls active", async () => {
    const { rows } = await sql<{ def: string }>`
      select pg_get_indexdef(indexrelid) as def from pg_index
       where indexrelid = to_regclass('applications_one_active_per_platform')`.execute(t.db);
    const def = rows[0]?.def ?? "";
    assert.match(def, /UNIQUE INDEX/);
    const listed = [...def.matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1]).sort();
    assert.deepEqual(listed, [...ACTIVE_APPLICATION_STATUSES].sort());
  });

});
