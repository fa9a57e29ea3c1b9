import { sql } from "kysely";
import type { ApplicationStatus, User } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import { hasNoActiveReviewer } from "~/features/account/user.server.ts";
import { isIsoDate, isUuid } from "~/platform/forms/input.server.ts";
import { foldVietnamese } from "~/platform/db/search-text.ts";
import { AWAITING_MINISTRY, AWAITING_PROVINCE, FINAL_STATES, PAST_PROVINCE_STATUSES } from "~/features/application/workflow.ts";

// ---------- queues ----------

export const PROVINCE_VIEWS = {
  new: ["submitted"],
  mine: ["in_provincial_review", "submitted", "resubmitted", "returned_to_province"],
  in_review: ["in_provincial_review"],
  waiting: ["changes_requested"],
  resubmitted: ["resubmitted", "returned_to_province"],
  done: PAST_PROVINCE_STATUSES,
} as const satisfies Record<string, readonly ApplicationStatus[]>;

// The ministry's views list what reached the ministry (applications.reached_ministry_at), except "unstaffed": what
// waits for a provincial reviewer in a province that has none (read-only for the ministry, see docs/decisions/006).
export const MINISTRY_VIEWS = {
  new: AWAITING_MINISTRY,
  mine: ["in_ministry_review", ...AWAITING_MINISTRY],
  in_review: ["in_ministry_review"],
  returned: ["returned_to_province"],
  done: FINAL_STATES,
  unstaffed: AWAITING_PROVINCE,
} as const satisfies Record<string, readonly ApplicationStatus[]>;

export type ProvinceView = keyof typeof PROVINCE_VIEWS;
export type MinistryView = keyof typeof MINISTRY_VIEWS;
export type QueueView = ProvinceView | MinistryView;

export interface QueueQuery {
  scope:
    | { kind: "province"; provinceCode: string }
    // unstaffedIn: the provinces without a reviewer, as resolveUnstaffed() found them (else a subquery finds them).
    | { kind: "ministry"; provinceCode?: string; unstaffed?: boolean; unstaffedIn?: readonly string[] };
  statuses: readonly ApplicationStatus[];
  userId: string;
  mineOnly?: boolean;
  sector?: string;
  overdue?: boolean;
  assignee?: string | "none";
  search?: string;
  after?: string;
  limit?: number;
}

export interface QueueRow {
  id: string;
  reference: string | null;
  platform_name: string;
  enterprise_name: string;
  province_code: string | null;
  status: ApplicationStatus;
  due_at: Date | null;
  assignee_name: string | null;
  overdue: boolean;
}

// Keyset cursor on (due date, id): far-future stands in for "no due date" so the order is total.
const NO_DUE = "9999-12-31T00:00:00.000Z";

// The due key comes from the database as text: a JS Date would drop the microseconds and repeat a row.
export function encodeQueueCursor(row: { due_key: string; id: string }): string {
  return Buffer.from(`${row.due_key}|${row.id}`).toString("base64url");
}

const DUE_KEY = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{6}Z$/;

/**
 * A queue cursor exactly as encodeQueueCursor writes it, or null. Cursors are validated, not signed: one only says where
 * a page starts inside the viewer's own queue (the scope comes from the session), so a hand-made one can reveal
 * nothing; but anything that is not a real (timestamp, uuid) pair is refused before it reaches SQL.
 */
export function parseQueueCursor(cursor: string): { due: string; id: string } | null {
  if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const text = Buffer.from(cursor, "base64url").toString();
  if (Buffer.from(text).toString("base64url") !== cursor) return null;
  const [due, id, ...rest] = text.split("|");
  const m = due ? DUE_KEY.exec(due) : null;
  if (!m || !isUuid(id) || rest.length > 0) return null;
  const [, date, hh, mm, ss] = m;
  if (!isIsoDate(date!, 1970) || Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return null;
  return { due: due!, id: id!.toLowerCase() };
}

export class InvalidCursorError extends Error {
  constructor() {
    super("Invalid queue cursor");
  }
}

export const QUEUE_PAGE_SIZE = 25;
export const QUEUE_COUNT_CAP = 1000;
/** The most rows one download of a queue holds (queue-export.server.ts): a national queue beyond it is narrowed with the filters first. */
export const EXPORT_ROW_CAP = 50_000;

function searchTerm(q: QueueQuery): string {
  return q.search ? foldVietnamese(q.search).slice(0, 100) : "";
}

function queueBase(q: QueueQuery) {
  // A literal, not a parameter: the queue indexes (db/migrations/2026-12-01T1000_queue_order.ts) hold this expression.
  const due = sql<Date>`coalesce(applications.due_at, ${sql.lit(NO_DUE)}::timestamptz)`;
  // No join here: counting a queue must not touch enterprises (the join made every count scan it); listQueue joins
  // for the names it shows, and a tax-code search asks the enterprises' unique index for the one id.
  let query = db()
    .selectFrom("applications")
    .where("applications.current_version", ">", 0)
    .where("applications.status", "in", [...q.statuses]);
  if (q.scope.kind === "province") query = query.where("applications.province_code", "=", q.scope.provinceCode);
  else {
    if (q.scope.provinceCode) query = query.where("applications.province_code", "=", q.scope.provinceCode);
    // Unstaffed: the provinces without an active provincial reviewer (a handful), not a test per application.
    if (!q.scope.unstaffed) query = query.where("applications.reached_ministry_at", "is not", null);
    else {
      query = query.where("applications.reached_ministry_at", "is", null);
      const listed = q.scope.unstaffedIn;
      if (listed) query = listed.length ? query.where("applications.province_code", "in", [...listed]) : query.where(sql<boolean>`false`);
      else if (!q.scope.provinceCode) query = query.where("applications.province_code", "in", unstaffedProvinces());
    }
  }
  if (q.mineOnly) query = query.where("applications.assigned_to", "=", q.userId);
  if (q.sector) query = query.where("applications.sector", "=", q.sector);
  // On the sort key, not on due_at: the same rows (no due date sorts as the far future), and a bound of the index range.
  if (q.overdue) query = query.where(due, "<", sql<Date>`now()`);
  if (q.assignee === "none") query = query.where("applications.assigned_to", "is", null);
  else if (q.assignee) query = query.where("applications.assigned_to", "=", q.assignee);
  const term = searchTerm(q);
  // A whole reference number or tax code is looked up by its unique index; other text by the trigram index
  // (db/migrations/2026-12-04T1000_flat_queues.ts), so a search that matches nothing reads next to nothing.
  if (/^\d{2}-\d{6}-\d{4,}$/.test(term)) query = query.where("applications.reference", "=", term);
  else if (/^\d{10}(-\d{3})?$/.test(term))
    query = query.where("applications.enterprise_id", "in", db().selectFrom("enterprises").select("enterprises.id").where("enterprises.tax_code", "=", term));
  else if (term) query = query.where("applications.search_text", "like", `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  return { query, due };
}

function unstaffedProvinces() {
  return db()
    .selectFrom("provinces")
    .select("provinces.code")
    .where(hasNoActiveReviewer);
}

/**
 * The ranges a page merges. An index keeps each (province, status) — or (assignee, status), or (status) for the
 * ministry — in queue order, so each is one keyset range scan that stops after a page; a view of several statuses
 * read as one range would walk, from the cursor on, every row of the province that is in another status (the last
 * page of "resubmitted" read the whole province: 1 s at a million applications). A search is one query: the
 * trigram index finds the few rows of a rare term whatever their status, and a common term is met within a page
 * in queue order. Exported so a test can EXPLAIN the very query a page sends.
 */
export async function queueRanges(q: QueueQuery): Promise<QueueQuery[]> {
  const resolved = await resolveUnstaffed(q);
  if (searchTerm(q) || q.statuses.length === 0) return [resolved];
  const scope = resolved.scope;
  const scopes = scope.kind === "ministry" && scope.unstaffedIn ? scope.unstaffedIn.map((code) => ({ ...scope, provinceCode: code, unstaffedIn: undefined })) : [scope];
  return scopes.flatMap((s) => q.statuses.map((status) => ({ ...q, scope: s, statuses: [status] })));
}

/**
 * The ministry's "unstaffed" view across provinces, with the provinces that have no active reviewer listed: then
 * its reads are ranges of (province, status), and the planner knows how few provinces it is about.
 */
export async function resolveUnstaffed(q: QueueQuery): Promise<QueueQuery> {
  if (q.scope.kind !== "ministry" || !q.scope.unstaffed || q.scope.provinceCode || q.scope.unstaffedIn) return q;
  const codes = (await unstaffedProvinces().orderBy("provinces.code").execute()).map((p) => p.code);
  return { ...q, scope: { ...q.scope, unstaffedIn: codes } };
}

function rangeQuery(q: QueueQuery, cursor: { due: string; id: string } | null, limit: number) {
  const { query, due } = queueBase(q);
  return query
    .select([
      "applications.id",
      "applications.reference",
      "applications.platform_name",
      "applications.enterprise_id",
      "applications.province_code",
      "applications.status",
      "applications.due_at",
      "applications.assigned_to",
      due.as("due_sort"),
    ])
    .$if(Boolean(cursor), (qb) => qb.where(sql<boolean>`(${due}, applications.id) > (${cursor!.due}::timestamptz, ${cursor!.id}::uuid)`))
    .orderBy(due)
    .orderBy("applications.id")
    .limit(limit + 1);
}

/**
 * A page's query over the given ranges (see queueRanges): each range in queue order up to a page, merged (UNION ALL),
 * the first page of the merge, and only then the enterprise and assignee names for those rows. Exported for tests.
 */
export function listQueueQuery(ranges: readonly QueueQuery[], after: string | undefined, limit = QUEUE_PAGE_SIZE) {
  const cursor = after ? parseQueueCursor(after) : null;
  if (after && !cursor) throw new InvalidCursorError();
  const [first, ...rest] = ranges.map((r, i) => db().selectFrom(rangeQuery(r, cursor, limit).as(`r${i}`)).selectAll());
  if (!first) throw new Error("listQueueQuery needs at least one range");
  const merged = rest.reduce((union, range) => union.unionAll(range), first);
  return db()
    .selectFrom(merged.as("page"))
    .innerJoin("enterprises", "enterprises.id", "page.enterprise_id")
    .leftJoin("users as assignee", "assignee.id", "page.assigned_to")
    .select([
      "page.id",
      "page.reference",
      "page.platform_name",
      "enterprises.legal_name as enterprise_name",
      "page.province_code",
      "page.status",
      "page.due_at",
      "assignee.name as assignee_name",
      sql<boolean>`coalesce(page.due_at < now(), false)`.as("overdue"),
      sql<string>`to_char(page.due_sort at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as("due_key"),
    ])
    .orderBy("page.due_sort")
    .orderBy("page.id")
    .limit(limit + 1);
}

/** One page of a queue (the columns the queue pages show), ordered by due date then id, continuing after the cursor (keyset: fast at any depth). */
export async function listQueue(q: QueueQuery) {
  const limit = q.limit ?? QUEUE_PAGE_SIZE;
  if (q.after && !parseQueueCursor(q.after)) throw new InvalidCursorError();
  const ranges = await queueRanges(q);
  const rows = ranges.length ? await listQueueQuery(ranges, q.after, limit).execute() : [];
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page.map(({ due_key: _dueKey, ...row }) => row as QueueRow), next: rows.length > limit && last ? encodeQueueCursor(last) : null };
}

/** How many match, counted up to a cap: an exact count of a huge queue costs more than it tells. */
export async function countQueue(q: QueueQuery): Promise<{ count: number; capped: boolean }> {
  const ranges = await queueRanges(q);
  if (ranges.length === 0) return { count: 0, capped: false };
  const row = await countQueueQuery(ranges).executeTakeFirstOrThrow();
  return { count: Math.min(row.n, QUEUE_COUNT_CAP), capped: row.n > QUEUE_COUNT_CAP };
}

/**
 * The count's query over the ranges of queueRanges (exported so a test can check what it reads): each range up to
 * the cap from its own index, one after the other (UNION ALL), until the cap. A single `status in (…)` let the
 * planner pick a bitmap of a whole status or a sequential scan that stops wherever the cap happens to be reached.
 */
export function countQueueQuery(ranges: QueueQuery | readonly QueueQuery[]) {
  const list = Array.isArray(ranges) ? (ranges as readonly QueueQuery[]) : [ranges as QueueQuery];
  const [first, ...rest] = list.map((r, i) => db().selectFrom(queueBase(r).query.select("applications.id").limit(QUEUE_COUNT_CAP + 1).as(`c${i}`)).select(`c${i}.id`));
  if (!first) throw new Error("countQueueQuery needs at least one range");
  const merged = rest.reduce((union, range) => union.unionAll(range), first);
  return db()
    .selectFrom(db().selectFrom(merged.as("matched")).select("matched.id").limit(QUEUE_COUNT_CAP + 1).as("sub"))
    .select(sql<number>`count(*)::int`.as("n"));
}

/** The reviewers a queue can be filtered by: the viewer's colleagues at the same stage (and province). */
export function listColleagues(user: User) {
  return db()
    .selectFrom("users")
    .select(["id", "name", "email"])
    .where("role", "=", user.role)
    .where("status", "=", "active")
    .$if(user.role === "province_reviewer", (qb) => qb.where("province_code", "=", user.province_code))
    .orderBy("name")
    .execute();
}
