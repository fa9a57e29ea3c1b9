import { z } from "zod";
import type { User } from "~/platform/db/db-types.ts";
import { field, isIsoDate, searchParamValues } from "~/platform/forms/input.server.ts";
import { validate, type FieldErrors, type FormValues } from "~/platform/forms/forms.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { now as clockNow } from "~/platform/time/clock.ts";
import { vietnamDate } from "~/platform/time/working-days.ts";
import { listProvinces } from "~/features/reference/reference.server.ts";
import { provinceName } from "~/features/reference/province-names.ts";
import { countsByProvince, emptyCounts, periodVersion, reviewerWorkload, stepDurations, type ProvinceCounts } from "./queries.server.ts";
import { DECIDED_OUTCOMES, monthStart, type Period } from "./rules.ts";

/** Who sees which provinces: a province reviewer their own only; the ministry and administrators every one. */
export function seesAllProvinces(user: User): boolean {
  return user.role === "ministry_reviewer" || user.role === "admin";
}

export type StatisticsPage = Awaited<ReturnType<typeof loadStaffStatistics>>;

/**
 * Reads the period (and for the ministry a province) from the URL of the GET form, and returns the figures of the
 * viewer's scope. Invalid dates answer 400 with the errors and the values typed, never a 5xx. A province reviewer's
 * `province` parameter is ignored: they always see their own province, whatever the address says.
 */
export async function loadStaffStatistics(request: Request, user: User) {
  const { t, locale } = await getTranslator(request);
  const now = clockNow();
  const today = vietnamDate(now);
  const all = seesAllProvinces(user);
  const provinces = await listProvinces();
  const fromLabel = t("staffStats.from");
  const toLabel = t("staffStats.to");
  const schema = z
    .object({
      from: field.date(t, fromLabel, {
        required: false,
        rule: "past",
        minYear: 2000,
      }),
      to: field.date(t, toLabel, {
        required: false,
        rule: "past",
        minYear: 2000,
      }),
      province: all
        ? field.choice(
            t("staffStats.error.province"),
            provinces.map((p) => p.code),
            { required: false }
          )
        : z.unknown().transform(() => ""),
    })
    .superRefine((v, ctx) => {
      // Only two real dates are compared: a date already refused needs no second message.
      if (!isIsoDate(v.from || "2000-01-01") || !isIsoDate(v.to || today)) return;
      const from = v.from || monthStart(v.to || today);
      if (v.to && from > v.to)
        ctx.addIssue({
          code: "custom",
          path: ["to"],
          message: t("staffStats.error.order"),
        });
    });
  const raw = searchParamValues(request);
  const values: FormValues = {
    from: raw.from ?? "",
    to: raw.to ?? "",
    province: all ? raw.province ?? "" : "",
  };
  const parsed = validate(schema, values);
  const scopeCode = all ? (parsed.ok ? parsed.data.province || null : null) : user.province_code;
  const scopeProvince = scopeCode ? provinces.find((p) => p.code === scopeCode) : undefined;
  const base = {
    title: t("staffStats.title"),
    // A heading's caption and the start of a sentence: "Thành phố Hà Nội", "Ha Noi City".
    scopeName: scopeProvince ? provinceName(scopeProvince, locale) : t("staffStats.national"),
    national: scopeCode === null,
    canPickProvince: all,
    provinces: all
      ? provinces.map(({ code, name_vi, name_en }) => ({
          code,
          name_vi,
          name_en,
        }))
      : [],
    values,
    outcomes: DECIDED_OUTCOMES,
  };
  if (!parsed.ok) return { ...base, errors: parsed.errors as FieldErrors, figures: null };
  const to = parsed.data.to || today;
  const period: Period = { from: parsed.data.from || monthStart(to), to };
  const q = {
    provinceCode: scopeCode,
    period,
    now,
    version: await periodVersion(period, now),
  };
  const [byProvince, steps, workload] = await Promise.all([countsByProvince(q), stepDurations(q), reviewerWorkload(q)]);
  const names = new Map(provinces.map((p) => [p.code, p]));
  return {
    ...base,
    // The form shows the period the figures are for, also when the address left it out.
    values: { ...values, from: period.from, to: period.to },
    errors: null,
    figures: {
      period,
      totals: sum(byProvince),
      provinces: byProvince
        .filter((r) => r.provinceCode)
        .map((r) => ({
          ...r,
          name_vi: names.get(r.provinceCode!)?.name_vi ?? r.provinceCode!,
          name_en: names.get(r.provinceCode!)?.name_en ?? r.provinceCode!,
        }))
        .sort((a, b) => a.name_vi.localeCompare(b.name_vi, "vi")),
      steps,
      workload,
    },
  };
}

/** The scope's totals: the provinces' rows added up (a few dozen rows, already aggregated). */
function sum(rows: ProvinceCounts[]): Omit<ProvinceCounts, "provinceCode"> {
  const { provinceCode: _none, ...total } = emptyCounts(null);
  for (const r of rows) {
    total.received += r.received;
    total.inReview += r.inReview;
    total.waitingOnEnterprise += r.waitingOnEnterprise;
    total.overdue += r.overdue;
    total.timedDecisions += r.timedDecisions;
    total.onTime += r.onTime;
    for (const s of DECIDED_OUTCOMES) total.decided[s]! += r.decided[s] ?? 0;
  }
  return total;
}
