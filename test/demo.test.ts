import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import { seedDemoApplications, seedDemoWorkflow } from "~/lib/demo-data.server.ts";
import { seedDemoAccounts } from "~/lib/demo.server.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";

let t: TestDb;
before(async () => {
  t = await createTestDb();
});
after(async () => {
  await t.close();
});

test("a fresh start holds a draft, a submitted application and every workflow state in both demo provinces", async () => {
  await seedDemoAccounts(t.db);
  await seedDemoApplications();
  await seedDemoWorkflow();
  await seedDemoWorkflow();
  const rows = await t.db
    .selectFrom("applications")
    .select(["province_code", "status", sql<number>`count(*)::int`.as("n")])
    .groupBy(["province_code", "status"])
    .execute();
  const has = (province: string, status: string) => rows.some((r) => r.province_code === province && r.status === status);
  for (const province of ["01", "79"]) {
    for (const status of ["submitted", "in_provincial_review", "changes_requested", "resubmitted", "forwarded", "in_ministry_review", "returned_to_province", "recognised", "rejected", "withdrawn"]) {
      assert.ok(has(province, status), `${province} has ${status}`);
    }
  }
  assert.ok(rows.some((r) => r.status === "draft"));
  const overdue = await t.db.selectFrom("applications").select("id").where("due_at", "<", sql<Date>`now()`).execute();
  assert.ok(overdue.length >= 2);
  const changes = await t.db.selectFrom("change_requests").select("id").execute();
  assert.ok(changes.length >= 4, "idempotent: a second run adds nothing");
  assert.equal(changes.length, 4);
});
