import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, test } from "node:test";
import { sql } from "kysely";
import { allowedValues, generateSchema, SCHEMA_FILE } from "../scripts/db-types.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";

describe("generated database types", () => {
  let t: TestDb;
  before(async () => {
    t = await createTestDb();
  });
  after(async () => {
    await t.close();
  });

  test("app/platform/db/schema.ts is what npm run db:types makes of the migrations", async () => {
    const generated = await generateSchema(t.db);
    assert.ok(generated === fs.readFileSync(SCHEMA_FILE, "utf8"), `${SCHEMA_FILE} is stale: run npm run db:types`);
  });

  test("a column added by a migration shows in the generated types", async () => {
    await sql`alter table settings add column note text not null default 'a' check (note in ('a', 'it''s'))`.execute(t.db);
    await sql`alter table settings add column counted int8 generated always as (1) stored`.execute(t.db);
    const generated = await generateSchema(t.db);
    assert.match(generated, /export interface SettingsTable \{\n {2}counted: GeneratedAlways<number \| null>;\n {2}key: string;\n {2}note: Generated<"a" \| "it's">;\n/);
  });

  test("only an IN list or a single value gives a column a union", () => {
    assert.deepEqual(allowedValues("CHECK ((role = ANY (ARRAY['owner'::text, 'member'::text])))", "role"), ["owner", "member"]);
    assert.deepEqual(allowedValues("CHECK ((kind = 'business_registration'::text))", "kind"), ["business_registration"]);
    assert.equal(allowedValues("CHECK ((code ~ '^[0-9]{2}$'::text))", "code"), undefined);
    assert.equal(allowedValues("CHECK (((role = 'province_reviewer'::text) = (province_code IS NOT NULL)))", "role"), undefined);
    assert.equal(allowedValues("CHECK ((other = ANY (ARRAY['a'::text])))", "role"), undefined);
  });
});
