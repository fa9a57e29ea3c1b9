import assert from "node:assert/strict";
import fs from "node:fs";
import { describe, mock, test } from "node:test";
import { provinceOutcomes } from "~/features/catalogue/catalogue-stats.server.ts";
import { logger } from "~/platform/ops/logger.server.ts";
import { addWorkingDays, checkHolidayFile, HOLIDAY_YEARS, isWorkingDay, workingDaysBetween, type HolidayFile } from "~/platform/time/working-days.ts";

/** A moment given as Vietnam local time (UTC+7). */
const vn = (local: string) => new Date(`${local}+07:00`);

describe("working days skip Vietnam's public holidays", () => {
  test("Tết 2026 (16–20 February) is not worked", () => {
    // Friday 13 February + 1 working day: the next one is Monday 23 February, after the Tết week.
    assert.deepEqual(addWorkingDays(vn("2026-02-13T10:00:00"), 1), vn("2026-02-23T10:00:00"));
    assert.equal(workingDaysBetween(vn("2026-02-12T10:00:00"), vn("2026-02-26T10:00:00")), 5, "13, 23, 24, 25, 26 February");
    for (const day of ["2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20"]) assert.equal(isWorkingDay(day), false, day);
  });

  test("Quốc khánh 2026: 1–2 September off, 31 August swapped with Saturday 22 August", () => {
    assert.deepEqual(addWorkingDays(vn("2026-08-28T09:00:00"), 1), vn("2026-09-03T09:00:00"));
    assert.equal(workingDaysBetween(vn("2026-08-28T09:00:00"), vn("2026-09-04T09:00:00")), 2, "3 and 4 September");
    // The make-up Saturday counts.
    assert.deepEqual(addWorkingDays(vn("2026-08-21T09:00:00"), 1), vn("2026-08-22T09:00:00"));
    assert.equal(isWorkingDay("2026-08-22"), true);
    assert.equal(isWorkingDay("2026-08-29"), false, "an ordinary Saturday");
  });

  test("a 10-working-day deadline that spans Tết ends two weeks later than weekends alone would put it", () => {
    const submitted = vn("2026-02-12T09:00:00");
    const due = addWorkingDays(submitted, 10);
    assert.deepEqual(due, vn("2026-03-05T09:00:00"));
    assert.equal(workingDaysBetween(submitted, due), 10, "the two functions agree");
    // Statistics: a decision on the due date is on time.
    const events = [
      { application_id: "a", province_code: "79", action: "application.submit", created_at: submitted },
      { application_id: "a", province_code: "79", action: "application.forward", created_at: vn("2026-03-05T08:00:00") },
    ];
    assert.equal(provinceOutcomes(events, 10)[0]!.onTime, true);
  });

  test("days are Vietnam calendar days, whatever the UTC date", () => {
    // 01:00 on Saturday 14 February in Vietnam is still Friday 13 February in UTC.
    assert.deepEqual(addWorkingDays(new Date("2026-02-13T18:00:00Z"), 1), new Date("2026-02-22T18:00:00Z"));
  });

  test("the 2027 file is there, so a deadline set in December 2026 runs through Tết 2027", () => {
    assert.ok(HOLIDAY_YEARS.includes(2026) && HOLIDAY_YEARS.includes(2027));
    // Wednesday 3 February 2027 + 1: Tết 2027 (4–10 February, mùng 1 on a Saturday, compensated) → Thursday 11.
    assert.deepEqual(addWorkingDays(vn("2027-02-03T09:00:00"), 1), vn("2027-02-11T09:00:00"));
  });

  test("past the last year with data: weekends only, and a warning once per year", () => {
    const warn = mock.method(logger(), "warn", () => undefined);
    try {
      const year = Math.max(...HOLIDAY_YEARS) + 3;
      assert.equal(isWorkingDay(`${year}-01-01`), new Date(`${year}-01-01T00:00:00Z`).getUTCDay() % 6 !== 0);
      addWorkingDays(new Date(`${year}-03-02T03:00:00Z`), 30);
      const mine = warn.mock.calls.filter((c) => String(c.arguments[1]).includes(String(year)));
      assert.equal(mine.length, 1, "one warning for the year, not one per day");
      assert.match(String(mine[0]!.arguments[1]), /No public-holiday data/);
    } finally {
      warn.mock.restore();
    }
  });
});

describe("the holiday data files", () => {
  const files = fs.readdirSync("db/reference").filter((f) => /^holidays-\d{4}\.json$/.test(f));

  test("one file per year, each with its legal source and the 11 statutory days of Điều 112", () => {
    assert.deepEqual(files.map((f) => Number(f.slice(9, 13))).sort(), [...HOLIDAY_YEARS], "every file is loaded by the module");
    for (const f of files) {
      const file = JSON.parse(fs.readFileSync(`db/reference/${f}`, "utf8")) as HolidayFile & { _meta: Record<string, unknown> };
      checkHolidayFile(file);
      assert.match(JSON.stringify(file._meta.legalBasis), /45\/2019\/QH14, Điều 112/, f);
      assert.ok(["official", "derived"].includes(file._meta.status as string), f);
      if (file._meta.status === "official") assert.ok((file._meta.notices as unknown[]).length > 0, `${f}: an official file names its notices`);
      assert.equal(file.nonWorkingDays.filter((d) => d.kind === "holiday").length, 11, `${f}: 1 + 5 + 1 + 1 + 1 + 2 statutory days`);
    }
  });

  test("a malformed file is refused instead of silently shifting deadlines", () => {
    const bad = (nonWorkingDays: { date: string; kind: string }[], workingDays: { date: string; kind: string }[] = []): HolidayFile => ({
      _meta: { year: 2026, status: "official" },
      nonWorkingDays,
      workingDays,
    });
    assert.throws(() => checkHolidayFile(bad([{ date: "2027-01-01", kind: "holiday" }])), /not a date of 2026/);
    assert.throws(() => checkHolidayFile(bad([{ date: "2026-02-30", kind: "holiday" }])), /not a date of 2026/);
    assert.throws(() => checkHolidayFile(bad([], [{ date: "2026-01-12", kind: "make_up" }])), /not a Saturday or Sunday/);
  });
});
