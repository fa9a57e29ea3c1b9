import { sql, type Kysely } from "kysely";

// The working calendar as data the ministry edits (docs/decisions/030): each year's non-working weekdays (public
// holidays, swapped and compensatory days off) and make-up working weekend days. A year is copied from its file
// db/reference/holidays-YYYY.json once, when calendar_years has no row for it (seedReferenceData); after that the
// table is the calendar and the admin's edits stick.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table calendar_years (
      year int primary key check (year between 2000 and 2100),
      seeded_at timestamptz not null default now()
    )
  `.execute(db);
  await sql`
    create table calendar_days (
      day date primary key,
      year int not null references calendar_years (year),
      kind text not null check (kind in ('holiday', 'swapped', 'compensatory', 'make_up')),
      name_vi text not null check (length(name_vi) between 1 and 300),
      name_en text not null check (length(name_en) between 1 and 300),
      basis text,
      check (extract(year from day) = year)
    )
  `.execute(db);
  // A year's days are listed together (the admin's page, loading the calendar); it also indexes the foreign key.
  await sql`create index calendar_days_by_year on calendar_days (year, day)`.execute(db);
  // The calendar decides due dates and "on time" shown on pages: every cached page depends on it, as on settings.
  await sql`
    create trigger calendar_days_data_versions after insert or update or delete or truncate on calendar_days
      for each statement execute function data_versions_global()
  `.execute(db);
}
