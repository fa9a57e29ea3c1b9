import { sql } from "kysely";
import { openPostgres, type DB } from "~/platform/db/db.server.ts";
import type { TestDb } from "./db.ts";
import { seedBenchData } from "../../scripts/bench/seed.ts";

export const QUEUE_PROVINCE = "79";
/** Provinces whose reviewers seedQueues deactivates: the ministry's "unstaffed" view lists theirs. */
export const UNSTAFFED = ["01", "48"];

/**
 * Applications in every status (the benchmark's set-based seeding, scripts/bench/seed.ts; 60% in province 79), with
 * ties in the queue order (five due dates per province and status made equal, to the microsecond), work assigned to a provincial
 * and a ministry reviewer, and two provinces left without an active reviewer. VACUUM ANALYZE at the end.
 */
export async function seedQueues(t: TestDb, applications: number) {
  // On PostgreSQL through a connection without the app's timeouts: on a busy machine 20,000 rows can take longer.
  const bulk = t.url ? await openPostgres(t.url, { searchPath: t.schema, max: 1, timeouts: { statementMs: 0, queryMs: 0 } }) : undefined;
  try {
    return await seed(bulk?.db ?? t.db, applications);
  } finally {
    await bulk?.close();
  }
}

async function seed(database: DB, applications: number) {
  await seedBenchData(database, { applications, enterprises: Math.max(100, Math.round(applications / 5)), focusShare: 0.6, focusProvince: QUEUE_PROVINCE, reviewersPerProvince: 2 });
  const ministry = await sql<{ id: string }>`
    insert into users (email, name, role, status, email_verified_at)
    values ('ministry.queue@bench.example', 'Bộ (queue test)', 'ministry_reviewer', 'active', now()) returning id`.execute(database);
  const ministryId = ministry.rows[0]!.id;
  await sql`update applications set assigned_to = ${ministryId}::uuid where status = 'in_ministry_review' and id::text < '9'`.execute(database);
  await sql`
    update applications set due_at = '2026-12-10T01:02:03.456789Z' where id in (
      select id from (select id, row_number() over (partition by province_code, status order by id) as n from applications where due_at is not null) s
       where n <= 5)`.execute(database);
  await sql`update users set status = 'deactivated' where role = 'province_reviewer' and province_code in (${sql.join(UNSTAFFED)})`.execute(database);
  const reviewer = await sql<{ id: string }>`
    select assigned_to as id from applications where province_code = ${QUEUE_PROVINCE} and assigned_to is not null
     group by assigned_to order by count(*) desc limit 1`.execute(database);
  for (const table of ["users", "applications"]) await sql.raw(`vacuum (analyze) ${table}`).execute(database);
  return { reviewerId: reviewer.rows[0]!.id, ministryId };
}

/** A cursor as listQueue writes it (the format parseQueueCursor accepts): base64url of "due key|id". */
export function cursorOf(row: { due_key: string; id: string }): string {
  return Buffer.from(`${row.due_key}|${row.id}`).toString("base64url");
}
