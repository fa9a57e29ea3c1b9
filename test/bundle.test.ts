import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import vm from "node:vm";
import { gzipSync } from "node:zlib";
import { totpCode } from "~/features/account/totp.server.ts";
import { allTextsFile, pageTextsFiles, textsIndexFile } from "~/platform/i18n/i18n.server.ts";
import { MESSAGES } from "~/platform/i18n/messages.server.ts";
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, seedDemoAccounts } from "~/seeds/demo.server.ts";
import { Client, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { KeyIndex, missingTexts, planTexts, readRemixManifest, referencedKeys, routeChunks, type RemixManifest, type TextsPlan } from "../scripts/texts-split.ts";

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

/** Every route's chain of ids, root first, as its page's matches. */
function chains(manifest: RemixManifest): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const id of Object.keys(manifest.routes)) {
    const chain: string[] = [];
    for (let r = manifest.routes[id]; r; r = r.parentId ? manifest.routes[r.parentId] : undefined) chain.unshift(r.id);
    out.set(id, chain);
  }
  return out;
}

/** What the page's texts files give the browser, run as the browser would. */
function shippedKeys(locale: "vi" | "en", routeIds: string[]): Set<string> {
  const sandbox: { globalThis?: unknown; __PORTAL_MESSAGES__?: Record<string, Record<string, string>> } = {};
  sandbox.globalThis = sandbox;
  for (const f of pageTextsFiles(locale, routeIds)) vm.runInNewContext(f.body, sandbox);
  return new Set(Object.keys(sandbox.__PORTAL_MESSAGES__?.[locale] ?? {}));
}

// Decision 026: a page's document names only the texts its client code can ask for, and never fewer.
describe("each page ships the texts its client code uses", () => {
  const read = (url: string) => fs.readFileSync(path.join("public", url), "utf8");
  const manifest = () => readRemixManifest(path.resolve("public/build"), fs.readFileSync(path.resolve("build/version.txt"), "utf8").trim());
  const keys = [...new Set([...Object.keys(MESSAGES.vi), ...Object.keys(MESSAGES.en)])];

  test("for every route, each key its page's chunks name is in the texts files the server gives its document", () => {
    const m = manifest();
    const plan = JSON.parse(fs.readFileSync(path.resolve("build/texts.json"), "utf8")) as TextsPlan;
    assert.deepEqual(missingTexts(m, read, keys, plan), {}, "the build's plan");
    const index = new KeyIndex(keys);
    const found = new Map<string, Set<string>>();
    const keysOf = (c: string) => found.get(c) ?? found.set(c, referencedKeys(read(c), index)).get(c)!;
    const problems: string[] = [];
    for (const [id, chain] of chains(m)) {
      const chunks = new Set<string>();
      for (const r of chain) for (const c of routeChunks(m, r, read, { withParents: false })) chunks.add(c);
      for (const c of routeChunks(m, "root", read, { withParents: false })) chunks.add(c);
      for (const c of [m.entry.module, ...m.entry.imports]) chunks.add(c);
      for (const locale of ["vi", "en"] as const) {
        const shipped = shippedKeys(locale, chain);
        for (const c of chunks) for (const k of keysOf(c)) if (k in MESSAGES[locale] && !shipped.has(k)) problems.push(`${id} (${locale}): ${k}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test("the check fails when a component names a key that its page's texts do not carry", () => {
    const chunks: Record<string, string> = {
      "/build/entry.js": 'import{a}from"./_shared/chunk-A.js";a();',
      "/build/_shared/chunk-A.js": 'export function a(){return t("app.skip")}',
      "/build/root.js": 'import"./_shared/chunk-A.js";t("nav.label");',
      "/build/routes/queue.js": 'import{b}from"../_shared/chunk-B.js";t("queue.count",{count:n});t(`queue.view.${v}`);b();',
      "/build/_shared/chunk-B.js": 'export const b=()=>t("doc."+kind)+t(`${x}`)+t(`${a}.${b}`);',
    };
    const m: RemixManifest = {
      entry: { module: "/build/entry.js", imports: [] },
      routes: {
        root: { id: "root", module: "/build/root.js" },
        "routes/queue": { id: "routes/queue", parentId: "root", module: "/build/routes/queue.js" },
      },
    };
    const readFake = (url: string) => chunks[url] ?? "";
    const plan = planTexts(m, readFake, keys);
    assert.deepEqual(plan.groups.root, ["app.skip", "nav.label"]);
    const own = plan.groups["routes/queue"] ?? [];
    // A plural family by its base name, a template's fixed part, a prefix joined with +, all in an imported chunk.
    assert.ok(own.includes("queue.count#one") && own.includes("queue.count#other"));
    assert.ok(own.some((k) => k.startsWith("queue.view.")) && own.some((k) => k.startsWith("doc.")));
    // `${x}` and `${a}.${b}` name no keys: the route's group has only what fits its strings.
    assert.ok(own.every((k) => /^(queue\.count#|queue\.view\.|doc\.)/.test(k)), own.join(" "));
    assert.deepEqual(missingTexts(m, readFake, keys, plan), {});

    // A component starts using a key after the plan was made (or the plan leaves a chunk out): caught.
    chunks["/build/_shared/chunk-B.js"] += 't("footer.about");';
    assert.deepEqual(missingTexts(m, readFake, keys, plan), { "routes/queue": ["footer.about"] });
    delete chunks["/build/_shared/chunk-B.js"];
    chunks["/build/routes/queue.js"] = 't("queue.count")';
    assert.deepEqual(missingTexts(m, readFake, keys, { groups: { root: plan.groups.root! } }), { "routes/queue": ["queue.count#one", "queue.count#other"] });
  });

  // The numbers of decision 026 (raw and gzip, `vi`): what a first visit of each page loads besides its HTML and JS.
  test("a page's texts are a few KB: root's and its route's, not the whole dictionary", () => {
    const m = manifest();
    const pages: Record<string, string> = {
      home: "routes/_index",
      catalogue: "routes/platforms._index",
      "review queue": "routes/review._index",
      "criterion page": "routes/applications.$id.criteria.$key",
      "review page": "routes/review.$id",
    };
    const all = Buffer.byteLength(allTextsFile("vi").body);
    const index = textsIndexFile("vi").body;
    const lines: string[] = [`all texts (before, every page): ${all} B raw, ${gzipSync(allTextsFile("vi").body, { level: 9 }).byteLength} B gzip`];
    for (const [name, id] of Object.entries(pages)) {
      const files = pageTextsFiles("vi", chains(m).get(id)!);
      const raw = files.reduce((n, f) => n + Buffer.byteLength(f.body), 0);
      const gz = files.reduce((n, f) => n + gzipSync(f.body, { level: 9 }).byteLength, 0);
      lines.push(`${name} (${id}): ${files.length} files, ${raw} B raw, ${gz} B gzip`);
      assert.ok(raw < all / 3, `${name}: ${raw} B of texts`);
      assert.ok(gz < 8 * 1024, `${name}: ${gz} B of texts gzip`);
    }
    lines.push(`index of the routes' files (prefetched, once per deploy): ${Buffer.byteLength(index)} B raw, ${gzipSync(index, { level: 9 }).byteLength} B gzip`);
    console.log(lines.join("\n"));
  });
});

// The signed-in provincial queue (/review) as the demo reviewer sees it: its texts are files of their own, cached
// for a year, not ~50 KB of inline script on every page (decisions 023, 026).
describe("the texts are files, not inline", () => {
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

  test("/review carries no dictionary inline; its texts files are immutable JavaScript; the page stays small", async () => {
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

    const srcs = [...html.matchAll(/<script data-portal-texts="" defer="" src="(\/texts\/vi\.([A-Za-z0-9_.$-]+)\.([0-9a-f]{16})\.js)"><\/script>/g)];
    assert.deepEqual(srcs.map((s) => s[2]), ["root", "review._index"], "root's texts, then the queue's");
    // They come before Remix's scripts, so they run before hydration (deferred and module scripts run in order).
    assert.ok(html.indexOf(srcs[1]![0]) < html.indexOf('type="module"'));
    const bodies: string[] = [];
    for (const src of srcs) {
      const texts = await c.get(src[1]!);
      assert.equal(texts.status, 200);
      assert.equal(texts.headers.get("Content-Type"), "text/javascript; charset=utf-8");
      assert.equal(texts.headers.get("Cache-Control"), "public, max-age=31536000, immutable");
      const body = await texts.text();
      assert.equal(createHash("sha256").update(body).digest("hex").slice(0, 16), src[3], "named by the hash of its content");
      bodies.push(body);
    }
    const [root, queue] = bodies as [string, string];
    assert.ok(root.includes('"app.skip":"Bỏ qua, đến nội dung chính"'));
    assert.ok(queue.includes('"queue.count#other":') && !root.includes('"queue.count#other":'), "the queue's texts are the queue's file");
    // Not shipped: texts only the server uses (an email's subject) and those of other pages.
    assert.ok(![root, queue].some((b) => b.includes('"email.reviewer_overdue.subject"') || b.includes('"platform.longDescription"')));
    // The index names every route's file, for client-side navigation; the document only prefetches it.
    const indexSrc = html.match(/<link data-portal-texts-index="" rel="prefetch" as="script" href="(\/texts\/vi\.index\.[0-9a-f]{16}\.js)"\/>/)?.[1];
    assert.ok(indexSrc, "the index is prefetched");
    const index = await c.get(indexSrc);
    assert.equal(index.headers.get("Cache-Control"), "public, max-age=31536000, immutable");
    const indexBody = await index.text();
    assert.ok(indexBody.includes(`"routes/review._index":"${srcs[1]![1]}"`));
    assert.ok(/"routes\/platforms\._index":"\/texts\/vi\.platforms\._index\.[0-9a-f]{16}\.js"/.test(indexBody));
    assert.ok(!root.includes("routes/review._index"), "root's texts do not change with a route's");

    // A page cached before a deploy names an older file: it gets every text of the language, not to be kept.
    for (const old of ["/texts/vi.0123456789abcdef.js", "/texts/vi.root.0123456789abcdef.js", "/texts/vi.index.0123456789abcdef.js", "/texts/vi.gone.route.0123456789abcdef.js"]) {
      const stale = await c.get(old);
      assert.equal(stale.status, 200, old);
      assert.equal(stale.headers.get("Cache-Control"), "no-cache");
      const body = await stale.text();
      assert.equal(body, allTextsFile("vi").body);
      assert.ok(body.includes('"email.reviewer_overdue.subject"') && body.includes('"queue.count#other"'));
    }
    assert.equal((await c.get("/texts/xx.0123456789abcdef.js")).status, 404);
    assert.equal((await c.get("/texts/vi.js")).status, 404);
    assert.equal((await c.get("/texts/vi.root.js")).status, 404);
  });
});
