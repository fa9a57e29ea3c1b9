import type { User } from "~/platform/db/db-types.ts";
import { z } from "zod";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { field, parseSearchParams } from "~/platform/forms/input.server.ts";
import { provinceInPhrase } from "~/features/reference/province-names.ts";
import { countQueue, EXPORT_ROW_CAP, listColleagues, listQueue, MINISTRY_VIEWS, parseQueueCursor, PROVINCE_VIEWS, resolveUnstaffed, type QueueQuery, type QueueView } from "./queues.server.ts";
import { listCategories, listProvinces } from "~/features/reference/reference.server.ts";

// Filters a stale bookmark may carry are compared with the current lists and dropped when unknown; only a cursor
// that is not one of ours is an error (400), since no link of ours can produce it.
const queueParams = z.object({
  view: field.search(40),
  q: field.search(100),
  sector: field.search(100),
  assignee: field.search(40),
  province: field.search(10),
  overdue: field.search(1),
  after: z
    .string()
    .optional()
    .refine((v) => !v || parseQueueCursor(v) !== null),
});

/**
 * The queue a request asks for: view, filters and search read from the URL (unknown values dropped), scoped to the
 * viewer (a province reviewer's own province). The page and its downloads both start here, so they list the same rows.
 */
export async function queueRequest(request: Request, user: User) {
  const p = parseSearchParams(request, queueParams);
  const ministry = user.role === "ministry_reviewer";
  const views: Partial<Record<QueueView, readonly string[]>> = ministry ? MINISTRY_VIEWS : PROVINCE_VIEWS;
  const names = Object.keys(views) as QueueView[];
  const view = names.find((v) => v === p.view) ?? "new";
  const [categories, provinces, colleagues] = await Promise.all([listCategories(), listProvinces(), listColleagues(user)]);
  const sector = categories.sectors.some((s) => s.code === p.sector) ? p.sector : undefined;
  const assignee = p.assignee === "none" || colleagues.some((c) => c.id === p.assignee) ? p.assignee : undefined;
  const province = ministry && provinces.some((x) => x.code === p.province) ? p.province : undefined;
  const search = p.q;
  const query: QueueQuery = {
    scope: ministry ? { kind: "ministry", provinceCode: province, unstaffed: view === "unstaffed" } : { kind: "province", provinceCode: user.province_code! },
    // A search looks through every list, so a reference is found whatever step the application is at ("unstaffed" is
    // outside the ministry's own work: it is searched on its own tab).
    statuses: (search && view !== "unstaffed"
      ? [...new Set(Object.entries(views).filter(([v]) => v !== "unstaffed").flatMap(([, s]) => s))]
      : views[view]) as QueueQuery["statuses"],
    userId: user.id,
    mineOnly: view === "mine" && !search,
    sector,
    overdue: p.overdue === "1",
    assignee,
    search,
    after: p.after || undefined,
  };
  const filters = { view, q: search, sector: sector ?? "", overdue: query.overdue ? "1" : "", assignee: assignee ?? "", province: province ?? "" };
  return { ministry, views: names, view, query, filters, categories, provinces, colleagues };
}

/**
 * Reads the queue's view, filters, search and cursor from the URL (GET form, so it works without JavaScript), and
 * returns what the queue page renders, nothing more.
 */
export async function loadQueue(request: Request, user: User) {
  const { ministry, views: names, query, filters, categories, provinces, colleagues } = await queueRequest(request, user);
  // "unstaffed" looks its provinces up once for both the page and the count.
  const resolved = await resolveUnstaffed(query);
  const [page, count] = await Promise.all([listQueue(resolved), countQueue(resolved)]);
  const { t, locale } = await getTranslator(request);
  const nextParams = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
  if (page.next) nextParams.set("after", page.next);
  const own = provinces.find((x) => x.code === user.province_code);
  const provinceName = own ? provinceInPhrase(own, locale) : "";
  return {
    title: ministry ? t("queue.national.title") : t("queue.province.title", { province: provinceName }),
    ministry,
    views: names,
    filters,
    rows: page.rows,
    nextHref: page.next ? `?${nextParams}` : null,
    isFirstPage: !query.after,
    count,
    exportCap: EXPORT_ROW_CAP,
    // Only what the filter form shows: a sector's and a province's code and names (the province list on the
    // ministry's page only).
    sectors: categories.sectors.map(({ code, name_vi, name_en }) => ({ code, name_vi, name_en })),
    provinces: ministry ? provinces.map(({ code, name_vi, name_en }) => ({ code, name_vi, name_en })) : [],
    colleagues: colleagues.map(({ id, name }) => ({ id, name })),
  };
}
