/**
 * `npm run bench:lighthouse`: Lighthouse's performance audit (mobile preset: a mid-range phone on slow 4G, simulated)
 * of four public pages of the built portal — home `/`, the catalogue `/platforms`, one platform page and the sign-up
 * form `/signup` — against the target of issue 11 (a score ≥ 95 each). Not part of `npm test`.
 *
 * It builds if the build is stale, starts `build/server.js` in demo mode on a free port with a throw-away data
 * directory (the embedded database with the demo data), runs headless Chromium (CHROMIUM_PATH, else
 * /usr/bin/chromium), prints the score and the main metrics of each page and, for a page under the target, the audits
 * that cost the most. Settings (environment): CHROMIUM_PATH, LIGHTHOUSE_RUNS (1: the median score of N runs per page),
 * LIGHTHOUSE_REPORT_DIR (unset: each page's full JSON report is written there when set).
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const TARGET = 95;
const root = path.resolve(import.meta.dirname, "..");
const chromePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const runs = Math.max(1, Number(process.env.LIGHTHOUSE_RUNS ?? 1) || 1);
const reportDir = process.env.LIGHTHOUSE_REPORT_DIR;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

interface Audit {
  id: string;
  title: string;
  score: number | null;
  numericValue?: number;
  displayValue?: string;
  details?: { type?: string; overallSavingsMs?: number; overallSavingsBytes?: number };
}

const METRICS: [id: string, label: string][] = [
  ["first-contentful-paint", "FCP"],
  ["largest-contentful-paint", "LCP"],
  ["total-blocking-time", "TBT"],
  ["cumulative-layout-shift", "CLS"],
  ["speed-index", "SI"],
];

execFileSync(process.execPath, ["--import", "tsx", "scripts/build.ts", "--if-stale"], { cwd: root, stdio: "inherit" });
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-lighthouse-"));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", PORTAL_MODE: "demo", PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "warn" };
delete env.DATABASE_URL; // the embedded database, with the demo data
const server = spawn(process.execPath, ["build/server.js"], {
  cwd: root,
  env,
  stdio: ["ignore", "ignore", "inherit"],
  detached: true,
});
let chrome: chromeLauncher.LaunchedChrome | undefined;

try {
  const started = performance.now();
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
    if (performance.now() - started > 120_000) throw new Error("the server did not answer /healthz within 120 s");
    await new Promise((r) => setTimeout(r, 200));
  }
  const list = (await (await fetch(`${base}/api/v1/platforms?pageSize=1`)).json()) as { items: { id: string }[] };
  const platformId = list.items[0]?.id;
  if (!platformId) throw new Error("the demo catalogue is empty");
  const pages: [name: string, path: string][] = [
    ["home", "/"],
    ["catalogue", "/platforms"],
    ["platform page", `/platforms/${platformId}`],
    ["sign-up form", "/signup"],
  ];

  chrome = await chromeLauncher.launch({ chromePath, chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  const loadStart = os.loadavg()[0]!;
  const version = (JSON.parse(fs.readFileSync(path.join(root, "node_modules/lighthouse/package.json"), "utf8")) as { version: string }).version;
  console.log(`Lighthouse ${version}, ${chromePath}, mobile preset (simulated slow 4G, 4× CPU slowdown), ${runs} run(s) per page, load average ${loadStart.toFixed(2)}`);
  const rows: string[][] = [];
  const below: { name: string; audits: Audit[] }[] = [];
  for (const [name, pagePath] of pages) {
    const results: { score: number; audits: Record<string, Audit> }[] = [];
    for (let i = 0; i < runs; i++) {
      const result = await lighthouse(base + pagePath, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance"] });
      if (!result) throw new Error(`${pagePath}: no result`);
      const lhr = result.lhr;
      if (lhr.runtimeError) throw new Error(`${pagePath}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      results.push({ score: Math.round((lhr.categories.performance?.score ?? 0) * 100), audits: lhr.audits as unknown as Record<string, Audit> });
      if (reportDir) {
        fs.mkdirSync(reportDir, { recursive: true });
        fs.writeFileSync(path.join(reportDir, `${name.replace(/\W+/g, "-")}-${i + 1}.json`), result.report as string);
      }
    }
    results.sort((a, b) => a.score - b.score);
    const median = results[Math.floor(results.length / 2)]!;
    const m = (id: string) => median.audits[id]?.displayValue ?? "?";
    rows.push([name, pagePath.length > 24 ? `${pagePath.slice(0, 22)}…` : pagePath, String(median.score), ...METRICS.map(([id]) => m(id)), median.score >= TARGET ? "ok" : "BELOW"]);
    if (median.score < TARGET) {
      const costly = Object.values(median.audits)
        .filter((a) => a.score !== null && a.score < 0.9 && (a.details?.overallSavingsMs ?? 0) > 0)
        .sort((a, b) => (b.details?.overallSavingsMs ?? 0) - (a.details?.overallSavingsMs ?? 0));
      below.push({ name, audits: costly.slice(0, 5) });
    }
  }
  const header = ["page", "path", "score", ...METRICS.map(([, l]) => l), `≥ ${TARGET}`];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  console.log(`\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n${rows.map(line).join("\n")}`);
  for (const b of below) {
    console.log(`\n${b.name}: the largest savings Lighthouse sees`);
    for (const a of b.audits) console.log(`  ${a.title}: ${a.details?.overallSavingsMs?.toFixed(0)} ms${a.displayValue ? ` (${a.displayValue})` : ""}`);
  }
  console.log(`\nLoad average at the end ${os.loadavg()[0]!.toFixed(2)}`);
  if (below.length) process.exitCode = 1;
} finally {
  await chrome?.kill();
  if (server.pid) process.kill(-server.pid, "SIGTERM");
  await new Promise((r) => (server.exitCode !== null ? r(null) : server.once("exit", r)));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
