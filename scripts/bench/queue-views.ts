/**
 * The queue scenarios of every view: for each provincial and ministry view its first page and its last page (the
 * cursor 10 rows before its end, as a reviewer paging to the end gets there), and a search that matches nothing.
 * Issue 11: the last page of a view of several statuses, and a search without a match, grew with the table.
 */
import { sql } from "kysely";
import type { DB } from "../../app/platform/db/db.server.ts";
import type { QueueQuery } from "../../app/features/review/queues.server.ts";

export interface QueueScenario {
  id: string;
  name: string;
  path: string;
  query: QueueQuery;
  headers?: Record<string, string>[];
  /** For a pair: the view, and which end of it. */
  view?: string;
  end?: "first" | "last";
}

const NO_DUE = "9999-12-31T00:00:00.000Z";
/** No seeded name or reference holds it (scripts/bench/seed.ts). */
export const NO_MATCH = "khong co nen tang nao nhu the nay";

/** The cursor 10 rows before the end of the query's queue (its last page then shows 10), computed here in SQL. */
async function lastPageAfter(database: DB, q: QueueQuery): Promise<string | undefined> {
  const { encodeQueueCursor } = await import("../../app/features/review/queues.server.ts");
  const due = sql`coalesce(due_at, ${sql.lit(NO_DUE)}::timestamptz)`;
  const where = [sql`current_version > 0`, sql`status in (${sql.join([...q.statuses])})`];
  if (q.scope.kind === "province") where.push(sql`province_code = ${q.scope.provinceCode}`);
  else if (q.scope.unstaffed)
    where.push(sql`reached_ministry_at is null and province_code in (select code from provinces p where not exists (
      select 1 from users u where u.role = 'province_reviewer' and u.status = 'active' and u.province_code = p.code))`);
  else where.push(sql`reached_ministry_at is not null`);
  if (q.mineOnly) where.push(sql`assigned_to = ${q.userId}`);
  const rows = await sql<{ due_key: string; id: string }>`
    select to_char(${due} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as due_key, id from applications
     where ${sql.join(where, sql` and `)} order by ${due} desc, id desc offset 10 limit 1`.execute(database);
  return rows.rows[0] ? encodeQueueCursor(rows.rows[0]) : undefined;
}

export async function queueViewScenarios(
  database: DB,
  o: { provinceCode: string; province: { id: string; headers: Record<string, string>[] }; ministry: { id: string; headers: Record<string, string>[] } },
): Promise<QueueScenario[]> {
  const { PROVINCE_VIEWS, MINISTRY_VIEWS } = await import("../../app/features/review/queues.server.ts");
  const out: QueueScenario[] = [];
  const add = async (who: "province" | "ministry", view: string, statuses: QueueQuery["statuses"]) => {
    const base = who === "province" ? "/review" : "/ministry";
    const query: QueueQuery =
      who === "province"
        ? { scope: { kind: "province", provinceCode: o.provinceCode }, statuses, userId: o.province.id, mineOnly: view === "mine" }
        : { scope: { kind: "ministry", unstaffed: view === "unstaffed" }, statuses, userId: o.ministry.id, mineOnly: view === "mine" };
    const headers = o[who].headers;
    const label = `${who} ${view}`;
    out.push({ id: `${who}-${view}-first`, name: `${label}, first page`, path: `${base}?view=${view}`, query, headers, view: label, end: "first" });
    const after = await lastPageAfter(database, query);
    if (!after) throw new Error(`${label}: fewer than 11 applications, no last page to measure`);
    out.push({ id: `${who}-${view}-last`, name: `${label}, last page`, path: `${base}?view=${view}&after=${after}`, query: { ...query, after }, headers, view: label, end: "last" });
  };
  for (const [view, statuses] of Object.entries(PROVINCE_VIEWS)) await add("province", view, statuses);
  for (const [view, statuses] of Object.entries(MINISTRY_VIEWS)) await add("ministry", view, statuses);
  // A search looks through every list of the reviewer (app/features/review/queue-page.server.ts).
  const provinceAll = [...new Set(Object.values(PROVINCE_VIEWS).flat())];
  const ministryAll = [...new Set(Object.entries(MINISTRY_VIEWS).filter(([v]) => v !== "unstaffed").flatMap(([, s]) => s))];
  const q = encodeURIComponent(NO_MATCH);
  out.push({
    id: "province-nomatch",
    name: "province, search without a match",
    path: `/review?view=new&q=${q}`,
    query: { scope: { kind: "province", provinceCode: o.provinceCode }, statuses: provinceAll, userId: o.province.id, search: NO_MATCH },
    headers: o.province.headers,
  });
  out.push({
    id: "ministry-nomatch",
    name: "ministry, search without a match",
    path: `/ministry?view=new&q=${q}`,
    query: { scope: { kind: "ministry" }, statuses: ministryAll, userId: o.ministry.id, search: NO_MATCH },
    headers: o.ministry.headers,
  });
  return out;
}
