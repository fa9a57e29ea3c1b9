import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";

/**
 * The floor plan (docs/architecture.md): dependencies point down only.
 *   routes, server  →  seeds  →  features  →  components  →  platform
 * A feature never imports a route, the server, the seeds; the platform imports nothing above it; shared components
 * import only the platform. Features may use each other (no cycles between two features: see the second test).
 */
type Floor = "routes" | "server" | "seeds" | "features" | "components" | "platform" | "root";
const RANK: Record<Floor, number> = { root: 6, routes: 5, server: 5, seeds: 4, features: 3, components: 2, platform: 1 };

function floorOf(file: string): Floor {
  const top = file.split("/")[1] ?? "";
  if (["routes", "server", "seeds", "features", "components", "platform"].includes(top)) return top as Floor;
  return "root";
}

function appFiles(dir = "app"): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? appFiles(p) : /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function importsOf(file: string): string[] {
  const src = fs.readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of src.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2]!;
    if (spec.startsWith("~/")) out.push(path.normalize(`app/${spec.slice(2)}`));
    else if (spec.startsWith(".")) out.push(path.normalize(path.join(path.dirname(file), spec)));
  }
  return out.filter((p) => p.startsWith("app/"));
}

const featureOf = (file: string) => (floorOf(file) === "features" ? file.split("/")[2] : undefined);

test("dependencies point down the floors: routes → features → components → platform", () => {
  const wrong: string[] = [];
  for (const file of appFiles()) {
    const from = floorOf(file);
    for (const target of importsOf(file)) {
      const to = floorOf(target);
      if (RANK[to] > RANK[from] || (from !== "root" && from === to && (from === "routes" || from === "server") && false)) wrong.push(`${file} → ${target}`);
      if (from === "routes" && to === "routes") wrong.push(`${file} → ${target} (a route imports another route)`);
    }
  }
  assert.deepEqual(wrong, [], "imports against the floor plan");
});

test("features do not import each other in a cycle", () => {
  const edges = new Map<string, Set<string>>();
  for (const file of appFiles("app/features")) {
    const a = featureOf(file)!;
    for (const target of importsOf(file)) {
      const b = featureOf(target);
      if (b && b !== a) (edges.get(a) ?? edges.set(a, new Set()).get(a)!).add(b);
    }
  }
  const cycles: string[] = [];
  for (const [a, outs] of edges) for (const b of outs) if (edges.get(b)?.has(a) && a < b) cycles.push(`${a} ⇄ ${b}`);
  assert.deepEqual(cycles, [], "features that import each other");
});

test("no file in app/ over 400 lines unless it says why", () => {
  const long = appFiles()
    .map((f) => ({ f, lines: fs.readFileSync(f, "utf8").split("\n").length, src: fs.readFileSync(f, "utf8") }))
    .filter(({ lines, src }) => lines > 400 && !/^\/\/ Longer than 400 lines: /m.test(src))
    .map(({ f, lines }) => `${f} (${lines})`);
  assert.deepEqual(long, []);
});
