import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { sql } from "kysely";
import { lockDataDir, DatabaseLockedError } from "~/lib/db.server.ts";
import { recordAudit } from "~/models/audit.server.ts";
import { countRows } from "~/models/reference.server.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";

describe("database", () => {
  let t: TestDb;
  before(async () => {
    t = await createTestDb();
  });
  after(async () => {
    await t.close();
  });

  test("reference data: 34 provinces, 63 old provinces mapped by code, versioned criteria", async () => {
    assert.equal(await countRows("provinces"), 34);
    assert.equal(await countRows("old_provinces"), 63);
    const bacGiang = await t.db.selectFrom("old_provinces").selectAll().where("name_vi", "=", "Bắc Giang").executeTakeFirstOrThrow();
    assert.equal(bacGiang.successor_code, "24");
    const current = await t.db.selectFrom("criteria_sets").selectAll().where("is_current", "=", true).execute();
    assert.equal(current.length, 1);
    const items = await t.db
      .selectFrom("criteria_items")
      .innerJoin("criteria_groups", "criteria_groups.id", "criteria_items.criteria_group_id")
      .select(["criteria_items.key", "criteria_items.evidence_vi", "criteria_items.evidence_required"])
      .where("criteria_groups.criteria_set_id", "=", current[0]!.id)
      .execute();
    assert.ok(items.length >= 10);
    assert.ok(items.every((i) => i.evidence_vi.length > 0));
  });

  test("reference seeding is idempotent", async () => {
    const { seedReferenceData } = await import("~/models/reference.server.ts");
    await seedReferenceData(t.db);
    assert.equal(await countRows("provinces"), 34);
    const sets = await t.db.selectFrom("criteria_sets").select(sql<number>`count(*)::int`.as("n")).executeTakeFirstOrThrow();
    assert.equal(sets.n, 1);
  });

  test("count(*) and int8 come back as numbers on both drivers", async () => {
    const row = await sql<{ n: number; big: number }>`select count(*) as n, 9007199254740::int8 as big from provinces`.execute(t.db);
    assert.equal(typeof row.rows[0]!.n, "number");
    assert.equal(row.rows[0]!.big, 9007199254740);
  });

  test("audit events cannot be updated or deleted", async () => {
    await recordAudit(t.db, { actorUserId: null, actorRole: "test", action: "x", entityType: "test", entityId: "1" });
    await assert.rejects(sql`update audit_events set action = 'y'`.execute(t.db), /append-only/);
    await assert.rejects(sql`delete from audit_events`.execute(t.db), /append-only/);
    const row = await t.db.selectFrom("audit_events").select("action").executeTakeFirstOrThrow();
    assert.equal(row.action, "x");
  });

  test("province reviewers must have a province, others must not", async () => {
    await assert.rejects(
      t.db.insertInto("users").values({ email: "a@b.vn", name: "A", role: "province_reviewer", password_hash: null, province_code: null, email_verified_at: null }).execute(),
    );
    await assert.rejects(
      t.db.insertInto("users").values({ email: "c@b.vn", name: "C", role: "enterprise", password_hash: null, province_code: "01", email_verified_at: null }).execute(),
    );
  });
});

describe("embedded database lock", () => {
  test("a second process cannot open a data directory that is in use", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lock-"));
    const data = path.join(dir, "pglite");
    const release = lockDataDir(data);
    try {
      const child = spawnSync(
        process.execPath,
        ["--import", "tsx", "-e", `import("./app/lib/db.server.ts").then(m => { try { m.lockDataDir(${JSON.stringify(data)}); console.log("LOCKED"); } catch (e) { console.log(e.message); process.exit(3); } })`],
        { encoding: "utf8" },
      );
      assert.equal(child.status, 3, child.stderr);
      assert.match(child.stdout, /already open in process/);
    } finally {
      release();
    }
    fs.writeFileSync(`${data}-busy.lock`, String(process.ppid));
    assert.throws(() => lockDataDir(`${data}-busy`), DatabaseLockedError);
    // A lock left by a dead process is taken over.
    fs.writeFileSync(`${data}.lock`, "999999");
    const again = lockDataDir(data);
    again();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
