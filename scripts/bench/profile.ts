/**
 * CPU profiles of the server's thread under load (BENCH_PROFILE=<dir>): one `.cpuprofile` per scenario, taken with
 * the inspector's sampling profiler around an extra load run after the measured ones (the profiler slows the thread,
 * so it never runs during a measurement). Open a file in Chrome DevTools (Performance → Load profile) or summarise
 * it with `summariseProfile`.
 */
import fs from "node:fs";
import { Session } from "node:inspector/promises";
import path from "node:path";
import { loadTest, type LoadOptions } from "./load.ts";

export async function profileLoad(file: string, url: string, o: LoadOptions): Promise<void> {
  const session = new Session();
  session.connect();
  try {
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 200 });
    await session.post("Profiler.start");
    await loadTest(url, { ...o, warmupSeconds: 0 });
    const { profile } = await session.post("Profiler.stop");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(profile));
  } finally {
    session.disconnect();
  }
}

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** Where a sample's time goes: the first frame from the leaf up whose file names one of these. */
const CATEGORIES: [string, RegExp][] = [
  ["database (PGlite)", /@electric-sql\/pglite|^wasm:/],
  ["kysely", /\/kysely\//],
  ["route matching", /@remix-run\/router/],
  ["react render", /react-dom|react\/cjs|react-jsx/],
  ["turbo-stream", /turbo-stream/],
  ["remix server runtime", /@remix-run\/(server-runtime|node|express)/],
  ["express", /\/(express|compression|body-parser|send|serve-static|finalhandler|router)\//],
  ["logging (pino)", /\/(pino|sonic-boom|fast-redact)/],
  ["app (build)", /\/build\/index\.js/],
  ["app (server)", /\/app\/|http-app|server\.ts/],
  ["node:http", /^node:_http|^node:net|^node:internal\/(streams|stream_base)/],
];

/** Self and total time per function (share of samples), the top `limit` of each. */
export function summariseProfile(file: string, limit = 40): string {
  const p = JSON.parse(fs.readFileSync(file, "utf8")) as { nodes: Node[]; samples: number[] };
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const counts = new Map<number, number>();
  for (const s of p.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
  const name = (n: Node) => `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.replace(/^.*\/(node_modules|app|build)\//, "$1/")}:${n.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  for (const [id, count] of counts) {
    all += count;
    const n = byId.get(id)!;
    self.set(name(n), (self.get(name(n)) ?? 0) + count);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = name(byId.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + count);
    }
  }
  const category = new Map<string, number>();
  for (const [id, count] of counts) {
    let label = byId.get(id)!.callFrame.functionName.startsWith("(") ? byId.get(id)!.callFrame.functionName : "other";
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const url = byId.get(cur)!.callFrame.url;
      const hit = CATEGORIES.find(([, re]) => re.test(url));
      if (hit) {
        label = hit[0];
        break;
      }
    }
    category.set(label, (category.get(label) ?? 0) + count);
  }
  const top = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([k, v]) => `${((100 * v) / all).toFixed(1).padStart(5)} %  ${k}`)
      .join("\n");
  return `by part:\n${top(category)}\n\nself:\n${top(self)}\n\ntotal:\n${top(total)}`;
}
