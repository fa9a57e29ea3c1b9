import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { sql } from "kysely";
import { lockDataDir, DatabaseLockedError } from "~/platform/db/db.server.ts";
import { recordAudit } from "~/platform/db/audit.server.ts";
import { countRows } from "~/features/reference/reference.server.ts";
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
    const { seedReferenceData } = await import("~/features/reference/reference.server.ts");
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

describe("closing the embedded database", () => {
  test("a PGlite handle that was never queried lets its process exit once closed", async () => {
    // The Kysely dialect closes PGlite only if it opened a connection; a test file that built queries without running
    // one kept its process alive after closing, and the whole suite waited for it.
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "-e", `import("./app/platform/db/db.server.ts").then(async (m) => { const h = await m.openPglite(undefined); await h.close(); console.log("CLOSED"); })`],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (d) => (out += String(d)));
    const outcome = await new Promise<string>((resolve) => {
      // Far longer than the few seconds this takes: only a process that never exits reaches it.
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve("still running");
      }, 60_000);
      child.once("exit", (code) => {
        clearTimeout(timer);
        resolve(`exited ${code}`);
      });
    });
    assert.match(out, /CLOSED/);
    assert.equal(outcome, "exited 0");
  });
});

describe("embedded database lock", () => {
  test("a live holder refuses a second process by name; kill -9 frees it at once; a stale pid file naming a live process does not block", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lock-"));
    const data = path.join(dir, "pglite");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "-e", `import("./app/platform/db/db.server.ts").then(async (m) => { await m.lockDataDir(${JSON.stringify(data)}); console.log("LOCKED"); setInterval(() => {}, 1000); })`],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (d) => String(d).includes("LOCKED") && resolve());
        child.once("exit", (code) => reject(new Error(`the holder exited with ${code}`)));
      });
      await assert.rejects(lockDataDir(data), (e: Error) => {
        assert.ok(e instanceof DatabaseLockedError);
        assert.match(e.message, new RegExp(`already open in process ${child.pid} \\(node`));
        assert.match(e.message, /stop that process first/);
        return true;
      });
      // Through another path to the same directory too.
      await assert.rejects(lockDataDir(path.join(dir, ".", "pglite")), DatabaseLockedError);

      const killed = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await killed;
      const release = await lockDataDir(data);
      // The same process does not open it twice either.
      await assert.rejects(lockDataDir(data), new RegExp(`already open in process ${process.pid}`));
      release();
    } finally {
      child.kill("SIGKILL");
    }

    // The old pid file, naming a process that is alive (our parent) but does not hold the directory, is ignored.
    fs.writeFileSync(`${data}.lock`, String(process.ppid));
    const again = await lockDataDir(data);
    assert.equal(fs.existsSync(`${data}.lock`), false);
    again();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
