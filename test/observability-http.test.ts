import assert from "node:assert/strict";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { after, before, describe, test } from "node:test";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { sql } from "kysely";
import { openPostgres } from "~/platform/db/db.server.ts";
import { serializeError } from "~/platform/ops/logger.server.ts";
import { bearerMatches, createMetrics, metricsAccess } from "~/platform/ops/metrics.server.ts";
import { redactText, redactUrl } from "~/platform/ops/redact.server.ts";
import { routeLabeller } from "~/platform/ops/request-log.server.ts";
import { Client, loadTestBuild, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, loginAs } from "./helpers/fixtures.ts";
import { captureLogs, type LogLine } from "./helpers/logs.ts";

let t: TestDb;
let app: TestApp;
let build: ServerBuild;
const TOKEN = "metrics-token-0123456789abcdef";
const SECRET = "SECRETtoken7f3a9c";

before(async () => {
  t = await createTestDb();
  app = await startTestApp(t);
  build = await loadTestBuild();
});
after(async () => {
  await app.close();
  await t.close();
});

/** A scrape straight from this machine (no proxy header). */
async function scrape(base = app.url, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${base}/metrics`, { headers });
  assert.equal(res.status, 200, `scrape: ${res.status}`);
  return res.text();
}

/** The value of one sample, e.g. sample(text, 'portal_http_requests_total{method="GET",route="routes/$",status="404"}'). */
function sample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** The request's log line is written when its response finishes, which may be a moment after the client has it. */
async function eventually(check: () => Promise<boolean> | boolean, what: string) {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`never happened: ${what}`);
}

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { redirect: "manual", headers });
  await res.arrayBuffer();
  return res;
}

describe("/metrics", () => {
  test("answers in the Prometheus text format, with process metrics", async () => {
    const res = await fetch(`${app.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("Content-Type") ?? "", /^text\/plain; version=0\.0\.4/);
    assert.equal(res.headers.get("Cache-Control"), "no-store");
    const text = await res.text();
    for (const line of text.split("\n")) {
      if (line === "") continue;
      assert.match(line, /^(# (HELP|TYPE) [a-zA-Z_:][\w:]* .+|[a-zA-Z_:][\w:]*(\{([a-zA-Z_]\w*="([^"\\\n]|\\.)*",?)*\})? (-?[\d.e+-]+|[Nn]a[Nn]|[+-]Inf))$/, line); // prom-client writes NaN as "Nan" (Prometheus reads either)
    }
    for (const name of ["portal_http_requests_total", "portal_http_request_duration_seconds", "portal_outbox_pending_messages", "portal_db_pool_connections"]) {
      assert.match(text, new RegExp(`^# TYPE ${name} `, "m"), name);
    }
    assert.match(text, /^process_cpu_user_seconds_total /m);
    assert.match(text, /^nodejs_heap_size_used_bytes /m);
    assert.match(text, /^portal_database_up 1$/m);
    assert.match(text, new RegExp(`^portal_info\\{mode="demo",database="${t.kind}",worker="yes"\\} 1$`, "m"));
  });

  test("request counters and the latency histogram move, by route and status", async () => {
    const ok = 'portal_http_requests_total{method="GET",route="routes/platforms._index",status="200"}';
    const missing = 'portal_http_requests_total{method="GET",route="routes/$",status="404"}';
    const latency = 'portal_http_request_duration_seconds_count{method="GET",route="routes/platforms._index"}';
    const inf = 'portal_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="routes/platforms._index"}';
    const before = await scrape();
    for (let i = 0; i < 3; i++) await get(`${app.url}/platforms`);
    await get(`${app.url}/platforms.data`);
    await get(`${app.url}/no-such-page`);
    await eventually(async () => {
      const now = await scrape();
      return sample(now, ok) - sample(before, ok) === 4 && sample(now, missing) - sample(before, missing) === 1;
    }, "3 pages and 1 data request counted on their route, 1 not-found on the catch-all");
    const now = await scrape();
    assert.equal(sample(now, latency) - sample(before, latency), 4);
    assert.equal(sample(now, inf), sample(now, latency), "every observation is in the +Inf bucket");
  });

  test("labels are route ids, never a URL: no token or id reaches a label", async () => {
    const id = "6f1c2b9e-4d3a-4c1b-9a8e-7d6c5b4a3f21";
    await get(`${app.url}/reset-password?token=${SECRET}`);
    await get(`${app.url}/verify-email?token=${SECRET}`);
    await get(`${app.url}/no-such/${SECRET}`);
    await get(`${app.url}/platforms/${id}`);
    await get(`${app.url}/applications/${id}/platform?x=${SECRET}`);
    await eventually(async () => /route="routes\/platforms\.\$id\._index"/.test(await scrape()), "the platform page counted under its route id");
    const text = await scrape();
    assert.ok(!text.includes(SECRET), "no token in the metrics");
    assert.ok(!text.includes(id), "no id in the metrics");
    const routes = new Set([...text.matchAll(/route="([^"]*)"/g)].map((m) => m[1]!));
    const known = new Set([...Object.keys(build.routes), "/healthz", "/readyz", "/metrics", "static", "refused", "remix:manifest", "unmatched"]);
    for (const r of routes) assert.ok(known.has(r), `label ${r} is a route id or a fixed name`);
  });

  test("outbox depth, failures and the oldest waiting message's age", async () => {
    const row = await t.db
      .insertInto("outbox_emails")
      .values({
        to_address: "metrics@dn.vn",
        locale: "vi",
        template: "test",
        subject: "s",
        text_body: "t",
        html_body: "h",
        created_at: sql<Date>`now() - interval '2 hours'`,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    try {
      let text = await scrape();
      assert.ok(sample(text, "portal_outbox_pending_messages") >= 1);
      const age = sample(text, "portal_outbox_oldest_pending_age_seconds");
      assert.ok(age >= 7190 && age < 7300, `oldest pending age ${age}`);
      const failedBefore = sample(text, "portal_outbox_failed_messages");
      await t.db.updateTable("outbox_emails").set({ status: "failed" }).where("id", "=", row.id).execute();
      text = await scrape();
      assert.equal(sample(text, "portal_outbox_failed_messages"), failedBefore + 1);
    } finally {
      await t.db.deleteFrom("outbox_emails").where("id", "=", row.id).execute();
    }
  });

  test("an unreachable database gives portal_database_up 0 and NaN outbox gauges, not a failed scrape", async () => {
    const down = await openPostgres("postgres://postgres@127.0.0.1:1/none", { max: 1 });
    const metrics = createMetrics({ METRICS_TOKEN: undefined, mode: "demo", RUN_WORKER: false }, down);
    const server = express().get("/metrics", (req, res) => void metrics.handler(req, res)).listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const text = await scrape(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      assert.match(text, /^portal_database_up 0$/m);
      assert.match(text, /^portal_outbox_pending_messages Nan$/m);
      assert.match(text, /^portal_db_pool_max_connections 1$/m);
    } finally {
      server.close();
      await down.close();
    }
  });

  test("database pool use", async () => {
    const text = await scrape();
    if (t.kind === "postgres") {
      assert.equal(sample(text, "portal_db_pool_max_connections"), 10);
      assert.ok(sample(text, "portal_db_pool_connections") >= 1);
      assert.match(text, /^portal_db_pool_idle_connections \d+$/m);
      assert.match(text, /^portal_db_pool_waiting_requests \d+$/m);
    } else {
      // PGlite: one in-process connection, no pool to wait for.
      assert.equal(sample(text, "portal_db_pool_max_connections"), 1);
      assert.equal(sample(text, "portal_db_pool_connections"), 1);
      assert.doesNotMatch(text, /portal_db_pool_idle_connections/);
    }
  });

  test("without METRICS_TOKEN: direct requests from this machine only (403 when forwarded or remote)", async () => {
    assert.equal((await get(`${app.url}/metrics`)).status, 200);
    const forwarded: Record<string, string>[] = [{ "X-Forwarded-For": "127.0.0.1" }, { "X-Forwarded-For": "198.51.100.7" }, { Forwarded: "for=127.0.0.1" }, { "X-Real-IP": "127.0.0.1" }];
    for (const h of forwarded) {
      const res = await get(`${app.url}/metrics`, h);
      assert.equal(res.status, 403, `forwarded (${JSON.stringify(h)}) is not local`);
    }
    const post = await fetch(`${app.url}/metrics`, { method: "POST", headers: { Origin: app.url } });
    await post.arrayBuffer();
    assert.equal(post.status, 404, "only GET is served");
    // The same rule decides for an address of this machine that is not loopback.
    const remote = { get: () => undefined, socket: { remoteAddress: "192.0.2.10" } };
    assert.equal(metricsAccess({ METRICS_TOKEN: undefined }, remote), 403);
    assert.equal(metricsAccess({ METRICS_TOKEN: undefined }, { get: () => undefined, socket: { remoteAddress: "::ffff:127.0.0.1" } }), 200);
  });

  test("a request over a non-loopback interface is refused without a token", async (ctx) => {
    const address = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a && a.family === "IPv4" && !a.internal)?.address;
    if (!address) return ctx.skip("this machine has no non-loopback IPv4 address");
    const open = await startTestApp(t, { host: "0.0.0.0" });
    try {
      const port = new URL(open.url).port;
      assert.equal((await get(`http://${address}:${port}/metrics`)).status, 403);
      assert.equal((await get(`${open.url}/metrics`)).status, 200);
    } finally {
      await open.close();
    }
  });

  test("with METRICS_TOKEN: the bearer token is required from anywhere (401 otherwise)", async () => {
    const guarded = await startTestApp(t, { env: { METRICS_TOKEN: TOKEN } });
    try {
      for (const auth of [undefined, "Bearer wrong-token-0123456789", `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, "Bearer "]) {
        const res = await get(`${guarded.url}/metrics`, auth ? { Authorization: auth } : {});
        assert.equal(res.status, 401, `Authorization: ${auth}`);
        assert.match(res.headers.get("WWW-Authenticate") ?? "", /^Bearer/);
      }
      assert.ok((await scrape(guarded.url, { Authorization: `Bearer ${TOKEN}` })).includes("portal_http_requests_total"));
      assert.ok((await scrape(guarded.url, { Authorization: `bearer ${TOKEN}`, "X-Forwarded-For": "198.51.100.7" })).length > 0, "through a proxy too");
    } finally {
      await guarded.close();
    }
    assert.equal(bearerMatches(`Bearer ${TOKEN}`, TOKEN), true);
    assert.equal(bearerMatches(`Bearer ${TOKEN.slice(0, -1)}`, TOKEN), false);
    assert.equal(bearerMatches(undefined, TOKEN), false);
  });
});

describe("request and error logs", () => {
  const ANY_TOKEN_PAGE = ["/reset-password", "/verify-email", "/invite", "/enterprise/join"];

  test("a token in a URL never reaches the logs; the query keeps its names", async () => {
    const logs = captureLogs();
    try {
      const anon = new Client(app.url);
      for (const p of ANY_TOKEN_PAGE) await (await anon.get(`${p}?token=${SECRET}`)).arrayBuffer();
      await (await anon.post(`/reset-password?token=${SECRET}`, { token: SECRET, password: "x", passwordConfirm: "y" })).arrayBuffer();
      await (await anon.get(`/no-such-page?token=${SECRET}&page=2`)).arrayBuffer();
      await eventually(() => logs.lines().some((l) => String(l.url).startsWith("/no-such-page")), "the last request logged");
      assert.ok(!logs.text().includes(SECRET), `no token in:\n${logs.text()}`);
      const urls = logs.lines().map((l) => l.url);
      assert.ok(urls.includes("/reset-password?token=[redacted]"));
      assert.ok(urls.includes("/no-such-page?token=[redacted]&page=[redacted]"));
    } finally {
      logs.stop();
    }
  });

  test("a 404 is one info line with its route, never an error", async () => {
    const logs = captureLogs();
    try {
      for (const p of ["/no-such-page", "/platforms/6f1c2b9e-4d3a-4c1b-9a8e-7d6c5b4a3f21", "/applications/not-an-id.data", "/build/missing.js"]) await get(`${app.url}${p}`);
      await eventually(() => logs.lines().filter((l) => l.status === 404).length >= 3, "three 404s logged");
      const lines = logs.lines();
      assert.deepEqual(lines.filter((l) => l.level >= 40), [], "nothing at warn or error");
      assert.ok(!logs.text().includes("[object Object]"));
      const notFound = lines.find((l) => l.url === "/no-such-page")!;
      assert.equal(notFound.level, 30);
      assert.equal(notFound.route, "routes/$");
      assert.equal(notFound.msg, "request");
    } finally {
      logs.stop();
    }
  });

  test("the signed-in user's id is on their request lines, and on the sign-in itself", async () => {
    const { user } = await enterpriseUser();
    const c = new Client(app.url, "203.0.113.77");
    const logs = captureLogs();
    try {
      await loginAs(c, user);
      await (await c.get("/applications")).arrayBuffer();
      await (await new Client(app.url).get("/platforms")).arrayBuffer();
      await eventually(() => logs.lines().filter((l) => l.msg === "request").length >= 3, "three requests logged");
      const lines = logs.lines();
      assert.equal(lines.find((l) => l.url === "/login" && l.method === "POST")?.userId, user.id);
      assert.equal(lines.find((l) => l.url === "/applications")?.userId, user.id);
      assert.equal(lines.find((l) => l.url === "/platforms")?.userId, undefined, "an anonymous request names nobody");
    } finally {
      logs.stop();
    }
  });

  test("a server error is logged with its message and stack as JSON fields, the URL redacted", async () => {
    const logs = captureLogs();
    await sql`alter table user_tokens rename to user_tokens_away`.execute(t.db);
    try {
      const res = await get(`${app.url}/reset-password?token=${SECRET}`);
      assert.equal(res.status, 500);
      await eventually(() => logs.lines().some((l) => l.msg === "request" && l.status === 500), "the request line");
    } finally {
      await sql`alter table user_tokens_away rename to user_tokens`.execute(t.db);
      logs.stop();
    }
    const lines = logs.lines();
    const failed = lines.find((l) => l.level === 50) as LogLine & { err: { type: string; message: string; stack: string; code?: string } };
    assert.ok(failed, `an error line in:\n${logs.text()}`);
    assert.equal(failed.url, "/reset-password?token=[redacted]");
    assert.match(failed.err.message, /user_tokens/);
    assert.match(failed.err.stack, /\n\s+at /);
    assert.equal(failed.err.code, "42P01");
    assert.equal(lines.find((l) => l.msg === "request" && l.status === 500)?.level, 40, "the request line of a 5xx is a warning");
    assert.ok(!logs.text().includes(SECRET));
    assert.ok(!logs.text().includes("[object Object]"));
  });

  test("no route takes a secret in its path (the log keeps paths as they are)", () => {
    for (const r of Object.values(build.routes)) {
      for (const segment of (r.path ?? "").split("/")) {
        assert.doesNotMatch(segment, /^:.*(token|secret|password)/i, `${r.id} carries a secret in its path: redact it in app/platform/ops/redact.server.ts`);
      }
    }
  });
});

describe("log and label helpers", () => {
  test("redactUrl and redactText keep names, drop values", () => {
    assert.equal(redactUrl("http://x/reset-password?token=abc"), "/reset-password?token=[redacted]");
    assert.equal(redactUrl("/a/b?x=1&y&z=%20#frag"), "/a/b?x=[redacted]&y=[redacted]&z=[redacted]");
    assert.equal(redactUrl("/plain"), "/plain");
    assert.equal(redactUrl("/plain?"), "/plain");
    assert.equal(redactText('No route matches URL "/join?token=abc&a=b"'), 'No route matches URL "/join?token=[redacted]&a=[redacted]"');
  });

  test("serializeError: message, stack, code and cause of an Error; a status for responses; never [object Object]", () => {
    const pgLike = Object.assign(new Error("duplicate key value violates unique constraint"), { code: "23505", constraint: "x_key", detail: "Key (email)=(a@b.vn)" });
    const e = serializeError(new Error("outer /verify-email?token=abc", { cause: pgLike }));
    assert.equal(e.type, "Error");
    assert.equal(e.message, "outer /verify-email?token=[redacted]");
    assert.ok(e.stack && !e.stack.includes("abc"));
    assert.equal(e.cause?.code, "23505");
    assert.equal(e.cause?.constraint, "x_key");
    assert.ok(!JSON.stringify(e).includes("a@b.vn"), "no row values from a database error's detail");
    assert.deepEqual(serializeError(new Response("x", { status: 404 })), { type: "Response", message: "HTTP 404", status: 404 });
    assert.equal(serializeError({ status: 404, statusText: "Not Found", internal: true, data: "Error: No route" }).status, 404);
    assert.equal(serializeError({ a: 1 }).message, '{"a":1}');
    assert.equal(serializeError("plain").message, "plain");
  });

  test("routeLabeller: page, data request, splat, manifest", () => {
    const label = routeLabeller(build);
    assert.equal(label("/"), "routes/_index");
    assert.equal(label("/_root.data"), "routes/_index");
    assert.equal(label("/applications/abc/criteria/k1"), "routes/applications.$id.criteria.$key");
    assert.equal(label("/applications/abc/criteria/k1.data"), "routes/applications.$id.criteria.$key");
    assert.equal(label("/anything/else"), "routes/$");
    assert.equal(label("/__manifest"), "remix:manifest");
  });
});
