/**
 * The benchmark process: production mode and a silent request log (`prepareBenchProcess()`, first), settings from
 * the environment, output, timing, and `runBenchmark()`, which closes every server and database however the run ends.
 */
import pino from "pino";
import type { BenchDb } from "./database.ts";
import type { RunningServer } from "./servers.ts";

/**
 * Production mode for React/Remix, and the app's request log (one JSON line per request at "info", as in production)
 * written to /dev/null instead of flooding the terminal: the cost of logging stays in the numbers.
 * BENCH_LOG=stdout shows the log instead.
 */
export function prepareBenchProcess(): void {
  process.env.NODE_ENV = "production";
  // The app server gets PORTAL_MODE=demo (startAppServer); so must the app code the benchmark calls directly (e.g.
  // enrolling a second factor reads the config): production mode with DATABASE_URL would demand SMTP and more.
  process.env.PORTAL_MODE ??= "demo";
  process.env.LOG_LEVEL ??= "info";
  const key = Symbol.for("nentangso.logger"); // the app's logger() reuses a logger registered under this key
  const g = globalThis as typeof globalThis & { [k: symbol]: unknown };
  if (process.env.BENCH_LOG !== "stdout") {
    g[key] = pino(
      { level: process.env.LOG_LEVEL, base: { service: "nentangso-portal" }, redact: ["req.headers.cookie", "password", "*.password"] },
      pino.destination({ dest: "/dev/null", sync: true }),
    );
  }
}

export function envNumber(name: string, fallback: number, min = 0): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number ≥ ${min} (got "${raw}")`);
  return n;
}

export function log(line = ""): void {
  process.stdout.write(`${line}\n`);
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

/** Median wall time of `runs` sequential calls, in ms. */
export async function medianMs(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}


/** What a benchmark opens and must release however it ends (a PostgreSQL bench schema is dropped on close). */
export interface BenchResources {
  servers: RunningServer[];
  /** Registers the database for cleanup and returns it. */
  useDb(handle: BenchDb): BenchDb;
}

/**
 * Runs a benchmark's main function and exits: 0 when it finished, 1 when it threw, 130 on Ctrl-C/SIGTERM, 2 when the
 * watchdog fires. Servers and the database are closed in every case, so no schema or port is left behind.
 */
export async function runBenchmark(main: (res: BenchResources) => Promise<void>, watchdogMs = 10 * 60 * 1000): Promise<never> {
  const servers: RunningServer[] = [];
  let db: BenchDb | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = (): Promise<void> => {
    cleaning ??= (async () => {
      for (const s of servers.splice(0)) await s.close().catch(() => {});
      const h = db;
      db = undefined;
      if (h) await h.close().catch((e: unknown) => log(`(cleanup) ${String(e)}`));
    })();
    return cleaning;
  };
  const watchdog = setTimeout(() => {
    log(`Benchmark still running after ${watchdogMs / 60000} minutes: stopping.`);
    void cleanup().finally(() => process.exit(2));
  }, watchdogMs);
  watchdog.unref();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      log(`\n${signal}: cleaning up`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  try {
    await main({ servers, useDb: (h) => (db = h) });
    await cleanup();
    process.exit(0);
  } catch (e) {
    log(`Benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    await cleanup();
    process.exit(1);
  }
}
