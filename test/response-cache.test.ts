import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { after, before, describe, test } from "node:test";
import express from "express";
import { sql } from "kysely";
import { createResponseCache, MAX_AGE_MS, pageClassOf, PUBLIC_CACHE_CONTROL, ResponseLru, versionTag } from "~/platform/http/response-cache.server.ts";
import { now, setClock } from "~/platform/time/clock.ts";
import { createDraft } from "~/features/application/drafts.server.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser } from "./helpers/fixtures.ts";

/**
 * The cache's rules on a bare Express app (the HTTP test, response-cache-http.test.ts, has the portal's pages): what
 * is kept, for whom, for how long, within which bounds, and the shared-cache header once the policy has no nonce.
 */
let t: TestDb;
let server: Server;
let base = "";
let renders = 0;
let cache: ReturnType<typeof createResponseCache>;

before(async () => {
  t = await createTestDb();
  cache = createResponseCache({
    db: t.db,
    viewer: async (request) => {
      const sid = /sid=(\w+)/.exec(request.headers.get("Cookie") ?? "")?.[1];
      return sid === "alice" ? { userId: "a", role: "province_reviewer", provinceCode: "79", email: "a@x.vn", name: "A" } : sid === "bob" ? { userId: "b", role: "province_reviewer", provinceCode: "79", email: "b@x.vn", name: "B" } : null;
    },
    maxEntries: 3,
    maxBytes: 64 * 1024,
    devMailbox: () => false,
    publicUrl: "http://portal.test",
  });
  const app = express();
  app.use((req, res, next) => {
    // As before the switch to script hashes when the request says so.
    res.set("Content-Security-Policy", req.get("X-Test-Nonce") ? `script-src 'nonce-${req.get("X-Test-Nonce")}'` : "script-src 'sha256-abc'");
    next();
  });
  app.all("*", cache.middleware, (req, res) => {
    renders++;
    const who = /sid=(\w+)/.exec(req.get("Cookie") ?? "")?.[1] ?? "nobody";
    if (req.query.status) res.status(Number(req.query.status));
    if (req.query.cookie) res.append("Set-Cookie", "x=1");
    res.type("html").send(`<p>${req.method} ${req.originalUrl} for ${who} #${renders}${"x".repeat(Number(req.query.pad ?? 0))}</p>`);
  });
  server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  setClock(null);
  server.close();
  server.closeAllConnections();
  await t.close();
});

async function get(path: string, headers: Record<string, string> = {}, method = "GET") {
  const before = renders;
  const res = await fetch(base + path, { headers, method });
  return { res, body: await res.text(), rendered: renders > before, cache: res.headers.get("X-Cache") };
}

describe("which requests", () => {
  test("the cached pages: queues, review and ministry pages, the catalogue; their .data requests; nothing else", () => {
    for (const p of ["/review", "/review/abc", "/review.data", "/review/disputes/x", "/ministry/x/revoke", "/", "/_root.data", "/platforms", "/platforms/x.data", "/statistics"])
      assert.ok(pageClassOf(p), p);
    for (const p of ["/applications", "/account", "/platforms.csv", "/platforms/feed.atom", "/review/disputes/x/files/y", "/admin/users", "/login", "/dev/mailbox"])
      assert.equal(pageClassOf(p), undefined, p);
  });

  test("a second GET is a hit; other methods, other pages, a flash cookie, 404s and Set-Cookie never are", async () => {
    assert.equal((await get("/platforms?a=1")).cache, "miss");
    const hit = await get("/platforms?a=1");
    assert.equal(hit.cache, "hit");
    assert.equal(hit.rendered, false);
    assert.equal((await get("/platforms?a=1", {}, "POST")).rendered, true);
    assert.equal((await get("/platforms?a=1", {}, "POST")).cache, null);
    assert.equal((await get("/applications")).cache, null);
    assert.equal((await get("/platforms?a=1", { Cookie: "flash=eyJ" })).cache, "bypass");
    await get("/platforms?status=404");
    assert.equal((await get("/platforms?status=404")).rendered, true);
    await get("/platforms?cookie=1");
    assert.equal((await get("/platforms?cookie=1")).rendered, true);
  });
});

describe("for whom", () => {
  test("each viewer their own page; a session cookie that signs nobody in is passed through", async () => {
    await get("/review", { Cookie: "sid=alice" });
    const alice = await get("/review", { Cookie: "sid=alice" });
    assert.equal(alice.cache, "hit");
    assert.match(alice.body, /for alice/);
    const bob = await get("/review", { Cookie: "sid=bob" });
    assert.equal(bob.cache, "miss");
    assert.match(bob.body, /for bob/);
    assert.equal((await get("/review", { Cookie: "sid=mallory" })).cache, "bypass");
    assert.equal((await get("/review", { Cookie: "lang=ImVuIg%3D%3D; sid=alice" })).rendered, true, "another language");
  });

  test("a province's version makes its reviewers' pages miss; another province's does not; the ministry's tag counts every province", async () => {
    await get("/review/p", { Cookie: "sid=alice" });
    assert.equal((await get("/review/p", { Cookie: "sid=alice" })).cache, "hit");
    await sql`select bump_data_versions(array['province:01'])`.execute(t.db);
    assert.equal((await get("/review/p", { Cookie: "sid=alice" })).cache, "hit", "another province");
    await sql`select bump_data_versions(array['province:79'])`.execute(t.db);
    assert.equal((await get("/review/p", { Cookie: "sid=alice" })).cache, "miss");
    const v = new Map([["global", 1], ["catalogue", 2], ["province:01", 3], ["province:79", 4]]);
    assert.equal(versionTag(v, "review", { userId: "m", role: "ministry_reviewer", provinceCode: null, email: "m@x.vn", name: "M" }), "g1.pall:7");
    assert.equal(versionTag(v, "catalogue", null), "g1.c2");
  });
});

describe("how long and how much", () => {
  test(`an entry expires after ${MAX_AGE_MS / 1000} s of the portal's clock (and when the clock goes back)`, async () => {
    const start = now();
    setClock(start);
    await get("/statistics");
    setClock(new Date(start.getTime() + MAX_AGE_MS));
    assert.equal((await get("/statistics")).cache, "hit");
    setClock(new Date(start.getTime() + MAX_AGE_MS + 1));
    assert.equal((await get("/statistics")).cache, "miss");
    setClock(new Date(start.getTime()));
    assert.equal((await get("/statistics")).cache, "miss");
    setClock(null);
  });

  test("bounded in entries and bytes, least recently used out first", () => {
    const lru = new ResponseLru(2, 800);
    const entry = (size: number) => ({ body: Buffer.alloc(0), headers: [], etag: '"x"', storedAt: 0, size, anonymous: false });
    lru.set("a", entry(10));
    lru.set("b", entry(10));
    lru.get("a");
    lru.set("c", entry(10));
    assert.deepEqual([lru.get("a") !== undefined, lru.get("b") !== undefined, lru.get("c") !== undefined], [true, false, true]);
    lru.set("big", entry(101));
    assert.equal(lru.get("big"), undefined, "one entry may take an eighth of the bytes at most");
    const bytes = new ResponseLru(100, 800);
    for (let i = 0; i < 10; i++) bytes.set(`k${i}`, entry(100));
    assert.deepEqual(bytes.stats(), { entries: 8, bytes: 800 });
    assert.equal(bytes.get("k0"), undefined);
  });

  test("a response over an eighth of the bytes is passed through whole and not kept", async () => {
    const big = await get("/platforms/big?pad=9000");
    assert.equal(big.body.length > 9000, true);
    assert.equal((await get("/platforms/big?pad=9000")).rendered, true);
  });
});

describe("headers", () => {
  test("ETag and 304; the anonymous catalogue gets the shared-cache header when the policy has no nonce", async () => {
    const first = await get("/platforms/e");
    assert.equal(first.res.headers.get("Cache-Control"), PUBLIC_CACHE_CONTROL);
    assert.equal(first.res.headers.get("Vary"), "Cookie");
    const hit = await get("/platforms/e");
    const etag = hit.res.headers.get("ETag")!;
    assert.match(etag, /^"[\w-]+"$/);
    assert.equal(hit.res.headers.get("Cache-Control"), PUBLIC_CACHE_CONTROL);
    const notModified = await get("/platforms/e", { "If-None-Match": `W/${etag}` });
    assert.equal(notModified.res.status, 304);
    assert.equal(notModified.rendered, false);
    assert.equal((await get("/review/e", { Cookie: "sid=alice" })).res.headers.get("Cache-Control"), null, "signed in: no shared-cache header");
  });

  test("with a nonce in the policy: anonymous documents are neither shared nor marked public; a viewer's page replays its own policy", async () => {
    const first = { "X-Test-Nonce": "first" };
    await get("/platforms/n", first);
    const again = await get("/platforms/n", first);
    assert.equal(again.rendered, true);
    assert.equal(again.res.headers.get("Cache-Control"), null);
    assert.equal((await get("/platforms/n.data", first)).cache, "miss");
    assert.equal((await get("/platforms/n.data", first)).cache, "hit", "a data request has no scripts");
    await get("/review/n", { Cookie: "sid=alice", ...first });
    const hit = await get("/review/n", { Cookie: "sid=alice", "X-Test-Nonce": "second" });
    assert.equal(hit.cache, "hit");
    assert.equal(hit.res.headers.get("Content-Security-Policy"), "script-src 'nonce-first'", "the policy of the cached body");
  });
});

describe("data versions", () => {
  const versions = async () => new Map((await t.db.selectFrom("data_versions").selectAll().execute()).map((r) => [r.scope, Number(r.version)]));

  test("every table a cached page shows has its triggers", async () => {
    const { rows } = await sql<{ table: string; events: string }>`
      select c.relname as table, string_agg(distinct e.event, ',' order by e.event) as events
      from pg_trigger g join pg_class c on c.oid = g.tgrelid
      cross join lateral (values ('insert', g.tgtype & 4), ('delete', g.tgtype & 8), ('update', g.tgtype & 16), ('truncate', g.tgtype & 32)) as e(event, bit)
      where g.tgname like '%data_versions%' and e.bit <> 0 and c.relnamespace = current_schema()::regnamespace
      group by c.relname`.execute(t.db);
    const events = Object.fromEntries(rows.map((r) => [r.table, r.events]));
    for (const table of ["applications", "application_versions", "attachments", "change_requests", "change_request_items", "criterion_verdicts", "internal_notes", "enterprises", "enterprise_documents", "enterprise_members", "tax_code_disputes", "users"])
      assert.equal(events[table], "delete,insert,update", table);
    assert.equal(events.audit_events, "insert");
    for (const table of ["settings", "provinces", "sectors", "criteria_items"]) assert.equal(events[table], "delete,insert,truncate,update", table);
  });

  test("a statement over many applications bumps their province once; a draft leaves the catalogue alone", async () => {
    const { user, enterpriseId } = await enterpriseUser("79");
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await createDraft(user, enterpriseId, "test")).id);
    const before = await versions();
    await t.db.updateTable("applications").set({ platform_name: "Đổi tên", province_code: "79" }).where("id", "in", ids).execute();
    const after = await versions();
    assert.equal(after.get("province:79"), (before.get("province:79") ?? 0) + 1);
    assert.equal(after.get("catalogue"), before.get("catalogue"));
    await t.db.updateTable("applications").set({ platform_name: "x" }).where("id", "=", "00000000-0000-0000-0000-000000000000").execute();
    assert.deepEqual(await versions(), after, "no row, no bump");
    await t.db.updateTable("applications").set({ status: "withdrawn" }).where("id", "=", ids[0]!).execute();
    assert.equal((await versions()).get("catalogue"), (after.get("catalogue") ?? 0) + 1, "a status change counts for the statistics");
  });
});
