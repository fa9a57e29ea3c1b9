/**
 * `npm run bench`: seeds 100,000 applications and load-tests the provincial review queue (the real app: middleware,
 * session auth, database, Remix render) next to a plain node:http server in the same run, and reports requests per
 * second, p50/p90/p99 latency and the ratio to the plain server. Not part of `npm test`. See docs/benchmarks.md.
 *
 * Database: a fresh schema on the server in DATABASE_URL (dropped at the end), otherwise an in-memory PGlite.
 * Settings (environment): BENCH_SECONDS (10), BENCH_CONCURRENCY (16), BENCH_WARMUP_SECONDS (2), BENCH_APPLICATIONS
 * (100000), BENCH_ENTERPRISES (20000), BENCH_DEEP_ROWS (5000), BENCH_SESSIONS (= concurrency), BENCH_GZIP (0),
 * BENCH_SCENARIOS (first,repeat,deep,search,reference — all but "repeat" on an app without the response cache; "views": the first and last page of every provincial and ministry
 * view and a search without a match; "all"; or single ids such as province-resubmitted-last), BENCH_EXPLAIN (0: 1 prints
 * EXPLAIN ANALYZE of the queue queries), BENCH_PROFILE (a directory: a CPU profile per scenario, scripts/bench/profile.ts), BENCH_BUILD (0: 1 rebuilds), BENCH_LOG (stdout), BENCH_TIMEOUT_MINUTES.
 * With PostgreSQL on this machine, the database's CPU per request too (its backends' /proc, scripts/bench/pg-cpu.ts).
 */
import os from "node:os";
import path from "node:path";
import * as lib from "./bench-lib.ts";

lib.prepareBenchProcess(); // before the app (React, Remix, the logger) is loaded: app modules are imported below, lazily
const { log, envNumber } = lib;

const SECONDS = envNumber("BENCH_SECONDS", 10, 1);
const CONCURRENCY = envNumber("BENCH_CONCURRENCY", 16, 1);
const WARMUP = envNumber("BENCH_WARMUP_SECONDS", 2, 0);
const APPLICATIONS = envNumber("BENCH_APPLICATIONS", 100_000, 1000);
const ENTERPRISES = envNumber("BENCH_ENTERPRISES", 20_000, 100);
const DEEP_ROWS = envNumber("BENCH_DEEP_ROWS", 5000, 1);
const SESSIONS = envNumber("BENCH_SESSIONS", CONCURRENCY, 1);
const GZIP = process.env.BENCH_GZIP === "1";
const EXPLAIN = process.env.BENCH_EXPLAIN === "1";
const PROFILE = process.env.BENCH_PROFILE ?? ""; // a directory: one CPU profile of the server's thread per scenario, after the measurements
// Unset: the four classic scenarios (1½–2½ minutes); "views" adds every view's two ends (24 more), "all" is both.
const ONLY = (process.env.BENCH_SCENARIOS || "first,repeat,deep,search,reference").split(",").map((x) => x.trim()).filter(Boolean);
const ALL = ONLY.includes("all");
const TIMEOUT_MINUTES = envNumber("BENCH_TIMEOUT_MINUTES", 10 + Math.ceil(APPLICATIONS / 50_000), 1);
const PROVINCE = "79";
const UNSTAFFED = "01"; // its seeded reviewers are deactivated: the ministry's "unstaffed" view lists its applications
const PASSWORD = "bench password 2026";

async function main({ servers, useDb }: lib.BenchResources) {
  const started = performance.now();
  const loadStart = os.loadavg()[0]!;
  const { sql } = await import("kysely");
  const { createUserDirect } = await import("../app/features/account/account.server.ts");
  const { listQueue, countQueue, PROVINCE_VIEWS } = await import("../app/features/review/queues.server.ts");

  log(`Review queue benchmark — Node ${process.version}, ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model.trim() ?? "?"}), ${os.platform()}`);
  log(`${SECONDS} s per scenario after ${WARMUP} s warm-up, ${CONCURRENCY} concurrent keep-alive connections, ${SESSIONS} session(s)${GZIP ? ", Accept-Encoding: gzip" : ", no compression"}`);

  const opened = await lib.timed(() => lib.openBenchDb());
  const handle = useDb(opened.value);
  log(`Database: ${handle.description} — ready in ${(opened.ms / 1000).toFixed(1)} s (migrations + reference data)`);

  // Staff sign in with a second factor; each code works once, and the benchmark opens several sessions at once.
  const { enrolSecondFactorDirect } = await import("../app/features/account/second-factor.server.ts");
  const { newTotpSecret, totpCode } = await import("../app/features/account/totp.server.ts");
  const staff = async (role: "province_reviewer" | "ministry_reviewer") => {
    const email = `bench.${role}.${Date.now()}@bench.example`;
    const user = await createUserDirect({ email, name: `Người duyệt (bench, ${role})`, role, provinceCode: role === "province_reviewer" ? PROVINCE : null, password: PASSWORD });
    const totpSecret = newTotpSecret();
    await enrolSecondFactorDirect(handle.db, user.id, totpSecret);
    const freshCode = async () => {
      await handle.db.updateTable("user_totp").set({ last_used_step: null }).where("user_id", "=", user.id).execute();
      return totpCode(totpSecret);
    };
    return { user, email, freshCode };
  };
  const province = await staff("province_reviewer");
  const ministry = await staff("ministry_reviewer");
  const reviewer = province.user;

  log(`Seeding ${APPLICATIONS.toLocaleString("en-US")} applications of ${ENTERPRISES.toLocaleString("en-US")} enterprises (60% in province ${PROVINCE})…`);
  const seed = await lib.seedBenchData(handle.bulk, {
    applications: APPLICATIONS,
    enterprises: ENTERPRISES,
    focusShare: 0.6,
    focusProvince: PROVINCE,
    reviewersPerProvince: 3,
  });
  log(
    `Seeded ${seed.applications.toLocaleString("en-US")} applications (${seed.focusApplications.toLocaleString("en-US")} in province ${PROVINCE}) ` +
      `and ${seed.enterprises.toLocaleString("en-US")} enterprises in ${(seed.ms / 1000).toFixed(1)} s (VACUUM ANALYZE included)`,
  );
  log(`  province ${PROVINCE} by status: ${Object.entries(seed.focusByStatus).map(([s, n]) => `${s} ${n}`).join(", ")}`);
  // Work for the ministry's "mine" (a quarter of what is in ministry review) and an unstaffed province; then the
  // table is vacuumed again (index-only scans need the visibility map the updates cleared).
  await sql`update applications set assigned_to = ${ministry.user.id}::uuid where status = 'in_ministry_review' and id::text < '4'`.execute(handle.bulk);
  await sql`update users set status = 'deactivated' where role = 'province_reviewer' and province_code = ${UNSTAFFED}`.execute(handle.bulk);
  await lib.vacuumAnalyze(handle.bulk, ["users", "applications"]);

  const app = await lib.startAppServer(handle);
  servers.push(app);
  // The same app without the response cache (docs/decisions/025): every request renders.
  const uncached = await lib.startAppServer(handle, { RESPONSE_CACHE_MB: "0" });
  servers.push(uncached);
  const plain = await lib.startPlainServer();
  servers.push(plain);

  const common: Record<string, string> = { Accept: "text/html", "User-Agent": "nentangso-bench" };
  if (GZIP) common["Accept-Encoding"] = "gzip";
  const sessions = async (who: Awaited<ReturnType<typeof staff>>) => {
    const cookies: string[] = [];
    for (let i = 0; i < SESSIONS; i++) cookies.push(await lib.signIn(app.url, who.email, PASSWORD, who.freshCode));
    return cookies.map((cookie) => ({ ...common, Cookie: cookie }));
  };
  const headers = await sessions(province);
  const wantViews = ALL || ONLY.some((id) => id === "views" || /-(first|last|nomatch)$/.test(id));
  const views = wantViews
    ? await lib.queueViewScenarios(handle.bulk, { provinceCode: PROVINCE, province: { id: reviewer.id, headers }, ministry: { id: ministry.user.id, headers: await sessions(ministry) } })
    : [];

  // The scenarios: the queries the pages run, as the loader builds them.
  const base = { scope: { kind: "province" as const, provinceCode: PROVINCE }, userId: reviewer.id };
  const inReview = { ...base, statuses: PROVINCE_VIEWS.in_review };
  const fresh = { ...base, statuses: PROVINCE_VIEWS.new };
  const deep = await listQueue({ ...inReview, limit: DEEP_ROWS });
  if (!deep.next) throw new Error(`The in_review queue has fewer than ${DEEP_ROWS} rows: lower BENCH_DEEP_ROWS`);
  const sample = await sql<{ reference: string }>`
    select reference from applications where province_code = ${PROVINCE} and status = 'submitted' order by id limit 1`.execute(handle.db);
  const reference = sample.rows[0]!.reference;
  const scenarios = [
    { id: "first", name: "queue, first page (in_review)", path: "/review?view=in_review", query: inReview, url: uncached.url },
    // The repeat view a reviewer (or sixteen tabs of them) makes while nothing changes: served from the response cache.
    { id: "repeat", name: "queue, first page, repeat view (response cache)", path: "/review?view=in_review", query: inReview },
    {
      url: uncached.url,
      id: "deep",
      name: `queue, ${DEEP_ROWS.toLocaleString("en-US")} rows deep (keyset)`,
      path: `/review?view=in_review&after=${deep.next}`,
      query: { ...inReview, after: deep.next },
    },
    { url: uncached.url, id: "search", name: 'search "ha noi" (new)', path: `/review?view=new&q=${encodeURIComponent("ha noi")}`, query: { ...fresh, search: "ha noi" } },
    { url: uncached.url, id: "reference", name: "search a reference (new)", path: `/review?view=new&q=${encodeURIComponent(reference)}`, query: { ...fresh, search: reference } },
    ...views.map((v) => ({ ...v, url: uncached.url, group: "views" })),
  ].filter((s) => ALL || ONLY.includes(s.id) || ("group" in s && ONLY.includes(s.group)));
  if (scenarios.length === 0) throw new Error(`BENCH_SCENARIOS matches none of first, repeat, deep, search, reference, views (or a view's id)`);

  // Check each page once, as a browser would see it, before measuring it.
  for (const s of scenarios) {
    const res = await fetch(app.url + s.path, { headers: ("headers" in s && s.headers ? s.headers : headers)[0]! });
    const html = await res.text();
    const rows = (html.match(/<tr[ >]/g) ?? []).length - 1;
    const page = await listQueue(s.query);
    const count = await countQueue(s.query);
    if (res.status !== 200) throw new Error(`${s.path}: HTTP ${res.status}`);
    if (page.rows[0]?.reference && !html.includes(page.rows[0].reference)) throw new Error(`${s.path}: the page does not show ${page.rows[0].reference}`);
    if (page.rows.length !== Math.max(0, rows)) throw new Error(`${s.path}: ${rows} rows shown, listQueue gives ${page.rows.length}`);
    log(`  ${s.name}: HTTP 200, ${rows} rows shown, count ${count.capped ? `${count.count}+` : count.count}, ${(html.length / 1024).toFixed(0)} KB of HTML`);
  }
  // The "next" link on the first page leads on (keyset), as a reviewer paging through would follow it.
  const firstHtml = await (await fetch(`${app.url}/review?view=in_review`, { headers: headers[0]! })).text();
  const nextHref = firstHtml.match(/<a [^>]*href="([^"]*after=[^"]+)"/)?.[1]?.replace(/&amp;/g, "&");
  if (!nextHref) throw new Error("The first queue page has no next link");
  const second = await fetch(new URL(nextHref, `${app.url}/review?view=in_review`), { headers: headers[0]! });
  if (second.status !== 200) throw new Error(`Following the next link: HTTP ${second.status}`);

  const { results, plain: raw, plainRuns } = await lib.runPaired(scenarios, {
    appUrl: app.url,
    plainUrl: plain.url,
    headers,
    plainHeaders: [common],
    seconds: SECONDS,
    concurrency: CONCURRENCY,
    warmupSeconds: WARMUP,
    probe: handle.applicationName ? lib.pgCpuProbe(handle.db, handle.applicationName) : undefined,
  });

  if (PROFILE) {
    for (const s of scenarios) {
      const file = path.resolve(PROFILE, `${s.id}.cpuprofile`);
      await lib.profileLoad(file, (s.url ?? app.url) + s.path, { headers: "headers" in s && s.headers ? s.headers : headers, seconds: SECONDS, concurrency: CONCURRENCY });
      log(`\nCPU profile of ${s.name}: ${file}\n${lib.summariseProfile(file, 25)}`);
    }
  }

  // Where a request's time goes in the database: the two queue queries alone, sequential, median of 20.
  const timings: string[][] = [];
  const listMs = new Map<string, number>();
  const listBuffers = new Map<string, number>();
  for (const s of scenarios) {
    const list = await lib.medianMs(20, () => listQueue(s.query));
    const count = await lib.medianMs(20, () => countQueue(s.query));
    listMs.set(s.id, list);
    // What the page's two queries touch (shared buffers): unlike a time, it does not move with the machine's load.
    const listQ = (await lib.captureQueries(handle, () => listQueue(s.query))).at(-1)!;
    const countQ = (await lib.captureQueries(handle, () => countQueue(s.query))).at(-1)!;
    const buffers = { list: await lib.explainBuffers(handle, listQ), count: await lib.explainBuffers(handle, countQ) };
    listBuffers.set(s.id, buffers.list);
    timings.push([s.name, list.toFixed(2), count.toFixed(2), String(buffers.list), String(buffers.count)]);
  }

  const loadEnd = os.loadavg()[0]!;
  log(`\nResults — ${handle.description}`);
  log(
    `${seed.applications.toLocaleString("en-US")} applications seeded in ${(seed.ms / 1000).toFixed(1)} s; ${CONCURRENCY} connections; ` +
      `${SECONDS} s per scenario; ratio = req/s ÷ plain node:http req/s measured just before and after the scenario`,
  );
  log(
    `Load average (1 min) at start ${loadStart.toFixed(2)}, at end ${loadEnd.toFixed(2)}` +
      `${Math.max(loadStart, loadEnd) > 1.5 ? " — other work shares this machine: the numbers are lower and noisier than on an idle one" : ""}\n`,
  );
  log(lib.printTable([...results, { name: `plain node:http (${plainRuns} runs)`, stats: raw, baseline: raw }]));
  log(`\nQueue queries alone (sequential, median of 20, ms):\n`);
  log(lib.formatTable(["scenario", "listQueue ms", "countQueue ms", "list buffers", "count buffers"], timings));
  const pairs = lib.firstLastPairs(scenarios, results, listMs, listBuffers);
  if (pairs.rows.length) {
    log(`\nLast page ÷ first page of each view (goal, issue 11: ≤ 1.25 for every view):\n`);
    log(pairs.table);
    log(`\n${pairs.worst <= 1.25 ? "Met" : "NOT met"}: the largest ratio (buffers the page's query touches, or server + database CPU per request) is ${pairs.worst.toFixed(2)}`);
  }
  const first = results.find((r) => r.id === "first");
  if (first) {
    const ratio = first.stats.rps / first.baseline.rps;
    const cpu = lib.cpuRatio(first.stats, first.baseline);
    log(
      `\nGoal (STACK-NOTES): the first queue page at ≥ 0.04 × plain node:http → ratio ${ratio.toFixed(4)} (CPU ratio ${cpu.toFixed(4)}): ` +
        `${ratio >= 0.04 ? "met" : "NOT met"}`,
    );
  }
  const repeat = results.find((r) => r.id === "repeat");
  if (first && repeat)
    log(
      `Response cache (decision 025): the repeat view at ${(repeat.stats.rps / repeat.baseline.rps).toFixed(4)} × plain node:http, ` +
        `${(repeat.stats.rps / first.stats.rps).toFixed(1)} × the rendered page`,
    );
  const failed = results.filter((r) => r.stats.errors > 0 || r.stats.requests === 0);
  if (failed.length) log(`Scenarios with errors: ${failed.map((r) => `${r.name} (${JSON.stringify(r.stats.statuses)}: ${r.stats.firstError})`).join("; ")}`);

  if (EXPLAIN) {
    for (const s of scenarios) {
      for (const [label, fn] of [
        ["listQueue", () => listQueue(s.query)],
        ["countQueue", () => countQueue(s.query)],
      ] as const) {
        const queries = await lib.captureQueries(handle, fn);
        const q = queries.at(-1)!; // the statement sent (a subquery may be compiled on its own first)
        log(`\nEXPLAIN ANALYZE — ${s.name} — ${label}\n${q.sql}\n${await lib.explainAnalyze(handle, q)}`);
      }
    }
  }
  log(`\nTotal time ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

await lib.runBenchmark(main, TIMEOUT_MINUTES * 60_000);
