/**
 * Building blocks for `npm run bench` (scripts/bench.ts) and other benchmarks (e.g. a catalogue benchmark):
 * a throw-away database, fast set-based seeding, the real HTTP app on a random port, a plain node:http baseline,
 * a closed-loop load generator in a worker thread, percentiles and a result table.
 *
 * Call `prepareBenchProcess()` first, before anything loads the app: it sets NODE_ENV=production (React and Remix
 * run as in production) and sends the request log to /dev/null. This module loads app code only lazily.
 *
 * Traffic goes only to 127.0.0.1; every server, pool and worker started here is closed by the caller's `close()`.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { performance as nodePerformance, type EventLoopUtilization } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import type { ServerBuild } from "@remix-run/node";
import { sql, type KyselyPlugin, type RootOperationNode } from "kysely";
import pino from "pino";
import type { DB, DbHandle } from "../app/platform/db/db.server.ts";
import { ACCENTED, FOLDED } from "../app/platform/db/search-text.ts";

// App modules are imported lazily (inside the functions below): some create the logger or read the environment when
// they load, so prepareBenchProcess() must run first.
const appDb = () => import("../app/platform/db/db.server.ts");

// ---------------------------------------------------------------- process set-up

/**
 * Production mode for React/Remix, and the app's request log (one JSON line per request at "info", as in production)
 * written to /dev/null instead of flooding the terminal: the cost of logging stays in the numbers.
 * BENCH_LOG=stdout shows the log instead.
 */
export function prepareBenchProcess(): void {
  process.env.NODE_ENV = "production";
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

// ---------------------------------------------------------------- database

export interface BenchDb extends DbHandle {
  /** e.g. "PostgreSQL 15.20 (schema bench_1a2b3c, dropped at the end)" or "PGlite 0.5.16 (PostgreSQL 18, in memory)". */
  description: string;
}

/**
 * A fresh, migrated database with reference data, registered as the app's database (setDb):
 * a private schema on the server in DATABASE_URL (dropped by close()), otherwise an in-memory PGlite.
 */
export async function openBenchDb(env: NodeJS.ProcessEnv = process.env): Promise<BenchDb> {
  const { openPglite, openPostgres, setDb } = await appDb();
  const { migrateToLatest } = await import("../app/platform/db/migrate.server.ts");
  const { seedReferenceData } = await import("../app/features/reference/reference.server.ts");
  const url = env.DATABASE_URL || undefined;
  let handle: BenchDb;
  let schemaName: string | undefined;
  if (url) {
    const schema = `bench_${randomBytes(5).toString("hex")}`;
    schemaName = schema;
    const admin = await openPostgres(url, { max: 1 });
    await sql.raw(`create schema ${schema}`).execute(admin.db);
    const version = await sql<{ server_version: string }>`show server_version`.execute(admin.db);
    await admin.close();
    const inner = await openPostgres(url, { searchPath: schema }); // the app's default pool (max 10)
    const where = new URL(url);
    handle = {
      ...inner,
      description: `PostgreSQL ${version.rows[0]?.server_version ?? "?"} at ${where.host}${where.pathname} (schema ${schema}, dropped at the end; pool max 10)`,
      close: async () => {
        await inner.close();
        const cleanup = await openPostgres(url, { max: 1 });
        await sql.raw(`drop schema if exists ${schema} cascade`).execute(cleanup.db);
        await cleanup.close();
      },
    };
  } else {
    const inner = await openPglite(undefined);
    const version = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(inner.db);
    const pkg = JSON.parse(fs.readFileSync(path.resolve("node_modules/@electric-sql/pglite/package.json"), "utf8")) as { version: string };
    handle = { ...inner, description: `PGlite ${pkg.version} (PostgreSQL ${version.rows[0]?.v ?? "?"}, in memory, same thread as the app)` };
  }
  try {
    if (schemaName) await migrateSchema(handle.db, schemaName);
    else await migrateToLatest(handle.db);
    await seedReferenceData(handle.db);
  } catch (e) {
    await handle.close();
    throw e;
  }
  setDb(handle);
  return handle;
}

/**
 * The app's migrations into one schema. Kysely's Migrator, without `migrationTableSchema`, looks for its
 * kysely_migration tables in every schema of the server, so another schema's tables (a concurrent test run, a schema
 * left behind) make it skip creating them here and fail with "relation kysely_migration_lock does not exist".
 */
async function migrateSchema(database: DB, schema: string): Promise<void> {
  const { promises: fsp } = await import("node:fs");
  const { FileMigrationProvider, Migrator } = await import("kysely");
  const { MIGRATIONS_DIR } = await import("../app/platform/db/migrate.server.ts");
  const migrator = new Migrator({
    db: database,
    migrationTableSchema: schema,
    provider: new FileMigrationProvider({ fs: fsp, path, migrationFolder: MIGRATIONS_DIR }),
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

// ---------------------------------------------------------------- seeding (set-based SQL, works on PostgreSQL 15 and PGlite)

export interface SeedOptions {
  applications: number;
  enterprises: number;
  /** Share of enterprises (and so of applications) in the focus province, 0..1. */
  focusShare: number;
  focusProvince: string;
  /** Extra province reviewers per province (assignees, the colleagues list). */
  reviewersPerProvince: number;
}

export interface SeedResult {
  applications: number;
  enterprises: number;
  focusApplications: number;
  byStatus: Record<string, number>;
  focusByStatus: Record<string, number>;
  ms: number;
}

/** Statuses as a share of 100 (submitted at least once: every application has a reference and current_version ≥ 1). */
export const SEED_STATUS_MIX: [status: string, percent: number][] = [
  ["submitted", 18],
  ["in_provincial_review", 18],
  ["changes_requested", 10],
  ["resubmitted", 8],
  ["forwarded", 10],
  ["in_ministry_review", 6],
  ["returned_to_province", 2],
  ["recognised", 14],
  ["rejected", 7],
  ["withdrawn", 7],
];

const WITH_DEADLINE = ["submitted", "in_provincial_review", "resubmitted", "forwarded", "in_ministry_review", "returned_to_province"];

function sqlTextArray(values: string[]): string {
  return `(array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(", ")}]::text[])`;
}

/** A deterministic pseudo-random integer in [0, n) per row: abs(hashint4(g + salt)) % n. */
function pick(salt: number, n: number, g = "g"): string {
  return `(abs(hashint4(${g} + ${salt})) % ${n})`;
}

/** Staff accounts without a password (they never sign in); returns ids by province. */
export async function seedStaff(database: DB, perProvince: number): Promise<void> {
  if (perProvince <= 0) return;
  await sql
    .raw(
      `insert into users (email, name, role, province_code, status, email_verified_at)
       select 'reviewer' || n || '.' || p.code || '@bench.example', ${sqlTextArray(["Nguyễn Thị Lan", "Trần Quốc Huy", "Lê Minh Tâm", "Phạm Thu Hà", "Võ Thanh Sơn", "Đặng Hoài Nam"])}[1 + n % 6] || ' ' || n,
              'province_reviewer', p.code, 'active', now()
         from provinces p cross join generate_series(1, ${perProvince}) n`,
    )
    .execute(database);
}

/** An enterprise account that owns (created_by) every seeded enterprise and application. */
export async function seedOwner(database: DB): Promise<string> {
  const row = await sql<{ id: string }>`
    insert into users (email, name, role, status, email_verified_at)
    values (${`owner.${randomBytes(4).toString("hex")}@bench.example`}, 'Chủ doanh nghiệp (bench)', 'enterprise', 'active', now())
    returning id`.execute(database);
  return row.rows[0]!.id;
}

export async function seedEnterprises(database: DB, o: { count: number; focusShare: number; focusProvince: string; ownerId: string }) {
  const focusTenths = Math.round(o.focusShare * 100);
  await sql
    .raw(
      // Verified, as enterprises with recognised platforms are (docs/decisions/010).
      `insert into enterprises (tax_code, legal_name, province_code, address, representative_name, representative_title, phone, website, created_by, created_at, verification_status)
       select (3100000000 + g)::text,
              ${sqlTextArray(["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Tập đoàn", "Công ty Cổ phần Tập đoàn"])}[1 + ${pick(11, 5)}]
                || ' ' || ${sqlTextArray(["Công nghệ", "Giải pháp số", "Thương mại điện tử", "Dịch vụ số", "Truyền thông", "Phần mềm", "Dữ liệu", "Viễn thông", "Giáo dục trực tuyến", "Y tế thông minh"])}[1 + ${pick(12, 10)}]
                || ' ' || ${sqlTextArray(["An Bình", "Hà Nội", "Sài Gòn", "Phú Mỹ", "Đông Á", "Việt Tiến", "Hoàng Long", "Minh Khang", "Thành Đạt", "Bến Thành", "Cửu Long", "Trường Sơn", "Hồng Hà", "Nam Việt", "Ánh Dương", "Sông Hàn", "Đất Việt", "Phương Nam", "Kim Ngân", "Thái Bình"])}[1 + ${pick(13, 20)}]
                || ' ' || ${sqlTextArray(["", "Miền Nam", "Toàn Cầu", "Số", "Xanh", "Group", "Tech", "Quốc tế"])}[1 + ${pick(14, 8)}],
              case when ${pick(15, 100)} < ${focusTenths} then '${o.focusProvince}'
                   else (select array_agg(code order by code) from provinces where code <> '${o.focusProvince}')[1 + ${pick(16, 33)}] end,
              (1 + ${pick(17, 300)}) || ' ' || ${sqlTextArray(["Lê Lợi", "Nguyễn Huệ", "Trần Hưng Đạo", "Hai Bà Trưng", "Lý Thường Kiệt", "Điện Biên Phủ"])}[1 + ${pick(18, 6)}] || ', phường ' || ${sqlTextArray(["Sài Gòn", "Bến Thành", "Tân Định", "Hoàn Kiếm", "Ba Đình", "Hải Châu"])}[1 + ${pick(19, 6)}],
              ${sqlTextArray(["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Minh Đức", "Hoàng Thị Hạnh", "Vũ Quang Khải", "Đỗ Thu Trang", "Bùi Đức Thắng"])}[1 + ${pick(20, 8)}],
              'Giám đốc',
              '+849' || lpad((g % 100000000)::text, 8, '0'),
              'https://dn' || g || '.example.vn',
              '${o.ownerId}'::uuid,
              now() - make_interval(days => 30 + ${pick(21, 1500)}),
              'verified'
         from generate_series(1, ${o.count}) g`,
    )
    .execute(database);
}

export async function seedApplications(database: DB, o: { count: number; ownerId: string; focusProvince: string }) {
  let cumulative = 0;
  const statusCase = SEED_STATUS_MIX.map(([status, percent]) => `when r.status_roll < ${(cumulative += percent)} then '${status}'`).join(" ");
  if (cumulative !== 100) throw new Error("SEED_STATUS_MIX must add up to 100");
  const withDeadline = WITH_DEADLINE.map((s) => `'${s}'`).join(", ");
  // A constant divisor keeps the enterprise join a hash join (with count(*) over () it became a 100,000 × 20,000 loop).
  const enterprises = Number((await sql<{ n: number }>`select count(*)::int as n from enterprises`.execute(database)).rows[0]!.n);
  if (enterprises === 0) throw new Error("Seed enterprises before applications");
  await sql`
    insert into applications (
      enterprise_id, criteria_set_id, status, lock_version, province_code, reference, platform_name, platform_url, answers,
      current_version, assigned_to, due_at, sla_remaining_days, created_by, created_at, updated_at, submitted_at, decided_at, sector,
      province_recommendation, decision_number, decision_date, search_text, reached_ministry_at)
    with ent as (
      select id, province_code, legal_name, tax_code, row_number() over (order by tax_code) as rn from enterprises
    ),
    staff as (
      select province_code, array_agg(id order by email) as ids from users where role = 'province_reviewer' group by province_code
    ),
    sec as (select array_agg(code order by position) as codes, array_agg(pillar_code order by position) as pillars from sectors)
    select
      e.id, (select id from criteria_sets where is_current), s.status, d.version * 3, e.province_code,
      e.province_code || '-' || to_char(d.submitted_at at time zone 'Asia/Ho_Chi_Minh', 'YYMMDD') || '-' || lpad(g::text, 6, '0'),
      p.name, p.url,
      jsonb_build_object('platform', jsonb_build_object(
        'name', p.name, 'shortDescription', 'Nền tảng ' || lower(p.name) || ' phục vụ người dùng trên cả nước.',
        'pillar', p.pillar, 'sector', p.sector, 'ownershipType', 'enterprise', 'publicUrl', p.url,
        'launchDate', to_char(d.submitted_at - interval '3 years', 'YYYY-MM-DD'), 'usersCount', (1000 + r.users_roll * 997)::text,
        'dataInVietnam', 'yes', 'securityLevel', (2 + r.users_roll % 3)::text)),
      d.version,
      case when s.status = 'in_provincial_review' then st.ids[1 + r.assignee_roll % array_length(st.ids, 1)] end,
      case when s.status in (${sql.raw(withDeadline)}) then now() + make_interval(secs => r.due_roll - 2592000.0 + r.micro_roll / 1000000.0) end,
      case when s.status = 'changes_requested' then 1 + r.users_roll % 10 end,
      ${o.ownerId}::uuid, d.submitted_at - interval '10 days', d.submitted_at + interval '2 days', d.submitted_at,
      case when s.status in ('recognised', 'rejected', 'withdrawn') then d.submitted_at + interval '20 days' end,
      p.sector,
      case when s.status in ('forwarded', 'in_ministry_review', 'returned_to_province', 'recognised') then 'recognise' end,
      case when s.status = 'recognised' then g || '/QĐ-BKHCN' end,
      case when s.status = 'recognised' then to_char(d.submitted_at + interval '20 days', 'YYYY-MM-DD') end,
      translate(lower(
        e.province_code || '-' || to_char(d.submitted_at at time zone 'Asia/Ho_Chi_Minh', 'YYMMDD') || '-' || lpad(g::text, 6, '0')
        || ' ' || e.legal_name || ' ' || e.tax_code || ' ' || p.name), ${ACCENTED}, ${FOLDED}),
      case when s.status in ('forwarded', 'in_ministry_review', 'returned_to_province', 'recognised') then d.submitted_at + interval '15 days' end
    from generate_series(1, ${o.count}::int) g
    cross join lateral (select
      abs(hashint4(g + 101)) % 100 as status_roll,
      abs(hashint4(g + 202)) % 5184000 as due_roll,
      abs(hashint4(g + 303)) % 1000000 as micro_roll,
      abs(hashint4(g + 404)) % 1000 as users_roll,
      abs(hashint4(g + 505)) % 1000 as assignee_roll,
      abs(hashint4(g + 606)) % 14 as sector_roll,
      abs(hashint4(g + 707)) % 1000003 as enterprise_roll,
      abs(hashint4(g + 808)) % 400 as age_roll) r
    cross join sec
    join ent e on e.rn = 1 + r.enterprise_roll % ${enterprises}::int
    left join staff st on st.province_code = e.province_code
    cross join lateral (select ${sql.raw(`case ${statusCase} end`)} as status) s
    cross join lateral (select
      case when s.status = 'resubmitted' then 2 + r.users_roll % 2 else 1 + (r.users_roll % 10 = 0)::int end as version,
      now() - make_interval(days => 5 + r.age_roll, secs => r.due_roll % 86400) as submitted_at) d
    cross join lateral (select
      sec.codes[1 + r.sector_roll] as sector,
      sec.pillars[1 + r.sector_roll] as pillar,
      ${sql.raw(sqlTextArray(["Sàn", "Ứng dụng", "Nền tảng", "Cổng", "Hệ thống"]))}[1 + r.users_roll % 5] || ' '
        || ${sql.raw(sqlTextArray(["Thương mại điện tử", "Học trực tuyến", "Khám bệnh từ xa", "Đời sống số", "Dịch vụ công", "Quản trị doanh nghiệp", "Điện toán đám mây", "Dữ liệu mở", "Trợ lý AI", "Định danh và thanh toán", "Họp trực tuyến", "Mạng xã hội", "An toàn thông tin", "Tiện ích số"]))}[1 + r.sector_roll]
        || ' ' || ${sql.raw(sqlTextArray(["An Bình", "Hà Nội", "Sài Gòn", "Phú Mỹ", "Việt", "Hoàng Long", "Minh Khang", "Bến Thành", "Cửu Long", "Hồng Hà", "Ánh Dương", "Sông Hàn"]))}[1 + r.assignee_roll % 12] as name,
      'https://nen-tang-' || g || '.example.vn' as url) p
  `.execute(database);
}

async function countBy(database: DB, where: string): Promise<Record<string, number>> {
  const rows = await sql<{ status: string; n: number }>`select status, count(*)::int as n from applications ${sql.raw(where)} group by status order by status`.execute(
    database,
  );
  return Object.fromEntries(rows.rows.map((r) => [r.status, Number(r.n)]));
}

/** Staff, enterprises and applications, then VACUUM ANALYZE. */
export async function seedBenchData(database: DB, o: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  await seedStaff(database, o.reviewersPerProvince);
  const ownerId = await seedOwner(database);
  await seedEnterprises(database, { count: o.enterprises, focusShare: o.focusShare, focusProvince: o.focusProvince, ownerId });
  await seedApplications(database, { count: o.applications, ownerId, focusProvince: o.focusProvince });
  // VACUUM as well as ANALYZE: a table in steady state (visibility map set, so index-only scans work), and no
  // autovacuum of the fresh rows competing for the CPU while the benchmark measures.
  for (const table of ["users", "enterprises", "applications"]) await sql.raw(`vacuum (analyze) ${table}`).execute(database);
  const ms = performance.now() - started;
  const byStatus = await countBy(database, "");
  const focusByStatus = await countBy(database, `where province_code = '${o.focusProvince}'`);
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  const ent = await sql<{ n: number }>`select count(*)::int as n from enterprises`.execute(database);
  return { applications: sum(byStatus), enterprises: Number(ent.rows[0]!.n), focusApplications: sum(focusByStatus), byStatus, focusByStatus, ms };
}

// ---------------------------------------------------------------- servers

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

function listen(server: http.Server): Promise<RunningServer> {
  server.keepAliveTimeout = 65_000; // as server.ts
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({
        url,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** The baseline: node:http answering every request with a small fixed HTML page. */
export function startPlainServer(): Promise<RunningServer> {
  const body = Buffer.from(
    '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Hàng đợi</title></head><body><h1>Xin chào</h1><p>Plain node:http baseline.</p></body></html>',
  );
  return listen(
    http.createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Length": body.length });
      res.end(body);
    }),
  );
}

/** The newest modification time under a directory (to tell whether build/index.js is older than the sources). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Makes sure the Remix server build exists: builds it when missing or when BENCH_BUILD=1.
 * Warns (does not rebuild: other work may be using build/) when app/ is newer than the build.
 */
export function ensureRemixBuild(): void {
  const file = path.resolve("build/index.js");
  if (!fs.existsSync(file) || process.env.BENCH_BUILD === "1") {
    log(fs.existsSync(file) ? "Building (BENCH_BUILD=1): remix build" : "build/index.js is missing: remix build");
    const result = spawnSync("npx", ["remix", "build"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
    if (result.status !== 0) throw new Error("remix build failed");
  } else if (newestMtime(path.resolve("app")) > fs.statSync(file).mtimeMs) {
    log("WARNING: app/ has changes newer than build/index.js: measuring the old build. Run with BENCH_BUILD=1 to rebuild first.");
  }
}

/** The real app (all middleware + the Remix build) in this process, as server.ts runs it in production. */
export async function startAppServer(handle: DbHandle): Promise<RunningServer> {
  if (process.env.NODE_ENV !== "production") log("WARNING: NODE_ENV is not production: React and Remix run in development mode.");
  ensureRemixBuild();
  const { loadConfig } = await import("../app/platform/config.server.ts");
  const { createApp } = await import("../app/platform/http/http-app.server.ts");
  const c = loadConfig({ ...process.env, NODE_ENV: "production", PORTAL_MODE: "demo" });
  const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
  const app = createApp(c, handle, build);
  return listen(http.createServer(app));
}

/**
 * Signs in through POST /login (argon2 and all), then the code step for staff (`code` gives the authenticator's
 * code), and returns the Cookie header value "sid=…".
 */
export async function signIn(baseUrl: string, email: string, password: string, code?: () => Promise<string>): Promise<string> {
  const post = (path: string, form: Record<string, string>, cookie?: string) =>
    fetch(`${baseUrl}${path}`, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams(form),
      headers: { Origin: baseUrl, "Content-Type": "application/x-www-form-urlencoded", ...(cookie ? { Cookie: cookie } : {}) },
    });
  const sidOf = (res: Response) =>
    res.headers
      .getSetCookie()
      .map((line) => line.split(";")[0]!)
      .find((pair) => /^(__Host-)?sid=./.test(pair));
  let res = await post("/login", { email, password });
  let sid = sidOf(res);
  if (res.status === 302 && sid && code && (res.headers.get("Location") ?? "").startsWith("/login/code")) {
    res = await post("/login/code", { code: await code() }, sid);
    sid = sidOf(res);
  }
  if (res.status !== 302 || !sid) throw new Error(`Sign-in as ${email} failed: HTTP ${res.status}`);
  return sid;
}

// ---------------------------------------------------------------- load generator

export interface LoadOptions {
  /** Headers per connection: connection i uses headers[i % headers.length] (e.g. one session cookie each). */
  headers?: Record<string, string>[];
  seconds: number;
  concurrency: number;
  /** Not measured: lets the JIT, caches and pools warm up. */
  warmupSeconds?: number;
  /** Per-request timeout; a request that times out counts as an error. */
  timeoutMs?: number;
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
}

/**
 * The load generator runs in a worker thread (its own event loop, so on a 2-core machine it takes the second core
 * instead of the server's), as plain JavaScript: a closed loop of `concurrency` keep-alive connections, each sending
 * its next request when the previous response has been read. Every 200 response completed inside the window counts;
 * its latency is the time from sending the request to the last byte of the body.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const http = require("node:http");
const { url, headers, concurrency, warmupMs, durationMs, timeoutMs } = workerData;
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
let measuring = false, stopping = false, windowStart = 0, windowEnd = 0;
const latencies = [];
const statuses = {};
let ok = 0, errors = 0, bytes = 0, firstError = null;
function record(t0, status, n, error) {
  const t1 = performance.now();
  if (!measuring || t1 > windowEnd) return;
  const key = error ? "error" : String(status);
  statuses[key] = (statuses[key] || 0) + 1;
  if (!error && status === 200) { ok++; bytes += n; latencies.push(t1 - t0); }
  else { errors++; if (!firstError) firstError = error ? String(error.message || error) : "HTTP " + status; }
}
function one(i) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let done = false;
    const finish = (status, n, error) => { if (done) return; done = true; record(t0, status, n, error); resolve(); };
    const req = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname + target.search, method: "GET",
      headers: headers.length ? headers[i % headers.length] : {} }, (res) => {
      let n = 0;
      res.on("data", (chunk) => { n += chunk.length; });
      res.on("end", () => finish(res.statusCode, n, null));
      res.on("error", (e) => finish(0, 0, e));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error("timeout after " + timeoutMs + " ms")));
    req.on("error", (e) => finish(0, 0, e));
    req.end();
  });
}
async function loop(i) { while (!stopping) await one(i); }
const loops = [];
for (let i = 0; i < concurrency; i++) loops.push(loop(i));
setTimeout(() => {
  measuring = true; windowStart = performance.now(); windowEnd = windowStart + durationMs;
  parentPort.postMessage({ type: "window-start" });
}, warmupMs);
setTimeout(async () => {
  parentPort.postMessage({ type: "window-end" });
  stopping = true;
  await Promise.all(loops);
  agent.destroy();
  const seconds = (Math.min(performance.now(), windowEnd) - windowStart) / 1000;
  const array = Float64Array.from(latencies);
  parentPort.postMessage({ type: "result", ok, errors, bytes, statuses, firstError, seconds, latencies: array }, [array.buffer]);
}, warmupMs + durationMs);
`;

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

export async function loadTest(url: string, o: LoadOptions): Promise<LoadStats> {
  const u = new URL(url);
  if (u.hostname !== "127.0.0.1" && u.hostname !== "localhost") throw new Error(`loadTest only targets this machine, not ${u.hostname}`);
  const warmupMs = (o.warmupSeconds ?? 2) * 1000;
  const durationMs = o.seconds * 1000;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { url, headers: o.headers ?? [], concurrency: o.concurrency, warmupMs, durationMs, timeoutMs },
  });
  type Result = {
    type: "result";
    ok: number;
    errors: number;
    bytes: number;
    statuses: Record<string, number>;
    firstError: string | null;
    seconds: number;
    latencies: Float64Array;
  };
  let eluStart: EventLoopUtilization | undefined;
  let cpuStart = Number.NaN;
  let busyMs = Number.NaN;
  const result = await new Promise<Result>((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`load test of ${url} did not finish`)), warmupMs + durationMs + timeoutMs + 15_000);
    worker.on("message", (m: Result | { type: "window-start" | "window-end" }) => {
      if (m.type === "window-start") {
        eluStart = nodePerformance.eventLoopUtilization();
        cpuStart = mainThreadCpuMs();
      } else if (m.type === "window-end" && eluStart) {
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
  };
}

// ---------------------------------------------------------------- reporting

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
  const head = ["scenario", "requests", "errors", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "KB/resp", "server ms/req", "plain req/s", "ratio", "CPU ratio"];
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

// ---------------------------------------------------------------- query inspection

/**
 * Runs `fn` (which queries through the app's db()) with a plugin that records every query Kysely compiles,
 * so a benchmark can EXPLAIN exactly the SQL a model function sends.
 */
export async function captureQueries(handle: DbHandle, fn: () => Promise<unknown>): Promise<{ sql: string; parameters: readonly unknown[] }[]> {
  const { setDb } = await appDb();
  const nodes: RootOperationNode[] = [];
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      nodes.push(args.node);
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  setDb({ ...handle, db: handle.db.withPlugin(plugin) });
  try {
    await fn();
  } finally {
    setDb(handle);
  }
  const executor = handle.db.getExecutor();
  return nodes.map((node) => {
    const compiled = executor.compileQuery(node, { queryId: "bench" });
    return { sql: compiled.sql, parameters: compiled.parameters };
  });
}

/** EXPLAIN (ANALYZE, BUFFERS) of one captured query; returns the plan text. */
export async function explainAnalyze(handle: DbHandle, q: { sql: string; parameters: readonly unknown[] }): Promise<string> {
  const rows = await sql<{ "QUERY PLAN": string }>`${sql.raw(`explain (analyze, buffers) ${q.sql.replace(/\$(\d+)/g, (_m, i: string) => literal(q.parameters[Number(i) - 1]))}`)}`.execute(
    handle.db,
  );
  return rows.rows.map((r) => r["QUERY PLAN"]).join("\n");
}

function literal(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v instanceof Date) return `'${v.toISOString()}'`;
  return `'${String(v).replace(/'/g, "''")}'`;
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

// ---------------------------------------------------------------- lifecycle

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
  scenarios: { id: string; name: string; path: string }[],
  o: { appUrl: string; plainUrl: string; headers: Record<string, string>[]; plainHeaders: Record<string, string>[]; seconds: number; concurrency: number; warmupSeconds: number },
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
    const stats = await loadTest(o.appUrl + s.path, { headers: o.headers, seconds: o.seconds, concurrency: o.concurrency, warmupSeconds: o.warmupSeconds });
    log(`  ${s.name}: ${stats.rps.toFixed(1)} req/s, p90 ${stats.p90.toFixed(1)} ms, p99 ${stats.p99.toFixed(1)} ms${stats.errors ? `, ${stats.errors} errors (${stats.firstError})` : ""}`);
    plainRuns.push(await plainRun());
    results.push({ id: s.id, name: s.name, stats, baseline: combineStats(plainRuns.slice(-2)) });
  }
  return { results, plain: combineStats(plainRuns), plainRuns: plainRuns.length };
}
