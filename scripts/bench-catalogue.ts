/**
 * `npm run bench:catalogue`: seeds 10,000 recognised platforms (set-based SQL through scripts/bench-lib.ts, with the
 * other applications of a realistic status mix around them) into a throwaway database and load-tests the public
 * catalogue (the real app: middleware, Remix render, anonymous visitors) next to a plain node:http server. Reports
 * requests per second and p50/p90/p99 latency per scenario, and the catalogue queries alone. Not part of `npm test`.
 *
 * Database: a fresh schema on the server in DATABASE_URL (dropped at the end), otherwise an in-memory PGlite.
 * Settings (environment): BENCH_LISTINGS (10000), BENCH_SECONDS (10), BENCH_CONCURRENCY (16), BENCH_WARMUP_SECONDS (2),
 * BENCH_SCENARIOS (first,search,filters,deep,api,platform), BENCH_EXPLAIN (0: 1 prints EXPLAIN ANALYZE of the
 * catalogue queries), BENCH_BUILD (0: 1 rebuilds), BENCH_LOG (stdout).
 */
import os from "node:os";
import * as lib from "./bench-lib.ts";

lib.prepareBenchProcess(); // before the app is loaded: app modules are imported below, lazily
const { log, envNumber } = lib;

const LISTINGS = envNumber("BENCH_LISTINGS", 10_000, 100);
const SECONDS = envNumber("BENCH_SECONDS", 10, 1);
const CONCURRENCY = envNumber("BENCH_CONCURRENCY", 16, 1);
const WARMUP = envNumber("BENCH_WARMUP_SECONDS", 2, 0);
const EXPLAIN = process.env.BENCH_EXPLAIN === "1";
const ONLY = (process.env.BENCH_SCENARIOS ?? "").split(",").map((x) => x.trim()).filter(Boolean);
/** Share of recognised applications in bench-lib's status mix. */
const RECOGNISED_SHARE = (lib.SEED_STATUS_MIX.find(([s]) => s === "recognised")?.[1] ?? 14) / 100;

async function main({ servers, useDb }: lib.BenchResources) {
  const started = performance.now();
  const loadStart = os.loadavg()[0]!;
  const { sql } = await import("kysely");
  const catalogue = await import("../app/features/catalogue/catalogue.server.ts");

  log(`Catalogue benchmark — Node ${process.version}, ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model.trim() ?? "?"}), ${os.platform()}`);
  log(`${SECONDS} s per scenario after ${WARMUP} s warm-up, ${CONCURRENCY} concurrent keep-alive connections, anonymous visitors, no compression`);

  const opened = await lib.timed(() => lib.openBenchDb());
  const handle = useDb(opened.value);
  const db = handle.db;
  log(`Database: ${handle.description} — ready in ${(opened.ms / 1000).toFixed(1)} s (migrations + reference data)`);

  // bench-lib's mix makes ~14% of applications recognised: seed a little more than needed, then set exactly LISTINGS.
  const applications = Math.ceil((LISTINGS / RECOGNISED_SHARE) * 1.05);
  log(`Seeding ${applications.toLocaleString("en-US")} applications to get ${LISTINGS.toLocaleString("en-US")} recognised platforms…`);
  const seed = await lib.seedBenchData(db, {
    applications,
    enterprises: Math.max(100, Math.round(applications / 4)),
    focusShare: 0.3,
    focusProvince: "79",
    reviewersPerProvince: 0,
  });
  const adjusted = await lib.timed(async () => {
    const count = async () => Number((await sql<{ n: number }>`select count(*)::int as n from applications where status = 'recognised'`.execute(db)).rows[0]!.n);
    const have = await count();
    if (have > LISTINGS) {
      await sql`update applications set status = 'rejected', decision_number = null, decision_date = null
                 where id in (select id from applications where status = 'recognised' order by id offset ${LISTINGS})`.execute(db);
    } else if (have < LISTINGS) {
      await sql`update applications set status = 'recognised', decided_at = submitted_at + interval '20 days',
                   decision_number = 'B' || left(id::text, 8) || '/QĐ-BKHCN', decision_date = to_char(submitted_at + interval '20 days', 'YYYY-MM-DD')
                 where id in (select id from applications where status <> 'recognised' order by id limit ${LISTINGS - have})`.execute(db);
    }
    // One platform in five is state-owned, so the ownership filter has something to do.
    await sql`update applications set answers = jsonb_set(answers, '{platform,ownershipType}', '"state"')
               where status = 'recognised' and abs(hashtext(id::text)) % 5 = 0`.execute(db);
    await sql`vacuum (analyze) applications`.execute(db);
    return count();
  });
  if (adjusted.value !== LISTINGS) throw new Error(`Expected ${LISTINGS} recognised platforms, have ${adjusted.value}`);
  log(
    `Seeded ${seed.applications.toLocaleString("en-US")} applications of ${seed.enterprises.toLocaleString("en-US")} enterprises in ${((seed.ms + adjusted.ms) / 1000).toFixed(1)} s: ` +
      `${adjusted.value.toLocaleString("en-US")} recognised (listed), the others in every other state (never listed)`,
  );

  const app = await lib.startAppServer(handle);
  servers.push(app);
  const plain = await lib.startPlainServer();
  servers.push(plain);
  const headers = [{ Accept: "text/html", "User-Agent": "nentangso-bench" }];

  const sample = await sql<{ id: string }>`select id from applications where status = 'recognised' order by id limit 1`.execute(db);
  const lastPage = Math.ceil(LISTINGS / 20);
  const scenarios = [
    { id: "first", name: "catalogue, first page (by name)", path: "/platforms", filters: {}, page: 1 },
    { id: "search", name: 'search "thuong mai dien tu"', path: "/platforms?q=thuong+mai+dien+tu", filters: { q: "thuong mai dien tu" }, page: 1 },
    {
      id: "filters",
      name: 'search "ha noi" + pillar + province, newest',
      path: "/platforms?q=ha+noi&pillar=economy&province=79&sort=newest",
      filters: { q: "ha noi", pillar: "economy", province: "79", sort: "newest" as const },
      page: 1,
    },
    { id: "deep", name: `catalogue, last page (${lastPage})`, path: `/platforms?page=${lastPage}`, filters: {}, page: lastPage },
    { id: "api", name: 'API search "hoc truc tuyen", 50 per page', path: "/api/v1/platforms?q=hoc+truc+tuyen&pageSize=50", filters: { q: "hoc truc tuyen" }, page: 1 },
    { id: "platform", name: "platform page", path: `/platforms/${sample.rows[0]!.id}`, filters: null, page: 1 },
  ].filter((s) => ONLY.length === 0 || ONLY.includes(s.id));
  if (scenarios.length === 0) throw new Error("BENCH_SCENARIOS matches none of first, search, filters, deep, api, platform");

  // Each page once, as a visitor would see it, before measuring it.
  for (const s of scenarios) {
    const res = await fetch(app.url + s.path, { headers: headers[0] });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${s.path}: HTTP ${res.status}`);
    const count = s.filters ? await catalogue.countListings(s.filters) : null;
    const shown = s.path.startsWith("/api/") ? (JSON.parse(body) as { items: unknown[] }).items.length : (body.match(/class="catalogue-list__item"/g) ?? []).length;
    log(`  ${s.name}: HTTP 200, ${count === null ? "" : `${count.toLocaleString("en-US")} matching, `}${shown} shown, ${(body.length / 1024).toFixed(0)} KB`);
  }

  const { results, plain: raw, plainRuns } = await lib.runPaired(scenarios, {
    appUrl: app.url,
    plainUrl: plain.url,
    headers,
    plainHeaders: headers,
    seconds: SECONDS,
    concurrency: CONCURRENCY,
    warmupSeconds: WARMUP,
  });

  // Where a search's time goes in the database: the two catalogue queries alone, sequential, median of 20.
  const timings: string[][] = [];
  for (const s of scenarios) {
    if (!s.filters) continue;
    const f = s.filters;
    const count = await lib.medianMs(20, () => catalogue.countListings(f));
    const total = await catalogue.countListings(f); // the page's plan depends on the count, as in searchCatalogue
    const list = await lib.medianMs(20, () => catalogue.listListings(f, { offset: (s.page - 1) * 20, limit: 20 }, total));
    timings.push([s.name, count.toFixed(2), list.toFixed(2)]);
  }

  const loadEnd = os.loadavg()[0]!;
  log(`\nResults — ${handle.description}`);
  log(`${LISTINGS.toLocaleString("en-US")} listings among ${seed.applications.toLocaleString("en-US")} applications; ${CONCURRENCY} connections; ${SECONDS} s per scenario; ratio = req/s ÷ plain node:http req/s around it`);
  log(
    `Load average (1 min) at start ${loadStart.toFixed(2)}, at end ${loadEnd.toFixed(2)}` +
      `${Math.max(loadStart, loadEnd) > 1.5 ? " — other work shares this machine: the numbers are lower and noisier than on an idle one" : ""}\n`,
  );
  log(lib.printTable([...results, { name: `plain node:http (${plainRuns} runs)`, stats: raw, baseline: raw }]));
  log(`\nCatalogue queries alone (sequential, median of 20, ms):\n`);
  log(lib.formatTable(["scenario", "countListings", "listListings"], timings));
  const failed = results.filter((r) => r.stats.errors > 0 || r.stats.requests === 0);
  if (failed.length) log(`Scenarios with errors: ${failed.map((r) => `${r.name} (${JSON.stringify(r.stats.statuses)}: ${r.stats.firstError})`).join("; ")}`);

  if (EXPLAIN) {
    for (const s of scenarios) {
      if (!s.filters) continue;
      const f = s.filters;
      for (const [label, fn] of [
        ["countListings", () => catalogue.countListings(f)],
        ["listListings", () => catalogue.listListings(f, { offset: (s.page - 1) * 20, limit: 20 })],
      ] as const) {
        const queries = await lib.captureQueries(handle, fn);
        const q = queries.at(-1)!;
        log(`\nEXPLAIN ANALYZE — ${s.name} — ${label}\n${q.sql}\n${await lib.explainAnalyze(handle, q)}`);
      }
    }
  }
  log(`\nTotal time ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

await lib.runBenchmark(main);
