import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import { totpCode } from "~/features/account/totp.server.ts";
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, seedDemoAccounts } from "~/seeds/demo.server.ts";
import { Client, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";

const BUDGET_BYTES = 100 * 1024;

// Reads the client build (npm test builds first) and adds up what a browser loads for each page.
test("every page's JavaScript stays under 100 KB gzip", () => {
  const dir = path.resolve("public/build");
  // public/build keeps the files of the last builds (decision 018): the current one is named by build/version.txt.
  const version = fs.readFileSync(path.resolve("build/version.txt"), "utf8").trim().toUpperCase();
  const manifestFile = fs.readdirSync(dir).find((f) => f === `manifest-${version}.js`);
  assert.ok(manifestFile, "run `npm run build` first");
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, manifestFile), "utf8").replace(/^window\.__remixManifest=/, "").replace(/;\s*$/, "")) as {
    entry: { module: string; imports: string[] };
    routes: Record<string, { module: string; imports?: string[]; parentId?: string }>;
  };
  const size = new Map<string, number>();
  const gz = (url: string) => {
    if (!size.has(url)) size.set(url, gzipSync(fs.readFileSync(path.join("public", url))).byteLength);
    return size.get(url)!;
  };
  const over: string[] = [];
  for (const [id, route] of Object.entries(manifest.routes)) {
    const files = new Set([manifest.entry.module, ...manifest.entry.imports]);
    for (let r: typeof route | undefined = route; r; r = r.parentId ? manifest.routes[r.parentId] : undefined) {
      files.add(r.module);
      for (const i of r.imports ?? []) files.add(i);
    }
    const total = [...files].reduce((s, f) => s + gz(f), 0);
    if (total > BUDGET_BYTES) over.push(`${id}: ${Math.round(total / 1024)} KB`);
  }
  assert.deepEqual(over, []);
});

// The signed-in provincial queue (/review) as the demo reviewer sees it: the dictionary is a file of its own, cached
// for a year, not ~50 KB of inline script on every page (decision 023).
describe("the texts are a file, not inline", () => {
  let t: TestDb;
  let app: TestApp;
  before(async () => {
    t = await createTestDb();
    app = await startTestApp(t);
    await seedDemoAccounts(t.db);
  });
  after(async () => {
    await app?.close();
    await t?.close();
  });

  async function demoReviewer(): Promise<Client> {
    const c = new Client(app.url);
    const first = await c.post("/login", { email: "so.hanoi@demo.nentangso.vn", password: DEMO_PASSWORD });
    const redirectTo = new URL(first.headers.get("Location") ?? "", "http://x").searchParams.get("redirectTo") ?? "";
    const done = await c.post("/login/code", { code: totpCode(DEMO_TOTP_SECRET), redirectTo });
    assert.equal(done.status, 302);
    return c;
  }

  test("/review carries no dictionary inline; its texts file is immutable JavaScript; the page stays small", async () => {
    const c = await demoReviewer();
    const res = await c.get("/review");
    assert.equal(res.status, 200);
    const html = await res.text();
    const inline = [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    assert.ok(inline.length > 0);
    assert.ok(!inline.some((s) => s.includes("__PORTAL_MESSAGES__")), "no dictionary in an inline script");
    assert.ok(!html.includes("Bỏ qua, đến nội dung chính\","), "no dictionary entry anywhere in the page");
    const inlineBytes = inline.reduce((n, s) => n + Buffer.byteLength(s), 0);
    // The dictionary alone was ~54 KB; what is left inline is Remix's context and route data.
    assert.ok(inlineBytes < 16 * 1024, `inline scripts of /review: ${inlineBytes} bytes`);
    assert.ok(Buffer.byteLength(html) < 40 * 1024, `/review is ${Buffer.byteLength(html)} bytes`);

    const src = html.match(/<script id="portal-texts" defer="" src="(\/texts\/vi\.([0-9a-f]{16})\.js)"><\/script>/);
    assert.ok(src, "one deferred texts script");
    // It comes before Remix's scripts, so it runs before hydration (deferred and module scripts run in order).
    assert.ok(html.indexOf(src[0]) < html.indexOf('type="module"'));
    const texts = await c.get(src[1]!);
    assert.equal(texts.status, 200);
    assert.equal(texts.headers.get("Content-Type"), "text/javascript; charset=utf-8");
    assert.equal(texts.headers.get("Cache-Control"), "public, max-age=31536000, immutable");
    const body = await texts.text();
    assert.equal(createHash("sha256").update(body).digest("hex").slice(0, 16), src[2], "named by the hash of its content");
    assert.ok(body.includes('"app.skip":"Bỏ qua, đến nội dung chính"'));

    // A page cached before a deploy names an older file: it gets today's texts, not to be kept.
    const stale = await c.get("/texts/vi.0123456789abcdef.js");
    assert.equal(stale.status, 200);
    assert.equal(stale.headers.get("Cache-Control"), "no-cache");
    assert.equal(await stale.text(), body);
    assert.equal((await c.get("/texts/xx.0123456789abcdef.js")).status, 404);
    assert.equal((await c.get("/texts/vi.js")).status, 404);
  });
});
