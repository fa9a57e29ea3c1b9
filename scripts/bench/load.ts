/**
 * Load-testing one URL (the generator runs in a worker thread, ./load-worker.ts), percentiles, the server thread's
 * CPU per request, and paired runs of scenarios against the plain baseline.
 */
import fs from "node:fs";
import { performance as nodePerformance, type EventLoopUtilization } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import type { LoadWorkerData, LoadWorkerMessage } from "./load-worker.ts";
import { log } from "./process.ts";

export interface LoadOptions {
  /** Headers per connection: connection i uses headers[i % headers.length] (e.g. one session cookie each). */
  headers?: Record<string, string>[];
  seconds: number;
  concurrency: number;
  /** Not measured: lets the JIT, caches and pools warm up. */
  warmupSeconds?: number;
  /** Per-request timeout; a request that times out counts as an error. */
  timeoutMs?: number;
  /** Called when the measured window starts; what the function it returns gives at the end is dbMsPerRequest × requests. */
  probe?: () => Promise<() => Promise<number>>;
}

export interface LoadStats {
  url: string;
  seconds: number;
  concurrency: number;
  /** 200 responses completed inside the measured window. */
  requests: number;
  /** Other statuses and network errors inside the window. */
  errors: number;
  statuses: Record<string, number>;
  firstError: string | null;
  rps: number;
  meanMs: number;
  p50: number;
  p90: number;
  p99: number;
  maxMs: number;
  /** Average response body size (bytes on the wire, i.e. compressed if the server compressed). */
  bytesPerResponse: number;
  /**
   * CPU time of the main (server) thread per 200 response, in ms: what one page costs the server's thread whatever
   * the concurrency and whatever else runs on the machine (with PGlite it includes the database, which runs on that
   * thread). 1000 ÷ this is the most one Node process can serve. Linux: from /proc schedstat; elsewhere the
   * event loop's busy time, which also counts time the thread waited for a CPU.
   */
  serverMsPerRequest: number;
  /** CPU time of the database server's backends per 200 response, in ms, when a probe measured it (else NaN). */
  dbMsPerRequest: number;
}

/** CPU time the main thread has used, in ms (Linux), else NaN. */
export function mainThreadCpuMs(): number {
  try {
    const ns = Number(fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ")[0]);
    return ns / 1e6;
  } catch {
    return Number.NaN;
  }
}

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/**
 * The worker's entry: on Node 20 a worker does not inherit the hooks tsx registered in this thread, and loads its
 * entry before any --import of its own, so it imports load-worker.ts through tsx's API.
 */
const TSX_API = import.meta.resolve("tsx/esm/api");
const WORKER_BOOT = `import(${JSON.stringify(TSX_API)}).then((tsx) => tsx.tsImport(${JSON.stringify(new URL("./load-worker.ts", import.meta.url).href)}, ${JSON.stringify(TSX_API)}));`;

export async function loadTest(url: string, o: LoadOptions): Promise<LoadStats> {
  const u = new URL(url);
  if (u.hostname !== "127.0.0.1" && u.hostname !== "localhost") throw new Error(`loadTest only targets this machine, not ${u.hostname}`);
  const warmupMs = (o.warmupSeconds ?? 2) * 1000;
  const durationMs = o.seconds * 1000;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const workerData: LoadWorkerData = { url, headers: o.headers ?? [], concurrency: o.concurrency, warmupMs, durationMs, timeoutMs };
  const worker = new Worker(WORKER_BOOT, { eval: true, workerData });
  type Result = Extract<LoadWorkerMessage, { type: "result" }>;
  let eluStart: EventLoopUtilization | undefined;
  let cpuStart = Number.NaN;
  let busyMs = Number.NaN;
  let probeStop: Promise<() => Promise<number>> | undefined;
  let probeMs: Promise<number> | undefined;
  const result = await new Promise<Result>((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`load test of ${url} did not finish`)), warmupMs + durationMs + timeoutMs + 15_000);
    worker.on("message", (m: LoadWorkerMessage) => {
      if (m.type === "window-start") {
        eluStart = nodePerformance.eventLoopUtilization();
        cpuStart = mainThreadCpuMs();
        probeStop = o.probe?.();
      } else if (m.type === "window-end" && eluStart) {
        probeMs = probeStop?.then((stop) => stop());
        const cpu = mainThreadCpuMs() - cpuStart;
        busyMs = Number.isFinite(cpu) ? cpu : nodePerformance.eventLoopUtilization(eluStart).active;
      }
      else if (m.type === "result") {
        clearTimeout(guard);
        resolve(m);
      }
    });
    worker.once("error", (e) => {
      clearTimeout(guard);
      reject(e);
    });
  }).finally(() => worker.terminate());
  const dbMs = probeMs ? await probeMs.catch(() => Number.NaN) : Number.NaN;
  const sorted = result.latencies.sort();
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    url,
    seconds: result.seconds,
    concurrency: o.concurrency,
    requests: result.ok,
    errors: result.errors,
    statuses: result.statuses,
    firstError: result.firstError,
    rps: result.ok / result.seconds,
    meanMs: result.ok ? sum / result.ok : Number.NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    bytesPerResponse: result.ok ? result.bytes / result.ok : 0,
    serverMsPerRequest: result.ok ? busyMs / result.ok : Number.NaN,
    dbMsPerRequest: result.ok ? dbMs / result.ok : Number.NaN,
  };
}

/** Several runs of the same target as one: requests and time add up; percentiles are those of the runs' mean (approximate). */
export function combineStats(runs: LoadStats[]): LoadStats {
  const seconds = runs.reduce((a, r) => a + r.seconds, 0);
  const requests = runs.reduce((a, r) => a + r.requests, 0);
  const mean = (pick: (r: LoadStats) => number) => runs.reduce((a, r) => a + pick(r), 0) / runs.length;
  return {
    ...runs[0]!,
    seconds,
    requests,
    errors: runs.reduce((a, r) => a + r.errors, 0),
    rps: requests / seconds,
    meanMs: mean((r) => r.meanMs),
    p50: mean((r) => r.p50),
    p90: mean((r) => r.p90),
    p99: mean((r) => r.p99),
    maxMs: Math.max(...runs.map((r) => r.maxMs)),
    serverMsPerRequest: mean((r) => r.serverMsPerRequest),
    dbMsPerRequest: mean((r) => r.dbMsPerRequest),
  };
}

// ---------------------------------------------------------------- paired runs

export interface ScenarioResult {
  id: string;
  name: string;
  stats: LoadStats;
  /** The plain server's runs just before and after this scenario, combined. */
  baseline: LoadStats;
}

/**
 * Loads each scenario with the plain server run between them (P S P S … P), so every scenario is compared with the
 * mean of the plain runs just before and after it: on a shared machine the load drifts, and a paired baseline follows.
 */
export async function runPaired(
  scenarios: { id: string; name: string; path: string; url?: string; headers?: Record<string, string>[] }[],
  o: {
    appUrl: string;
    plainUrl: string;
    headers: Record<string, string>[];
    plainHeaders: Record<string, string>[];
    seconds: number;
    concurrency: number;
    warmupSeconds: number;
    /** Measures the database's CPU during each scenario's window (./pg-cpu.ts). */
    probe?: LoadOptions["probe"];
  },
): Promise<{ results: ScenarioResult[]; plain: LoadStats; plainRuns: number }> {
  const plainSeconds = Math.max(2, Math.round(o.seconds / 2));
  log(`\nLoad (${o.concurrency} connections; app ${o.seconds} s per scenario, the plain server ${plainSeconds} s before and after each):`);
  const plainRun = async () => {
    const stats = await loadTest(`${o.plainUrl}/`, { headers: o.plainHeaders, seconds: plainSeconds, concurrency: o.concurrency, warmupSeconds: 1 });
    log(`  plain node:http: ${stats.rps.toFixed(0)} req/s`);
    return stats;
  };
  const plainRuns = [await plainRun()];
  const results: ScenarioResult[] = [];
  for (const s of scenarios) {
    const stats = await loadTest((s.url ?? o.appUrl) + s.path, { headers: s.headers ?? o.headers, seconds: o.seconds, concurrency: o.concurrency, warmupSeconds: o.warmupSeconds, probe: o.probe });
    log(`  ${s.name}: ${stats.rps.toFixed(1)} req/s, p90 ${stats.p90.toFixed(1)} ms, p99 ${stats.p99.toFixed(1)} ms${stats.errors ? `, ${stats.errors} errors (${stats.firstError})` : ""}`);
    plainRuns.push(await plainRun());
    results.push({ id: s.id, name: s.name, stats, baseline: combineStats(plainRuns.slice(-2)) });
  }
  return { results, plain: combineStats(plainRuns), plainRuns: plainRuns.length };
}
