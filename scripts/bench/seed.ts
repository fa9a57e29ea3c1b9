/** Seeding with set-based SQL (one statement per table; works on PostgreSQL 15 and PGlite). */
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { DB } from "../../app/platform/db/db.server.ts";
import { ACCENTED, FOLDED } from "../../app/platform/db/search-text.ts";

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

/**
 * Runs `fill` with the table's indexes that back no constraint dropped, then builds them again from their own
 * definitions (pg_get_indexdef): one build per index is much cheaper than keeping each one up to date row by row
 * (a trigram index most of all), and a million applications seed in minutes instead of a quarter of an hour.
 */
async function withIndexesRebuilt(database: DB, table: string, fill: (database: DB) => Promise<void>): Promise<void> {
  await database.connection().execute(async (conn) => {
    await sql`set statement_timeout = 0`.execute(conn); // the pool's limit is for requests, not for seeding
    const { rows } = await sql<{ name: string; def: string }>`
      select c.relname as name, pg_get_indexdef(i.indexrelid) as def
        from pg_index i join pg_class c on c.oid = i.indexrelid
       where i.indrelid = ${table}::regclass
         and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
       order by 1`.execute(conn);
    for (const r of rows) await sql.raw(`drop index ${r.name}`).execute(conn);
    try {
      await fill(conn);
    } finally {
      await sql`set maintenance_work_mem = '256MB'`.execute(conn);
      for (const r of rows) await sql.raw(r.def).execute(conn);
      await sql`reset maintenance_work_mem`.execute(conn);
      await sql`reset statement_timeout`.execute(conn);
    }
  });
}

export async function seedApplications(database: DB, o: { count: number; ownerId: string; focusProvince: string }) {
  await withIndexesRebuilt(database, "applications", (conn) => insertApplications(conn, o));
}

async function insertApplications(database: DB, o: { count: number; ownerId: string; focusProvince: string }) {
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

/** VACUUM (ANALYZE) of the tables, without the pool's statement timeout (a million rows take longer). */
export async function vacuumAnalyze(database: DB, tables: string[]): Promise<void> {
  await database.connection().execute(async (conn) => {
    await sql`set statement_timeout = 0`.execute(conn);
    try {
      for (const table of tables) await sql.raw(`vacuum (analyze) ${table}`).execute(conn);
    } finally {
      await sql`reset statement_timeout`.execute(conn);
    }
  });
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
  await vacuumAnalyze(database, ["users", "enterprises", "applications"]);
  const ms = performance.now() - started;
  const byStatus = await countBy(database, "");
  const focusByStatus = await countBy(database, `where province_code = '${o.focusProvince}'`);
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  const ent = await sql<{ n: number }>`select count(*)::int as n from enterprises`.execute(database);
  return { applications: sum(byStatus), enterprises: Number(ent.rows[0]!.n), focusApplications: sum(focusByStatus), byStatus, focusByStatus, ms };
}
