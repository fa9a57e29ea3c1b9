import assert from "node:assert/strict";
import { test } from "node:test";
import { dateTimeFormat, formatDate, formatDateTime, formatIsoDate } from "~/platform/i18n/format.ts";

test("English dates name the month; Vietnamese dates are day/month/year", () => {
  const at = new Date("2026-12-09T03:05:00Z");
  assert.equal(formatDate(at, "en"), "9 December 2026");
  assert.equal(formatDate(at, "vi"), "9/12/2026");
  assert.equal(formatIsoDate("2026-12-09", "en"), "9 December 2026");
  assert.equal(formatIsoDate("2026-12-09", "vi"), "9/12/2026");
  assert.equal(formatIsoDate("2026-01-02", "en"), "2 January 2026", "no 1/2 vs 2/1 ambiguity");
  assert.match(formatDateTime(at, "en"), /^9 December 2026(,| at) 10:05$/);
  assert.equal(formatDateTime(at, "vi"), "10:05 9/12/2026");
});

test("times are Vietnam's: late evening UTC is the next day in Vietnam", () => {
  assert.equal(formatDate("2026-12-08T20:00:00Z", "en"), "9 December 2026");
  assert.equal(formatDateTime("2026-12-08T20:00:00Z", "en").endsWith("03:00"), true);
  // A calendar date stays the same date whatever the server's time zone.
  assert.equal(formatIsoDate("2026-12-31", "en"), "31 December 2026");
});

test("one cached formatter per language and kind", () => {
  assert.equal(dateTimeFormat("en", "date"), dateTimeFormat("en", "date"));
  assert.notEqual(dateTimeFormat("en", "date"), dateTimeFormat("vi", "date"));
  assert.notEqual(dateTimeFormat("en", "date"), dateTimeFormat("en", "dateTime"));
});

test("bad stored values never throw", () => {
  assert.equal(formatDate("not a date", "en"), "");
  assert.equal(formatDateTime("", "vi"), "");
  assert.equal(formatIsoDate("2026-13", "en"), "2026-13");
});
