/**
 * The database server's CPU per request, for a PostgreSQL on this machine: the app's pool connections are backend
 * processes (found by their application_name in pg_stat_activity), and Linux keeps each one's CPU time in
 * /proc/<pid>/stat (utime + stime). Nothing is enabled on the server (pg_stat_statements needs a restart to load).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { sql } from "kysely";
import type { DB } from "../../app/platform/db/db.server.ts";

const TICKS_PER_SECOND = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout?.trim()) || 100;

/** CPU time a process has used, in ms, or undefined when it is not visible (gone, another machine, not Linux). */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // after "pid (comm) ": field 3 onwards
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

async function backends(database: DB, applicationName: string): Promise<number[]> {
  const rows = await sql<{ pid: number }>`select pid from pg_stat_activity where application_name = ${applicationName}`.execute(database);
  return rows.rows.map((r) => Number(r.pid));
}

/**
 * A probe for loadTest: start() snapshots the CPU of the pool's backends and returns stop(), which gives the CPU
 * they used since (a backend that appeared meanwhile counts whole: all of its life was inside the window), or NaN
 * when no backend is visible in /proc (a server elsewhere).
 */
export function pgCpuProbe(database: DB, applicationName: string): () => Promise<() => Promise<number>> {
  return async () => {
    const before = new Map<number, number>();
    for (const pid of await backends(database, applicationName)) {
      const ms = processCpuMs(pid);
      if (ms !== undefined) before.set(pid, ms);
    }
    return async () => {
      let total = 0;
      let seen = 0;
      for (const pid of await backends(database, applicationName)) {
        const ms = processCpuMs(pid);
        if (ms === undefined) continue;
        seen++;
        total += ms - (before.get(pid) ?? 0);
      }
      return seen ? total : Number.NaN;
    };
  };
}
