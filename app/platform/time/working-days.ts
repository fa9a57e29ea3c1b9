import holidays2026 from "../../../db/reference/holidays-2026.json";
import holidays2027 from "../../../db/reference/holidays-2027.json";
import { logger } from "~/platform/ops/logger.server.ts";

/**
 * The one working-day calendar of the portal (SLA due dates, request-changes reply dates, the apology's new date,
 * statistics' "on time"): Monday–Friday, minus the public holidays, swapped and compensatory days off of the year's
 * calendar (the calendar_days table, first copied from db/reference/holidays-YYYY.json), plus its make-up working
 * Saturdays. Days are Vietnam calendar days.
 *
 * Past the years with a data file the calendar falls back to weekends only and says so in the log, once per year
 * (docs/decisions/015-working-days-and-public-holidays.md): a missing file must not stop deadlines being computed.
 */

export interface CalendarDay {
  date: string;
  kind: string;
  name_vi?: string;
  name_en?: string;
  basis?: string;
}
export interface HolidayFile {
  _meta: { year: number; status: string };
  nonWorkingDays: CalendarDay[];
  workingDays: CalendarDay[];
}

/** The shipped calendar files: the first contents of the calendar_days table, and the calendar until it is loaded. */
export const HOLIDAY_FILES: readonly HolidayFile[] = [holidays2026, holidays2027];
const FILES = HOLIDAY_FILES;

/** A real calendar date written YYYY-MM-DD (no 30 February), from `minYear` on. The forms' date check too. */
export function isIsoDate(value: string, minYear = 1900): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value && d.getUTCFullYear() >= minYear;
}

/** Checks a year's file; throws at start-up on a malformed file rather than computing wrong dates later. */
export function checkHolidayFile(file: HolidayFile): void {
  const year = file._meta.year;
  const seen = new Set<string>();
  for (const d of [...file.nonWorkingDays, ...file.workingDays]) {
    if (!isIsoDate(d.date, year) || !d.date.startsWith(`${year}-`))
      throw new Error(`holidays-${year}.json: ${d.date} is not a date of ${year}`);
    if (seen.has(d.date)) throw new Error(`holidays-${year}.json: ${d.date} is listed twice`);
    seen.add(d.date);
  }
  for (const d of file.workingDays) {
    if (!isWeekend(d.date)) throw new Error(`holidays-${year}.json: the make-up working day ${d.date} is not a Saturday or Sunday`);
  }
}

type YearDays = { off: Set<string>; on: Set<string> };
const fromFiles = new Map<number, YearDays>();
for (const file of FILES) {
  checkHolidayFile(file);
  fromFiles.set(file._meta.year, { off: new Set(file.nonWorkingDays.map((d) => d.date)), on: new Set(file.workingDays.map((d) => d.date)) });
}

/** The years the portal shipped a calendar file for (the statistics count "on time" from the first one). */
export const HOLIDAY_YEARS: readonly number[] = [...fromFiles.keys()].sort();

// The calendar in force. It starts as the files' (so a test or script without a database gets the same dates) and is
// replaced by the one the ministry edits, the calendar_days table, loaded at start-up and after each edit
// (app/features/reference/calendar.server.ts, docs/decisions/030). Kept on globalThis as the reference data is: the
// compiled server and the sources a test imports share one calendar.
const CALENDAR = Symbol.for("nentangso.working-calendar");
type CalendarHolder = typeof globalThis & { [CALENDAR]?: Map<number, YearDays> };
const calendar = (): Map<number, YearDays> => (globalThis as CalendarHolder)[CALENDAR] ?? fromFiles;

/** Replaces the calendar in force: per year, its non-working weekdays and its make-up working days. */
export function setWorkingCalendar(years: ReadonlyMap<number, { off: Iterable<string>; on: Iterable<string> }>): void {
  const next = new Map<number, YearDays>();
  for (const [year, d] of years) next.set(year, { off: new Set(d.off), on: new Set(d.on) });
  (globalThis as CalendarHolder)[CALENDAR] = next;
}

/** Back to the files' calendar (tests). */
export function resetWorkingCalendar(): void {
  delete (globalThis as CalendarHolder)[CALENDAR];
}

export function isWeekendDate(isoDate: string): boolean {
  return isWeekend(isoDate);
}

function isWeekend(isoDate: string): boolean {
  const dow = new Date(`${isoDate}T00:00:00Z`).getUTCDay();
  return dow === 0 || dow === 6;
}

const warnedYears = new Set<number>();

/** Is this Vietnam calendar day (YYYY-MM-DD) a working day for the reviewing agencies? */
export function isWorkingDay(isoDate: string): boolean {
  const year = Number(isoDate.slice(0, 4));
  const data = calendar().get(year);
  if (!data) {
    if (!warnedYears.has(year)) {
      warnedYears.add(year);
      logger().warn(
        { year },
        `No public-holiday data for ${year} (db/reference/holidays-${year}.json): working days in ${year} skip weekends only, so deadlines may fall on a holiday. Add the year's file.`,
      );
    }
    return !isWeekend(isoDate);
  }
  if (data.on.has(isoDate)) return true;
  if (data.off.has(isoDate)) return false;
  return !isWeekend(isoDate);
}

const DAY_MS = 24 * 3600 * 1000;

/** The moment `days` working days after `start` (same time of day), counting Vietnam calendar days. */
export function addWorkingDays(start: Date, days: number): Date {
  let t = start.getTime();
  let left = days;
  while (left > 0) {
    t += DAY_MS;
    if (isWorkingDay(vietnamDate(new Date(t)))) left--;
  }
  return new Date(t);
}

/** Whole working days from `from` to `to`: how many of from + 1 day, from + 2 days, … ≤ to fall on a working day. */
export function workingDaysBetween(from: Date, to: Date): number {
  let days = 0;
  for (let t = from.getTime() + DAY_MS; t <= to.getTime(); t += DAY_MS) {
    if (isWorkingDay(vietnamDate(new Date(t)))) days++;
  }
  return days;
}

/** Calendar date in Vietnam (UTC+7, no daylight saving) as YYYY-MM-DD. */
export function vietnamDate(at: Date): string {
  return new Date(at.getTime() + 7 * 3600 * 1000).toISOString().slice(0, 10);
}
