import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { User } from "~/platform/db/db-types.ts";
import { completeApplication, DEMO_PLATFORM } from "~/seeds/demo-data.server.ts";
import { createDraft } from "~/features/application/drafts.server.ts";
import { submitApplication, withdrawApplication } from "~/features/application/commands.server.ts";
import { getApplication } from "~/features/application/queries.server.ts";
import { transition } from "~/features/application/transition.server.ts";
import { assignApplication, rejectApplication, requestChanges } from "~/features/review/commands.server.ts";
import { DECIDED_OUTCOMES, ENTERPRISE_TURN_STATUSES, REVIEW_DECISION_ACTIONS, STEP_STATUSES, TAKE_ACTIONS } from "~/features/statistics/rules.ts";
import { setClock } from "~/platform/time/clock.ts";
import { addWorkingDays, workingDaysBetween } from "~/platform/time/working-days.ts";
import { Client, pageText, startTestApp, type TestApp } from "./helpers/app.ts";
import { csvSections, readXlsxSheets } from "./helpers/spreadsheet.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, loginAs, staffUser, type StaffUser } from "./helpers/fixtures.ts";

// A small known set of applications moved through the workflow on a pinned clock (09:00 in Hà Nội each time), then
// the exact figures of /staff/statistics per scope. Province A is Hà Nội (01), B is Hồ Chí Minh City (79).
let t: TestDb;
let app: TestApp;
let ip = 1;
const A = "01";
const B = "79";
const at = (day: string, hour = 9) => new Date(`${day}T${String(hour).padStart(2, "0")}:00:00+07:00`);
const NOW = at("2026-12-24"); // a Thursday
const PERIOD = "from=2026-12-01&to=2026-12-24";

let a1: StaffUser, a2: StaffUser, b1: StaffUser, m1: StaffUser, admin: StaffUser;
const ids: Record<string, string> = {};
const owners: Record<string, User> = {};

async function moveTo(day: Date, step: () => Promise<unknown>) {
  setClock(day);
  await step();
}
const lock = async (id: string) => (await getApplication(id))!.lock_version;

async function submitted(name: string, province: string, day: Date) {
  const { user, enterpriseId } = await enterpriseUser(province);
  const draft = await createDraft(user, enterpriseId, "test");
  await completeApplication(user, draft.id, DEMO_PLATFORM);
  await moveTo(day, () => submitApplication(user, draft.id, { requestId: "stats" }));
  ids[name] = draft.id;
  owners[name] = user;
  return { user, id: draft.id };
}
const take = (reviewer: User, name: string, day: Date) =>
  moveTo(day, async () => assignApplication(reviewer, ids[name]!, { assigneeId: reviewer.id, lockVersion: await lock(ids[name]!), noConflict: true }, "stats"));
const forward = (reviewer: User, name: string, day: Date) =>
  moveTo(day, async () =>
    transition({
      applicationId: ids[name]!,
      actor: reviewer,
      action: "forward",
      requestId: "stats",
      // As forwardToMinistry does (its verdict and verification checks are tested in review-http.test.ts).
      apply: async () => ({
        assigned_to: null,
        province_recommendation: "recognise",
        province_summary: "Đạt",
        due_at: addWorkingDays(day, 15),
      }),
    })
  );
const reject = (reviewer: User, name: string, day: Date) =>
  moveTo(day, async () =>
    rejectApplication(
      reviewer,
      ids[name]!,
      {
        lockVersion: await lock(ids[name]!),
        reasons: ["other"],
        note: "Không đạt",
      },
      "stats"
    )
  );
const askChanges = (reviewer: User, name: string, day: Date) =>
  moveTo(day, async () =>
    requestChanges(
      reviewer,
      ids[name]!,
      {
        lockVersion: await lock(ids[name]!),
        items: [{ target: "section:platform", note: "Bổ sung" }],
        replyBy: "",
        message: "",
      },
      "stats"
    )
  );

before(async () => {
  t = await createTestDb();
  app = await startTestApp(t);
  a1 = await staffUser("province_reviewer", A, undefined, "Cán bộ A1");
  a2 = await staffUser("province_reviewer", A, undefined, "Cán bộ A2");
  b1 = await staffUser("province_reviewer", B, undefined, "Cán bộ B1");
  m1 = await staffUser("ministry_reviewer", null, undefined, "Cán bộ Bộ M1");
  admin = await staffUser("admin");

  // app6, app8: submitted in November (before the period).
  await submitted("app6", A, at("2026-11-30"));
  await submitted("app8", A, at("2026-11-30"));
  await take(a2, "app8", at("2026-12-01"));
  await take(a1, "app6", at("2026-12-02"));
  // app1: submitted, taken, forwarded on time, taken by the ministry, recognised.
  await submitted("app1", A, at("2026-12-07"));
  // app2: taken within the hour, changes asked, answered, rejected on time.
  const two = await submitted("app2", A, at("2026-12-07"));
  await take(a2, "app2", at("2026-12-07", 10));
  // app7: taken, waiting for the enterprise since.
  await submitted("app7", A, at("2026-12-07"));
  // app4: province B, taken, past its deadline now.
  await submitted("app4", B, at("2026-12-07"));
  await take(a1, "app1", at("2026-12-08"));
  await take(a1, "app7", at("2026-12-08"));
  await take(b1, "app4", at("2026-12-08"));
  // app3: submitted, never taken, past its deadline now.
  await submitted("app3", A, at("2026-12-08"));
  await askChanges(a2, "app2", at("2026-12-09"));
  await askChanges(a1, "app7", at("2026-12-10"));
  await forward(a1, "app1", at("2026-12-11"));
  await moveTo(at("2026-12-14"), async () =>
    transition({
      applicationId: ids.app2!,
      actor: two.user,
      action: "resubmit",
      requestId: "stats",
      // As submitApplication does for a resubmission: the deadline resumes with what was left.
      apply: async (_trx, a) => ({
        due_at: addWorkingDays(at("2026-12-14"), a.sla_remaining_days ?? 10),
        sla_remaining_days: null,
      }),
    })
  );
  await take(m1, "app1", at("2026-12-14"));
  await reject(a1, "app6", at("2026-12-15")); // late: due 14 December
  await reject(a2, "app2", at("2026-12-16")); // on time: due 24 December
  await moveTo(at("2026-12-16"), () =>
    transition({
      applicationId: ids.app1!,
      actor: m1,
      action: "recognise",
      requestId: "stats",
      apply: async () => ({
        decision_number: "12/QĐ-BKHCN",
        decision_date: "2026-12-16",
        due_at: null,
      }),
    })
  );
  setClock(NOW);
});

after(async () => {
  setClock(null);
  await app.close();
  await t.close();
});

async function signIn(user: User) {
  const c = new Client(app.url, `10.88.${Math.floor(ip / 250)}.${ip++ % 250}`);
  await loginAs(c, user);
  return c;
}

const cells = (row: string) => [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]!);
/** The cells after the label of the row marked data-<attr>="<key>". */
function row(html: string, attr: string, key: string): string[] {
  const m = html.match(new RegExp(`<tr data-${attr}="${key}">([\\s\\S]*?)</tr>`));
  assert.ok(m, `no row data-${attr}="${key}"`);
  return cells(m[1]!).slice(1);
}
const overview = (html: string) =>
  Object.fromEntries(
    ["received", "inReview", "waiting", "overdue", ...DECIDED_OUTCOMES.map((s) => `decided-${s}`), "onTime"].map((k) => [k, row(html, "figure", k)[0]])
  );
const steps = (html: string) => Object.fromEntries(STEP_STATUSES.map((s) => [s, row(html, "step", s)]));

async function page(c: Client, query: string) {
  const res = await c.get(`/staff/statistics${query ? `?${query}` : ""}`);
  return {
    status: res.status,
    html: await res.text(),
    location: res.headers.get("Location"),
  };
}

describe("staff statistics: what is counted comes from the workflow table", () => {
  test("the derived sets", () => {
    assert.deepEqual(ENTERPRISE_TURN_STATUSES, ["changes_requested"]);
    assert.deepEqual([...DECIDED_OUTCOMES].sort(), ["recognised", "rejected", "withdrawn"]);
    assert.deepEqual([...TAKE_ACTIONS].sort(), ["take", "take_ministry"]);
    assert.deepEqual([...REVIEW_DECISION_ACTIONS].sort(), ["forward", "recognise", "reject_ministry", "reject_province", "return_to_province"]);
    // The test's working-day arithmetic, checked once against the calendar.
    assert.equal(workingDaysBetween(at("2026-12-02"), at("2026-12-15")), 9);
    assert.equal(workingDaysBetween(at("2026-12-07", 10), at("2026-12-09")), 1);
  });
});

describe("staff statistics: the figures per scope", () => {
  test("province A's reviewer: their province only, exact counts, medians in working days, on-time share, workload", async () => {
    const c = await signIn(a1);
    const { status, html } = await page(c, PERIOD);
    assert.equal(status, 200);
    assert.deepEqual(overview(html), {
      received: "4", // app1, app2, app3, app7 (app6 and app8 came in November)
      inReview: "2", // app3 waiting to be taken, app8 in review
      waiting: "1", // app7
      overdue: "2", // app3 (due 22 December), app8 (due 14 December)
      "decided-recognised": "1",
      "decided-rejected": "2",
      "decided-withdrawn": "0",
      onTime: "75% (3/4)", // forward and recognition of app1, rejection of app2 on time; app6's rejection late
    });
    assert.deepEqual(steps(html), {
      submitted: ["5", "1,0"], // 0, 1, 1, 1, 2 working days
      in_provincial_review: ["5", "2,0"], // 1, 2, 2, 3, 9
      changes_requested: ["1", "3,0"],
      resubmitted: ["0", "—"],
      forwarded: ["1", "1,0"],
      in_ministry_review: ["1", "2,0"],
      returned_to_province: ["0", "—"],
    });
    assert.deepEqual(row(html, "reviewer", a1.id), ["3", "1", "2"]); // took app6, app1, app7; app7 open; forwarded app1, rejected app6
    assert.deepEqual(row(html, "reviewer", a2.id), ["2", "1", "1"]);
    assert.ok(!html.includes(b1.id), "no reviewer of another province");
    assert.ok(!html.includes('data-province="'), "no table of provinces for one province");
    // Charts are server-rendered SVG with their numbers in the tables.
    const svgs = html.match(/<svg class="chart"[\s\S]*?<\/svg>/g) ?? [];
    assert.ok(svgs.length >= 3, `${svgs.length} charts`);
    for (const svg of svgs) assert.match(svg, /role="img"[\s\S]*<title id="[^"]+">[^<]+<\/title><desc id="[^"]+">[^<]+<\/desc>/);
  });

  test("a province reviewer cannot see another province, even by asking for it", async () => {
    const c = await signIn(a1);
    const mine = await page(c, PERIOD);
    const asked = await page(c, `${PERIOD}&province=${B}`);
    assert.equal(asked.status, 200);
    assert.deepEqual(overview(asked.html), overview(mine.html), "?province is ignored for a province reviewer");
    assert.ok(!asked.html.includes('name="province"'), "no province choice");
    const other = await signIn(b1);
    const b = await page(other, PERIOD);
    assert.deepEqual(overview(b.html), {
      received: "1",
      inReview: "1",
      waiting: "0",
      overdue: "1",
      "decided-recognised": "0",
      "decided-rejected": "0",
      "decided-withdrawn": "0",
      onTime: "—",
    });
    assert.deepEqual(row(b.html, "reviewer", b1.id), ["1", "1", "0"]);
    assert.ok(!b.html.includes(a1.id));
  });

  test("the ministry: the whole country with a row per province, its reviewers' workload, and one province on request", async () => {
    const c = await signIn(m1);
    const all = await page(c, PERIOD);
    assert.equal(all.status, 200);
    assert.deepEqual(overview(all.html), {
      received: "5",
      inReview: "3",
      waiting: "1",
      overdue: "3",
      "decided-recognised": "1",
      "decided-rejected": "2",
      "decided-withdrawn": "0",
      onTime: "75% (3/4)",
    });
    assert.deepEqual(row(all.html, "step", "submitted"), ["6", "1,0"]);
    assert.deepEqual(row(all.html, "province", A), ["4", "2", "1", "2", "3", "75% (3/4)"]);
    assert.deepEqual(row(all.html, "province", B), ["1", "1", "0", "1", "0", "—"]);
    assert.deepEqual(row(all.html, "reviewer", m1.id), ["1", "0", "1"]);
    const one = await page(c, `${PERIOD}&province=${B}`);
    assert.equal(one.status, 200);
    assert.equal(overview(one.html).received, "1");
    assert.deepEqual(row(one.html, "reviewer", b1.id), ["1", "1", "0"]);
    const provinceA = await page(c, `${PERIOD}&province=${A}`);
    assert.deepEqual(row(provinceA.html, "reviewer", a1.id), ["3", "1", "2"]);
    // A province that does not exist is a field error, not a silent national view.
    const bad = await page(c, `${PERIOD}&province=99`);
    assert.equal(bad.status, 400);
    assert.match(bad.html, /error-summary/);
    assert.ok(bad.html.includes("Chọn một tỉnh, thành phố trong danh sách"));
  });

  test("an administrator sees the whole country; enterprises are refused, visitors sent to sign in", async () => {
    const c = await signIn(admin);
    const res = await page(c, PERIOD);
    assert.equal(res.status, 200);
    assert.equal(overview(res.html).received, "5");
    const { user } = await enterpriseUser(A);
    assert.equal((await page(await signIn(user), "")).status, 403);
    const visitor = await page(new Client(app.url, "10.88.250.1"), "");
    assert.equal(visitor.status, 302);
    assert.match(visitor.location ?? "", /^\/login\?redirectTo=%2Fstaff%2Fstatistics/);
  });

  test("the navigation links staff to the page", async () => {
    for (const user of [a1, m1, admin]) assert.ok((await page(await signIn(user), "")).html.includes('href="/staff/statistics"'));
    const c = await signIn(a1);
    const vi = await page(c, PERIOD);
    assert.match(vi.html, /<h1 class="heading-l"><span class="caption">Thành phố Hà Nội<\/span>Thống kê nghiệp vụ<\/h1>/);
    assert.equal((await c.post("/lang", { lang: "en", redirectTo: "/staff/statistics" })).status, 302);
    const en = await page(c, PERIOD);
    assert.equal(en.status, 200);
    assert.match(en.html, /<h1 class="heading-l"><span class="caption">Ha Noi City<\/span>Staff statistics<\/h1>/);
    assert.ok(en.html.includes("Decided in the period: Recognised"), "English texts");
  });
});

describe("staff statistics: the period", () => {
  test("a later start leaves out what came before; November has the two November submissions; the default is this month", async () => {
    const c = await signIn(a1);
    const late = await page(c, "from=2026-12-10&to=2026-12-24");
    assert.deepEqual(overview(late.html), {
      received: "0",
      inReview: "2",
      waiting: "1",
      overdue: "2",
      "decided-recognised": "1",
      "decided-rejected": "2",
      "decided-withdrawn": "0",
      onTime: "75% (3/4)",
    });
    assert.deepEqual(row(late.html, "step", "submitted"), ["0", "—"]);
    assert.deepEqual(row(late.html, "step", "in_provincial_review"), ["4", "2,5"]); // 2, 2, 3, 9
    assert.deepEqual(row(late.html, "reviewer", a1.id), ["0", "1", "2"]);
    const november = await page(c, "from=2026-11-01&to=2026-11-30");
    assert.equal(overview(november.html).received, "2");
    assert.equal(overview(november.html)["decided-rejected"], "0");
    const byDefault = await page(c, "");
    assert.deepEqual(overview(byDefault.html), overview((await page(c, PERIOD)).html), "1 December to today");
    assert.match(byDefault.html, /id="period"/);
    assert.match(byDefault.html, /name="from" type="date"[^>]*value="2026-12-01"/, "the form shows the period used");
    assert.match(byDefault.html, /name="to" type="date"[^>]*value="2026-12-24"/);
  });

  test("bad dates answer 400 with an error summary and the values kept, never a 5xx", async () => {
    const c = await signIn(a1);
    for (const [query, message] of [
      ["from=2026-02-30&to=2026-12-24", "Nhập ngày theo định dạng đúng"],
      ["from=hôm+qua", "Nhập ngày theo định dạng đúng"],
      ["from=2026-12-20&to=2026-12-10", "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu"],
      ["to=2026-12-25", "Đến ngày không được sau ngày hôm nay"],
      ["from=%3Cscript%3E&to=%00", ""],
    ] as const) {
      const res = await page(c, query);
      assert.equal(res.status, 400, query);
      assert.match(res.html, /class="error-summary"/, query);
      if (message) assert.ok(res.html.includes(message), `${query}: ${message}`);
      assert.ok(!res.html.includes('id="period"'), `${query}: no figures`);
    }
    const kept = await page(c, "from=2026-02-30&to=2026-12-24");
    assert.match(kept.html, /name="from" type="date"[^>]*value="2026-02-30"|value="2026-02-30"[^>]*name="from"/);
    assert.match(kept.html, /value="2026-12-24"/);
    assert.equal((await c.post("/lang", { lang: "en", redirectTo: "/staff/statistics" })).status, 302);
    const en = await page(c, "from=2026-02-30");
    assert.equal(en.status, 400);
    assert.ok(en.html.includes("Enter a real date"));
  });
});

describe("staff statistics: figures follow the workflow", () => {
  test("a change of today shows at once; an ended period keeps its figures", async () => {
    const c = await signIn(a1);
    const november = overview((await page(c, "from=2026-11-01&to=2026-11-30")).html);
    assert.equal(overview((await page(c, PERIOD)).html)["decided-withdrawn"], "0");
    await withdrawApplication(owners.app3!, ids.app3!, { lockVersion: await lock(ids.app3!) }, "stats");
    const after = overview((await page(c, PERIOD)).html);
    assert.equal(after["decided-withdrawn"], "1");
    assert.equal(after.inReview, "1");
    assert.equal(after.overdue, "1");
    // November's figures, except what is true now (in review, overdue), are November's.
    const later = overview((await page(c, "from=2026-11-01&to=2026-11-30")).html);
    assert.deepEqual({ ...later, inReview: november.inReview, overdue: november.overdue }, november);
  });
});

describe("staff statistics: the downloads (CSV, Excel) are the page's tables", () => {
  /** The page's rows of one table (marked data-<attr>), every cell as a person reads it. */
  const pageRows = (html: string, attr: string) =>
    [...html.matchAll(new RegExp(`<tr data-${attr}="[^"]*">([\\s\\S]*?)</tr>`, "g"))].map((m) =>
      [...m[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => pageText(c[1]!).trim())
    );
  /** The page's tables, in the page's order, as the downloads should hold them. */
  const pageTables = (html: string) =>
    [["figure"], ["step"], ...(html.includes('data-province="') ? [["province"]] : []), ["reviewer"]].map(([attr]) => pageRows(html, attr!));
  const download = (c: Client, format: string, query: string) => c.get(`/staff/statistics/export/${format}${query ? `?${query}` : ""}`);

  test("a province reviewer's CSV: UTF-8 with a byte-order mark, one section per table, the page's figures, their province whatever is asked", async () => {
    const c = await signIn(a1);
    const { html } = await page(c, PERIOD);
    assert.ok(html.includes(`href="/staff/statistics/export/csv?${PERIOD.replace("&", "&amp;")}"`), "a plain link with the period");
    assert.ok(html.includes(`href="/staff/statistics/export/xlsx?${PERIOD.replace("&", "&amp;")}"`));
    const res = await download(c, "csv", PERIOD);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("Content-Type") ?? "", /^text\/csv; charset=utf-8/);
    assert.match(res.headers.get("Content-Disposition") ?? "", /attachment; filename="thong-ke-01-2026-12-01-2026-12-24\.csv"/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], "byte-order mark");
    const text = new TextDecoder().decode(bytes);
    const sections = csvSections(text);
    assert.deepEqual(
      sections.map((s) => s.title),
      ["Tổng quan", "Thời gian từng bước", "Khối lượng công việc"],
      "no table of provinces for one province"
    );
    assert.deepEqual(sections[0]!.headers, ["Chỉ tiêu", "Số hồ sơ"]);
    assert.deepEqual(sections[0]!.rows.slice(0, 3), [
      ["Tỉnh, thành phố", "Thành phố Hà Nội"],
      ["Từ ngày", "1/12/2026"],
      ["Đến ngày", "24/12/2026"],
    ]);
    const [overviewRows, ...rest] = pageTables(html);
    assert.deepEqual([sections[0]!.rows.slice(3), ...sections.slice(1).map((s) => s.rows)], [overviewRows, ...rest]);
    // The page's numbers as the page writes them (the withdrawal of the test before added a stay to the first step).
    assert.equal(sections[1]!.rows[0]![0], "Đã nộp – chờ tiếp nhận");
    assert.ok(sections[1]!.rows.some((r) => /^\d+,\d$/.test(r[2]!)), "Vietnamese decimal comma");
    assert.ok(!text.includes("Cán bộ B1"), "no reviewer of another province");
    // ?province is ignored for a province reviewer, as on the page.
    const asked = await download(c, "csv", `${PERIOD}&province=${B}`);
    assert.equal(asked.status, 200);
    assert.equal(await asked.text(), text.replace(/^\uFEFF/, ""));
  });

  test("the ministry's Excel file: a sheet per table with the national figures and a row per province; one province on request", async () => {
    const c = await signIn(m1);
    const all = await page(c, PERIOD);
    const res = await download(c, "xlsx", PERIOD);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("Content-Type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert.match(res.headers.get("Content-Disposition") ?? "", /filename="thong-ke-toan-quoc-2026-12-01-2026-12-24\.xlsx"/);
    const sheets = await readXlsxSheets(await res.arrayBuffer());
    assert.deepEqual(
      sheets.map((s) => s.name),
      ["Tổng quan", "Thời gian từng bước", "Theo tỉnh, thành phố", "Khối lượng công việc"]
    );
    assert.ok(sheets.every((s) => s.allText), "every cell is text");
    assert.deepEqual(sheets[0]!.rows.slice(0, 2), [
      ["Chỉ tiêu", "Số hồ sơ"],
      ["Tỉnh, thành phố", "Toàn quốc"],
    ]);
    const [overviewRows, ...rest] = pageTables(all.html);
    assert.deepEqual([sheets[0]!.rows.slice(4), ...sheets.slice(1).map((s) => s.rows.slice(1))], [overviewRows, ...rest]);
    assert.deepEqual(sheets[2]!.rows.slice(1).map((r) => r[1]), ["4", "1"], "received in Hà Nội, then Hồ Chí Minh City");
    const one = await download(c, "xlsx", `${PERIOD}&province=${B}`);
    assert.equal(one.status, 200);
    assert.match(one.headers.get("Content-Disposition") ?? "", /filename="thong-ke-79-/);
    const b = await readXlsxSheets(await one.arrayBuffer());
    assert.equal(b.length, 3, "no table of provinces for one province");
    const onePage = await page(c, `${PERIOD}&province=${B}`);
    assert.deepEqual(b[0]!.rows.slice(4), pageTables(onePage.html)[0]);
    assert.deepEqual(b[2]!.rows.slice(1), pageTables(onePage.html)[2]);
    assert.equal(b[2]!.rows[1]![0], "Cán bộ B1");
  });

  test("who may download: as the page; bad dates and an unknown province are 400, an unknown format 404", async () => {
    assert.equal((await download(await signIn(admin), "csv", PERIOD)).status, 200);
    const { user } = await enterpriseUser(A);
    assert.equal((await download(await signIn(user), "csv", PERIOD)).status, 403);
    const visitor = await download(new Client(app.url, "10.88.250.2"), "xlsx", PERIOD);
    assert.equal(visitor.status, 302);
    const c = await signIn(a1);
    for (const format of ["csv", "xlsx"])
      for (const query of ["from=2026-02-30&to=2026-12-24", "from=hôm+qua", "from=2026-12-20&to=2026-12-10", "to=2026-12-25", "from=%3Cscript%3E&to=%00"]) {
        const res = await download(c, format, query);
        assert.equal(res.status, 400, `${format} ${query}`);
        assert.doesNotMatch(res.headers.get("Content-Disposition") ?? "", /attachment/);
      }
    assert.equal((await download(await signIn(m1), "csv", `${PERIOD}&province=99`)).status, 400);
    assert.equal((await download(c, "pdf", PERIOD)).status, 404);
  });

  test("headers in the viewer's language; a cell that would be a formula is written as text", async () => {
    const c = await signIn(a1);
    assert.equal((await c.post("/lang", { lang: "en", redirectTo: "/staff/statistics" })).status, 302);
    const en = csvSections(await (await download(c, "csv", PERIOD)).text());
    assert.deepEqual(en.map((s) => s.title), ["Overview", "Step times", "Workload"]);
    assert.equal(en[0]!.rows[0]![1], "Ha Noi City");
    const enPage = pageTables((await page(c, PERIOD)).html);
    assert.deepEqual([en[0]!.rows.slice(3), en[1]!.rows, en[2]!.rows], enPage);
    assert.equal(en[1]!.rows[0]![0], "Submitted – awaiting receipt");
    assert.ok(en[1]!.rows.some((r) => /^\d+\.\d$/.test(r[2]!)), "English digits");
    assert.deepEqual(en[0]!.headers, ["Figure", "Applications"]);
    await staffUser("province_reviewer", A, undefined, "=HYPERLINK(\"http://x\",\"A\")");
    const csv = csvSections(await (await download(c, "csv", PERIOD)).text());
    assert.ok(csv[2]!.rows.some((r) => r[0] === "'=HYPERLINK(\"http://x\",\"A\")"), "CSV: prefixed");
    const xlsx = await readXlsxSheets(await (await download(c, "xlsx", PERIOD)).arrayBuffer());
    assert.ok(xlsx[2]!.rows.some((r) => r[0] === "'=HYPERLINK(\"http://x\",\"A\")"), "Excel: prefixed text");
    assert.ok(xlsx.every((s) => s.allText));
  });
});
