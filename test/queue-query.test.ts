import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { countQueueQuery, PROVINCE_VIEWS, MINISTRY_VIEWS, type QueueQuery } from "~/features/review/queues.server.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";

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
