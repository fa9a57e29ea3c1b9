import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";

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
