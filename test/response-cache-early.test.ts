import assert from "node:assert/strict";
import http, { type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import express from "express";
import { sql } from "kysely";
import { loadConfig } from "~/platform/config.server.ts";
import { onlyReads } from "~/platform/db/db.server.ts";
import { forwardedClientIp } from "~/platform/http/client-ip.server.ts";
import { createApp, type PortalApp } from "~/platform/http/http-app.server.ts";
import { Client, loadTestBuild } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { loginAs, staffUser, type StaffUser } from "./helpers/fixtures.ts";
import { captureLogs, type CapturedLogs } from "./helpers/logs.ts";

/**
 * Decision 027: a response-cache hit is answered at the node:http level, before Express. It must carry what the
 * Express stack gives every response (security headers, the request id, no-store for a signed-in viewer), write the
 * request's log line and metric, check the session the key needs, and never go to another viewer. Everything else
 * still goes through Express (counted by wrapping its `handle`), without looking the request up twice.
 */
let t: TestDb;
let portal: PortalApp;
let server: Server;
let base = "";
let throughExpress = 0;
let logs: CapturedLogs;
let reviewer: StaffUser;
let colleague: StaffUser;
let ip = 1;

before(async () => {
  t = await createTestDb();
  logs = captureLogs();
  const c = loadConfig({ ...process.env, NODE_ENV: "production", PORTAL_MODE: "demo", TRUST_PROXY: "1" });
  portal = createApp(c, t, await loadTestBuild());
  // Express's app function hands every request to app.handle: counting its calls counts what went through Express.
  const inner = portal.express as unknown as { handle: (...a: unknown[]) => void };
  const handle = inner.handle.bind(inner);
  inner.handle = (...a: unknown[]) => {
    throughExpress++;
    handle(...a);
  };
  server = await new Promise((resolve) => {
    const s = portal.listen(0, "127.0.0.1", () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  reviewer = await staffUser("province_reviewer", "79", undefined, "Người duyệt Sớm");
  colleague = await staffUser("province_reviewer", "79", undefined, "Đồng nghiệp Sớm");
});
after(async () => {
  logs.stop();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await t.close();
});

async function signedIn(user: StaffUser): Promise<Client> {
  const c = new Client(base, `10.27.0.${ip++}`);
  await loginAs(c, user);
  c.cookies.delete("flash");
  return c;
}

async function view(c: Client | null, path: string, headers: Record<string, string> = {}) {
  const before = throughExpress;
  const res = c ? await c.get(path, headers) : await fetch(base + path, { redirect: "manual", headers });
  const body = await res.text();
  return { res, body, status: res.status, cache: res.headers.get("X-Cache"), express: throughExpress > before };
}

async function logLine(requestId: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    const line = logs.lines().find((l) => l.msg === "request" && l.requestId === requestId);
    if (line) return line;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`no log line for ${requestId}`);
}

async function requestsCounted(route: string, status: number): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const series = `portal_http_requests_total{method="GET",route="${route}",status="${status}"} `;
  const line = text.split("\n").find((l) => l.startsWith(series));
  return line ? Number(line.slice(series.length)) : 0;
}

const SECURITY_HEADERS = ["Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options", "Cross-Origin-Opener-Policy", "Permissions-Policy", "Cache-Control", "Content-Type", "Vary"];

describe("a cache hit answered before Express", () => {
  test("carries the miss's headers and body, its own request id, the log line and the metric", async () => {
    const c = await signedIn(reviewer);
    const counted = await requestsCounted("routes/review._index", 200);
    const miss = await view(c, "/review");
    assert.equal(miss.status, 200);
    assert.equal(miss.cache, "miss");
    assert.ok(miss.express, "a miss is rendered through Express");
    const hit = await view(c, "/review", { "X-Request-Id": "early-hit-0001" });
    assert.equal(hit.status, 200);
    assert.equal(hit.cache, "hit");
    assert.equal(hit.express, false, "a hit never enters the Express stack");
    assert.equal(hit.body, miss.body);
    for (const name of SECURITY_HEADERS) assert.equal(hit.res.headers.get(name), miss.res.headers.get(name), name);
    assert.match(hit.res.headers.get("Content-Security-Policy") ?? "", /script-src [^;]*'sha256-/);
    assert.equal(hit.res.headers.get("X-Content-Type-Options"), "nosniff");
    assert.equal(hit.res.headers.get("X-Frame-Options"), "DENY");
    assert.equal(hit.res.headers.get("Cache-Control"), "no-store");
    assert.equal(hit.res.headers.get("X-Request-Id"), "early-hit-0001");
    assert.equal(hit.res.headers.get("Server-Timing"), 'cache;desc="hit"');
    assert.equal(hit.res.headers.get("Content-Length"), miss.res.headers.get("Content-Length"));
    assert.equal(hit.res.headers.get("Content-Encoding"), miss.res.headers.get("Content-Encoding"));
    assert.ok(hit.res.headers.get("ETag"));
    assert.equal(hit.res.headers.get("X-Powered-By"), null);
    const line = await logLine("early-hit-0001");
    assert.equal(line.route, "routes/review._index");
    assert.equal(line.status, 200);
    assert.equal(line.method, "GET");
    assert.equal(line.url, "/review");
    assert.equal(line.userId, reviewer.id, "the session check names the viewer");
    assert.equal(line.queries, t.kind === "pglite" ? 0 : 1);
    assert.equal(line.level, 30);
    await logLine(String(miss.res.headers.get("X-Request-Id")));
    assert.equal(await requestsCounted("routes/review._index", 200), counted + 2, "the hit and the miss are both counted");

    // 304 on a matching If-None-Match, answered early too, with the headers.
    const notModified = await view(c, "/review", { "If-None-Match": hit.res.headers.get("ETag")!, "X-Request-Id": "early-304-0001" });
    assert.equal(notModified.status, 304);
    assert.equal(notModified.express, false);
    assert.equal(notModified.res.headers.get("X-Frame-Options"), "DENY");
    assert.equal(notModified.res.headers.get("Content-Security-Policy"), miss.res.headers.get("Content-Security-Policy"));
    assert.equal((await logLine("early-304-0001")).status, 304);

    // A single-fetch data request of the page: the same.
    const dataMiss = await view(c, "/review.data");
    const dataHit = await view(c, "/review.data");
    assert.equal(dataMiss.cache, "miss");
    assert.equal(dataHit.cache, "hit");
    assert.equal(dataHit.express, false);
    assert.equal(dataHit.body, dataMiss.body);
    assert.equal(dataHit.res.headers.get("X-Content-Type-Options"), "nosniff");
  });

  test("never goes to another viewer, a signed-out visitor or an ended session", async () => {
    const c = await signedIn(reviewer);
    await view(c, "/review?view=mine");
    const own = await view(c, "/review?view=mine");
    assert.equal(own.cache, "hit");
    // The header names the signed-in viewer (the assignee list names both colleagues).
    const mark = `Đã đăng nhập: ${reviewer.email}`;
    assert.ok(own.body.includes(mark));

    const other = await signedIn(colleague);
    const theirs = await view(other, "/review?view=mine");
    assert.equal(theirs.cache, "miss", "a colleague of the same province gets their own render");
    assert.ok(theirs.express);
    assert.ok(theirs.body.includes(`Đã đăng nhập: ${colleague.email}`));
    assert.ok(!theirs.body.includes(mark));

    const anonymous = await view(null, "/review?view=mine");
    assert.notEqual(anonymous.status, 200, "signed out: sent to sign in");
    assert.notEqual(anonymous.cache, "hit");
    assert.ok(!anonymous.body.includes(mark));

    // The same cookie after signing out: the session signs nobody in, Remix answers.
    const cookie = c.cookies.get("sid") ?? c.cookies.get("__Host-sid");
    assert.ok(cookie);
    const res = await c.post("/logout", {});
    assert.ok(res.status < 400, `sign-out: ${res.status}`);
    const ended = await view(null, "/review?view=mine", { Cookie: `${c.cookies.has("__Host-sid") ? "__Host-sid" : "sid"}=${cookie}` });
    assert.notEqual(ended.status, 200);
    assert.equal(ended.cache, "bypass");
    assert.ok(ended.express);
    assert.ok(!ended.body.includes(mark));
  });

  test("what the compression middleware would change, a flash and a body go through Express, looked up once", async () => {
    const c = await signedIn(reviewer);
    // An encoding entry.server.tsx does not make (deflate): the body is kept as rendered, and compression may act on it.
    await view(c, "/review?view=done", { "Accept-Encoding": "deflate" });
    const deflate = await view(c, "/review?view=done", { "Accept-Encoding": "deflate", "X-Request-Id": "early-deflate-01" });
    assert.equal(deflate.cache, "hit");
    assert.ok(deflate.express, "handed to Express");
    assert.equal((await logLine("early-deflate-01")).queries, t.kind === "pglite" ? 0 : 1, "not looked up a second time");
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(logs.lines().filter((l) => l.msg === "request" && l.requestId === "early-deflate-01").length, 1, "one log line, not one per stage");

    await view(c, "/review?view=done", { "Accept-Encoding": "gzip" });
    const gzip = await view(c, "/review?view=done", { "Accept-Encoding": "gzip" });
    assert.equal(gzip.cache, "hit");
    assert.equal(gzip.express, false, "a gzip body made by entry.server.tsx is sent as it is");
    assert.equal(gzip.res.headers.get("Content-Encoding"), "gzip");

    c.cookies.set("flash", "x");
    const flash = await view(c, "/review?view=done");
    assert.equal(flash.cache, "bypass");
    assert.ok(flash.express);
    c.cookies.delete("flash");

    const legacy = await view(c, "/review?_data=routes%2Freview._index");
    assert.equal(legacy.status, 400, "request-guards still refuses a legacy data request");
  });

  test("a change in the database is seen by the next view (the data versions are read again)", async () => {
    const c = await signedIn(reviewer);
    await view(c, "/review?view=new");
    assert.equal((await view(c, "/review?view=new")).cache, "hit");
    await sql`update data_versions set version = version + 1 where scope = 'province:79'`.execute(t.db);
    const after = await view(c, "/review?view=new");
    assert.equal(after.cache, "miss");
    // Another province's change is no reason to render again.
    await sql`update data_versions set version = version + 1 where scope = 'province:01'`.execute(t.db);
    assert.equal((await view(c, "/review?view=new")).cache, "hit");
  });
});

describe("the pieces", () => {
  test("forwardedClientIp agrees with Express's req.ip for every number of trusted proxies", async () => {
    for (const hops of [0, 1, 2, 3]) {
      const app = express();
      if (hops > 0) app.set("trust proxy", hops);
      app.get("/", (req, res) => void res.json({ express: req.ip, ours: forwardedClientIp(req, hops) }));
      const s = http.createServer(app);
      await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", () => resolve()));
      const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/`;
      try {
        for (const xff of [undefined, "203.0.113.9", "203.0.113.9, 10.0.0.2", " 198.51.100.1 ,203.0.113.9,10.0.0.2 ", "a,,b", ""]) {
          const got = (await (await fetch(url, { headers: xff === undefined ? {} : { "X-Forwarded-For": xff } })).json()) as { express: string; ours: string };
          assert.equal(got.ours, got.express, `hops ${hops}, X-Forwarded-For ${JSON.stringify(xff)}`);
        }
      } finally {
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    }
  });

  test("onlyReads: only a plain select or show", () => {
    for (const s of ['select "scope", "version" from "data_versions"', "  SELECT 1", "show search_path"]) assert.equal(onlyReads(s), true, s);
    for (const s of [
      "update applications set status = 'x'",
      "insert into t values (1)",
      "delete from t",
      "begin",
      "commit",
      "with x as (update t set a = 1 returning *) select * from x",
      "select * from t for update",
      "select nextval('s')",
      "select 1; update t set a = 1",
    ])
      assert.equal(onlyReads(s), false, s);
  });

  test("PGlite's change counter moves after every statement that may change data, not after reads", async () => {
    if (t.kind === "postgres") {
      // Other clients change a server's data too: no counter, so the cache reads the versions on every request.
      assert.equal(t.changes, undefined);
      return;
    }
    assert.ok(t.changes);
    const before = t.changes();
    await sql`select 1`.execute(t.db);
    await t.db.selectFrom("data_versions").selectAll().execute();
    assert.equal(t.changes(), before, "reads");
    await sql`update data_versions set version = version where scope = 'global'`.execute(t.db);
    assert.equal(t.changes(), before + 1, "an update");
    await t.db.transaction().execute(async (tx) => {
      await tx.selectFrom("data_versions").selectAll().execute();
    });
    assert.ok(t.changes() >= before + 3, "begin and commit");
    const failed = t.changes();
    await assert.rejects(sql`update no_such_table set a = 1`.execute(t.db));
    assert.equal(t.changes(), failed + 1, "a failed statement counts too");
  });
});
