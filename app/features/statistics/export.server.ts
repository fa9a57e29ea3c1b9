import type { User } from "~/platform/db/db-types.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { formatIsoDate } from "~/platform/i18n/format.ts";
import { localised } from "~/platform/i18n/localised.ts";
import { workbookResponse, type ExportFormat, type SheetExport } from "~/platform/http/spreadsheet.server.ts";
import { onTimeText, overviewRows, provinceHeaders, statisticsFormats, totalDecided } from "./format.ts";
import { loadStaffStatistics, seesAllProvinces } from "./page.server.ts";

/**
 * The staff statistics of a request (same period, scope and checks as the page: loadStaffStatistics) as CSV or Excel:
 * the page's tables, one sheet (or CSV section) each, with the page's headers and texts in the viewer's language.
 * The overview starts with the scope and the period the figures are for. Invalid dates or province: 400, as the page.
 */
export async function exportStaffStatistics(request: Request, user: User, format: ExportFormat): Promise<Response> {
  const page = await loadStaffStatistics(request, user);
  const { t, locale } = await getTranslator(request);
  if (!page.figures) {
    const messages = Object.values(page.errors ?? {}).join("\n");
    throw new Response(messages, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const f = page.figures;
  const { days } = statisticsFormats(locale);
  const count = (n: number) => String(n);
  const sheets: SheetExport[] = [
    {
      name: t("staffStats.sheet.overview"),
      headers: [t("staffStats.col.figure"), t("staffStats.col.count")],
      rows: [
        [t("staffStats.province"), page.scopeName],
        [t("staffStats.from"), formatIsoDate(f.period.from, locale)],
        [t("staffStats.to"), formatIsoDate(f.period.to, locale)],
        ...overviewRows(t, f.totals, page.outcomes).map((r) => [r.label, count(r.value)]),
        [t("staffStats.onTime"), onTimeText(t, locale, f.totals)],
      ],
    },
    {
      name: t("staffStats.sheet.steps"),
      headers: [t("staffStats.col.step"), t("staffStats.col.stays"), t("staffStats.col.median")],
      rows: f.steps.map((s) => [
        t(`app.status.${s.status}` as "app.status.recognised"),
        count(s.stays),
        s.medianWorkingDays === null ? "—" : days(s.medianWorkingDays),
      ]),
    },
    ...(page.national
      ? [
          {
            name: t("staffStats.sheet.provinces"),
            headers: provinceHeaders(t),
            rows: f.provinces.map((p) => [
              localised(p, "name", locale),
              count(p.received),
              count(p.inReview),
              count(p.waitingOnEnterprise),
              count(p.overdue),
              count(totalDecided(p)),
              onTimeText(t, locale, p),
            ]),
          },
        ]
      : []),
    {
      name: t("staffStats.sheet.workload"),
      headers: [t("staffStats.col.reviewer"), t("staffStats.col.assigned"), t("staffStats.col.open"), t("staffStats.col.decidedInPeriod")],
      rows: f.workload.map((w) => [w.name, count(w.assigned), count(w.open), count(w.decided)]),
    },
  ];
  // The figures exist, so a province asked for is a valid one (a province reviewer's is always their own).
  const asked = seesAllProvinces(user) ? new URL(request.url).searchParams.get("province") : user.province_code;
  const scope = page.national ? "toan-quoc" : asked || "tinh";
  return workbookResponse(format, { filename: `thong-ke-${scope}-${f.period.from}-${f.period.to}`, sheets });
}
