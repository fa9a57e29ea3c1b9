import { sql, type Kysely } from "kysely";

// Issue 11: every queue page and every search stays as cheap at a million applications as at a thousand.
// - A view of several statuses is read as one keyset range scan per status (app/features/review/queues.server.ts),
//   on applications_province_queue_due or applications_ministry_queue_due. "Mine" also filters on the assignee:
//   its scans need the assignee in front, so applications_assignee (assigned_to, status) becomes the same with the
//   queue order (it still serves the foreign key and the per-reviewer counts). The ministry's (status, due, id)
//   index gets current_version > 0 into its predicate.
// - A search (substring of the folded text) is answered by a trigram index: pg_trgm on PostgreSQL (a "trusted"
//   extension since PostgreSQL 13: the database owner may create it); PGlite ships it as a bundle that every open
//   registers (app/platform/db/pglite-extensions.server.ts).
const DUE = `coalesce(due_at, '9999-12-31T00:00:00.000Z'::timestamptz)`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // An extension belongs to the database, in one schema. It goes to public (not the first schema on the search path,
  // e.g. a test's private schema, which would take it along when dropped); if it is there already, in whatever
  // schema, that one is used. Two migrations at once (parallel test files) may both try to create it: the loser's
  // error is swallowed, the winner's extension used.
  await sql`
    do $$ begin
      if not exists (select 1 from pg_extension where extname = 'pg_trgm') then
        create extension pg_trgm with schema public;
      end if;
    exception when unique_violation or duplicate_object then null;
    end $$`.execute(db);
  const found = await sql<{ schema: string }>`
    select extnamespace::regnamespace::text as schema from pg_extension where extname = 'pg_trgm'`.execute(db);
  const schema = found.rows[0]?.schema;
  if (!schema) throw new Error("pg_trgm could not be created");
  const statements = [
    `create index applications_search_trgm on applications using gin (search_text ${schema}.gin_trgm_ops) where current_version > 0`,
    // The other columns the queues test ride along (INCLUDE), so that counting "mine" (up to the cap) reads the index
    // alone instead of building a bitmap of everything assigned to the reviewer.
    `create index applications_assignee_queue_due on applications (assigned_to, status, ${DUE}, id)
       include (province_code, reached_ministry_at, current_version) where assigned_to is not null`,
    `drop index applications_assignee`,
    // The ministry's: its predicate now holds current_version > 0 as well (what reached the ministry always has a
    // version, but the planner cannot know): the ministry's counts become index-only scans that stop at the cap
    // (they were a bitmap of the whole status, 40 ms at a million, or a sequential scan).
    `create index applications_ministry_live_due on applications (status, ${DUE}, id) where reached_ministry_at is not null and current_version > 0`,
    `drop index applications_ministry_queue_due`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
