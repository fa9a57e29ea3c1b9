import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createUserDirect } from "~/features/account/account.server.ts";
import { hashPassword } from "~/features/account/password.server.ts";
import { peekUserToken } from "~/features/account/user.server.ts";
import { inviteStaff } from "~/features/admin/commands.server.ts";
import { USERS_PAGE_SIZE } from "~/features/admin/queries.server.ts";
import { setClock } from "~/platform/time/clock.ts";
import { Client, pageText, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, lastEmailText, loginAs, staffUser, uniqueEmail, type StaffUser } from "./helpers/fixtures.ts";

let t: TestDb;
let app: TestApp;
let admin: StaffUser;
let adminClient: Client;
let ip = 1;

before(async () => {
  t = await createTestDb();
  app = await startTestApp(t);
  admin = await staffUser("admin", null, "quantri@bo.gov.vn", "Quản trị");
  adminClient = await signIn(admin);
});
after(async () => {
  setClock(null);
  await app.close();
  await t.close();
});

async function signIn(user: Parameters<typeof loginAs>[1]) {
  const c = new Client(app.url, `10.7.${Math.floor(ip / 250)}.${ip++ % 250}`);
  await loginAs(c, user);
  return c;
}

/** The addresses in the user table of a list page, in order. */
async function listed(query: string): Promise<{ emails: string[]; text: string; status: number }> {
  const res = await adminClient.get(`/admin/users${query}`);
  const html = await res.text();
  const table = html.slice(html.indexOf("<tbody"), html.indexOf("</tbody>"));
  const emails = [...table.matchAll(/<tr><td>([^<]+)<\/td>/g)].map((m) => m[1]!);
  return { emails, text: pageText(html), status: res.status };
}

async function auditOf(userId: string, action: string) {
  return t.db.selectFrom("audit_events").selectAll().where("entity_id", "=", userId).where("action", "=", action).execute();
}

describe("the admin's user list", () => {
  test("filters by role, province, status, last sign-in and text; unknown values are dropped, never a 5xx", async () => {
    const hanoi = await staffUser("province_reviewer", "01", "thamdinh.hanoi@so.gov.vn", "Nguyễn Thị Hà");
    const hue = await staffUser("province_reviewer", "46", "thamdinh.hue@so.gov.vn", "Lê Văn Huế");
    const ministry = await staffUser("ministry_reviewer", null, "thamdinh@bo.gov.vn", "Phạm Minh");
    const invited = await inviteStaff(admin, { email: "moi@so.gov.vn", name: "Người Mới", role: "province_reviewer", provinceCode: "01", locale: "vi" }, "test", "127.0.0.1");
    const { user: owner } = await enterpriseUser("79");

    // Signed in 100 days ago (Huế), today (Hà Nội), never (the ministry reviewer, the invitee, the enterprise).
    setClock(new Date(Date.now() - 100 * 24 * 3600 * 1000));
    await signIn(hue);
    setClock(null);
    await signIn(hanoi);

    assert.deepEqual((await listed("?role=province_reviewer")).emails, ["moi@so.gov.vn", "thamdinh.hanoi@so.gov.vn", "thamdinh.hue@so.gov.vn"]);
    assert.deepEqual((await listed("?role=province_reviewer&province=01")).emails, ["moi@so.gov.vn", "thamdinh.hanoi@so.gov.vn"]);
    assert.deepEqual((await listed("?status=invited")).emails, [invited.email]);
    assert.deepEqual((await listed("?signIn=recent&role=province_reviewer")).emails, ["thamdinh.hanoi@so.gov.vn"]);
    assert.deepEqual((await listed("?signIn=stale&role=province_reviewer")).emails, ["moi@so.gov.vn", "thamdinh.hue@so.gov.vn"]);
    assert.deepEqual((await listed("?signIn=never")).emails, [owner.email, "thamdinh@bo.gov.vn", "moi@so.gov.vn"], "by role (enterprise, ministry, province), then address");
    assert.deepEqual((await listed("?q=HUẾ")).emails, ["thamdinh.hue@so.gov.vn"], "the name, any case");
    assert.deepEqual((await listed("?q=%25")).emails, [], "a % is a character, not a wildcard");
    const all = await listed("");
    assert.match(all.text, /6 tài khoản/);
    assert.ok(all.emails.includes(ministry.email) && all.emails.includes(admin.email));

    for (const query of ["?role=boss", "?province=99", "?status=%00", "?signIn=yesterday", "?page=-4", "?page=abc", "?page=99999999999", `?q=${"x".repeat(500)}`]) {
      const res = await listed(query);
      assert.equal(res.status, 200, query);
    }
    assert.equal((await listed("?role=boss")).emails.length, 6, "an unknown role filters nothing out");
  });

  test("pages of fifty, with links that keep the filters", async () => {
    const passwordHash = await hashPassword("not used to sign in");
    for (let i = 0; i < USERS_PAGE_SIZE + 5; i++)
      await createUserDirect({ email: `bo${String(i).padStart(3, "0")}@bo.gov.vn`, name: `Cán bộ ${i}`, role: "ministry_reviewer", provinceCode: null, passwordHash });
    const first = await adminClient.get("/admin/users?role=ministry_reviewer");
    const html = await first.text();
    const next = html.match(/<a[^>]*rel="next"[^>]*>/)?.[0].match(/href="([^"]+)"/)?.[1]?.replace(/&amp;/g, "&");
    assert.equal(next, "/admin/users?role=ministry_reviewer&page=2");
    const second = await listed("?role=ministry_reviewer&page=2");
    assert.equal(second.emails.length, 6, "55 new + the earlier ministry reviewer = 56: 50 then 6");
    assert.match(second.text, /Trang 2 \/ 2/);
    const beyond = await listed("?role=ministry_reviewer&page=7");
    assert.equal(beyond.status, 200);
  });
});

describe("a staff member's page", () => {
  test("changing the role or province ends their sessions, is audited, and needs a province for a province reviewer", async () => {
    const reviewer = await staffUser("province_reviewer", "01", uniqueEmail("chuyen"), "Người Chuyển");
    const theirs = await signIn(reviewer);
    assert.equal((await theirs.get("/review")).status, 200);
    const page = `/admin/users/${reviewer.id}`;
    assert.equal((await adminClient.get(page)).status, 200);

    const missing = await adminClient.post(page, { intent: "change_role", role: "province_reviewer", provinceCode: "" });
    assert.equal(missing.status, 400);
    const missingText = pageText(await missing.text());
    assert.match(missingText, /Có lỗi cần sửa/);
    const badRole = await adminClient.post(page, { intent: "change_role", role: "enterprise" });
    assert.equal(badRole.status, 400, "an enterprise role cannot be given here");

    const same = await adminClient.post(page, { intent: "change_role", role: "province_reviewer", provinceCode: "01" });
    assert.equal(same.status, 302);
    assert.equal((await auditOf(reviewer.id, "user.role_changed")).length, 0, "nothing changed, nothing recorded");

    const moved = await adminClient.post(page, { intent: "change_role", role: "province_reviewer", provinceCode: "46" });
    assert.equal(moved.status, 302);
    const row = await t.db.selectFrom("users").select(["role", "province_code"]).where("id", "=", reviewer.id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { role: "province_reviewer", province_code: "46" });
    const [event] = await auditOf(reviewer.id, "user.role_changed");
    assert.deepEqual(event?.data, { fromRole: "province_reviewer", toRole: "province_reviewer", fromProvince: "01", toProvince: "46" });
    assert.equal(event?.actor_user_id, admin.id);
    const after = await theirs.get("/review");
    assert.equal(after.status, 302, "their old session no longer opens the queue");
    assert.match(after.headers.get("Location") ?? "", /^\/login/);

    assert.equal((await adminClient.post(page, { intent: "change_role", role: "ministry_reviewer", provinceCode: "46" })).status, 302);
    const ministry = await t.db.selectFrom("users").select(["role", "province_code"]).where("id", "=", reviewer.id).executeTakeFirstOrThrow();
    assert.deepEqual(ministry, { role: "ministry_reviewer", province_code: null }, "only province reviewers keep a province");
  });

  test("the province left without a reviewer is flagged on the list", async () => {
    const only = await staffUser("province_reviewer", "96", uniqueEmail("camau"), "Người Cà Mau");
    const unstaffed = (text: string) => text.slice(text.indexOf("chưa có người thẩm định"), text.indexOf("Mời cán bộ"));
    assert.doesNotMatch(unstaffed((await listed("")).text), /Cà Mau \(\s*96\s*\)/);
    assert.equal((await adminClient.post(`/admin/users/${only.id}`, { intent: "change_role", role: "ministry_reviewer" })).status, 302);
    assert.match(unstaffed((await listed("")).text), /Cà Mau \(\s*96\s*\)/);
  });

  test("a new invitation link replaces the old one; only an invitee gets one", async () => {
    const invitee = await inviteStaff(admin, { email: uniqueEmail("moi"), name: "Người Được Mời", role: "ministry_reviewer", provinceCode: null, locale: "vi" }, "test", "127.0.0.1");
    const oldLink = (await lastEmailText(invitee.email)).match(/\/invite\?token=([\w-]+)/)?.[1];
    assert.ok(oldLink);
    assert.ok(await peekUserToken(oldLink, "invite"));
    const res = await adminClient.post(`/admin/users/${invitee.id}`, { intent: "resend" });
    assert.equal(res.status, 302);
    const newLink = (await lastEmailText(invitee.email)).match(/\/invite\?token=([\w-]+)/)?.[1];
    assert.ok(newLink && newLink !== oldLink);
    assert.equal(await peekUserToken(oldLink, "invite"), undefined, "the earlier link stops working");
    assert.ok(await peekUserToken(newLink, "invite"));
    assert.equal((await auditOf(invitee.id, "user.invitation_resent")).length, 1);

    const active = await staffUser("ministry_reviewer", null, uniqueEmail("dang"), "Đang Làm");
    const refused = await adminClient.post(`/admin/users/${active.id}`, { intent: "resend" });
    assert.equal(refused.status, 409);
    assert.match(pageText(await refused.text()), /không quản lý được ở đây|chưa nhận lời mời/);
  });

  test("only admins, and never on their own or an enterprise's account", async () => {
    const target = await staffUser("ministry_reviewer", null, uniqueEmail("dich"), "Đích");
    const { user: owner } = await enterpriseUser("79");
    const page = `/admin/users/${target.id}`;
    assert.equal((await adminClient.get(`/admin/users/${admin.id}`)).status, 404);
    assert.equal((await adminClient.get(`/admin/users/${owner.id}`)).status, 404);
    assert.equal((await adminClient.post(`/admin/users/${admin.id}`, { intent: "change_role", role: "ministry_reviewer" })).status, 404);
    assert.equal((await adminClient.get("/admin/users/not-a-uuid")).status, 404);
    assert.equal((await adminClient.post(page, { intent: "promote" })).status, 400);

    const reviewer = await signIn(await staffUser("province_reviewer", "01", uniqueEmail("khac"), "Khác"));
    assert.equal((await reviewer.get(page)).status, 403);
    assert.equal((await reviewer.post(page, { intent: "change_role", role: "admin" })).status, 403);
    const anonymous = await new Client(app.url, "10.7.250.1").get(page);
    assert.equal(anonymous.status, 302);
    const row = await t.db.selectFrom("users").select("role").where("id", "=", target.id).executeTakeFirstOrThrow();
    assert.equal(row.role, "ministry_reviewer");
  });
});
