import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { buildIsCurrent, buildPortal, precompress, readBuildInfo, sourceFingerprint } from "../scripts/build.ts";

const ROOT = path.resolve(".");

function write(root: string, rel: string, text = rel) {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

test("the staleness check: an edited, added or deleted source, or a missing build file, makes the build stale", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "build-check-"));
  try {
    for (const f of ["app/root.tsx", "app/lib/a.server.ts", "db/migrations/1.ts", "public/favicon.ico", "server.ts", "package.json"]) write(root, f);
    for (const f of ["build/index.js", "build/texts.json", "build/server.js", "build/worker.js", "build/migrate.js", "public/build/entry-A.js"]) write(root, f);
    const stamp = () =>
      write(root, "build/build-info.json", JSON.stringify({ fingerprint: sourceFingerprint(root), builtAt: "", client: { version: "a", files: ["entry-A.js"] }, previous: [] }));
    stamp();
    assert.equal(buildIsCurrent(root), true);
    write(root, "public/build/entry-B.js"); // the build's own output is no source
    assert.equal(buildIsCurrent(root), true);

    const file = path.join(root, "app/lib/a.server.ts");
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(file, later, later);
    assert.equal(buildIsCurrent(root), false, "an edited file");
    stamp();
    write(root, "app/routes/new.tsx");
    assert.equal(buildIsCurrent(root), false, "a new file");
    stamp();
    fs.rmSync(path.join(root, "db/migrations/1.ts"));
    assert.equal(buildIsCurrent(root), false, "a deleted file");
    stamp();
    fs.rmSync(path.join(root, "build/server.js"));
    assert.equal(buildIsCurrent(root), false, "a build file missing");
    write(root, "build/server.js");
    fs.rmSync(path.join(root, "build/texts.json"));
    assert.equal(buildIsCurrent(root), false, "the texts plan missing (decision 026)");
    write(root, "build/texts.json");
    fs.rmSync(path.join(root, "public/build/entry-A.js"));
    assert.equal(buildIsCurrent(root), false, "a client file missing");
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("precompress writes .br and .gz beside each client file that shrinks, decoding to the same bytes; small files stay alone", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "precompress-"));
  try {
    const big = `export const texts = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `Nền tảng số ${i}`))};\n`;
    write(dir, "routes/page-ABC.js", big);
    write(dir, "tiny-XYZ.js", "export {};\n");
    assert.equal(await precompress(dir), 2);
    assert.deepEqual(fs.readdirSync(path.join(dir, "routes")).sort(), ["page-ABC.js", "page-ABC.js.br", "page-ABC.js.gz"]);
    assert.equal(brotliDecompressSync(fs.readFileSync(path.join(dir, "routes/page-ABC.js.br"))).toString("utf8"), big);
    assert.equal(gunzipSync(fs.readFileSync(path.join(dir, "routes/page-ABC.js.gz"))).toString("utf8"), big);
    assert.ok(!fs.existsSync(path.join(dir, "tiny-XYZ.js.br")) && !fs.existsSync(path.join(dir, "tiny-XYZ.js.gz")));
    assert.equal(await precompress(dir), 2, "a second run compresses the originals, never the variants");
    assert.ok(!fs.existsSync(path.join(dir, "routes/page-ABC.js.br.gz")));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A copy of the project's sources with the real node_modules, to build without touching this worktree's build. */
function copyProject(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "build-copy-"));
  for (const entry of ["app", "db", "public", "scripts", "server.ts", "remix.config.js", "remix.env.d.ts", "tsconfig.json", "package.json", "package-lock.json"]) {
    fs.cpSync(path.join(ROOT, entry), path.join(root, entry), { recursive: true, filter: (src) => !src.startsWith(path.join(ROOT, "public/build")) });
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(root, "node_modules"), "junction");
  return root;
}

test("npm start's build step: missing → built; up to date → nothing written; a source changed → rebuilt beside the old files", { timeout: 120_000 }, async () => {
  const root = copyProject();
  const log = (s: string) => lines.push(s);
  const lines: string[] = [];
  try {
    assert.equal(await buildPortal(root, { ifStale: true, log }), "built");
    for (const f of ["index.js", "server.js", "worker.js", "migrate.js", "migrations/2026-11-23T1100_foundation.js"]) {
      assert.ok(fs.existsSync(path.join(root, "build", f)), f);
    }
    assert.deepEqual(
      fs.readdirSync(path.join(root, "build")).filter((f) => f.startsWith(".")),
      [],
      "no staging directory is left behind",
    );
    const first = readBuildInfo(root)!;
    // The client files come with their precompressed variants, listed (and so kept and removed) with the build.
    const scripts = first.client.files.filter((f) => f.endsWith(".js") && fs.statSync(path.join(root, "public/build", f)).size >= 4096);
    assert.ok(scripts.length > 0);
    for (const f of scripts) for (const v of [".br", ".gz"]) assert.ok(first.client.files.includes(f + v), `${f}${v}`);
    const serverFile = path.join(root, "build/server.js");
    const before = fs.statSync(serverFile);

    assert.equal(await buildPortal(root, { ifStale: true, log }), "up to date");
    assert.equal(fs.statSync(serverFile).mtimeMs, before.mtimeMs, "an up-to-date build is not written again");

    // A running process keeps what it opened: the new build is new files moved into place, never a rewrite.
    const oldIndex = fs.openSync(path.join(root, "build/index.js"), "r");
    const oldSize = fs.fstatSync(oldIndex).size;
    fs.appendFileSync(path.join(root, "app/root.tsx"), '\nif (typeof window !== "undefined") (window as unknown as { changed?: number }).changed = 1;\n');
    assert.equal(await buildPortal(root, { ifStale: true, log }), "built");
    assert.match(lines.join("\n"), /Sources changed since the last build: building/);
    assert.notEqual(fs.statSync(serverFile).ino, before.ino, "server.js was replaced by rename");
    assert.equal(fs.fstatSync(oldIndex).size, oldSize, "the old index.js is intact for whoever holds it");
    fs.closeSync(oldIndex);
    const second = readBuildInfo(root)!;
    assert.notEqual(second.client.version, first.client.version);
    assert.deepEqual(second.previous.map((c) => c.version), [first.client.version]);
    for (const f of first.client.files) assert.ok(fs.existsSync(path.join(root, "public/build", f)), `the previous build's ${f} is kept`);
    assert.equal(await buildPortal(root, { ifStale: true, log }), "up to date");
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
