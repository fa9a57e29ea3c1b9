import { sql } from "kysely";
import type { DB, Executor } from "~/platform/db/db.server.ts";
import { HOLIDAY_FILES, setWorkingCalendar } from "~/platform/time/working-days.ts";

// The working calendar as data (docs/decisions/030): the calendar_days table, edited by the ministry's admin, first
// copied from the shipped files year by year. The working-days module answers synchronously from memory; this file
// fills that memory at start-up (seedReferenceData) and after each edit (app/features/admin/calendar.server.ts).

export const CALENDAR_KINDS = ["holiday", "swapped", "compensatory", "make_up"] as const;
export type CalendarKind = (typeof CALENDAR_KINDS)[number];

export interface CalendarDayRow {
  day: string;
  kind: CalendarKind;
  name_vi: string;
  name_en: string;
  basis: string | null;
}

/** Copies each shipped year that the table has never had (calendar_years), once; an edited year is never overwritten. */
export async function seedCalendar(trx: Executor): Promise<void> {
  for (const file of HOLIDAY_FILES) {
    const year = file._meta.year;
    const fresh = await trx.insertInto("calendar_years").values({ year }).onConflict((oc) => oc.column("year").doNothing()).returning("year").executeTakeFirst();
    if (!fresh) continue;
    const days = [...file.nonWorkingDays, ...file.workingDays].map((d) => ({
      day: sql<Date>`${d.date}::date`,
      year,
      kind: d.kind as CalendarKind,
      name_vi: d.name_vi ?? d.kind,
      name_en: d.name_en ?? d.kind,
      basis: d.basis ?? null,
    }));
    if (days.length > 0) await trx.insertInto("calendar_days").values(days).execute();
  }
}

// The date as written, whatever the driver makes of a date column.
const dayText = sql<string>`to_char(day, 'YYYY-MM-DD')`.as("day");

/** One year's days, in date order. */
export async function listCalendarYear(year: number, ex: Executor): Promise<CalendarDayRow[]> {
  return ex.selectFrom("calendar_days").select([dayText, "kind", "name_vi", "name_en", "basis"]).where("year", "=", year).orderBy("calendar_days.day").execute();
}

/** The years the table knows. */
export async function listCalendarYears(ex: Executor): Promise<number[]> {
  return (await ex.selectFrom("calendar_years").select("year").orderBy("year").execute()).map((r) => r.year);
}

/** Reads the whole table into the working-days module's memory. */
export async function loadWorkingCalendar(database: DB | Executor): Promise<void> {
  const [years, days] = await Promise.all([
    database.selectFrom("calendar_years").select("year").execute(),
    database.selectFrom("calendar_days").select([dayText, "year", "kind"]).execute(),
  ]);
  const byYear = new Map<number, { off: string[]; on: string[] }>(years.map((y) => [y.year, { off: [], on: [] }]));
  for (const d of days) {
    const entry = byYear.get(d.year) ?? { off: [], on: [] };
    byYear.set(d.year, entry);
    (d.kind === "make_up" ? entry.on : entry.off).push(d.day);
  }
  setWorkingCalendar(byYear);
}
