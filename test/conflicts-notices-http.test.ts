import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { User } from "~/platform/db/db-types.ts";
import { completeApplication, DEMO_PLATFORM } from "~/seeds/demo-data.server.ts";
import { createDraft } from "~/features/application/drafts.server.ts";
import { getApplication } from "~/features/application/queries.server.ts";
import * as review from "~/features/review/commands.server.ts";
import { DeclarationRequiredError } from "~/features/review/conflicts.server.ts";
import { Client, pageText, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, loginAs, staffUser } from "./helpers/fixtures.ts";

// Issue 12: a reviewer declares no conflict of interest with the enterprise before taking an application, or declares
// one (with a reason), which is recorded, audited, tells the stage's other reviewers and blocks taking it.

let t: TestDb;
let app: TestApp;
let ip = 1;

before(async () => {
  t = await createTestDb();
  app = await startTestApp(t);
});
after(async () => {
  await app.close();
  await t.close();
});

async function signIn(user: User) {
  const c = new Client(app.url, `10.12.${Math.floor(ip / 250)}.${ip++ % 250}`);
  await loginAs(c, user);
  return c;
}

/** A submitted application of a new enterprise (or of the given one's user, for a second application). */
async function submitted(owner?: { user: User; enterpriseId: string }, platform = DEMO_PLATFORM) {
  const { user, enterpriseId } = owner ?? (await enterpriseUser("79"));
  const draft = await createDraft(user, enterpriseId, "test");
  await completeApplication(user, draft.id, platform);
  const c = await signIn(user);
  const res = await c.post(`/applications/${draft.id}/check`, {});
  assert.equal(res.headers.get("Location"), `/applications/${draft.id}/submitted`);
  return { user, enterpriseId, id: draft.id };
}

async function lock(id: string) {
  return String((await getApplication(id))!.lock_version);
}

function audit(id: string) {
  return t.db.selectFrom("audit_events").select(["action", "actor_user_id", "reason", "data"]).where("entity_type", "=", "application").where("entity_id", "=", id).orderBy("id").execute();
}

describe("conflict of interest before a take", () => {
  test("a take without a declaration is refused (400, the field's error, values kept); the command refuses it too", async () => {
    const reviewer = await staffUser("province_reviewer", "79");
    const { id } = await submitted();
    const c = await signIn(reviewer);
    const res = await c.post(`/review/${id}`, { intent: "take", lockVersion: await lock(id), conflictReason: "giữ lại" });
    assert.equal(res.status, 400);
    const html = await res.text();
    assert.match(pageText(html), /Chọn một khai báo về xung đột lợi ích trước khi nhận thẩm định/);
    assert.match(html, /error-summary/);
    assert.match(html, /giữ lại/, "the reason typed is kept");
    assert.equal((await getApplication(id))!.status, "submitted", "not taken");
    // A conflict without its reason: 400 on the reason.
    const noReason = await c.post(`/review/${id}`, { intent: "take", declaration: "conflict", lockVersion: await lock(id) });
    assert.equal(noReason.status, 400);
    assert.match(pageText(await noReason.text()), /Nhập lý do xung đột lợi ích/);
    // A made-up declaration value: 400, never 5xx.
    assert.equal((await c.post(`/review/${id}`, { intent: "take", declaration: "maybe", lockVersion: await lock(id) })).status, 400);
    // The rule is the command's, not only the form's.
    await assert.rejects(review.assignApplication(reviewer, id, { assigneeId: reviewer.id, lockVersion: Number(await lock(id)) }, "t"), DeclarationRequiredError);
    assert.equal((await getApplication(id))!.assigned_to, null);
  });

  test("the page offers the declaration as radios and a reason inside the take form (works without JavaScript)", async () => {
    const reviewer = await staffUser("province_reviewer", "79");
    const { id } = await submitted();
    const c = await signIn(reviewer);
    const html = await (await c.get(`/review/${id}`)).text();
    const form = html.slice(html.lastIndexOf("<form", html.indexOf('value="take"')), html.indexOf("</form>", html.indexOf('value="take"')));
    assert.match(form, /method="post"/);
    const radios = form.match(/<input[^>]*type="radio"[^>]*>/g) ?? [];
    assert.deepEqual(radios.map((r) => [/name="declaration"/.test(r), r.match(/value="(\w+)"/)?.[1]]), [[true, "none"], [true, "conflict"]]);
    assert.ok(!radios.some((r) => /checked/.test(r)), "nothing is declared for the reviewer");
    assert.match(form, /name="conflictReason"/);
    assert.match(pageText(form), /Tôi không có xung đột lợi ích với doanh nghiệp này/);
  });

  test("no conflict: taken, and the declaration is in the audit trail before the take", async () => {
    const reviewer = await staffUser("province_reviewer", "79");
    const { id } = await submitted();
    const c = await signIn(reviewer);
    const res = await c.post(`/review/${id}`, { intent: "take", declaration: "none", lockVersion: await lock(id) });
    assert.equal(res.status, 302);
    const a = (await getApplication(id))!;
    assert.equal(a.status, "in_provincial_review");
    assert.equal(a.assigned_to, reviewer.id);
    const events = (await audit(id)).map((e) => e.action);
    assert.ok(events.indexOf("application.no_conflict_declared") >= 0 && events.indexOf("application.no_conflict_declared") < events.indexOf("application.take"), events.join(", "));
    const row = await t.db.selectFrom("conflict_declarations").selectAll().where("application_id", "=", id).executeTakeFirstOrThrow();
    assert.equal(row.has_conflict, false);
    assert.equal(row.user_id, reviewer.id);
    // The reviewer's own timeline shows it.
    assert.match(pageText(await (await c.get(`/review/${id}`)).text()), /Khai báo không có xung đột lợi ích/);
  });

  test("a declared conflict: recorded, audited, the province's other reviewers told; later takes of that enterprise refused (403)", async () => {
    const declarer = await staffUser("province_reviewer", "79", undefined, "Nguyễn Văn Xung");
    const colleague = await staffUser("province_reviewer", "79");
    const elsewhere = await staffUser("province_reviewer", "01");
    const owner = await enterpriseUser("79");
    const { id } = await submitted(owner);
    const c = await signIn(declarer);
    const cc = await signIn(colleague);
    // Both have the page in the response cache (decision 025) before the declaration: it must not be served stale.
    for (const client of [c, cc, c, cc]) await (await client.get(`/review/${id}`)).arrayBuffer();
    const res = await c.post(`/review/${id}`, { intent: "take", declaration: "conflict", conflictReason: "Vợ tôi là cổ đông của doanh nghiệp", lockVersion: await lock(id) });
    assert.equal(res.status, 302, "the declaration itself is done");
    const after = (await getApplication(id))!;
    assert.equal(after.status, "submitted", "not taken");
    assert.equal(after.assigned_to, null);

    const events = await audit(id);
    const declared = events.find((e) => e.action === "application.conflict_declared");
    assert.ok(declared, "the declaration is an audit event");
    assert.equal(declared.actor_user_id, declarer.id);
    assert.equal(declared.reason, "Vợ tôi là cổ đông của doanh nghiệp");

    const told = await t.db.selectFrom("outbox_emails").select(["to_address", "subject", "text_body", "user_id"]).where("template", "=", "conflict_declared").where("application_id", "=", id).execute();
    const to = told.map((e) => e.to_address);
    assert.ok(to.includes(colleague.email), "a colleague of the province is told");
    assert.ok(!to.includes(declarer.email), "not the declarer");
    assert.ok(!to.includes(elsewhere.email), "not another province's reviewer");
    const mail = told.find((e) => e.to_address === colleague.email)!;
    assert.match(mail.text_body, /Nguyễn Văn Xung đã khai báo có xung đột lợi ích/);
    assert.match(mail.text_body, /Vợ tôi là cổ đông của doanh nghiệp/);

    // The page now says so instead of offering the take form.
    const page = pageText(await (await c.get(`/review/${id}`)).text());
    assert.match(page, /đã khai báo có xung đột lợi ích với doanh nghiệp này ngày/);

    // A later take, even declaring no conflict, is refused: this application and another of the same enterprise.
    const again = await c.post(`/review/${id}`, { intent: "take", declaration: "none", lockVersion: await lock(id) });
    assert.equal(again.status, 403);
    assert.match(pageText(await again.text()), /đã khai báo có xung đột lợi ích với doanh nghiệp này ngày .*không thể nhận thẩm định/);
    const second = await submitted(owner, { ...DEMO_PLATFORM, name: "Nền tảng thứ hai", publicUrl: "https://hai.example.vn" });
    const other = await c.post(`/review/${second.id}`, { intent: "take", declaration: "none", lockVersion: await lock(second.id) });
    assert.equal(other.status, 403);
    assert.equal((await getApplication(second.id))!.assigned_to, null);

    // Nor can a colleague assign it to the declarer; the colleague can take it.
    const assigned = await cc.post(`/review/${id}`, { intent: "assign", assigneeId: declarer.id, lockVersion: await lock(id) });
    assert.equal(assigned.status, 403);
    assert.match(pageText(await assigned.text()), /Người được chọn đã khai báo có xung đột lợi ích/);
    assert.doesNotMatch((await (await cc.get(`/review/${id}`)).text()).split('name="assigneeId"')[1]!.split("</select>")[0]!, new RegExp(declarer.id), "not offered in the assign list");
    assert.equal((await cc.post(`/review/${id}`, { intent: "take", declaration: "none", lockVersion: await lock(id) })).status, 302);
    assert.equal((await getApplication(id))!.assigned_to, colleague.id);
  });

  test("a reviewer assigned by a colleague can still declare a conflict: it releases the application", async () => {
    const lead = await staffUser("province_reviewer", "79");
    const assignee = await staffUser("province_reviewer", "79");
    const { id } = await submitted();
    const lc = await signIn(lead);
    assert.equal((await lc.post(`/review/${id}`, { intent: "assign", assigneeId: assignee.id, lockVersion: await lock(id) })).status, 302);
    const ac = await signIn(assignee);
    const page = await (await ac.get(`/review/${id}`)).text();
    assert.match(page, /value="declare_conflict"/, "the assignee is offered the declaration");
    const empty = await ac.post(`/review/${id}`, { intent: "declare_conflict", lockVersion: await lock(id), conflictReason: "  " });
    assert.equal(empty.status, 400);
    assert.match(pageText(await empty.text()), /Nhập lý do xung đột lợi ích/);
    const res = await ac.post(`/review/${id}`, { intent: "declare_conflict", lockVersion: await lock(id), conflictReason: "Anh trai là giám đốc doanh nghiệp" });
    assert.equal(res.status, 302);
    assert.equal((await getApplication(id))!.assigned_to, null, "given back");
    const actions = (await audit(id)).map((e) => e.action);
    assert.deepEqual(actions.slice(-2), ["application.conflict_declared", "application.released"]);
    const told = await t.db.selectFrom("outbox_emails").select("to_address").where("template", "=", "conflict_declared").where("application_id", "=", id).execute();
    assert.ok(told.some((e) => e.to_address === lead.email), "the colleague who assigned it is told");
  });

  test("at the ministry step the other ministry reviewers are told", async () => {
    const province = await staffUser("province_reviewer", "79");
    const declarer = await staffUser("ministry_reviewer");
    const other = await staffUser("ministry_reviewer");
    const { id } = await submitted();
    await review.assignApplication(province, id, { assigneeId: province.id, noConflict: true, lockVersion: Number(await lock(id)) }, "t");
    await t.db.updateTable("enterprises").set({ verification_status: "verified" }).where("id", "=", (await getApplication(id))!.enterprise_id).execute();
    const { criteriaItems, getCriteria } = await import("~/features/application/criteria.server.ts");
    for (const item of criteriaItems(await getCriteria((await getApplication(id))!.criteria_set_id)))
      await review.saveVerdict(province, id, { criterionKey: item.key, verdict: "met", note: "", lockVersion: Number(await lock(id)) }, "t");
    await review.forwardToMinistry(province, id, { lockVersion: Number(await lock(id)), recommendation: "recognise", summary: "Đạt" }, "t");
    const c = await signIn(declarer);
    const res = await c.post(`/ministry/${id}`, { intent: "take", declaration: "conflict", conflictReason: "Từng làm việc cho doanh nghiệp", lockVersion: await lock(id) });
    assert.equal(res.status, 302);
    assert.equal((await getApplication(id))!.status, "forwarded");
    const to = (await t.db.selectFrom("outbox_emails").select("to_address").where("template", "=", "conflict_declared").where("application_id", "=", id).execute()).map((e) => e.to_address);
    assert.ok(to.includes(other.email));
    assert.ok(!to.includes(declarer.email));
    assert.ok(!to.includes(province.email), "the province is not the ministry's business here");
    assert.equal((await c.post(`/ministry/${id}`, { intent: "take", declaration: "none", lockVersion: await lock(id) })).status, 403);
  });
});

describe("how a reviewer hears about new and resubmitted applications (account page)", () => {
  const radios = (html: string) =>
    (html.match(/<input[^>]*name="newApplicationNotices"[^>]*>/g) ?? []).map((r) => `${r.match(/value="(\w+)"/)?.[1]}${/checked/.test(r) ? "*" : ""}`);

  test("a reviewer sees the choice (at once by default), saves the digest, and it is audited", async () => {
    const reviewer = await staffUser("province_reviewer", "79");
    const c = await signIn(reviewer);
    const page = await (await c.get("/account")).text();
    assert.deepEqual(radios(page), ["immediate*", "digest"]);
    assert.match(pageText(page), /Một thư tổng hợp mỗi ngày, lúc 8 giờ \(giờ Việt Nam\)/);
    assert.match(pageText(page), /Thông báo về thời hạn và phân công thẩm định luôn được gửi ngay/);
    const res = await c.post("/account", { newApplicationNotices: "digest" });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("Location"), "/account");
    const row = await t.db.selectFrom("users").select("new_application_notices").where("id", "=", reviewer.id).executeTakeFirstOrThrow();
    assert.equal(row.new_application_notices, "digest");
    const audited = await t.db.selectFrom("audit_events").select(["action", "data"]).where("entity_type", "=", "user").where("entity_id", "=", reviewer.id).where("action", "=", "user.notice_preference").execute();
    assert.deepEqual(audited.map((a) => [a.action, a.data]), [["user.notice_preference", { from: "immediate", to: "digest" }]]);
    assert.deepEqual(radios(await (await c.get("/account")).text()), ["immediate", "digest*"], "the page shows what was saved at once");
    // Back to each at once.
    assert.equal((await c.post("/account", { newApplicationNotices: "immediate" })).status, 302);
    assert.equal((await t.db.selectFrom("users").select("new_application_notices").where("id", "=", reviewer.id).executeTakeFirstOrThrow()).new_application_notices, "immediate");
  });

  test("bad input: 400 with the field's error and the error summary, the choice made kept (not the saved one), nothing changed", async () => {
    const reviewer = await staffUser("ministry_reviewer");
    const c = await signIn(reviewer);
    for (const value of ["", "weekly", "digest\u0000", "x".repeat(5000)]) {
      const res = await c.post("/account", { newApplicationNotices: value });
      assert.equal(res.status, 400, JSON.stringify(value.slice(0, 20)));
      const html = await res.text();
      assert.match(html, /error-summary/);
      assert.match(pageText(html), /Chọn cách nhận thông báo/);
      assert.deepEqual(radios(html), ["immediate", "digest"], "what was posted is shown, not the saved default");
    }
    const none = await c.post("/account", {});
    assert.equal(none.status, 400);
    await none.arrayBuffer();
    assert.equal((await t.db.selectFrom("users").select("new_application_notices").where("id", "=", reviewer.id).executeTakeFirstOrThrow()).new_application_notices, "immediate");
  });

  test("an enterprise user has no such choice: not shown, and a post is refused (403)", async () => {
    const { user } = await enterpriseUser("79");
    const c = await signIn(user);
    const page = await (await c.get("/account")).text();
    assert.deepEqual(radios(page), []);
    const res = await c.post("/account", { newApplicationNotices: "digest" });
    assert.equal(res.status, 403);
    await res.arrayBuffer();
  });
});
