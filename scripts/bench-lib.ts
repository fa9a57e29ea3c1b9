/**
 * Building blocks for `npm run bench` (scripts/bench.ts) and other benchmarks (e.g. a catalogue benchmark), one
 * module each in scripts/bench/: the process (set-up, settings, cleanup), a throw-away database and query
 * inspection, fast set-based seeding, the real HTTP app and a plain node:http baseline on random ports, a
 * closed-loop load generator in a worker thread, and result tables.
 *
 * Call `prepareBenchProcess()` first, before anything loads the app: it sets NODE_ENV=production (React and Remix
 * run as in production) and sends the request log to /dev/null. These modules load app code only lazily.
 *
 * Traffic goes only to 127.0.0.1; every server, pool and worker started here is closed by the caller's `close()`.
 */
export * from "./bench/process.ts";
export * from "./bench/database.ts";
export * from "./bench/seed.ts";
export * from "./bench/servers.ts";
export * from "./bench/load.ts";
export * from "./bench/report.ts";
export * from "./bench/pg-cpu.ts";
export * from "./bench/queue-views.ts";
export * from "./bench/profile.ts";
