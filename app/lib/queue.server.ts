import type { User } from "./db-types.ts";
import { getTranslator } from "./i18n.server.ts";
import { provinceInPhrase } from "./province-names.ts";
import { countQueue, listColleagues, listQueue, MINISTRY_VIEWS, PROVINCE_VIEWS, type QueueQuery } from "~/models/review.server.ts";
import { listCategories, listProvinces } from "~/models/reference.server.ts";

/** Reads the queue's view, filters, search and cursor from the URL (GET form, so it works without JavaScript). */
export async function loadQueue(request: Request, user: User) {
  const url = new URL(request.url);
  const p = url.searchParams;
  const ministry = user.role === "ministry_reviewer";
  const views: Record<string, readonly string[]> = ministry ? MINISTRY_VIEWS : PROVINCE_VIEWS;
  const view = (p.get("view") ?? "new") in views ? (p.get("view") ?? "new") : "new";
  const [categories, provinces, colleagues] = await Promise.all([listCategories(), listProvinces(), listColleagues(user)]);
  const sector = categories.sectors.some((s) => s.code === p.get("sector")) ? p.get("sector")! : undefined;
  const assigneeParam = p.get("assignee") ?? "";
  const assignee = assigneeParam === "none" || colleagues.some((c) => c.id === assigneeParam) ? assigneeParam : undefined;
  const province = ministry && provinces.some((x) => x.code === p.get("province")) ? p.get("province")! : undefined;
  const search = (p.get("q") ?? "").slice(0, 100);
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
    overdue: p.get("overdue") === "1",
    assignee,
    search,
    after: p.get("after") ?? undefined,
  };
  const [page, count] = await Promise.all([listQueue(query), countQueue(query)]);
  const { t, locale } = await getTranslator(request);
  const filters = { view, q: search, sector: sector ?? "", overdue: query.overdue ? "1" : "", assignee: assignee ?? "", province: province ?? "" };
  const nextParams = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
  if (page.next) nextParams.set("after", page.next);
  const own = provinces.find((x) => x.code === user.province_code);
  const provinceName = own ? provinceInPhrase(own, locale) : "";
  return {
    title: ministry ? t("queue.national.title") : t("queue.province.title", { province: provinceName }),
    ministry,
    views: Object.keys(views),
    filters,
    rows: page.rows,
    nextHref: page.next ? `?${nextParams}` : null,
    isFirstPage: !query.after,
    count,
    sectors: categories.sectors,
    provinces,
    colleagues,
  };
}
