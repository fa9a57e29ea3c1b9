import { settingNumber } from "~/features/application/transition.server.ts";
import {
  auditHighWater,
  countDecidedByMonth,
  countReceivedByMonth,
  countRecognisedBy,
  listFilterOptions,
  listProvinceReviewEvents,
  type ProvinceEvent,
} from "./catalogue.server.ts";
import { vietnamDate, workingDaysBetween } from "~/platform/time/working-days.ts";
import { now as clockNow } from "~/platform/time/clock.ts";

const DAY_MS = 86_400_000;
export const MAX_MONTHS = 24;

export interface CountRow {
  code: string;
  name_vi: string;
  name_en: string;
  n: number;
}

export interface ProvincePerformance {
  code: string;
  name_vi: string;
  name_en: string;
  /** Applications the department finished (forwarded to the ministry or rejected). */
  decided: number;
  /** Median days from submission to the department's decision, not counting time waiting for the enterprise. */
  medianDays: number | null;
  decidedOnTime: number;
  /** decidedOnTime / decided, 0..1; null when nothing was decided. */
  onTimeShare: number | null;
}

export interface Statistics {
  recognised: number;
  byPillar: CountRow[];
  bySector: CountRow[];
  byProvince: CountRow[];
  months: { month: string; received: number; decided: number }[];
  provinces: ProvincePerformance[];
  slaWorkingDays: number;
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export interface ProvinceOutcome {
  applicationId: string;
  provinceCode: string;
  days: number;
  onTime: boolean;
}

/**
 * From the audit trail of each application: submission, pauses while the enterprise supplements (request_changes →
 * resubmit) and the department's first decision (forward or reject). Time with the enterprise does not count, as with
 * the deadline itself; "on time" means within the provincial deadline in working days.
 */
export function provinceOutcomes(events: ProvinceEvent[], slaWorkingDays: number): ProvinceOutcome[] {
  const out: ProvinceOutcome[] = [];
  let i = 0;
  while (i < events.length) {
    const id = events[i]!.application_id;
    const mine: ProvinceEvent[] = [];
    while (i < events.length && events[i]!.application_id === id) mine.push(events[i++]!);
    const submit = mine.find((e) => e.action === "application.submit");
    const province = mine[0]!.province_code;
    if (!submit || !province) continue;
    let pausedMs = 0;
    let pausedWorkingDays = 0;
    let pauseStart: Date | null = null;
    for (const e of mine) {
      const at = new Date(e.created_at);
      if (at < new Date(submit.created_at)) continue;
      if (e.action === "application.request_changes" && !pauseStart) pauseStart = at;
      else if (e.action === "application.resubmit" && pauseStart) {
        pausedMs += at.getTime() - pauseStart.getTime();
        pausedWorkingDays += workingDaysBetween(pauseStart, at);
        pauseStart = null;
      } else if (e.action === "application.forward" || e.action === "application.reject_province") {
        const start = new Date(submit.created_at);
        const days = Math.max(0, (at.getTime() - start.getTime() - pausedMs) / DAY_MS);
        const working = workingDaysBetween(start, at) - pausedWorkingDays;
        out.push({ applicationId: id, provinceCode: province, days, onTime: working <= slaWorkingDays });
        break;
      }
    }
  }
  return out;
}

/** The months from the first one with data up to this month (at most MAX_MONTHS), so empty months show as 0. */
export function monthRange(months: string[], now = clockNow()): string[] {
  if (months.length === 0) return [];
  const last = vietnamDate(now).slice(0, 7);
  let [y, m] = [...months].sort()[0]!.split("-").map(Number) as [number, number];
  const out: string[] = [];
  for (let guard = 0; guard < 1200; guard++) {
    const key = `${y}-${String(m).padStart(2, "0")}`;
    out.push(key);
    if (key >= last) break;
    m++;
    if (m > 12) [y, m] = [y + 1, 1];
  }
  return out.slice(-MAX_MONTHS);
}

let cache: { key: string; value: Statistics } | undefined;

/** Figures for /statistics, recomputed only when the audit trail has moved on (every state change is audited). */
export async function loadStatistics(): Promise<Statistics> {
  const [highWater, sla] = await Promise.all([auditHighWater(), settingNumber("sla.province.working_days", 10)]);
  const key = `${highWater}:${sla}:${vietnamDate(clockNow()).slice(0, 7)}`;
  if (cache?.key === key) return cache.value;
  const [options, pillars, sectors, provinces, received, decided, events] = await Promise.all([
    listFilterOptions(),
    countRecognisedBy("pillar"),
    countRecognisedBy("sector"),
    countRecognisedBy("province"),
    countReceivedByMonth(),
    countDecidedByMonth(),
    listProvinceReviewEvents(),
  ]);
  const counts = (list: { code: string; name_vi: string; name_en: string }[], rows: { code: string; n: number }[], keepZero: boolean): CountRow[] => {
    const n = new Map(rows.map((r) => [r.code, r.n]));
    const known = list.map((x) => ({ code: x.code, name_vi: x.name_vi, name_en: x.name_en, n: n.get(x.code) ?? 0 }));
    const unknown = rows.filter((r) => !list.some((x) => x.code === r.code)).map((r) => ({ code: r.code, name_vi: r.code || "—", name_en: r.code || "—", n: r.n }));
    return [...known, ...unknown].filter((r) => keepZero || r.n > 0);
  };
  const provinceList = options.provinces.map((p) => ({ code: p.code, name_vi: p.name_vi, name_en: p.name_en }));
  const receivedBy = new Map(received.map((r) => [r.month, r.n]));
  const decidedBy = new Map(decided.map((r) => [r.month, r.n]));
  const outcomes = provinceOutcomes(events, sla);
  const performance: ProvincePerformance[] = [];
  for (const p of provinceList) {
    const mine = outcomes.filter((o) => o.provinceCode === p.code);
    if (mine.length === 0) continue;
    const onTime = mine.filter((o) => o.onTime).length;
    performance.push({
      ...p,
      decided: mine.length,
      medianDays: median(mine.map((o) => o.days)),
      decidedOnTime: onTime,
      onTimeShare: onTime / mine.length,
    });
  }
  const value: Statistics = {
    recognised: provinces.reduce((s, r) => s + r.n, 0),
    byPillar: counts(options.pillars, pillars, true),
    bySector: counts(options.sectors, sectors, false),
    byProvince: counts(provinceList, provinces, false),
    months: monthRange([...receivedBy.keys(), ...decidedBy.keys()]).map((month) => ({
      month,
      received: receivedBy.get(month) ?? 0,
      decided: decidedBy.get(month) ?? 0,
    })),
    provinces: performance,
    slaWorkingDays: sla,
  };
  cache = { key, value };
  return value;
}
