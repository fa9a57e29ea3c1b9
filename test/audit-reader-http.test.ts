import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "kysely";
import type { User } from "~/platform/db/db-types.ts";
import { completeApplication, DEMO_PLATFORM } from "~/seeds/demo-data.server.ts";
import { createDraft } from "~/features/application/drafts.server.ts";
import { submitApplication } from "~/features/application/commands.server.ts";
import { getApplication } from "~/features/application/queries.server.ts";
import { criteriaItems, getCriteria } from "~/features/application/criteria.server.ts";
import { recordAudit } from "~/platform/db/audit.server.ts";
import { Client, pageText, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { parseCsv, readXlsx, tableRows } from "./helpers/spreadsheet.ts";
import { enterpriseUser, loginAs, staffUser, uniqueEmail } from "./helpers/fixtures.ts";

// The audit reader of one application (/review/:id/audit, /ministry/:id/audit) and the administrators' log
// (/admin/audit: filters, pages, downloads, the hash-chain check).

let t: TestDb;
let app: TestApp;
let ip = 1;
let reviewerA: User;
let reviewerB: User;
let reviewerOther: User;
let ministry: User;
let admin: User;
let admin2: User;
let enterprise: User;
let appId: string;
let reference: string;
let enterpriseId: string;

async function signIn(user: User) {
  const c = new Client(app.url, `10.13.${Math.floor(ip / 250)}.${ip++ % 250}`);
  await loginAs(c, user);
  return c;
}

const lock = async (id: string) => String((await getApplication(id))!.lock_version);

/** Changes an audit row as only the schema owner could (the append-only guard switched off), or puts it back. */
async function asOwner(statement: string) {
  await t.db.transaction().execute(async (trx) => {
    await sql.raw("alter table audit_events disable trigger audit_events_no_update").execute(trx);
    await sql.raw(statement).execute(trx);
    await sql.raw("alter table audit_events enable trigger audit_events_no_update").execute(trx);
  });
}

before(async () => {
  t = await createTestDb();
  app = await startTestApp(t);
  reviewerA = await staffUser("province_reviewer", "79", undefined, "Lê Thị Thu Hà");
  reviewerB = await staffUser("province_reviewer", "79", undefined, "Phạm Văn Đức");
  reviewerOther = await staffUser("province_reviewer", "04", undefined, "Cán bộ Tuyên Quang");
  ministry = await staffUser("ministry_reviewer", null, undefined, "Võ Minh Bộ");
  admin = await staffUser("admin", null, undefined, "Quản trị Một");
  admin2 = await staffUser("admin", null, uniqueEmail("admin2"), "=2+5");
  const e = await enterpriseUser("79");
  enterprise = e.user;
  enterpriseId = e.enterpriseId;
  const draft = await createDraft(enterprise, e.enterpriseId, "test");
  await completeApplication(enterprise, draft.id, DEMO_PLATFORM);
  await submitApplication(enterprise, draft.id, { requestId: "test" });
  appId = draft.id;
  reference = (await getApplication(appId))!.reference!;
});
after(async () => {
  await app?.close();
  await t?.close();
});

describe("the audit reader of an application", () => {
  test("the province sees every event of its own work with names and details, the enterprise's steps under its name, and the emails", async () => {
    const a = await signIn(reviewerA);
    let res = await a.post(`/review/${appId}`, { intent: "assign", lockVersion: await lock(appId), assigneeId: reviewerB.id });
    assert.equal(res.status, 302);
    res = await a.post(`/review/${appId}`, { intent: "take", lockVersion: await lock(appId), declaration: "none" });
    assert.equal(res.status, 302);
    const item = criteriaItems(await getCriteria((await getApplication(appId))!.criteria_set_id))[0]!;
    res = await a.post(`/review/${appId}`, { intent: "verdict", lockVersion: await lock(appId), criterionKey: item.key, verdict: "not_met", note: "Thiếu số liệu" });
    assert.equal(res.status, 302);
    res = await a.post(`/review/${appId}`, { intent: "note", body: "Đã gọi điện cho doanh nghiệp" });
    assert.equal(res.status, 302);
    // The enterprise record's verification is part of the trail (recorded as verifyEnterprise records it).
    await recordAudit(t.db, { actorUserId: reviewerA.id, actorRole: "province_reviewer", provinceCode: "79", action: "enterprise.verified", entityType: "enterprise", entityId: enterpriseId, fromState: "unverified", toState: "verified" });

    const review = await (await a.get(`/review/${appId}`)).text();
    assert.match(review, new RegExp(`href="/review/${appId}/audit"`), "the review page links its audit trail");
    res = await a.get(`/review/${appId}/audit`);
    assert.equal(res.status, 200);
    const html = await res.text();
    const text = pageText(html);
    assert.match(text, new RegExp(`Nhật ký hồ sơ ${reference}`));
    const rows = tableRows(html);
    const actions = rows.map((r) => r[3]);
    for (const expected of ["Xác minh doanh nghiệp", "Tạo hồ sơ", "Nộp hồ sơ", "Sở bắt đầu thẩm định", "Phân công người thẩm định", "Ghi kết quả thẩm định một tiêu chí", "Thêm ghi chú nội bộ", "Gửi thư điện tử"])
      assert.ok(actions.includes(expected), `${expected} in ${actions.join(" | ")}`);
    const start = rows.find((r) => r[3] === "Sở bắt đầu thẩm định")!;
    assert.equal(start[1], "Lê Thị Thu Hà");
    assert.equal(start[2], "Cán bộ thẩm định cấp tỉnh");
    assert.match(start[4]!, /Trạng thái: Đã nộp – chờ tiếp nhận → Đang thẩm định tại Sở/);
    assert.match(start[4]!, /Người được giao: Phạm Văn Đức/);
    assert.equal(rows.find((r) => r[3] === "Xác minh doanh nghiệp")![1], "Lê Thị Thu Hà");
    const verdict = rows.find((r) => r[3] === "Ghi kết quả thẩm định một tiêu chí")!;
    assert.match(verdict[4]!, /Tiêu chí 1\. .*: Không đáp ứng/);
    const submit = rows.find((r) => r[3] === "Nộp hồ sơ")!;
    assert.match(submit[1]!, /^Công ty TNHH Thử nghiệm \d+$/, "the enterprise acts under its name, not its person's");
    assert.equal(submit[2], "Doanh nghiệp");
    assert.ok(rows.some((r) => r[3] === "Gửi thư điện tử" && r[4]!.includes(reviewerB.email)), "the assignment email to B");
    // Oldest first.
    const times = [...html.matchAll(/<time dateTime="([^"]+)"/g)].map((m) => m[1]!);
    assert.deepEqual([...times].sort(), times);
  });

  test("the ministry, once the application reached it, sees the province's steps under the department's name, not its working events", async () => {
    const m = await signIn(ministry);
    assert.equal((await m.get(`/ministry/${appId}/audit`)).status, 404, "not before it reached the ministry");
    await sql`update applications set reached_ministry_at = now() where id = ${appId}::uuid`.execute(t.db);
    const res = await m.get(`/ministry/${appId}/audit`);
    assert.equal(res.status, 200);
    const html = await res.text();
    const rows = tableRows(html);
    const start = rows.find((r) => r[3] === "Sở bắt đầu thẩm định");
    assert.ok(start);
    assert.match(start[1]!, /^Sở Khoa học và Công nghệ/);
    const text = pageText(html);
    assert.doesNotMatch(text, /Lê Thị Thu Hà|Phạm Văn Đức/, "people of the province are not named to the ministry");
    assert.doesNotMatch(text, /Thêm ghi chú nội bộ|Ghi kết quả thẩm định một tiêu chí/, "the province's own working events stay with it");
    assert.doesNotMatch(text, new RegExp(reviewerB.email), "nor the emails between its people");
  });

  test("refused: another province (404), the enterprise and the administrator (403), signed out (sign-in), a bad id (404)", async () => {
    const other = await signIn(reviewerOther);
    assert.equal((await other.get(`/review/${appId}/audit`)).status, 404);
    assert.equal((await (await signIn(enterprise)).get(`/review/${appId}/audit`)).status, 403);
    assert.equal((await (await signIn(admin)).get(`/ministry/${appId}/audit`)).status, 403);
    const anonymous = await new Client(app.url, "10.13.250.1").get(`/review/${appId}/audit`);
    assert.equal(anonymous.status, 302);
    const a = await signIn(reviewerA);
    assert.equal((await a.get("/review/not-a-uuid/audit")).status, 404);
    assert.equal((await a.get(`/ministry/${appId}/audit`)).status, 403);
  });
});

describe("the administrators' log", () => {
  test("lists administrators' actions only, newest first, with filters by action, actor and period", async () => {
    // Recorded first, dated in January: the log's order is the order of recording (the event number).
    await t.db
      .insertInto("audit_events")
      .values({ actor_user_id: admin.id, actor_role: "admin", action: "calendar.holiday_added", entity_type: "holiday", entity_id: "2026-01-01", created_at: new Date("2026-01-15T03:00:00Z"), data: JSON.stringify({ name: "Tết Dương lịch" }) })
      .execute();
    const c = await signIn(admin);
    let res = await c.post("/admin/users", { intent: "invite", name: "Cán bộ Mới", email: uniqueEmail("moi"), role: "province_reviewer", provinceCode: "79" });
    assert.equal(res.status, 302);
    res = await c.post("/admin/users", { intent: "deactivate", userId: reviewerOther.id });
    assert.equal(res.status, 302);
    await recordAudit(t.db, { actorUserId: admin2.id, actorRole: "admin", action: "user.role_changed", entityType: "user", entityId: reviewerB.id, data: { role: "ministry_reviewer" }, reason: "Điều chuyển công tác" });

    const html = await (await c.get("/admin/audit")).text();
    const rows = tableRows(html);
    const actions = rows.map((r) => r[3]);
    assert.deepEqual(actions.slice(0, 3), ["Đổi vai trò hoặc tỉnh, thành phố", "Khóa tài khoản", "Mời cán bộ"], "newest first");
    assert.ok(actions.includes("calendar.holiday_added"));
    assert.ok(!actions.some((a) => /Nộp hồ sơ|Sở bắt đầu/.test(a!)), "not the reviewers' or the enterprise's events");
    const deactivated = rows.find((r) => r[3] === "Khóa tài khoản")!;
    assert.match(deactivated[1]!, /^Quản trị Một </);
    assert.equal(deactivated[2], "Quản trị viên");
    assert.match(deactivated[4]!, new RegExp(reviewerOther.email));
    assert.match(deactivated[5]!, /Trạng thái: Đang hoạt động → Đã khóa/);
    const roleChange = rows.find((r) => r[3] === "Đổi vai trò hoặc tỉnh, thành phố")!;
    assert.match(roleChange[5]!, /Lý do: Điều chuyển công tác/);
    assert.match(roleChange[5]!, /Vai trò: Cán bộ thẩm định cấp Bộ/);
    assert.match(html, /href="\/admin\/audit\/export\/csv"/);

    const byAction = tableRows(await (await c.get("/admin/audit?action=user.deactivated")).text());
    assert.deepEqual(byAction.map((r) => r[3]), ["Khóa tài khoản"]);
    const byActor = tableRows(await (await c.get(`/admin/audit?actor=${admin2.id}`)).text());
    assert.deepEqual(byActor.map((r) => r[3]), ["Đổi vai trò hoặc tỉnh, thành phố"]);
    const january = tableRows(await (await c.get("/admin/audit?from=2026-01-01&to=2026-01-31")).text());
    assert.deepEqual(january.map((r) => r[3]), ["calendar.holiday_added"]);
    // The day is Vietnam's: 15 January 10:00 there is inside a period that ends on the 15th.
    assert.equal(tableRows(await (await c.get("/admin/audit?from=2026-01-15&to=2026-01-15")).text()).length, 1);
    assert.equal(tableRows(await (await c.get("/admin/audit?from=2026-01-16&to=2026-01-31")).text()).length, 0);
  });

  test("a malformed date or a period backwards is a 400 with the error beside the field and the values kept; a forged cursor is a 400", async () => {
    const c = await signIn(admin);
    let res = await c.get("/admin/audit?from=2026-13-45&to=2026-01-31");
    assert.equal(res.status, 400);
    let html = await res.text();
    assert.match(pageText(html), /Có lỗi|lỗi/i);
    assert.match(html, /value="2026-13-45"/);
    res = await c.get("/admin/audit?from=2026-02-01&to=2026-01-01");
    assert.equal(res.status, 400);
    html = await res.text();
    assert.match(pageText(html), /Ngày bắt đầu phải trước hoặc bằng ngày kết thúc/);
    assert.equal((await c.get("/admin/audit?before=abc")).status, 400);
    assert.equal((await c.get("/admin/audit/export/csv?from=nope")).status, 400);
  });

  test("pages of 50 by keyset, and the downloads hold every filtered row as the page shows it, formulas neutralised", async () => {
    for (let i = 0; i < 60; i++)
      await recordAudit(t.db, { actorUserId: admin2.id, actorRole: "admin", action: "user.invited", entityType: "user", entityId: reviewerA.id, data: { role: "province_reviewer" } });
    const c = await signIn(admin);
    const first = await (await c.get(`/admin/audit?actor=${admin2.id}`)).text();
    const page1 = tableRows(first);
    assert.equal(page1.length, 50);
    const link = first.match(/<a[^>]*rel="next"[^>]*>/)?.[0] ?? "";
    const next = /href="([^"]*)"/.exec(link)?.[1]?.replace(/&amp;/g, "&");
    assert.ok(next && /before=\d+/.test(next), `a next-page link: ${link}`);
    const page2 = tableRows(await (await c.get(next.startsWith("?") ? `/admin/audit${next}` : next)).text());
    assert.equal(page2.length, 11, "60 invitations and the role change");
    assert.equal(page2.at(-1)![3], "Đổi vai trò hoặc tỉnh, thành phố");

    const res = await c.get(`/admin/audit/export/csv?actor=${admin2.id}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("Content-Disposition") ?? "", /filename="nhat-ky-quan-tri-[\d-]+\.csv"/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
    const csv = parseCsv(new TextDecoder().decode(bytes.slice(3)));
    assert.deepEqual(csv[0], ["Số sự kiện", "Thời gian", "Người thực hiện", "Vai trò", "Hành động", "Đối tượng", "Chi tiết"]);
    assert.equal(csv.length - 1, 61);
    const shown = [...page1, ...page2];
    for (const [i, cells] of shown.entries()) {
      const row = csv[i + 1]!;
      assert.equal(row[1], cells[0], `time of row ${i}`);
      assert.equal(row[2], `'${cells[1]}`, "the actor named =2+5 is neutralised");
      assert.deepEqual([row[3], row[4], row[5]], [cells[2], cells[3], cells[4]]);
      assert.equal(row[6], cells[5]!.replace(/ (?=Vai trò|Lý do)/g, "; "));
    }
    const xres = await c.get(`/admin/audit/export/xlsx?actor=${admin2.id}`);
    assert.equal(xres.status, 200);
    const { sheet } = await readXlsx(await xres.arrayBuffer());
    assert.equal(sheet.name, "Nhật ký");
    assert.equal(sheet.rowCount, 62);
    for (let i = 1; i <= 62; i++) assert.deepEqual((sheet.getRow(i).values as unknown[]).slice(1), csv[i - 1], `xlsx row ${i}`);
  });

  test("the hash-chain check reports an intact chain, then the tampered event", async () => {
    const c = await signIn(admin);
    let text = pageText(await (await c.get("/admin/audit?check=1")).text());
    assert.match(text, /Chuỗi nguyên vẹn: \d+ sự kiện\. Đầu chuỗi: \d+:[0-9a-f]{64}/);
    const target = await t.db.selectFrom("audit_events").select(["id", "reason"]).where("action", "=", "user.role_changed").executeTakeFirstOrThrow();
    await asOwner(`update audit_events set reason = 'Sửa lén' where id = ${target.id}`);
    try {
      text = pageText(await (await c.get("/admin/audit?check=1")).text());
      assert.match(text, new RegExp(`Chuỗi bị phá vỡ tại mắt xích \\d+: sự kiện số ${target.id} đã bị sửa sau khi ghi`));
    } finally {
      await asOwner(`update audit_events set reason = '${target.reason}' where id = ${target.id}`);
    }
    assert.match(pageText(await (await c.get("/admin/audit?check=1")).text()), /Chuỗi nguyên vẹn/);
  });

  test("in English: headings, the chain's verdict and the download's headers", async () => {
    const c = await signIn(admin);
    await c.post("/lang", { lang: "en" });
    const text = pageText(await (await c.get("/admin/audit?check=1")).text());
    assert.match(text, /Admin log/);
    assert.match(text, /Chain intact: \d+ events\. Head: \d+:[0-9a-f]{64}/);
    assert.match(text, /Download CSV/);
    const csv = parseCsv(new TextDecoder().decode((await (await c.get("/admin/audit/export/csv?action=user.deactivated")).arrayBuffer()).slice(3)));
    assert.deepEqual(csv[0], ["Event no.", "Time", "Actor", "Role", "Action", "Subject", "Details"]);
    assert.equal(csv[1]![4], "Account deactivated");
    assert.match(csv[1]![6]!, /^Status: Active → Deactivated$/);
    const a = await signIn(reviewerA);
    await a.post("/lang", { lang: "en" });
    assert.match(pageText(await (await a.get(`/review/${appId}/audit`)).text()), new RegExp(`Audit trail of application ${reference}`));
  });

  test("refused to everyone but administrators", async () => {
    for (const user of [reviewerA, ministry, enterprise]) {
      const c = await signIn(user);
      assert.equal((await c.get("/admin/audit")).status, 403, user.role);
      assert.equal((await c.get("/admin/audit/export/xlsx")).status, 403, user.role);
    }
    const anonymous = await new Client(app.url, "10.13.250.2").get("/admin/audit/export/csv");
    assert.equal(anonymous.status, 302);
  });
});
