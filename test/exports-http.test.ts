import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "kysely";
import type { User } from "~/platform/db/db-types.ts";
import { completeApplication, DEMO_PLATFORM } from "~/seeds/demo-data.server.ts";
import { createDraft } from "~/features/application/drafts.server.ts";
import { submitApplication } from "~/features/application/commands.server.ts";
import { getApplication } from "~/features/application/queries.server.ts";
import { Client, pageText, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { parseCsv, readXlsx, tableRows } from "./helpers/spreadsheet.ts";
import { enterpriseUser, loginAs, staffUser } from "./helpers/fixtures.ts";
import { PAST_PROVINCE_STATUSES } from "~/features/application/workflow.ts";
import { seedQueues, QUEUE_PROVINCE } from "./helpers/queue-seed.ts";

// Queue downloads (/review/export/…, /ministry/export/…): the page's view, filters and scope, every row (in keyset
// batches, over a seeded queue of a few thousand applications), Vietnamese intact, formulas neutralised.

let t: TestDb;
let app: TestApp;
let ip = 1;
let reviewer79: User;
let reviewer01: User;
let ministry: User;
let admin: User;
let enterprise: User;
const FORMULA = '=HYPERLINK("http://evil.example","Bấm vào đây")';
let formulaRef: string;
let plainRef: string;

async function submitted(province: string, name: string) {
  const { user, enterpriseId } = await enterpriseUser(province);
  const draft = await createDraft(user, enterpriseId, "test");
  await completeApplication(user, draft.id, { ...DEMO_PLATFORM, name });
  await submitApplication(user, draft.id, { requestId: "test" });
  return { user, ref: (await getApplication(draft.id))!.reference! };
}

before(async () => {
  t = await createTestDb();
  await seedQueues(t, 3000);
  reviewer79 = await staffUser("province_reviewer", QUEUE_PROVINCE, undefined, "Nguyễn Thị Hồng");
  reviewer01 = await staffUser("province_reviewer", "04");
  ministry = await staffUser("ministry_reviewer");
  admin = await staffUser("admin");
  const formula = await submitted(QUEUE_PROVINCE, FORMULA);
  formulaRef = formula.ref;
  enterprise = formula.user;
  plainRef = (await submitted(QUEUE_PROVINCE, "Sàn Thương mại điện tử Ấp Bắc – Đồng Tháp")).ref;
  await submitted("04", "Nền tảng Hà Giang");
  app = await startTestApp(t);
});
after(async () => {
  await app?.close();
  await t?.close();
});

async function signIn(user: User, lang?: "en") {
  const c = new Client(app.url, `10.12.${Math.floor(ip / 250)}.${ip++ % 250}`);
  await loginAs(c, user);
  if (lang) await c.post("/lang", { lang });
  return c;
}

async function csvOf(c: Client, path: string) {
  const res = await c.get(path);
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  assert.match(res.headers.get("Content-Type") ?? "", /^text\/csv; charset=utf-8/);
  assert.match(res.headers.get("Content-Disposition") ?? "", /^attachment; filename="ho-so-[\w-]+\.csv"$/);
  assert.match(res.headers.get("Cache-Control") ?? "", /no-store/);
  const bytes = new Uint8Array(await res.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], "UTF-8 byte-order mark");
  return parseCsv(new TextDecoder().decode(bytes.slice(3)));
}

async function xlsxOf(c: Client, path: string) {
  const res = await c.get(path);
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  assert.equal(res.headers.get("Content-Type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  return readXlsx(await res.arrayBuffer());
}

/** How many applications a view of province 79 holds, counted the obvious way. */
async function provinceCount(statuses: readonly string[]) {
  const r = await sql<{ n: number }>`select count(*)::int as n from applications where province_code = ${QUEUE_PROVINCE} and current_version > 0 and status in (${sql.join(statuses)})`.execute(t.db);
  return r.rows[0]!.n;
}

const trimRow = (r: string[]) => {
  const out = [...r];
  while (out.length && out.at(-1) === "") out.pop();
  return out;
};

describe("queue exports", () => {
  test("a province reviewer downloads the whole view as CSV: the page's rows first, every row once, Vietnamese intact, formulas neutralised", async () => {
    const c = await signIn(reviewer79);
    const html = await (await c.get("/review?view=new")).text();
    assert.match(html, /href="\/review\/export\/csv\?view=new"/, "the page links its CSV download");
    assert.match(html, /href="\/review\/export\/xlsx\?view=new"/, "…and its Excel download");
    assert.match(pageText(html), /Tải xuống CSV/);
    assert.match(pageText(html), /Tải xuống Excel/);
    const rows = await csvOf(c, "/review/export/csv?view=new");
    assert.deepEqual(rows[0], ["Mã hồ sơ", "Nền tảng", "Doanh nghiệp", "Trạng thái", "Hạn xử lý", "Quá hạn", "Người thẩm định"]);
    const data = rows.slice(1);
    assert.equal(data.length, await provinceCount(["submitted"]), "every row of the view, not one page");
    assert.equal(new Set(data.map((r) => r[0])).size, data.length, "no row twice");
    // The page's first page is the download's beginning, cell for cell.
    const shown = tableRows(html);
    assert.equal(shown.length, 25);
    for (const [i, cells] of shown.entries()) {
      const [ref, platform, ent, status, due, overdue, assignee] = data[i]!;
      assert.ok(cells[0]!.startsWith(ref!), `row ${i}: ${cells[0]} vs ${ref}`);
      // (The seeded names end in a space the page's markup does not keep.)
      assert.deepEqual([cells[1], cells[2], cells[3]], [platform, ent, status].map((v) => v!.trim()), `row ${i}`);
      assert.ok(cells[4]!.startsWith(due || "—"), `row ${i} due: ${cells[4]} vs ${due}`);
      assert.equal(cells[4]!.includes("Quá hạn"), overdue === "Có", `row ${i} overdue`);
      assert.equal(cells[5], assignee || "—");
    }
    const formula = data.find((r) => r[0] === formulaRef);
    assert.ok(formula, "the application named like a formula is listed");
    assert.equal(formula[1], `'${FORMULA}`, "a cell starting with = is prefixed with '");
    const plain = data.find((r) => r[0] === plainRef)!;
    assert.equal(plain[1], "Sàn Thương mại điện tử Ấp Bắc – Đồng Tháp");
    assert.match(plain[2]!, /^Công ty TNHH Thử nghiệm \d+$/);
    assert.equal(plain[3], "Đã nộp – chờ tiếp nhận");
  });

  test("a view larger than one batch (1,000 rows) comes whole; the Excel file holds the same rows as the CSV", async () => {
    const c = await signIn(reviewer79);
    const csv = await csvOf(c, "/review/export/csv?view=done");
    const xlsx = await xlsxOf(c, "/review/export/xlsx?view=done");
    const expected = await provinceCount(PAST_PROVINCE_STATUSES);
    assert.ok(expected > 0);
    assert.equal(csv.length - 1, expected);
    assert.equal(new Set(csv.slice(1).map((r) => r[0])).size, expected);
    assert.equal(xlsx.sheet.name, "Hồ sơ");
    assert.equal(xlsx.rows.length, csv.length);
    for (const [i, r] of csv.entries()) assert.deepEqual(trimRow(xlsx.rows[i]!), trimRow(r), `row ${i}`);
    const all = await csvOf(c, "/review/export/csv?view=new&q=c%C3%B4ng+ty");
    assert.ok(all.length - 1 > 1000, `a search over every list, more than one batch: ${all.length - 1} rows`);
    assert.equal(new Set(all.slice(1).map((r) => r[0])).size, all.length - 1, "keyset batches neither repeat nor skip");
  });

  test("the Excel file neutralises formulas, keeps Vietnamese and has the viewer's language; filters and search apply", async () => {
    const vi = await signIn(reviewer79);
    const { rows } = await xlsxOf(vi, `/review/export/xlsx?view=new&q=${encodeURIComponent(formulaRef)}`);
    assert.equal(rows.length, 2, "the search narrows the download as it narrows the page");
    assert.equal(rows[1]![0], formulaRef);
    assert.equal(rows[1]![1], `'${FORMULA}`);
    const en = await signIn(reviewer79, "en");
    const english = await csvOf(en, `/review/export/csv?view=new&q=${encodeURIComponent(plainRef)}`);
    assert.deepEqual(english[0], ["Reference", "Platform", "Enterprise", "Status", "Due", "Overdue", "Reviewer"]);
    assert.equal(english[1]![1], "Sàn Thương mại điện tử Ấp Bắc – Đồng Tháp", "data stays as typed");
    assert.equal(english[1]![5], "No");
    const overdue = await csvOf(vi, "/review/export/csv?view=new&overdue=1");
    assert.ok(overdue.slice(1).every((r) => r[5] === "Có"));
  });

  test("a province reviewer exports only their province, whatever the URL says; the ministry exports its views with the province column", async () => {
    const other = await signIn(reviewer01);
    const rows = await csvOf(other, "/review/export/csv?view=new&province=79");
    assert.ok(rows.slice(1).some((r) => r[1] === "Nền tảng Hà Giang"));
    const provinces = await t.db.selectFrom("applications").select("province_code").distinct().where("reference", "in", rows.slice(1).map((r) => r[0]!)).execute();
    assert.deepEqual(provinces.map((p) => p.province_code), ["04"], "the reviewer's own province only, the URL's province ignored");
    const search = await csvOf(other, `/review/export/csv?view=new&q=${encodeURIComponent(formulaRef)}`);
    assert.equal(search.length, 1, "another province's application is not found by its reference either");

    const m = await signIn(ministry);
    const page = await (await m.get("/ministry?view=unstaffed")).text();
    assert.match(page, /href="\/ministry\/export\/csv\?view=unstaffed"/);
    const national = await csvOf(m, "/ministry/export/csv?view=unstaffed");
    assert.deepEqual(national[0], ["Mã hồ sơ", "Nền tảng", "Doanh nghiệp", "Tỉnh", "Trạng thái", "Hạn xử lý", "Quá hạn", "Người thẩm định"]);
    assert.ok(national.length > 1);
    assert.ok(national.slice(1).every((r) => ["01", "48"].includes(r[3]!)), "the unstaffed provinces only");
    const shown = tableRows(page);
    for (const [i, cells] of shown.entries()) assert.equal(cells[3], national[i + 1]![3]);
    const one = await csvOf(m, "/ministry/export/csv?view=unstaffed&province=48");
    assert.ok(one.slice(1).every((r) => r[3] === "48"));
  });

  test("refused: signed out, the enterprise, the administrator, the other stage; an unknown format is 404", async () => {
    const anonymous = new Client(app.url, "10.12.250.1");
    const res = await anonymous.get("/review/export/csv?view=new");
    assert.equal(res.status, 302);
    assert.match(res.headers.get("Location") ?? "", /^\/login/);
    for (const [user, path] of [
      [enterprise, "/review/export/csv"],
      [admin, "/review/export/xlsx"],
      [admin, "/ministry/export/csv"],
      [ministry, "/review/export/csv"],
      [reviewer79, "/ministry/export/xlsx"],
    ] as const) {
      const c = await signIn(user);
      const r = await c.get(path);
      assert.equal(r.status, 403, `${user.role} ${path}: ${r.status}`);
      assert.doesNotMatch(r.headers.get("Content-Type") ?? "", /csv|spreadsheet/);
    }
    const c = await signIn(reviewer79);
    assert.equal((await c.get("/review/export/pdf?view=new")).status, 404);
  });
});
