import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import type { User } from "~/platform/db/db-types.ts";
import { setClock } from "~/platform/time/clock.ts";
import { findUserByEmail } from "~/features/account/user.server.ts";
import { invalidateReferenceData, seedReferenceData } from "~/features/reference/reference.server.ts";
import { DEMO_PASSWORD, seedDemoAccounts } from "~/seeds/demo.server.ts";
import { seedDemoWorkflow } from "~/seeds/demo-data.server.ts";
import { Client, pageText, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, loginAs, PASSWORD, staffUser, type StaffUser } from "./helpers/fixtures.ts";
import { captureLogs, type CapturedLogs } from "./helpers/logs.ts";

// What a page costs in database statements, counted by the database client for each request (its request log line
// says `queries`). The numbers are pinned: a page that starts asking again for what it already knows fails here.
let t: TestDb;
let app: TestApp;
let cached: TestApp;
let logs: CapturedLogs;
let province: StaffUser;
let ministry: StaffUser;
let owner: User;
let ip = 1;

before(async () => {
  t = await createTestDb();
  // What a page costs to render: the response cache is off here; the last test counts a cache hit on a second app.
  app = await startTestApp(t, { env: { RESPONSE_CACHE_MB: "0" } });
  cached = await startTestApp(t);
  logs = captureLogs();
  await seedDemoAccounts(t.db);
  // Applications in every state in provinces 01 and 79 (the demo reviewers' queues, the catalogue's listings).
  await seedDemoWorkflow();
  province = await staffUser("province_reviewer", "79");
  ministry = await staffUser("ministry_reviewer");
  owner = (await findUserByEmail("doanhnghiep79@demo.nentangso.vn"))!;
});
afterEach(() => setClock(null));
after(async () => {
  setClock(null);
  logs.stop();
  await app.close();
  await cached.close();
  await t.close();
});

async function signedIn(user: User, password = PASSWORD): Promise<Client> {
  const c = new Client(app.url, `10.44.0.${ip++}`);
  await loginAs(c, user, password);
  return c;
}

/** Requests `path`; returns the response's status, its text, and how many statements it sent to the database. */
async function visit(c: Client | null, path: string): Promise<{ status: number; text: string; queries: number; location: string | null }> {
  const requestId = `qc-${Math.random().toString(36).slice(2, 12)}`;
  const headers = { "X-Request-Id": requestId };
  const res = c ? await c.get(path, headers) : await fetch(app.url + path, { headers, redirect: "manual" });
  const text = pageText(await res.text());
  // The line is written when the response finishes, which may be a moment after the client has it.
  for (let i = 0; i < 200; i++) {
    const line = logs.lines().find((l) => l.msg === "request" && l.requestId === requestId);
    if (line) return { status: res.status, text, queries: line.queries as number, location: res.headers.get("Location") };
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`no request log line for ${path}`);
}

async function queriesOf(c: Client | null, path: string): Promise<number> {
  const v = await visit(c, path);
  assert.equal(v.status, 200, `${path}: ${v.status}`);
  return v.queries;
}

describe("statements per page", () => {
  test("each page's count is pinned: the first view of a session reads it (one statement), later views cost none", async () => {
    const p = await signedIn(province);
    const m = await signedIn(ministry);
    const e = await signedIn(owner, DEMO_PASSWORD);
    // Reference data is loaded once (provinces, three category tables, settings), then read from memory.
    invalidateReferenceData();
    assert.equal(await queriesOf(null, "/platforms"), 2 + 5, "the public catalogue, reference data cold");
    // Was 12: the session twice (root and page loaders) and its user twice, four reference tables, then the page.
    assert.equal(await queriesOf(p, "/review"), 1 + 4, "/review, first view: session + colleagues, open disputes, page, count");
    assert.equal(await queriesOf(p, "/review"), 4, "/review");
    assert.equal(await queriesOf(p, "/review?view=mine"), 4, "/review?view=mine");
    // Was 11.
    assert.equal(await queriesOf(m, "/ministry"), 1 + 3, "/ministry, first view: session + colleagues, page, count");
    assert.equal(await queriesOf(m, "/ministry"), 3, "/ministry");
    assert.equal(await queriesOf(m, "/ministry?view=unstaffed"), 4, "/ministry?view=unstaffed: the provinces without a reviewer, then page and count over them");
    // Was 6.
    assert.equal(await queriesOf(e, "/applications"), 1 + 2, "/applications, first view: session + membership, applications");
    assert.equal(await queriesOf(e, "/applications"), 2, "/applications");
    // Was 6: four reference tables, then the count and the page.
    assert.equal(await queriesOf(null, "/platforms"), 2, "/platforms");
  });

  test("with the response cache, a repeat view costs one statement, the data versions it is keyed by (none on PGlite while nothing changed)", async () => {
    const p = new Client(cached.url, `10.44.2.${ip++}`);
    await loginAs(p, province);
    const m = new Client(cached.url, `10.44.2.${ip++}`);
    await loginAs(m, ministry);
    for (const [c, path] of [[p, "/review"], [m, "/ministry"], [null, "/platforms"]] as const) {
      const requestId = `qc-hit-${ip++}`;
      // The first view after signing in shows (and clears) the sign-in flash, which is never cached; the second fills it.
      for (let i = 0; i < 2; i++) await (await (c ? c.get(path) : fetch(cached.url + path))).text();
      const res = c ? await c.get(path, { "X-Request-Id": requestId }) : await fetch(cached.url + path, { headers: { "X-Request-Id": requestId } });
      assert.equal(res.status, 200);
      await res.text();
      let line: Record<string, unknown> | undefined;
      for (let i = 0; i < 200 && !line; i++) {
        line = logs.lines().find((l) => l.msg === "request" && l.requestId === requestId);
        if (!line) await new Promise((r) => setTimeout(r, 10));
      }
      // PGlite is open in this process only: while no statement that may change data has run since the versions were
      // last read, they are not read again (decision 029). A PostgreSQL server has other clients.
      assert.equal(line?.queries, t.kind === "pglite" ? 0 : 1, `${path}, repeat view`);
    }
  });

  test("the queues show their rows (the counts above are not those of empty pages)", async () => {
    const p = await signedIn(province);
    const review = await visit(p, "/review?view=done");
    assert.match(review.text, /Trí tuệ nhân tạo tiếng Việt Sài Gòn/);
    const m = await signedIn(ministry);
    const national = await visit(m, "/ministry?view=done");
    assert.match(national.text, /Trí tuệ nhân tạo tiếng Việt Thăng Long/);
    const catalogue = await visit(null, "/platforms");
    assert.match(catalogue.text, /Trí tuệ nhân tạo tiếng Việt/);
  });
});

describe("sessions in memory", () => {
  test("a cached session costs no statement, and sign-out ends it at once", async () => {
    const { user } = await enterpriseUser("79");
    const c = await signedIn(user);
    const first = await queriesOf(c, "/applications");
    assert.equal(await queriesOf(c, "/applications"), first - 1, "the second view reads no session");
    const cookie = c.cookies.get("sid")!;
    assert.equal((await c.post("/logout", {})).status, 302);
    const replay = new Client(app.url, "10.44.1.1");
    replay.cookies.set("sid", cookie);
    const res = await visit(replay, "/applications");
    assert.equal(res.status, 302);
    assert.match(res.location ?? "", /^\/login/);
  });

  test("deactivation by an administrator ends the cached sessions of the account at once", async () => {
    const admin = await signedIn(await staffUser("admin"));
    const victim = await staffUser("ministry_reviewer");
    const c = await signedIn(victim);
    assert.equal((await visit(c, "/ministry")).status, 200);
    assert.equal((await visit(c, "/ministry")).status, 200);
    assert.equal((await admin.post("/admin/users", { intent: "deactivate", userId: victim.id })).status, 302);
    const res = await visit(c, "/ministry");
    assert.equal(res.status, 302);
    assert.match(res.location ?? "", /^\/login/);
  });

  test("a password change ends the other cached sessions at once, not this one", async () => {
    const { user } = await enterpriseUser("79");
    const here = await signedIn(user);
    const there = await signedIn(user);
    assert.equal((await visit(here, "/applications")).status, 200);
    assert.equal((await visit(there, "/applications")).status, 200);
    const next = "mây trắng bay qua đồi xa";
    assert.equal((await here.post("/account/password", { currentPassword: PASSWORD, password: next, passwordConfirm: next })).status, 302);
    assert.equal((await visit(there, "/applications")).status, 302);
    assert.equal((await visit(here, "/applications")).status, 200);
  });

  test("activity is written at most once a minute; a session ended elsewhere is refused at the next write", async () => {
    const T0 = new Date("2026-12-07T02:00:00Z");
    const at = (s: number) => new Date(T0.getTime() + s * 1000);
    const lastSeen = async (userId: string) =>
      (await t.db.selectFrom("sessions").select("last_seen_at").where("user_id", "=", userId).executeTakeFirstOrThrow()).last_seen_at.getTime();
    setClock(T0);
    const { user } = await enterpriseUser("79");
    const c = await signedIn(user);
    setClock(at(10));
    const miss = await queriesOf(c, "/applications");
    assert.equal(await lastSeen(user.id), T0.getTime(), "10 s after the last record: nothing written");
    setClock(at(50));
    assert.equal(await queriesOf(c, "/applications"), miss - 1, "a cache hit within the minute: no statement");
    assert.equal(await lastSeen(user.id), T0.getTime());
    setClock(at(70));
    assert.equal(await queriesOf(c, "/applications"), miss, "a minute after the last record: one write");
    assert.equal(await lastSeen(user.id), at(70).getTime());
    setClock(at(100));
    assert.equal(await queriesOf(c, "/applications"), miss - 1);

    // Another web process signs the session out: this one still holds it, until its next write at the latest.
    await t.db.deleteFrom("sessions").where("user_id", "=", user.id).execute();
    setClock(at(110));
    assert.equal((await visit(c, "/applications")).status, 200, "within the minute this process does not know");
    setClock(at(131));
    const res = await visit(c, "/applications");
    assert.equal(res.status, 302, "the write finds no session: refused");
  });
});

describe("reference data in memory", () => {
  test("an edit is visible on the next request once invalidated; seeding at start invalidates", async () => {
    const original = "Sàn thương mại điện tử";
    const edited = "Sàn giao dịch thương mại điện tử (đã sửa)";
    assert.match((await visit(null, "/platforms")).text, new RegExp(original));
    await t.db.updateTable("sectors").set({ name_vi: edited }).where("code", "=", "ecommerce").execute();
    const stale = await visit(null, "/platforms");
    assert.equal(stale.queries, 2, "read from memory");
    assert.doesNotMatch(stale.text, /đã sửa/, "an edit that does not invalidate is not seen");
    invalidateReferenceData();
    assert.match((await visit(null, "/platforms")).text, /đã sửa/, "the next request after invalidation sees it");
    await seedReferenceData(t.db);
    const reseeded = await visit(null, "/platforms");
    assert.match(reseeded.text, new RegExp(original));
    assert.doesNotMatch(reseeded.text, /đã sửa/);
  });
});
