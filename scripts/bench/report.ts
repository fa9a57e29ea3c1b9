/** The result tables benchmarks print. */
import type { LoadStats } from "./load.ts";

function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return "—";
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** A plain-text table with right-aligned numbers. */
export function formatTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/**
 * One row per scenario: req/s, latency percentiles, server CPU per request, the ratio of req/s to its plain-server
 * baseline ("ratio") and the ratio of server CPU per request ("CPU ratio": plain ms/req ÷ scenario ms/req), which
 * hardly moves with the machine's load (with PostgreSQL it leaves out the database server's CPU).
 */
export function printTable(rows: { name: string; stats: LoadStats; baseline: LoadStats }[]): string {
  const withDb = rows.some((r) => Number.isFinite(r.stats.dbMsPerRequest));
  const head = ["scenario", "requests", "errors", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "KB/resp", "server ms/req", ...(withDb ? ["db ms/req"] : []), "plain req/s", "ratio", "CPU ratio"];
  const body = rows.map(({ name, stats: s, baseline }) => {
    const ratio = s.rps / baseline.rps;
    return [
      name,
      fmtInt(s.requests),
      fmtInt(s.errors),
      s.rps.toFixed(s.rps < 100 ? 1 : 0),
      fmtMs(s.p50),
      fmtMs(s.p90),
      fmtMs(s.p99),
      fmtMs(s.maxMs),
      (s.bytesPerResponse / 1024).toFixed(1),
      s.serverMsPerRequest < 0.1 ? s.serverMsPerRequest.toFixed(3) : s.serverMsPerRequest.toFixed(2),
      ...(withDb ? [Number.isFinite(s.dbMsPerRequest) ? s.dbMsPerRequest.toFixed(2) : "—"] : []),
      fmtInt(baseline.rps),
      ratio.toFixed(ratio >= 0.5 ? 2 : 4),
      cpuRatio(s, baseline).toFixed(cpuRatio(s, baseline) >= 0.5 ? 2 : 4),
    ];
  });
  return formatTable(head, body);
}

export function cpuRatio(s: LoadStats, baseline: LoadStats): number {
  return baseline.serverMsPerRequest / s.serverMsPerRequest;
}

/**
 * For each view measured at both ends: listQueue alone (median ms), the shared buffers its query touches, req/s,
 * and CPU per request (server thread plus database backends), first and last page, with last ÷ first. `worst` is
 * the largest of the buffers and CPU ratios (times and req/s move with the machine's load; those hardly do).
 */
export function firstLastPairs(
  scenarios: { id: string; view?: string; end?: "first" | "last" }[],
  results: { id: string; stats: LoadStats }[],
  listMs: Map<string, number>,
  listBuffers: Map<string, number>,
): { rows: string[][]; table: string; worst: number } {
  const rows: string[][] = [];
  let worst = 0;
  const cpu = (s: LoadStats) => s.serverMsPerRequest + (Number.isFinite(s.dbMsPerRequest) ? s.dbMsPerRequest : 0);
  for (const first of scenarios.filter((s) => s.end === "first")) {
    const last = scenarios.find((s) => s.end === "last" && s.view === first.view);
    const a = results.find((r) => r.id === first.id)?.stats;
    const b = last && results.find((r) => r.id === last.id)?.stats;
    const la = listMs.get(first.id);
    const lb = last && listMs.get(last.id);
    if (!a || !b || la === undefined || lb === undefined) continue;
    const listRatio = lb / la;
    const cpuRatio = cpu(b) / cpu(a);
    const ba = listBuffers.get(first.id) ?? Number.NaN;
    const bb = (last && listBuffers.get(last.id)) ?? Number.NaN;
    worst = Math.max(worst, cpuRatio, ...(Number.isFinite(bb / ba) ? [bb / ba] : []));
    rows.push([
      first.view ?? first.id,
      fmtMs(la),
      fmtMs(lb),
      listRatio.toFixed(2),
      String(ba),
      String(bb),
      (bb / ba).toFixed(2),
      a.rps.toFixed(0),
      b.rps.toFixed(0),
      (a.rps / b.rps).toFixed(2),
      fmtMs(cpu(a)),
      fmtMs(cpu(b)),
      cpuRatio.toFixed(2),
    ]);
  }
  const head = ["view", "list ms first", "last", "÷", "buffers first", "last", "÷", "req/s first", "last", "first÷last", "CPU ms/req first", "last", "÷"];
  return { rows, table: formatTable(head, rows), worst };
}
