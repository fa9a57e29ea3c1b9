import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CompiledQuery, sql } from "kysely";
import { countQueueQuery, listQueueQuery, MINISTRY_VIEWS, PROVINCE_VIEWS, queueRanges, type QueueQuery } from "~/features/review/queues.server.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { cursorOf, QUEUE_PROVINCE, seedQueues } from "./helpers/queue-seed.ts";

// Issue 11: the last page of a view of several statuses walked every remaining row of the province (1 s at a million
// applications), and a search that matched nothing read them all. What a page reads must not grow with the table:
// here, the rows PostgreSQL's plan touches in applications (returned, plus removed by a filter or a recheck) stay
// within a page per range whatever the depth. PostgreSQL only: PGlite's planner is the same code, but the plans
// that matter are the server's.
const onPostgres = Boolean(process.env.DATABASE_URL);

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Index Recheck"?: number;
  Plans?: PlanNode[];
}

/** Rows the plan read from applications (or its indexes), and the node types that read it. */
function applicationReads(plan: PlanNode): { rows: number; nodes: string[] } {
  let rows = 0;
  const nodes: string[] = [];
  const walk = (n: PlanNode) => {
    if (n["Relation Name"] === "applications") {
      nodes.push(n["Node Type"]);
      const loops = n["Actual Loops"] ?? 1;
      rows += ((n["Actual Rows"] ?? 0) + (n["Rows Removed by Filter"] ?? 0) + (n["Rows Removed by Index Recheck"] ?? 0)) * loops;
    }
    for (const child of n.Plans ?? []) walk(child);
  };
  walk(plan);
  return { rows, nodes };
}

describe("queue plans", { skip: onPostgres ? false : "needs DATABASE_URL (PostgreSQL's plans)" }, () => {
  let t: TestDb;
  let seeded: Awaited<ReturnType<typeof seedQueues>>;
  before(async () => {
    t = await createTestDb();
    seeded = await seedQueues(t, 20_000);
  });
  after(async () => {
    await t?.close();
  });

  async function explain(query: { compile(): CompiledQuery }): Promise<PlanNode> {
    const compiled = query.compile();
    const result = await t.db.executeQuery<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
      CompiledQuery.raw(`explain (analyze, buffers, format json) ${compiled.sql}`, [...compiled.parameters]),
    );
    return result.rows[0]!["QUERY PLAN"][0].Plan;
  }

  /** A cursor 10 rows before the end of the view: its last page. */
  async function lastPageCursor(q: QueueQuery): Promise<string | undefined> {
    const all = await listQueueQuery(await queueRanges(q), undefined, 1_000_000).execute();
    const row = all.at(-11);
    return row ? cursorOf(row) : undefined;
  }

  const cases = (): [string, QueueQuery][] => {
    const province = { kind: "province" as const, provinceCode: QUEUE_PROVINCE };
    const searchStatuses = [...new Set(Object.values(PROVINCE_VIEWS).flat())];
    return [
      ...Object.entries(PROVINCE_VIEWS).map(([view, statuses]): [string, QueueQuery] => [`province ${view}`, { scope: province, statuses, userId: seeded.reviewerId, mineOnly: view === "mine" }]),
      ...Object.entries(MINISTRY_VIEWS).map(([view, statuses]): [string, QueueQuery] => [
        `ministry ${view}`,
        { scope: { kind: "ministry", unstaffed: view === "unstaffed" }, statuses, userId: seeded.ministryId, mineOnly: view === "mine" },
      ]),
      ["ministry done in 79", { scope: { kind: "ministry", provinceCode: QUEUE_PROVINCE }, statuses: MINISTRY_VIEWS.done, userId: seeded.ministryId }],
      ["search with no match", { scope: province, statuses: searchStatuses, userId: seeded.reviewerId, search: "không có nền tảng này" }],
    ];
  };

  test("the first and the last page of every view, and a search that matches nothing, read about a page per range", async () => {
    const size = await sql<{ n: number }>`select count(*)::int as n from applications where province_code = ${QUEUE_PROVINCE}`.execute(t.db);
    assert.ok(size.rows[0]!.n > 10_000, "a province big enough for a walk to show");
    for (const [name, q] of cases()) {
      const ranges = await queueRanges(q);
      const bound = ranges.length * 26 + 30;
      const last = await lastPageCursor(q);
      if (q.search) assert.equal(last, undefined, `${name}: matches nothing`);
      else assert.ok(last, `${name}: has more than a page`);
      for (const [page, after] of [["first", undefined], ["last", last]] as const) {
        const reads = applicationReads(await explain(listQueueQuery(ranges, after)));
        assert.ok(!reads.nodes.includes("Seq Scan"), `${name}, ${page} page: ${reads.nodes.join(", ")}`);
        assert.ok(reads.rows <= bound, `${name}, ${page} page read ${reads.rows} rows of applications (bound ${bound})`);
      }
    }
  });

  test("a count reads at most the cap, from the indexes, for every view and a search that matches nothing", async () => {
    for (const [name, q] of cases()) {
      const reads = applicationReads(await explain(countQueueQuery(await queueRanges(q))));
      assert.ok(!reads.nodes.includes("Seq Scan"), `${name}: ${reads.nodes.join(", ")}`);
      assert.ok(reads.rows <= 1001 + 30, `${name}: the count read ${reads.rows} rows of applications`);
    }
  });
});
