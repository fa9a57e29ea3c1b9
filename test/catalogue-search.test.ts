import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CompiledQuery, sql } from "kysely";
import { countListings, countListingsQuery, listAllListings, listListings, searchWords } from "~/features/catalogue/catalogue.server.ts";
import { foldVietnamese } from "~/platform/db/search-text.ts";
import { seedBenchData } from "../scripts/bench/seed.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";

// Issue 11: the catalogue search reads trigram indexes (migration 2026-12-04T1100_catalogue_trigram) instead of every
// listing. Whatever the index, a search must find exactly what the plain rule finds: every word, accents and case
// folded, in the platform's name or short description or in its enterprise's name, among listed platforms of
// verified enterprises. Here that rule is computed in JS over every listing and compared with the database's answer,
// for words of one, two and three or more letters, in capitals and with accents. On PostgreSQL the plans are checked too.
const onPostgres = Boolean(process.env.DATABASE_URL);
const APPLICATIONS = onPostgres ? 20_000 : 3_000;

let t: TestDb;
let listed: { id: string; text: string; enterprise: string }[];

before(async () => {
  t = await createTestDb();
  // One connection without the app's statement timeout: on a loaded machine one insert of 20,000 rows may take longer.
  await t.db.connection().execute(async (conn) => {
    await sql`set statement_timeout = 0`.execute(conn);
    await seedBenchData(conn, { applications: APPLICATIONS, enterprises: APPLICATIONS / 5, focusShare: 0.3, focusProvince: "79", reviewersPerProvince: 0 });
    await sql`reset statement_timeout`.execute(conn);
  });
  // Some enterprises lose their verification: their platforms leave the catalogue, search included.
  await sql`update enterprises set verification_status = 'unverified' where abs(hashtext(id::text)) % 10 = 0`.execute(t.db);
  await sql`vacuum (analyze) enterprises`.execute(t.db);
  const rows = await sql<{ id: string; name: string; description: string | null; enterprise: string }>`
    select a.id, a.platform_name as name, a.answers #>> '{platform,shortDescription}' as description, e.legal_name as enterprise
      from applications a join enterprises e on e.id = a.enterprise_id
     where a.status = 'recognised' and e.verification_status = 'verified'`.execute(t.db);
  listed = rows.rows.map((r) => ({ id: r.id, text: foldVietnamese(`${r.name} ${r.description ?? ""}`), enterprise: foldVietnamese(r.enterprise) }));
});

after(async () => {
  await t?.close();
});

function expected(q: string): string[] {
  const words = foldVietnamese(q).split(" ").filter(Boolean);
  return listed.filter((l) => words.every((w) => l.text.includes(w) || l.enterprise.includes(w))).map((l) => l.id).sort();
}

const QUERIES = [
  "thuong mai dien tu",
  "THƯƠNG MẠI ĐIỆN TỬ",
  "Thương Mại điện tử",
  "hà nội",
  "HA NOI",
  "cửu long",
  "học trực tuyến",
  "giao duc truc tuyen", // an enterprise name
  "sàn an bình",
  "ai", // two letters: no trigram
  "đ",
  "y",
  "dien toan dam may hong ha",
  "khong-co-nen-tang-nao",
  "100", // no letter: the enterprise name itself
];

describe("catalogue search finds what the folding rule finds", () => {
  test("the database holds listings to search", () => {
    assert.ok(listed.length > 200, `${listed.length} listings`);
  });

  for (const q of QUERIES) {
    test(`"${q}"`, async () => {
      const want = expected(q);
      const got = (await listAllListings({ q })).map((r) => r.id).sort();
      assert.deepEqual(got, want);
      assert.equal(await countListings({ q }), want.length);
      if (want.length > 0) {
        // The same page whether read through the trigram indexes or walking the order (as for a common word).
        const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
        const page = ids(await listListings({ q }, { offset: 0, limit: 20 }));
        assert.equal(page.length, Math.min(20, want.length));
        assert.deepEqual(ids(await listListings({ q }, { offset: 0, limit: 20 }, 1_000_000)), page);
        const newest = ids(await listListings({ q, sort: "newest" }, { offset: 20, limit: 20 }));
        assert.deepEqual(ids(await listListings({ q, sort: "newest" }, { offset: 20, limit: 20 }, 1_000_000)), newest);
      }
    });
  }

  test("accents and case do not change the answer", async () => {
    for (const [a, b] of [
      ["thuong mai dien tu", "THƯƠNG MẠI ĐIỆN TỬ"],
      ["ha noi", "Hà Nội"],
      ["cuu long", "CỬU LONG"],
    ] as const) {
      const ids = async (q: string) => (await listAllListings({ q })).map((r) => r.id).sort();
      const found = await ids(a);
      assert.ok(found.length > 0, a);
      assert.deepEqual(await ids(b), found);
    }
    assert.deepEqual(searchWords("THƯƠNG MẠI"), ["thuong", "mai"]);
  });
});

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

describe("catalogue search plans", { skip: onPostgres ? false : "needs DATABASE_URL (PostgreSQL's plans)" }, () => {
  async function plan(q: { compile(): CompiledQuery }): Promise<PlanNode[]> {
    const compiled = q.compile();
    const result = await t.db.executeQuery<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]));
    return nodes(result.rows[0]!["QUERY PLAN"][0].Plan);
  }

  test("a search counts its matches through the trigram indexes, not by reading every application", async () => {
    for (const q of ["thuong mai dien tu", "hoc truc tuyen", "cuu long"]) {
      const all = await plan(countListingsQuery({ q }));
      const indexes = all.map((n) => n["Index Name"]).filter(Boolean);
      assert.ok(indexes.includes("applications_catalogue_text_trgm"), `${q}: ${JSON.stringify(indexes)}`);
      assert.ok(indexes.includes("applications_catalogue_search_trgm"), `${q}: ${JSON.stringify(indexes)}`);
      assert.ok(!all.some((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"] === "applications"), `${q}: no sequential scan of applications`);
    }
  });

  test("the plain count reads the listings only", async () => {
    const all = await plan(countListingsQuery({}));
    assert.ok(!all.some((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"] === "applications"), JSON.stringify(all.map((n) => n["Node Type"])));
  });
});
