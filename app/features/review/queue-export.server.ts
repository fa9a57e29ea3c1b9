import type { User } from "~/platform/db/db-types.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { formatDate } from "~/platform/i18n/format.ts";
import { intlLocale } from "~/platform/i18n/i18n.ts";
import { vietnamDate } from "~/platform/time/working-days.ts";
import { now } from "~/platform/time/clock.ts";
import { spreadsheetResponse, type ExportFormat } from "~/platform/http/spreadsheet.server.ts";
import { EXPORT_ROW_CAP, listQueue, resolveUnstaffed } from "./queues.server.ts";
import { queueRequest } from "./queue-page.server.ts";

/** Rows read per statement: one keyset page of the queue at a time, so memory stays flat whatever the queue's size. */
export const EXPORT_BATCH = 1000;

/**
 * The queue view a request asks for (same view, filters and search as the page, scoped the same way by
 * queueRequest) as CSV or Excel: every row of the view, not only one page, read in keyset batches, with the columns
 * the page shows and the same texts.
 */
export async function exportQueue(request: Request, user: User, format: ExportFormat): Promise<Response> {
  const { ministry, view, query } = await queueRequest(request, user);
  const { t, locale } = await getTranslator(request);
  const resolved = await resolveUnstaffed({ ...query, after: undefined });
  const headers = [
    t("queue.col.reference"),
    t("queue.col.platform"),
    t("queue.col.enterprise"),
    ...(ministry ? [t("queue.col.province")] : []),
    t("queue.col.status"),
    t("queue.col.due"),
    t("export.col.overdue"),
    t("queue.col.assignee"),
  ];
  async function* rows() {
    let after: string | undefined;
    let written = 0;
    for (;;) {
      const page = await listQueue({ ...resolved, after, limit: Math.min(EXPORT_BATCH, EXPORT_ROW_CAP - written) });
      for (const r of page.rows)
        yield [
          r.reference,
          r.platform_name,
          r.enterprise_name,
          ...(ministry ? [r.province_code] : []),
          t(`app.status.${r.status}`),
          r.due_at ? formatDate(r.due_at, locale) : "",
          r.overdue ? t("export.yes") : t("export.no"),
          r.assignee_name,
        ];
      written += page.rows.length;
      if (!page.next) return;
      if (written >= EXPORT_ROW_CAP) {
        yield [t("export.capped", { cap: EXPORT_ROW_CAP.toLocaleString(intlLocale(locale)) })];
        return;
      }
      after = page.next;
    }
  }
  const scope = ministry ? "bo" : (user.province_code ?? "tinh");
  return spreadsheetResponse(format, { filename: `ho-so-${scope}-${view}-${vietnamDate(now())}`, sheet: t("export.sheet.queue"), headers, rows: rows() });
}
