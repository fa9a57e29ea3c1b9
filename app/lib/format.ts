import type { Locale } from "./db-types.ts";

const TZ = "Asia/Ho_Chi_Minh";

export function formatDate(value: Date | string, locale: Locale): string {
  return new Date(value).toLocaleDateString(locale === "vi" ? "vi-VN" : "en-GB", { timeZone: TZ, day: "numeric", month: "numeric", year: "numeric" });
}

export function formatDateTime(value: Date | string, locale: Locale): string {
  return new Date(value).toLocaleString(locale === "vi" ? "vi-VN" : "en-GB", {
    timeZone: TZ,
    day: "numeric",
    month: "numeric",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** A YYYY-MM-DD string shown as a date without time-zone shifts. */
export function formatIsoDate(iso: string, locale: Locale): string {
  const [y, m, d] = iso.split("-");
  return locale === "vi" ? `${Number(d)}/${Number(m)}/${y}` : `${Number(d)}/${Number(m)}/${y}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
