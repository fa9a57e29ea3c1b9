import type { Locale } from "~/platform/db/db-types.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { intlLocale } from "~/platform/i18n/i18n.ts";

/**
 * How the staff statistics write their figures, the same on the page and in its downloads (CSV, Excel), so a file
 * reads as the page does: medians with one decimal in the viewer's digits, the on-time share as "92% (11/12)".
 */
export function statisticsFormats(locale: Locale) {
  const days = new Intl.NumberFormat(intlLocale(locale), {
    maximumFractionDigits: 1,
    minimumFractionDigits: 1,
  });
  const pct = new Intl.NumberFormat(intlLocale(locale), {
    style: "percent",
    maximumFractionDigits: 0,
  });
  return {
    days: (n: number) => days.format(n),
    percent: (n: number) => pct.format(n),
  };
}

/** "92% (11/12)", or a dash when no decision carried a deadline. */
export function onTimeText(t: Translate, locale: Locale, r: { onTime: number; timedDecisions: number }): string {
  return r.timedDecisions === 0
    ? "—"
    : t("staffStats.onTime.value", {
        share: statisticsFormats(locale).percent(r.onTime / r.timedDecisions),
        n: r.onTime,
        total: r.timedDecisions,
      });
}

export function totalDecided(r: { decided: Record<string, number> }): number {
  return Object.values(r.decided).reduce((s, n) => s + n, 0);
}

interface Totals {
  received: number;
  inReview: number;
  waitingOnEnterprise: number;
  overdue: number;
  decided: Record<string, number>;
}

/** The overview's figures in the page's order, each with its label (the row's data-figure key on the page). */
export function overviewRows(t: Translate, totals: Totals, outcomes: readonly string[]): { key: string; label: string; value: number }[] {
  return [
    { key: "received", label: t("staffStats.received"), value: totals.received },
    { key: "inReview", label: t("staffStats.inReview"), value: totals.inReview },
    { key: "waiting", label: t("staffStats.waiting"), value: totals.waitingOnEnterprise },
    { key: "overdue", label: t("staffStats.overdue"), value: totals.overdue },
    ...outcomes.map((s) => ({
      key: `decided-${s}`,
      label: t("staffStats.decided", { outcome: t(`app.status.${s}` as "app.status.recognised") }),
      value: totals.decided[s] ?? 0,
    })),
  ];
}

/** The columns of the provinces' table, on the page and in its download. */
export const PROVINCE_COLUMNS = ["province", "received", "inReview", "waiting", "overdue", "decided", "onTime"] as const;

export function provinceHeaders(t: Translate): string[] {
  return PROVINCE_COLUMNS.map((c) => t(`staffStats.col.${c}`));
}
