import { data } from "@remix-run/node";
import { z } from "zod";
import { db } from "~/platform/db/db.server.ts";
import { verifyAuditChain } from "~/platform/db/audit.server.ts";
import { field, searchParamValues } from "~/platform/forms/input.server.ts";
import { validate, type FieldErrors, type FormValues } from "~/platform/forms/forms.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { formatDateTime } from "~/platform/i18n/format.ts";
import { intlLocale } from "~/platform/i18n/i18n.ts";
import { vietnamDate } from "~/platform/time/working-days.ts";
import { now } from "~/platform/time/clock.ts";
import { spreadsheetResponse, type ExportFormat } from "~/platform/http/spreadsheet.server.ts";
import {
  ADMIN_LOG_EXPORT_BATCH,
  ADMIN_LOG_EXPORT_CAP,
  adminLogLine,
  listAdminActors,
  listAdminLog,
  listAdminLogActions,
  type AdminLogFilters,
} from "./admin-log.server.ts";
import { auditActionLabel } from "./labels.server.ts";

// A factory: the compiler could not drop a top-level zod call from the browser bundle.
const filterSchema = (t: Translate) =>
  z
    .object({
      action: field.search(100),
      actor: field.search(40),
      from: field.date(t, t("admin.audit.filter.from"), { required: false }),
      to: field.date(t, t("admin.audit.filter.to"), { required: false }),
      before: z
        .string()
        .optional()
        .refine((v) => !v || /^[1-9]\d{0,15}$/.test(v)),
      check: z.string().optional(),
    })
    .superRefine((v, ctx) => {
      if (v.from && v.to && v.from > v.to) ctx.addIssue({ code: "custom", path: ["to"], message: t("admin.audit.periodOrder") });
    });

/**
 * The log's filters from the URL (a GET form: works without JavaScript). An action or actor that is not in the lists
 * is dropped (a stale bookmark), a malformed date is the visitor's to fix (400 with the error next to the field), a
 * cursor that no link of ours makes is a 400.
 */
async function readFilters(request: Request, t: Translate) {
  const values: FormValues = searchParamValues(request);
  const [actions, actors] = await Promise.all([listAdminLogActions(), listAdminActors()]);
  const result = validate(filterSchema(t), values);
  if (!result.ok && result.errors.before) throw data({ invalidParams: ["before"] }, { status: 400, statusText: "Bad Request" });
  const p = result.ok ? result.data : undefined;
  const filters: AdminLogFilters = {
    action: p && actions.includes(p.action) ? p.action : undefined,
    actor: p && actors.some((a) => a.id === p.actor) ? p.actor : undefined,
    from: p?.from || undefined,
    to: p?.to || undefined,
  };
  return { values, errors: result.ok ? undefined : (result.errors as FieldErrors), filters, before: p?.before ? Number(p.before) : undefined, check: p?.check === "1", actions, actors };
}

function filterQuery(f: AdminLogFilters): string {
  return new URLSearchParams(Object.entries(f).filter((e): e is [string, string] => Boolean(e[1]))).toString();
}

/** The chain check's verdict, worded for the page. */
async function chainCheck(t: Translate) {
  const report = await verifyAuditChain(db());
  if (report.ok) return { ok: true, text: t("admin.audit.chain.intact", { events: report.events, head: `${report.head.seq}:${report.head.hash}` }) };
  const problem = t(`admin.audit.problem.${report.kind}`, { seq: report.seq ?? "", event: report.eventId ?? "" });
  return {
    ok: false,
    text: report.seq === null ? t("admin.audit.chain.brokenNoSeq", { problem, events: report.events }) : t("admin.audit.chain.broken", { seq: report.seq, problem, events: report.events }),
  };
}

/** What /admin/audit renders: one page of the log with its filters, the download links, and the chain check when asked. */
export async function loadAdminLog(request: Request) {
  const { t, locale } = await getTranslator(request);
  const r = await readFilters(request, t);
  const page = r.errors ? { rows: [], next: null } : await listAdminLog(r.filters, { before: r.before });
  const query = filterQuery(r.filters);
  const nextQuery = new URLSearchParams(query);
  if (page.next) nextQuery.set("before", String(page.next));
  const body = {
    title: t("admin.audit.title"),
    values: r.errors ? r.values : { action: r.filters.action ?? "", actor: r.filters.actor ?? "", from: r.filters.from ?? "", to: r.filters.to ?? "" },
    errors: r.errors ?? null,
    actions: r.actions.map((a) => ({ value: a, label: auditActionLabel(t, a) })),
    actors: r.actors.map((a) => ({ value: a.id, label: `${a.name} <${a.email}>` })),
    lines: page.rows.map((row) => adminLogLine(t, row)),
    nextHref: page.next ? `?${nextQuery}` : null,
    isFirstPage: r.before === undefined,
    exportQuery: query,
    exportCap: ADMIN_LOG_EXPORT_CAP.toLocaleString(intlLocale(locale)),
    chain: r.check ? await chainCheck(t) : null,
  };
  return r.errors ? data(body, { status: 400 }) : body;
}

/** The log with the page's filters (every page, newest first, in keyset batches up to the cap) as CSV or Excel. */
export async function exportAdminLog(request: Request, format: ExportFormat): Promise<Response> {
  const { t, locale } = await getTranslator(request);
  const r = await readFilters(request, t);
  if (r.errors) throw data({ invalidParams: Object.keys(r.errors) }, { status: 400, statusText: "Bad Request" });
  const headers = [t("audit.col.event"), t("audit.col.time"), t("audit.col.actor"), t("audit.col.role"), t("audit.col.action"), t("audit.col.entity"), t("audit.col.details")];
  async function* rows() {
    let before: number | undefined;
    let written = 0;
    for (;;) {
      const page = await listAdminLog(r.filters, { before, limit: Math.min(ADMIN_LOG_EXPORT_BATCH, ADMIN_LOG_EXPORT_CAP - written) });
      for (const row of page.rows) {
        const l = adminLogLine(t, row);
        yield [String(l.id), formatDateTime(l.at, locale), l.actor, l.role, l.action, l.subject, l.details.join("; ")];
      }
      written += page.rows.length;
      if (page.next === null) return;
      if (written >= ADMIN_LOG_EXPORT_CAP) {
        yield [t("export.capped", { cap: ADMIN_LOG_EXPORT_CAP.toLocaleString(intlLocale(locale)) })];
        return;
      }
      before = page.next;
    }
  }
  return spreadsheetResponse(format, { filename: `nhat-ky-quan-tri-${vietnamDate(now())}`, sheet: t("export.sheet.audit"), headers, rows: rows() });
}
