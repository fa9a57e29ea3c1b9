import { sql, type Kysely } from "kysely";

// Issue 11: a catalogue search and its count read every listing (a `like` over the folded text of 10,000 platforms,
// ~15 ms per count on PostgreSQL, more on PGlite), and even the plain count scanned the whole applications table.
// - Trigram indexes on the two folded columns the search reads (catalogue_text: platform name and short description;
//   search_text: enterprise and platform name), for listed applications only: a word of three letters or more is then
//   a bitmap of the candidates instead of a scan of all listings (app/features/catalogue/catalogue.server.ts).
// - The listed applications by enterprise: the count without a search is an index scan of the listings joined to the
//   verified enterprises, not a scan of every application.
// pg_trgm is created exactly as the review queues' migration does it (the first of the two to run creates it; PGlite
// registers the bundle at every open: app/platform/db/pglite-extensions.server.ts).

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // An extension belongs to the database, in one schema: public (not a test's private schema, which would take it
  // along when dropped); if it is there already, in whatever schema, that one is used. Two migrations at once
  // (parallel test files) may both try to create it: the loser's error is swallowed.
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
    `create index applications_catalogue_text_trgm on applications using gin (catalogue_text ${schema}.gin_trgm_ops) where status = 'recognised'`,
    `create index applications_catalogue_search_trgm on applications using gin (search_text ${schema}.gin_trgm_ops) where status = 'recognised'`,
    `create index applications_listed_enterprise on applications (enterprise_id) where status = 'recognised'`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
