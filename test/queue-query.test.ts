import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "kysely";
import { countQueue, countQueueQuery, listQueue, PROVINCE_VIEWS, MINISTRY_VIEWS, QUEUE_COUNT_CAP, type QueueQuery } from "~/features/review/queues.server.ts";
import { foldVietnamese } from "~/platform/db/search-text.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { QUEUE_PROVINCE, seedQueues } from "./helpers/queue-seed.ts";

// Counting a queue is on every queue page: it must read applications (and their indexes) only. Joining enterprises
// made PostgreSQL scan them for every count (about two thirds of the page's database time at 100,000 applications).
describe("queue counts", () => {
  let t: TestDb;
  before(async () => {
    t = await createTestDb();
  });
  after(async () => {
    await t.close();
  });

  const base = (over: Partial<QueueQuery>): QueueQuery => ({ scope: { kind: "province", provinceCode: "01" }, statuses: PROVINCE_VIEWS.new, userId: "00000000-0000-4000-8000-000000000000", ...over });

  test("a queue count reads enterprises only for a tax-code search", () => {
    const plain = [
      base({}),
      base({ statuses: PROVINCE_VIEWS.done, overdue: true, sector: "ecommerce" }),
      base({ search: "an bình" }),
      base({ search: "01-261207-0001" }),
      base({ scope: { kind: "ministry" }, statuses: MINISTRY_VIEWS.new }),
    ];
    for (const q of plain) assert.doesNotMatch(countQueueQuery(q).compile().sql, /"enterprises"/, JSON.stringify(q));
    assert.match(countQueueQuery(base({ search: "0101234567" })).compile().sql, /"enterprises"/);
  });
});

// Paging forward through every view returns every matching application exactly once, in (due, id) order: the views
// of several statuses merge one range per status (and "unstaffed" one per province and status).
describe("queue pages", () => {
  let t: TestDb;
  let seeded: Awaited<ReturnType<typeof seedQueues>>;
  let all: Candidate[];
  let unstaffed: Set<string>;
  let dbNow: string;
  before(async () => {
    t = await createTestDb();
    seeded = await seedQueues(t, 1500);
    all = (
      await sql<Candidate>`
        select id, status, province_code, assigned_to, reached_ministry_at is not null as reached, search_text,
               to_char(coalesce(due_at, '9999-12-31T00:00:00Z') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as due_key
          from applications where current_version > 0`.execute(t.db)
    ).rows;
    const staffed = await sql<{ code: string }>`select code from provinces p where not exists (
      select 1 from users u where u.role = 'province_reviewer' and u.status = 'active' and u.province_code = p.code)`.execute(t.db);
    unstaffed = new Set(staffed.rows.map((r) => r.code));
    dbNow = (await sql<{ now: string }>`select to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as now`.execute(t.db)).rows[0]!.now;
  });
  after(async () => {
    await t.close();
  });

  interface Candidate {
    id: string;
    status: string;
    province_code: string | null;
    assigned_to: string | null;
    reached: boolean;
    search_text: string;
    due_key: string;
  }

  /** The same selection, done the slow and obvious way. */
  function expected(q: QueueQuery): string[] {
    const term = q.search ? foldVietnamese(q.search) : "";
    return all
      .filter((a) => q.statuses.includes(a.status as never))
      .filter((a) =>
        q.scope.kind === "province"
          ? a.province_code === q.scope.provinceCode
          : (!q.scope.provinceCode || a.province_code === q.scope.provinceCode) &&
            (q.scope.unstaffed ? !a.reached && unstaffed.has(a.province_code ?? "") : a.reached),
      )
      .filter((a) => !q.mineOnly || a.assigned_to === q.userId)
      .filter((a) => !q.overdue || a.due_key < dbNow)
      .filter((a) => !term || a.search_text.includes(term))
      .sort((a, b) => (a.due_key < b.due_key ? -1 : a.due_key > b.due_key ? 1 : a.id < b.id ? -1 : 1))
      .map((a) => a.id);
  }

  async function pageThrough(q: QueueQuery, limit: number): Promise<string[]> {
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 1000; pages++) {
      const page = await listQueue({ ...q, after, limit });
      assert.ok(page.rows.length <= limit);
      seen.push(...page.rows.map((r) => r.id));
      if (!page.next) return seen;
      assert.equal(page.rows.length, limit, "only the last page is short");
      after = page.next;
    }
    throw new Error("too many pages");
  }

  const searchStatuses = [...new Set(Object.values(PROVINCE_VIEWS).flat())];
  const cases = (): [string, QueueQuery][] => {
    const province = { kind: "province" as const, provinceCode: QUEUE_PROVINCE };
    const userId = seeded.reviewerId;
    return [
      ...Object.entries(PROVINCE_VIEWS).map(([view, statuses]): [string, QueueQuery] => [`province ${view}`, { scope: province, statuses, userId, mineOnly: view === "mine" }]),
      ...Object.entries(MINISTRY_VIEWS).map(([view, statuses]): [string, QueueQuery] => [
        `ministry ${view}`,
        { scope: { kind: "ministry", unstaffed: view === "unstaffed" }, statuses, userId: seeded.ministryId, mineOnly: view === "mine" },
      ]),
      ["ministry done in 79", { scope: { kind: "ministry", provinceCode: QUEUE_PROVINCE }, statuses: MINISTRY_VIEWS.done, userId: seeded.ministryId }],
      ["ministry unstaffed in 01", { scope: { kind: "ministry", provinceCode: "01", unstaffed: true }, statuses: MINISTRY_VIEWS.unstaffed, userId: seeded.ministryId }],
      ["province resubmitted, overdue", { scope: province, statuses: PROVINCE_VIEWS.resubmitted, userId, overdue: true }],
      ['search "Hà Nội"', { scope: province, statuses: searchStatuses, userId, search: "Hà Nội" }],
      ['search "sàn thương mại"', { scope: province, statuses: searchStatuses, userId, search: "sàn thương mại" }],
      ["search with no match", { scope: province, statuses: searchStatuses, userId, search: "không có nền tảng này" }],
    ];
  };

  test("every view, paged 7 and 25 at a time, lists each match once in (due, id) order; counts agree", async () => {
    const nonEmpty: string[] = [];
    for (const [name, q] of cases()) {
      const want = expected(q);
      if (want.length > 10) nonEmpty.push(name);
      for (const limit of [7, 25]) assert.deepEqual(await pageThrough(q, limit), want, `${name}, ${limit} a page`);
      assert.deepEqual(await countQueue(q), { count: Math.min(want.length, QUEUE_COUNT_CAP), capped: want.length > QUEUE_COUNT_CAP }, name);
    }
    // The seeding gives every view something to page through (else the test proves little).
    for (const view of ["province resubmitted", "province mine", "province done", "ministry done", "ministry mine", "ministry unstaffed", 'search "Hà Nội"'])
      assert.ok(nonEmpty.includes(view), `${view} has rows`);
    assert.equal(expected(cases().find(([n]) => n === "search with no match")![1]).length, 0);
  });

  test("ties in the due date are broken by id, across the ranges of a view", async () => {
    const tied = all.filter((a) => a.due_key === "2026-12-10T01:02:03.456789Z" && a.province_code === QUEUE_PROVINCE && PROVINCE_VIEWS.resubmitted.includes(a.status as never));
    assert.ok(new Set(tied.map((a) => a.status)).size === 2, "ties across both statuses of the view");
    const q: QueueQuery = { scope: { kind: "province", provinceCode: QUEUE_PROVINCE }, statuses: PROVINCE_VIEWS.resubmitted, userId: seeded.reviewerId };
    const seen = await pageThrough(q, 3);
    const order = tied.map((a) => a.id).sort();
    assert.deepEqual(seen.filter((id) => order.includes(id)), order);
  });
});
