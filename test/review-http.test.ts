import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "kysely";
import type { User } from "~/platform/db/db-types.ts";
import { completeApplication, DEMO_PLATFORM } from "~/seeds/demo-data.server.ts";
import { addWorkingDays, vietnamDate } from "~/platform/time/working-days.ts";
import { createDraft } from "~/features/application/drafts.server.ts";
import { getApplication } from "~/features/application/queries.server.ts";
import { criteriaItems, getCriteria } from "~/features/application/criteria.server.ts";
import { Client, pageText, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, loginAs, staffUser } from "./helpers/fixtures.ts";

let t: TestDb;
let app: TestApp;
let ipCounter = 1;

before(async () => {
  t = await createTestDb();
  app = await startTestApp(t);
});
after(async () => {
  await app.close();
  await t.close();
});

async function signIn(user: User) {
  const c = new Client(app.url, `10.9.${Math.floor(ipCounter / 250)}.${ipCounter++ % 250}`);
  await loginAs(c, user);
  return c;
}

async function submitted(province = "79", platform = DEMO_PLATFORM) {
  const { user, enterpriseId } = await enterpriseUser(province);
  const draft = await createDraft(user, enterpriseId, "test");
  await completeApplication(user, draft.id, platform);
  const c = await signIn(user);
  const res = await c.post(`/applications/${draft.id}/check`, {});
  assert.equal(res.headers.get("Location"), `/applications/${draft.id}/submitted`);
  return { user, client: c, id: draft.id };
}

async function lock(id: string) {
  return String((await getApplication(id))!.lock_version);
}

async function emailsTo(to: string, id: string) {
  return t.db.selectFrom("outbox_emails").select(["template", "subject", "text_body"]).where("to_address", "=", to).where("application_id", "=", id).orderBy("id").execute();
}

async function allVerdicts(c: Client, base: string, id: string) {
  const items = criteriaItems(await getCriteria((await getApplication(id))!.criteria_set_id));
  for (const item of items) {
    const res = await c.post(`${base}/${id}`, { intent: "verdict", lockVersion: await lock(id), criterionKey: item.key, verdict: "met", note: `OK ${item.key}` });
    assert.equal(res.status, 302, `verdict ${item.key}: ${res.status}`);
  }
}

describe("the review journey", () => {
  test("province requests changes, enterprise resubmits, province forwards, ministry returns, province forwards again, ministry recognises", async () => {
    const reviewerA = await staffUser("province_reviewer", "79");
    const reviewerB = await staffUser("province_reviewer", "79");
    const ministry = await staffUser("ministry_reviewer");
    const { user, client: ent, id } = await submitted("79");
    const province = await signIn(reviewerA);
    const minister = await signIn(ministry);

    const queue = pageText(await (await province.get("/review?view=new")).text());
    const ref = (await getApplication(id))!.reference!;
    assert.ok(queue.includes(ref), "new application in the province queue");

    // Assign to a colleague (who gets an email), then take it back.
    let res = await province.post(`/review/${id}`, { intent: "assign", lockVersion: await lock(id), assigneeId: reviewerB.id });
    assert.equal(res.status, 302);
    assert.equal((await getApplication(id))!.status, "in_provincial_review");
    assert.ok((await emailsTo(reviewerB.email, id)).some((e) => e.template === "reviewer_assigned"));
    res = await province.post(`/review/${id}`, { intent: "take", declaration: "none", lockVersion: await lock(id) });
    assert.equal((await getApplication(id))!.assigned_to, reviewerA.id);

    // Forwarding without verdicts is refused.
    res = await province.post(`/review/${id}`, { intent: "forward", lockVersion: await lock(id), recommendation: "recognise", summary: "Tốt" });
    assert.equal(res.status, 400);
    assert.match(pageText(await res.text()), /tiêu chí chưa có kết quả/);

    res = await province.post(`/review/${id}`, {
      intent: "request_changes",
      lockVersion: await lock(id),
      reopen: "criterion:user_scale",
      "note:criterion:user_scale": "Cần số liệu kiểm toán độc lập",
      replyBy: "2099-12-31",
      message: "Vui lòng bổ sung",
    });
    assert.equal(res.status, 302);
    const afterChanges = (await getApplication(id))!;
    assert.equal(afterChanges.status, "changes_requested");
    assert.equal(afterChanges.due_at, null, "the clock pauses");
    assert.ok(afterChanges.sla_remaining_days! >= 1);
    const changesMail = (await emailsTo(user.email, id)).find((e) => e.template === "changes_requested");
    assert.ok(changesMail);
    assert.match(changesMail.text_body, /Cần số liệu kiểm toán độc lập/);
    assert.match(changesMail.text_body, /31\/12\/2099/);

    // Enterprise fixes the reopened criterion and resubmits.
    const { saveCriterion } = await import("~/features/application/drafts.server.ts");
    await saveCriterion(user, id, "user_scale", { assessment: "meets", explanation: "Đã kiểm toán: 1,3 triệu MAU", links: ["https://audit.example.vn/2026"] }, "t");
    res = await ent.post(`/applications/${id}/declaration`, { accepted: "yes", name: "Trần Văn B" });
    res = await ent.post(`/applications/${id}/check`, {});
    assert.equal(res.headers.get("Location"), `/applications/${id}/submitted`);
    // Still its reviewer: the answer goes straight back into reviewer A's review (no second "take"), and only A is told.
    const resumed = (await getApplication(id))!;
    assert.equal(resumed.status, "in_provincial_review");
    assert.equal(resumed.assigned_to, reviewerA.id);
    assert.ok((await emailsTo(reviewerA.email, id)).some((e) => e.template === "reviewer_resubmitted"));
    assert.ok(!(await emailsTo(reviewerB.email, id)).some((e) => e.template === "reviewer_resubmitted"));

    // The reviewer sees what changed.
    const page = pageText(await (await province.get(`/review/${id}`)).text());
    assert.match(page, /Thay đổi so với phiên bản 1/);
    assert.match(page, /Đã kiểm toán: 1,3 triệu MAU/);

    await allVerdicts(province, "/review", id);
    res = await province.post(`/review/${id}`, { intent: "verify_enterprise", verification: "verified" });
    assert.equal(res.status, 302, "the province verifies the enterprise in this first review");
    res = await province.post(`/review/${id}`, { intent: "note", body: "Ghi chú nội bộ: đã gọi điện xác minh" });
    assert.equal(res.status, 302);
    res = await province.post(`/review/${id}`, { intent: "forward", lockVersion: await lock(id), recommendation: "recognise", summary: "Đáp ứng đủ tiêu chí" });
    assert.equal(res.status, 302);
    assert.equal((await getApplication(id))!.status, "forwarded");
    assert.ok((await emailsTo(user.email, id)).some((e) => e.template === "forwarded"));
    assert.ok((await emailsTo(ministry.email, id)).some((e) => e.template === "ministry_new_application"));
    const entPage = pageText(await (await ent.get(`/applications/${id}`)).text());
    assert.doesNotMatch(entPage, /Ghi chú nội bộ/, "internal notes are staff-only");

    // Ministry returns it once.
    res = await minister.post(`/ministry/${id}`, { intent: "take", declaration: "none", lockVersion: await lock(id) });
    assert.equal((await getApplication(id))!.status, "in_ministry_review");
    const ministryPage = pageText(await (await minister.get(`/ministry/${id}`)).text());
    assert.match(ministryPage, /Đề nghị công nhận/);
    assert.match(ministryPage, /OK user_scale/, "province verdicts beside the ministry's checklist");
    res = await minister.post(`/ministry/${id}`, { intent: "return", lockVersion: await lock(id), note: "Đề nghị Sở xác minh lại số người dùng" });
    assert.equal((await getApplication(id))!.status, "returned_to_province");
    assert.ok((await emailsTo(reviewerA.email, id)).some((e) => e.template === "province_returned" && e.text_body.includes("xác minh lại")));
    assert.ok((await emailsTo(user.email, id)).some((e) => e.template === "returned"));

    res = await province.post(`/review/${id}`, { intent: "take", declaration: "none", lockVersion: await lock(id) });
    res = await province.post(`/review/${id}`, { intent: "forward", lockVersion: await lock(id), recommendation: "recognise", summary: "Đã xác minh lại" });
    assert.equal((await getApplication(id))!.status, "forwarded");

    res = await minister.post(`/ministry/${id}`, { intent: "take", declaration: "none", lockVersion: await lock(id) });
    res = await minister.post(`/ministry/${id}`, { intent: "recognise", lockVersion: await lock(id), decisionNumber: "123/QĐ-BKHCN", decisionDate: "2099-01-01" });
    assert.equal(res.status, 400, "decision date cannot be in the future");
    res = await minister.post(`/ministry/${id}`, { intent: "recognise", lockVersion: await lock(id), decisionNumber: "123/QĐ-BKHCN", decisionDate: "2026-11-20" });
    assert.equal(res.status, 302);
    const final = (await getApplication(id))!;
    assert.equal(final.status, "recognised");
    assert.equal(final.decision_number, "123/QĐ-BKHCN");
    const recognised = (await emailsTo(user.email, id)).find((e) => e.template === "recognised");
    assert.ok(recognised);
    assert.match(recognised.text_body, new RegExp(`/platforms/${id}`));
    assert.match(recognised.text_body, /123\/QĐ-BKHCN/);

    const audit = await t.db.selectFrom("audit_events").select(["action", "from_state", "to_state", "actor_role", "request_id"]).where("entity_id", "=", id).where("from_state", "is not", null).orderBy("id").execute();
    assert.deepEqual(
      audit.map((a) => a.action),
      ["application.submit", "application.take", "application.request_changes", "application.resubmit", "application.forward", "application.take_ministry", "application.return_to_province", "application.take", "application.forward", "application.take_ministry", "application.recognise"],
    );
    assert.ok(audit.every((a) => a.request_id), "every event carries the request id");
  });

  test("rejection with reasons reaches the enterprise", async () => {
    const reviewer = await staffUser("province_reviewer", "01");
    const { user, id } = await submitted("01", { ...DEMO_PLATFORM, name: "Nền tảng bị từ chối" });
    const c = await signIn(reviewer);
    await c.post(`/review/${id}`, { intent: "take", declaration: "none", lockVersion: await lock(id) });
    let res = await c.post(`/review/${id}`, { intent: "reject", lockVersion: await lock(id), note: "Thiếu hồ sơ" });
    assert.equal(res.status, 400, "a reason is required");
    const body = new URLSearchParams({ intent: "reject", lockVersion: await lock(id), note: "Thiếu quyết định phê duyệt cấp độ" });
    body.append("reasons", "security_not_approved");
    body.append("reasons", "insufficient_evidence");
    res = await fetch(`${app.url}/review/${id}`, {
      method: "POST",
      redirect: "manual",
      body,
      headers: { Cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; "), Origin: app.url, "Content-Type": "application/x-www-form-urlencoded" },
    });
    assert.equal(res.status, 302);
    assert.equal((await getApplication(id))!.status, "rejected");
    const mail = (await emailsTo(user.email, id)).find((e) => e.template === "rejected")!;
    assert.match(mail.text_body, /Chưa được phê duyệt cấp độ/);
    assert.match(mail.text_body, /Thiếu quyết định phê duyệt cấp độ/);
  });
});

/** Follows a queue's "next" links from href; returns the applications listed, in order, and the pages read. */
async function walkQueue(c: Client, href: string | null) {
  const seen: string[] = [];
  let pages = 0;
  while (href && pages < 10) {
    const html: string = await (await c.get(href.startsWith("?") ? `/review${href}` : href)).text();
    seen.push(...[...html.matchAll(/href="\/review\/([0-9a-f-]{36})"/g)].map((m) => m[1]!));
    const next = html.match(/<a[^>]*rel="next"[^>]*>/)?.[0];
    href = next?.match(/href="([^"]*)"/)?.[1]?.replace(/&amp;/g, "&") ?? null;
    pages++;
  }
  return { seen, pages };
}

describe("queues", () => {
  test("search is accent-insensitive and scoped to the reviewer's province", async () => {
    const reviewer = await staffUser("province_reviewer", "79");
    const { id } = await submitted("79", { ...DEMO_PLATFORM, name: "Nền tảng Thương mại Điện tử Sài Gòn" });
    const other = await submitted("01", { ...DEMO_PLATFORM, name: "Nền tảng Thương mại Hà Nội" });
    const c = await signIn(reviewer);
    const found = pageText(await (await c.get("/review?view=new&q=thuong+mai+dien+tu+sai+gon")).text());
    assert.ok(found.includes((await getApplication(id))!.reference!));
    const ref = (await getApplication(id))!.reference!;
    assert.ok(pageText(await (await c.get(`/review?view=new&q=${ref}`)).text()).includes(ref));
    const taxCodeOf = async (applicationId: string) =>
      (await t.db.selectFrom("applications").innerJoin("enterprises", "enterprises.id", "applications.enterprise_id").select("enterprises.tax_code").where("applications.id", "=", applicationId).executeTakeFirstOrThrow()).tax_code;
    assert.ok(pageText(await (await c.get(`/review?view=new&q=${await taxCodeOf(id)}`)).text()).includes(ref), "a whole tax code finds its applications");
    const otherRef = (await getApplication(other.id))!.reference!;
    assert.ok(!pageText(await (await c.get(`/review?view=new&q=${otherRef}`)).text()).includes(otherRef), "another province's reference finds nothing");
    assert.ok(!pageText(await (await c.get(`/review?view=new&q=${await taxCodeOf(other.id)}`)).text()).includes(otherRef), "nor its tax code");
    const none = pageText(await (await c.get("/review?view=new&q=ha+noi")).text());
    assert.ok(!none.includes((await getApplication(other.id))!.reference!), "another province never shows");
    assert.equal((await c.get(`/review/${other.id}`)).status, 404);
    const hostile = await c.get(`/review?view=new&q=${encodeURIComponent("%' or 1=1 --")}&sector=x&assignee=y`);
    assert.equal(hostile.status, 200);
    // A cursor no page of ours wrote is refused (test/input-http.test.ts has the cases).
    assert.equal((await c.get(`/review?view=new&after=garbage`)).status, 400);
  });

  test("keyset pagination walks the whole queue in due-date order without repeats", async () => {
    const reviewer = await staffUser("province_reviewer", "44");
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await submitted("44", { ...DEMO_PLATFORM, name: `Nền tảng phân trang ${i}` })).id);
    await t.db.updateTable("applications").set({ due_at: sql`now() + (random() * interval '30 days') - interval '10 days'` }).where("id", "in", ids).execute();
    const c = await signIn(reviewer);
    const { seen, pages } = await walkQueue(c, "/review?view=new");
    assert.equal(pages, 2);
    assert.equal(new Set(seen).size, 30, "no repeats");
    assert.equal(seen.length, 30, JSON.stringify(seen));
    assert.equal(new Set(seen).size, 30);
    const due = await t.db.selectFrom("applications").select(["id", "due_at"]).where("id", "in", ids).execute();
    const order = [...due].sort((a, b) => +a.due_at! - +b.due_at! || a.id.localeCompare(b.id)).map((d) => d.id);
    assert.deepEqual(seen, order);
    const overdue = pageText(await (await c.get("/review?view=new&overdue=1")).text());
    assert.match(overdue, /Quá hạn/);
  });

  test("the views of several statuses (resubmitted, mine) page through every application once, in order across statuses", async () => {
    const reviewer = await staffUser("province_reviewer", "46");
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await submitted("46", { ...DEMO_PLATFORM, name: `Nền tảng nhiều trạng thái ${i}` })).id);
    const statuses = ["resubmitted", "returned_to_province", "in_provincial_review"] as const;
    for (const [i, id] of ids.entries()) {
      // Due dates interleave the statuses; every fifth is due at the same instant (ties broken by id).
      const due = i % 5 === 0 ? sql<Date>`'2026-12-20T03:04:05.123456Z'::timestamptz` : sql<Date>`now() + (random() * interval '30 days') - interval '10 days'`;
      await t.db.updateTable("applications").set({ status: statuses[i % 3]!, assigned_to: reviewer.id, due_at: due }).where("id", "=", id).execute();
    }
    const rows = await t.db.selectFrom("applications").select(["id", "status", sql<string>`to_char(due_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')`.as("due")]).where("id", "in", ids).execute();
    const inOrder = (pick: (r: (typeof rows)[number]) => boolean) =>
      rows.filter(pick).sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : a.id < b.id ? -1 : 1)).map((r) => r.id);
    const c = await signIn(reviewer);
    const resubmitted = await walkQueue(c, "/review?view=resubmitted");
    assert.deepEqual(resubmitted.seen, inOrder((r) => r.status !== "in_provincial_review"));
    assert.equal(resubmitted.pages, 2);
    const mine = await walkQueue(c, "/review?view=mine");
    assert.deepEqual(mine.seen, inOrder(() => true));
    assert.equal(mine.pages, 2);
  });
});

describe("races", () => {
  test("two reviewers deciding at once: exactly one succeeds, the other gets 409; one audit event, one set of emails", async () => {
    const a = await signIn(await staffUser("province_reviewer", "52"));
    const b = await signIn(await staffUser("province_reviewer", "52"));
    for (let round = 0; round < 8; round++) {
      const { user, id } = await submitted("52", { ...DEMO_PLATFORM, name: `Nền tảng tranh chấp ${round}` });
      await a.post(`/review/${id}`, { intent: "take", declaration: "none", lockVersion: await lock(id) });
      const v = await lock(id);
      const [ra, rb] = await Promise.all([
        a.post(`/review/${id}`, { intent: "request_changes", lockVersion: v, reopen: "section:contact", "note:section:contact": "Sửa số điện thoại", replyBy: "2099-01-01" }),
        b.post(`/review/${id}`, { intent: "reject", lockVersion: v, reasons: "duplicate", note: "Trùng" }),
      ]);
      const statuses = [ra.status, rb.status].sort();
      assert.deepEqual(statuses, [302, 409], `round ${round}`);
      const events = await t.db.selectFrom("audit_events").select("action").where("entity_id", "=", id).where("action", "in", ["application.request_changes", "application.reject_province"]).execute();
      assert.equal(events.length, 1);
      const mails = await t.db.selectFrom("outbox_emails").select("template").where("application_id", "=", id).where("to_address", "=", user.email).where("template", "in", ["changes_requested", "rejected"]).execute();
      assert.equal(mails.length, 1);
      if (rb.status === 409) assert.match(pageText(await rb.text()), /vừa được người khác thay đổi/);
    }
  });
});

describe("authorization matrix", () => {
  test("each actor gets exactly what it should on review routes", async () => {
    const { id } = await submitted("79", { ...DEMO_PLATFORM, name: "Nền tảng phân quyền" });
    const actors = {
      anonymous: new Client(app.url),
      enterprise: await signIn((await enterpriseUser("79")).user),
      sameProvince: await signIn(await staffUser("province_reviewer", "79")),
      otherProvince: await signIn(await staffUser("province_reviewer", "01")),
      ministry: await signIn(await staffUser("ministry_reviewer")),
      admin: await signIn(await staffUser("admin")),
    };
    const expectGet: Record<keyof typeof actors, [number, number]> = {
      anonymous: [302, 302],
      enterprise: [403, 403],
      sameProvince: [200, 403],
      otherProvince: [404, 403],
      ministry: [403, 404],
      admin: [403, 403],
    };
    for (const [name, c] of Object.entries(actors) as [keyof typeof actors, Client][]) {
      const [review, ministry] = expectGet[name];
      assert.equal((await c.get(`/review/${id}`)).status, review, `${name} GET /review/:id`);
      assert.equal((await c.get(`/ministry/${id}`)).status, ministry, `${name} GET /ministry/:id (not forwarded yet)`);
      const post = await c.post(`/review/${id}`, { intent: "take", declaration: "none", lockVersion: await lock(id) });
      assert.equal(post.status, name === "sameProvince" ? 302 : review === 200 ? 302 : review, `${name} POST take`);
      if (name === "sameProvince") {
        await t.db.updateTable("applications").set({ status: "submitted", assigned_to: null }).where("id", "=", id).execute();
      }
    }
    const files = await t.db.selectFrom("attachments").select("id").where("application_id", "=", id).execute();
    assert.equal((await actors.otherProvince.get(`/applications/${id}/files/${files[0]!.id}`)).status, 404);
    assert.equal((await actors.sameProvince.get(`/applications/${id}/files/${files[0]!.id}`)).status, 200);
    assert.equal((await actors.ministry.get(`/applications/${id}/files/${files[0]!.id}`)).status, 404);
  });
});

describe("every status change tells the people concerned", () => {
  test("the province and the ministry taking it tell the enterprise; a withdrawal after forwarding tells both agencies, and the ministry can still open it", async () => {
    const reviewer = await staffUser("province_reviewer", "79");
    const ministry = await staffUser("ministry_reviewer");
    const { user, client: ent, id } = await submitted("79", { ...DEMO_PLATFORM, name: "Nền tảng Thông báo Đầy đủ" });
    const province = await signIn(reviewer);
    const minister = await signIn(ministry);
    const count = async (to: string) => (await emailsTo(to, id)).length;

    let before = await count(user.email);
    await province.post(`/review/${id}`, { intent: "take", declaration: "none", lockVersion: await lock(id) });
    const taken = (await emailsTo(user.email, id)).slice(before);
    assert.equal(taken.length, 1, "the enterprise hears that the province received it");
    assert.match(taken[0]!.subject, /đã được tiếp nhận/);
    assert.match(taken[0]!.text_body, /Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh đã tiếp nhận/);

    await allVerdicts(province, "/review", id);
    assert.equal((await province.post(`/review/${id}`, { intent: "verify_enterprise", verification: "verified" })).status, 302);
    assert.equal((await province.post(`/review/${id}`, { intent: "forward", lockVersion: await lock(id), recommendation: "recognise", summary: "Đạt" })).status, 302);
    before = await count(user.email);
    await minister.post(`/ministry/${id}`, { intent: "take", declaration: "none", lockVersion: await lock(id) });
    assert.equal(await count(user.email), before + 1, "the enterprise hears that the ministry received it");

    const staffBefore = { reviewer: await count(reviewer.email), ministry: await count(ministry.email) };
    before = await count(user.email);
    const res = await ent.post(`/applications/${id}/withdraw`, { lockVersion: await lock(id) });
    assert.equal(res.status, 302);
    assert.equal((await getApplication(id))!.status, "withdrawn");
    assert.equal(await count(user.email), before + 1, "the enterprise gets a receipt");
    assert.equal(await count(reviewer.email), staffBefore.reviewer + 1, "the province is told");
    const ministryMail = (await emailsTo(ministry.email, id)).slice(staffBefore.ministry);
    assert.equal(ministryMail.length, 1, "the ministry is told");
    const link = ministryMail[0]!.text_body.match(/https?:\/\/\S+(\/ministry\/[0-9a-f-]{36})/)![1]!;
    const page = await minister.get(link);
    assert.equal(page.status, 200, "the notice's link opens");
    assert.match(pageText(await page.text()), /Đã rút/);
    assert.ok(pageText(await (await minister.get("/ministry?view=done")).text()).includes((await getApplication(id))!.reference!), "listed with the ministry's finished work");
  });

  test("the ministry never sees what was rejected or withdrawn before it reached the ministry", async () => {
    const reviewer = await signIn(await staffUser("province_reviewer", "79"));
    const minister = await signIn(await staffUser("ministry_reviewer"));
    const { id } = await submitted("79", { ...DEMO_PLATFORM, name: "Nền tảng Từ chối ở Sở" });
    await reviewer.post(`/review/${id}`, { intent: "take", declaration: "none", lockVersion: await lock(id) });
    const body = new URLSearchParams({ intent: "reject", lockVersion: await lock(id), note: "Thiếu hồ sơ", reasons: "insufficient_evidence" });
    await reviewer.post(`/review/${id}`, Object.fromEntries(body));
    assert.equal((await getApplication(id))!.status, "rejected");
    assert.equal((await minister.get(`/ministry/${id}`)).status, 404);
    assert.ok(!pageText(await (await minister.get("/ministry?view=done")).text()).includes((await getApplication(id))!.reference!));
  });
});

describe("a province without an active reviewer", () => {
  test("the admins are emailed, the ministry sees it (read-only) in the unstaffed view, the admin page lists the province", async () => {
    const admin = await staffUser("admin");
    const ministry = await staffUser("ministry_reviewer");
    await staffUser("province_reviewer", "79");
    const { user, id } = await submitted("66", { ...DEMO_PLATFORM, name: "Nền tảng Tây Nguyên" });
    const reference = (await getApplication(id))!.reference!;
    const notice = (await emailsTo(admin.email, id)).find((e) => e.template === "unstaffed_province");
    assert.ok(notice, "the admins are told nobody received it");
    assert.match(notice.text_body, /Sở Khoa học và Công nghệ tỉnh Đắk Lắk/);
    assert.match(notice.text_body, /\/admin\/users#unstaffed/);
    assert.ok((await emailsTo(user.email, id)).some((e) => e.template === "submission_receipt"));

    const minister = await signIn(ministry);
    assert.ok(pageText(await (await minister.get("/ministry?view=unstaffed")).text()).includes(reference), "in the ministry's unstaffed view");
    assert.ok(!pageText(await (await minister.get("/ministry?view=new")).text()).includes(reference), "not among the ministry's own work");
    const page = await minister.get(`/ministry/${id}`);
    assert.equal(page.status, 200);
    const text = pageText(await page.text());
    assert.match(text, /chưa có cán bộ thẩm định đang hoạt động/);
    assert.doesNotMatch(text, /Nhận thẩm định hồ sơ này/, "no take button");
    assert.equal((await minister.post(`/ministry/${id}`, { intent: "take", declaration: "none", lockVersion: await lock(id) })).status, 403, "the ministry does not act in the province's place");
    assert.equal((await getApplication(id))!.status, "submitted");

    const adminPage = pageText(await (await (await signIn(admin)).get("/admin/users")).text());
    assert.match(adminPage, /Tỉnh, thành phố chưa có người thẩm định/);
    assert.match(adminPage, /Tỉnh Đắk Lắk \( ?66 ?\) 1 /);
    assert.doesNotMatch(adminPage, /Thành phố Hồ Chí Minh \( 79 \)/, "a staffed province is not listed");

    // Once the province has a reviewer, the application is simply in its queue, and out of the ministry's sight.
    const reviewer = await staffUser("province_reviewer", "66");
    assert.ok(pageText(await (await (await signIn(reviewer)).get("/review?view=new")).text()).includes(reference));
    assert.equal((await minister.get(`/ministry/${id}`)).status, 404);
  });
});

describe("the reviewer's flow", () => {
  test("an empty reply deadline takes the default of the rule's working days", async () => {
    const reviewer = await signIn(await staffUser("province_reviewer", "79"));
    const { id } = await submitted("79", { ...DEMO_PLATFORM, name: "Nền tảng Hạn Mặc định" });
    await reviewer.post(`/review/${id}`, { intent: "take", declaration: "none", lockVersion: await lock(id) });
    const days = Number((await t.db.selectFrom("settings").select("value").where("key", "=", "sla.enterprise_reply.working_days").executeTakeFirstOrThrow()).value);
    const expected = vietnamDate(addWorkingDays(new Date(), days));
    const form = await (await reviewer.get(`/review/${id}`)).text();
    assert.match(form, new RegExp(`name="replyBy"[^>]*value="${expected}"`), "the form shows the default");
    const res = await reviewer.post(`/review/${id}`, {
      intent: "request_changes",
      lockVersion: await lock(id),
      reopen: "section:contact",
      "note:section:contact": "Bổ sung số điện thoại",
      replyBy: "",
    });
    assert.equal(res.status, 302);
    const request = await t.db.selectFrom("change_requests").select("reply_by").where("application_id", "=", id).executeTakeFirstOrThrow();
    assert.equal(request.reply_by, expected);
  });

  test("a reopened criterion reads as needing changes to the enterprise until it is saved again, with the reviewer's note", async () => {
    const reviewer = await signIn(await staffUser("province_reviewer", "79"));
    const { user, client: ent, id } = await submitted("79", { ...DEMO_PLATFORM, name: "Nền tảng Mở lại Tiêu chí" });
    await reviewer.post(`/review/${id}`, { intent: "take", declaration: "none", lockVersion: await lock(id) });
    await reviewer.post(`/review/${id}`, {
      intent: "request_changes",
      lockVersion: await lock(id),
      reopen: "criterion:user_scale",
      "note:criterion:user_scale": "Cần số liệu kiểm toán độc lập",
      replyBy: "2099-12-31",
    });
    let list = pageText(await (await ent.get(`/applications/${id}/criteria`)).text());
    assert.match(list, /Đã sửa 0\/1 tiêu chí cần bổ sung/);
    assert.match(list, /Cần bổ sung/);
    assert.doesNotMatch(list, /Đã hoàn thành/, "the reopened criterion is not shown as done");
    const overview = pageText(await (await ent.get(`/applications/${id}`)).text());
    assert.match(overview, /Tự đánh giá theo tiêu chí Cần bổ sung/, "the task list says so too");
    const criterion = pageText(await (await ent.get(`/applications/${id}/criteria/user_scale`)).text());
    assert.match(criterion, /Cần số liệu kiểm toán độc lập/, "the reviewer's request is on the criterion's page");

    const { saveCriterion } = await import("~/features/application/drafts.server.ts");
    await saveCriterion(user, id, "user_scale", { assessment: "meets", explanation: "Đã kiểm toán", links: ["https://audit.example.vn"] }, "t");
    list = pageText(await (await ent.get(`/applications/${id}/criteria`)).text());
    assert.match(list, /Đã sửa 1\/1 tiêu chí cần bổ sung/);
    assert.doesNotMatch(list, /Cần bổ sung/);
    assert.match(list, /Đã hoàn thành/);
  });
});
