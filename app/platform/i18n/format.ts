import type { Locale } from "~/platform/db/db-types.ts";
import { intlLocale } from "./i18n.ts";

const TZ = "Asia/Ho_Chi_Minh";

type Kind = "date" | "dateTime" | "calendarDate";

/**
 * How each language writes a date: Vietnamese day/month/year in digits (9/12/2026, the national convention), English
 * with the month's name (9 December 2026), never the ambiguous 12/9/2026. Times are Vietnam's.
 */
const OPTIONS: Record<Locale, Record<Kind, Intl.DateTimeFormatOptions>> = {
  vi: {
    date: { timeZone: TZ, day: "numeric", month: "numeric", year: "numeric" },
    dateTime: { timeZone: TZ, day: "numeric", month: "numeric", year: "numeric", hour: "2-digit", minute: "2-digit" },
    calendarDate: { timeZone: "UTC", day: "numeric", month: "numeric", year: "numeric" },
  },
  en: {
    date: { timeZone: TZ, day: "numeric", month: "long", year: "numeric" },
    dateTime: { timeZone: TZ, day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
    calendarDate: { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" },
  },
};

const formats = new Map<string, Intl.DateTimeFormat>();

/** One formatter per language and kind, built on first use (building one costs far more than formatting). */
export function dateTimeFormat(locale: Locale, kind: Kind): Intl.DateTimeFormat {
  const id = `${locale}:${kind}`;
  let format = formats.get(id);
  if (!format) formats.set(id, (format = new Intl.DateTimeFormat(intlLocale(locale), OPTIONS[locale][kind])));
  return format;
}

function format(value: Date | string, locale: Locale, kind: Kind): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? "" : dateTimeFormat(locale, kind).format(date);
}

export function formatDate(value: Date | string, locale: Locale): string {
  return format(value, locale, "date");
}

export function formatDateTime(value: Date | string, locale: Locale): string {
  return format(value, locale, "dateTime");
}

/** A YYYY-MM-DD string shown as that calendar date, whatever the time zone. */
export function formatIsoDate(iso: string, locale: Locale): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  return format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))), locale, "calendarDate");
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
