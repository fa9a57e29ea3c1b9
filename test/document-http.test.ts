import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { after, before, describe, mock, test } from "node:test";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { chooseEncoding, parseAcceptEncoding } from "~/platform/http/static-files.server.ts";
import { PUBLIC_FILES } from "~/platform/http/http-app.server.ts";
import { Client, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, loginAs } from "./helpers/fixtures.ts";

// Decision 023: documents whole with Content-Length, a CSP of hashes, static files by prefix and precompressed,
// Server-Timing.

let t: TestDb;
let app: TestApp;

before(async () => {
  t = await createTestDb();
  app = await startTestApp(t);
});
after(async () => {
  await app.close();
  await t.close();
});

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A GET as the bytes come over the wire (fetch would decode them and hide the framing). */
function rawGet(pathname: string, headers: Record<string, string> = {}): Promise<Raw> {
  const url = new URL(app.url);
  return new Promise((resolve, reject) => {
    http
      .get({ host: url.hostname, port: url.port, path: pathname, headers: { "X-Forwarded-For": "203.0.113.30", ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

function decode(r: Raw): Buffer {
  const encoding = r.headers["content-encoding"];
  if (encoding === "br") return brotliDecompressSync(r.body);
  if (encoding === "gzip") return gunzipSync(r.body);
  assert.equal(encoding, undefined, `unexpected encoding ${encoding}`);
  return r.body;
}

/** The CSP hash source of each inline script (no src) of a page, read from the HTML. */
function inlineScriptSources(html: string): Set<string> {
  const hashes = new Set<string>();
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    if (/\bsrc=/.test(m[1]!)) continue;
    hashes.add(`'sha256-${createHash("sha256").update(m[2]!, "utf8").digest("base64")}'`);
  }
  return hashes;
}

function scriptSrcOf(csp: string): string[] {
  const directive = csp.split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src "));
  assert.ok(directive, `no script-src in ${csp}`);
  return directive.split(/\s+/).slice(1);
}

describe("documents are sent whole", () => {
  test("a page has a Content-Length and no chunked encoding, compressed or not, and the same bytes either way", async () => {
    // One request id for all three: it is the only per-request value on the page.
    const id = { "X-Request-Id": "same-request-id-0001" };
    const plain = await rawGet("/platforms", { ...id, "Accept-Encoding": "identity" });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers["transfer-encoding"], undefined);
    assert.equal(Number(plain.headers["content-length"]), plain.body.byteLength);
    for (const encoding of ["gzip", "br"]) {
      const r = await rawGet("/platforms", { ...id, "Accept-Encoding": encoding });
      assert.equal(r.headers["content-encoding"], encoding);
      assert.equal(r.headers["transfer-encoding"], undefined, encoding);
      assert.equal(Number(r.headers["content-length"]), r.body.byteLength, encoding);
      assert.match(String(r.headers.vary), /Accept-Encoding/i);
      assert.ok(decode(r).equals(plain.body), encoding);
    }
  });

  test("a page that is not found still has its status, whole", async () => {
    const r = await rawGet("/no-such-page", { "Accept-Encoding": "gzip" });
    assert.equal(r.status, 404);
    assert.equal(Number(r.headers["content-length"]), r.body.byteLength);
    assert.match(decode(r).toString("utf8"), /<html lang="vi"/);
  });

  test("a data request is whole too", async () => {
    const r = await rawGet("/platforms.data", { "Accept-Encoding": "gzip" });
    assert.equal(r.status, 200);
    assert.equal(r.headers["transfer-encoding"], undefined);
    assert.equal(Number(r.headers["content-length"]), r.body.byteLength);
  });
});

describe("Content-Security-Policy by hashes", () => {
  test("a page's CSP lists exactly the hashes of its inline scripts, and no nonce anywhere", async () => {
    const { user } = await enterpriseUser();
    const c = new Client(app.url);
    await loginAs(c, user);
    for (const [client, page] of [[new Client(app.url), "/"], [new Client(app.url), "/platforms"], [c, "/applications"]] as const) {
      const res = await client.get(page);
      assert.equal(res.status, 200, page);
      const csp = res.headers.get("Content-Security-Policy") ?? "";
      const html = await res.text();
      assert.doesNotMatch(csp, /nonce-/, page);
      assert.ok(!/\snonce=/.test(html), `${page}: no nonce attribute`);
      const sources = scriptSrcOf(csp);
      assert.equal(sources[0], "'self'", page);
      const hashes = inlineScriptSources(html);
      assert.ok(hashes.size >= 2, `${page}: Remix's context and module scripts`);
      assert.deepEqual(new Set(sources.slice(1)), hashes, page);
      assert.equal(res.headers.get("Content-Security-Policy")?.includes("object-src 'none'"), true);
    }
  });

  test("one CSP header per response: a data request and a file keep the default, never two policies", async () => {
    const data = await rawGet("/platforms.data");
    // Two headers would reach node joined by a comma, each with its own default-src.
    assert.equal(String(data.headers["content-security-policy"]).match(/default-src/g)?.length, 1);
    assert.deepEqual(scriptSrcOf(String(data.headers["content-security-policy"])), ["'self'"]);
    const page = await rawGet("/platforms");
    assert.equal(String(page.headers["content-security-policy"]).match(/default-src/g)?.length, 1);
    const file = await rawGet("/favicon.svg");
    assert.deepEqual(scriptSrcOf(String(file.headers["content-security-policy"])), ["'self'"]);
  });
});

describe("static files", () => {
  const version = () => fs.readFileSync("build/version.txt", "utf8").trim().toUpperCase();
  /** The root route's module of the current build: a script well over the 1 KB below which nothing is precompressed. */
  const entryFile = () => {
    const manifest = fs.readFileSync(`public/build/manifest-${version()}.js`, "utf8");
    return JSON.parse(manifest.replace(/^window\.__remixManifest=/, "").replace(/;\s*$/, "")).routes.root.module as string;
  };

  test("br, gzip and identity give the same bytes once decoded, with Vary and the right types", async () => {
    const file = entryFile();
    const original = fs.readFileSync(path.join("public", file));
    assert.ok(fs.existsSync(path.join("public", `${file}.br`)) && fs.existsSync(path.join("public", `${file}.gz`)), "precompressed at build time");
    for (const [accept, encoding] of [["br, gzip", "br"], ["gzip, deflate", "gzip"], ["identity", undefined], ["", undefined], ["br;q=0, gzip", "gzip"]] as const) {
      const r = await rawGet(file, { "Accept-Encoding": accept });
      assert.equal(r.status, 200, accept);
      assert.equal(r.headers["content-encoding"], encoding, accept);
      assert.equal(r.headers["content-type"], "text/javascript; charset=utf-8");
      assert.equal(r.headers.vary, "Accept-Encoding");
      assert.equal(r.headers["cache-control"], "public, max-age=31536000, immutable");
      assert.equal(Number(r.headers["content-length"]), r.body.byteLength);
      assert.ok(decode(r).equals(original), accept);
    }
    const css = fs.readdirSync("public/build/_assets").find((f) => f.endsWith(".css"));
    if (css) assert.equal((await rawGet(`/build/_assets/${css}`)).headers["content-type"], "text/css; charset=utf-8");
  });

  test("an unknown file under /build is a 404, and so are paths out of it or to a variant by name", async () => {
    for (const p of ["/build/no-such-file.js", "/build/", "/build/%2e%2e/package.json", "/build/..%2F..%2Fpackage.json", `${entryFile()}.gz`, "/build/_shared"]) {
      const r = await rawGet(p);
      assert.equal(r.status, 404, p);
      assert.ok(!r.body.toString("utf8").includes("<html"), `${p}: not a page`);
    }
  });

  test("the public files are served by name; the rest of public/ is not served at the root", async () => {
    // A file added to public/ must be named in PUBLIC_FILES to be served (there is no catch-all at the root).
    assert.deepEqual(fs.readdirSync("public").filter((f) => f !== "build").sort(), [...PUBLIC_FILES].sort());
    for (const name of PUBLIC_FILES) {
      const r = await rawGet(`/${name}`);
      assert.equal(r.status, 200, name);
      assert.ok(r.body.equals(fs.readFileSync(path.join("public", name))), name);
      assert.equal(r.headers["cache-control"], "public, max-age=3600");
    }
    assert.equal((await rawGet("/favicon.svg")).headers["content-type"], "image/svg+xml");
    const file = entryFile();
    assert.equal((await rawGet(file.replace(/^\/build/, ""))).status, 404, "a client file only under /build");
  });

  test("a page request does not touch the static files", async () => {
    const publicDir = path.resolve("public");
    const touched: string[] = [];
    const spy = (name: string) => (p: unknown) => {
      if (path.resolve(String(p)).startsWith(publicDir)) touched.push(`${name} ${String(p)}`);
    };
    const stat = fs.stat;
    const readFile = fs.promises.readFile;
    const promiseStat = fs.promises.stat;
    const mocks = [
      mock.method(fs, "stat", (...args: unknown[]) => {
        spy("stat")(args[0]);
        return Reflect.apply(stat, fs, args);
      }),
      mock.method(fs.promises, "readFile", (...args: Parameters<typeof readFile>) => {
        spy("readFile")(args[0]);
        return readFile(...args);
      }),
      mock.method(fs.promises, "stat", (...args: Parameters<typeof promiseStat>) => {
        spy("stat")(args[0]);
        return promiseStat(...args);
      }),
    ];
    try {
      assert.equal((await rawGet("/platforms")).status, 200);
      assert.equal((await rawGet("/")).status, 200);
      assert.deepEqual(touched, []);
      // Control: the spies do see a static file being read the first time.
      await rawGet("/build/control-missing-file.js");
      assert.ok(touched.length > 0, "the spy sees the static handler");
    } finally {
      for (const m of mocks) m.mock.restore();
    }
  });

  test("Accept-Encoding: q-values, wildcards and our order of preference", () => {
    assert.deepEqual([...parseAcceptEncoding("gzip;q=0.5, br")], [["gzip", 0.5], ["br", 1]]);
    assert.equal(chooseEncoding("gzip, deflate, br, zstd", ["br", "gzip"]), "br");
    assert.equal(chooseEncoding("gzip", ["br", "gzip"]), "gzip");
    assert.equal(chooseEncoding("br;q=0, gzip;q=0", ["br", "gzip"]), undefined);
    assert.equal(chooseEncoding("*", ["br", "gzip"]), "br");
    assert.equal(chooseEncoding("*, br;q=0", ["br", "gzip"]), "gzip");
    assert.equal(chooseEncoding(undefined, ["br", "gzip"]), undefined);
    assert.equal(chooseEncoding("br", []), undefined);
  });
});

describe("Server-Timing", () => {
  /** The metrics of a Server-Timing header by name, each duration a number. */
  function metrics(header: string | undefined): Map<string, number> {
    assert.ok(header, "Server-Timing present");
    const out = new Map<string, number>();
    for (const part of header.split(",")) {
      const [name, ...params] = part.trim().split(";");
      const dur = params.map((p) => /^dur=(.*)$/.exec(p.trim())?.[1]).find((v) => v !== undefined);
      assert.ok(dur !== undefined && Number.isFinite(Number(dur)), `${part}: a numeric duration`);
      out.set(name!, Number(dur));
    }
    return out;
  }

  test("a document and a data request carry db and render durations", async () => {
    const { user } = await enterpriseUser();
    const c = new Client(app.url);
    await loginAs(c, user);
    for (const p of ["/applications", "/applications.data", "/platforms", "/platforms.data"]) {
      const res = await c.get(p);
      assert.equal(res.status, 200, p);
      const m = metrics(res.headers.get("Server-Timing") ?? undefined);
      assert.deepEqual([...m.keys()].sort(), ["db", "render"], p);
    }
  });
});
