import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { completeApplication, DEMO_PLATFORM } from "~/seeds/demo-data.server.ts";
import { createDraft } from "~/features/application/drafts.server.ts";
import { submitApplication } from "~/features/application/commands.server.ts";
import { getApplication } from "~/features/application/queries.server.ts";
import { addWorkingDays } from "~/platform/time/working-days.ts";
import { setClock } from "~/platform/time/clock.ts";
import { Client, pageText, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, loginAs, staffUser, type StaffUser } from "./helpers/fixtures.ts";

let t: TestDb;
let app: TestApp;
let admin: StaffUser;
let adminClient: Client;
let ip = 1;

const T0 = new Date("2026-12-07T02:00:00Z"); // a Monday, 09:00 in Hà Nội

before(async () => {
  t = await createTestDb();
  app = await startTestApp(t);
  admin = await staffUser("admin", null, "quantri.thoihan@bo.gov.vn", "Quản trị");
  adminClient = await signIn(admin);
});
after(async () => {
  setClock(null);
  await app.close();
  await t.close();
});

async function signIn(user: Parameters<typeof loginAs>[1]) {
  const c = new Client(app.url, `10.8.${Math.floor(ip / 250)}.${ip++ % 250}`);
  await loginAs(c, user);
  return c;
}

async function submitted(): Promise<Date> {
  const { user, enterpriseId } = await enterpriseUser("01");
  const draft = await createDraft(user, enterpriseId, "test");
  await completeApplication(user, draft.id, { ...DEMO_PLATFORM, publicUrl: `https://dn${ip++}.example.vn` });
  setClock(T0);
  try {
    await submitApplication(user, draft.id, { requestId: "test" });
  } finally {
    setClock(null);
  }
  return new Date((await getApplication(draft.id))!.due_at!);
}

const deadlineEvents = () => t.db.selectFrom("audit_events").selectAll().where("action", "=", "settings.deadline_changed").orderBy("id").execute();

describe("the statutory deadlines page", () => {
  test("only administrators: signed-out visitors sign in first, staff and enterprises get 403, for the page and its form", async () => {
    const anonymous = await new Client(app.url).get("/admin/deadlines");
    assert.equal(anonymous.status, 302);
    assert.match(anonymous.headers.get("Location") ?? "", /^\/login/);
    const others = [await staffUser("province_reviewer", "01"), await staffUser("ministry_reviewer"), (await enterpriseUser("79")).user];
    for (const user of others) {
      const c = await signIn(user);
      assert.equal((await c.get("/admin/deadlines")).status, 403, user.role);
      assert.equal((await c.post("/admin/deadlines", { province: "12", ministry: "15", enterpriseReply: "10" })).status, 403, user.role);
    }
    assert.equal((await deadlineEvents()).length, 0);
  });

  test("lists each deadline with its meaning, in Vietnamese and in English, and is linked from the admin navigation", async () => {
    const res = await adminClient.get("/admin/deadlines");
    assert.equal(res.status, 200);
    const text = pageText(await res.text());
    assert.match(text, /Thời hạn giải quyết theo quy định/);
    assert.match(text, /Sở Khoa học và Công nghệ thẩm định hồ sơ/);
    assert.match(text, /Hạn xử lý của hồ sơ đã có hạn không thay đổi/);
    const home = await (await adminClient.get("/admin/users")).text();
    assert.match(home, /href="\/admin\/deadlines"/);
    const english = await signIn(admin);
    await english.post("/lang", { lang: "en" });
    const en = pageText(await (await english.get("/admin/deadlines")).text());
    assert.match(en, /Statutory deadlines/);
    assert.match(en, /Counted from when the department forwards the application to the ministry/);
    assert.match(en, /Due dates already set do not change/);
  });

  test("bad input: 400 with an error summary, what was typed kept, nothing changed", async () => {
    for (const bad of ["0", "91", "abc", "", "2.5", "-3", "1000000"]) {
      const res = await adminClient.post("/admin/deadlines", { province: bad, ministry: "15", enterpriseReply: "10" });
      assert.equal(res.status, 400, JSON.stringify(bad));
      const html = await res.text();
      assert.match(html, /error-summary/, bad);
      assert.match(pageText(html), /Sở Khoa học và Công nghệ thẩm định hồ sơ/, bad);
      if (bad) assert.match(html, new RegExp(`name="province"[^>]*value="${bad.replace(".", "\\.")}"|value="${bad.replace(".", "\\.")}"[^>]*name="province"`), `kept ${bad}`);
    }
    const res = await adminClient.post("/admin/deadlines", {});
    assert.equal(res.status, 400, "nothing sent");
    assert.equal((await deadlineEvents()).length, 0);
  });

  test("a change applies to later submissions, not to earlier due dates, and is in the audit trail", async () => {
    const before = await submitted();
    assert.equal(before.toISOString(), addWorkingDays(T0, 10).toISOString());

    const res = await adminClient.post("/admin/deadlines", { province: "5", ministry: "15", enterpriseReply: "10" });
    assert.equal(res.status, 302);
    const page = pageText(await (await adminClient.get("/admin/deadlines")).text());
    assert.match(page, /Đã lưu thời hạn/);

    const later = await submitted();
    assert.equal(later.toISOString(), addWorkingDays(T0, 5).toISOString(), "the new deadline");
    const events = await deadlineEvents();
    assert.equal(events.length, 1, "only the setting that changed");
    assert.equal(events[0]!.entity_id, "sla.province.working_days");
    assert.equal(events[0]!.actor_user_id, admin.id);
    assert.deepEqual(events[0]!.data, { key: "sla.province.working_days", from: 10, to: 5 });

    const rows = await t.db.selectFrom("applications").select("due_at").where("due_at", "=", before).execute();
    assert.ok(rows.length >= 1, "the earlier application keeps its due date");

    assert.equal((await adminClient.post("/admin/deadlines", { province: "5", ministry: "15", enterpriseReply: "10" })).status, 302);
    assert.equal((await deadlineEvents()).length, 1, "saving the same values records nothing");

    assert.equal((await adminClient.post("/admin/deadlines", { province: "10", ministry: "15", enterpriseReply: "10" })).status, 302);
    assert.equal((await submitted()).toISOString(), addWorkingDays(T0, 10).toISOString());
  });
});

describe("the holiday calendar page", () => {
  const mon = new Date("2026-11-23T02:00:00Z"); // Monday 23 November 2026, 09:00 in Hà Nội
  const fri = new Date("2026-11-27T02:00:00Z"); // Friday 27 November 2026
  const day = (d: Date) => new Date(d.getTime() + 7 * 3600 * 1000).toISOString().slice(0, 10);
  const calendarEvents = () => t.db.selectFrom("audit_events").selectAll().where("action", "like", "calendar.%").orderBy("id").execute();

  test("only administrators", async () => {
    const anonymous = await new Client(app.url).get("/admin/holidays");
    assert.equal(anonymous.status, 302);
    assert.match(anonymous.headers.get("Location") ?? "", /^\/login/);
    const c = await signIn(await staffUser("ministry_reviewer"));
    assert.equal((await c.get("/admin/holidays?year=2026")).status, 403);
    assert.equal((await c.post("/admin/holidays", { intent: "remove", day: "2026-01-01" })).status, 403);
    assert.equal((await c.post("/admin/holidays", { intent: "add", day: "2026-11-24", kind: "holiday", nameVi: "x", nameEn: "x" })).status, 403);
  });

  test("before any edit the calendar is the shipped files'; the page lists the year's days in both languages", async () => {
    assert.equal(day(addWorkingDays(mon, 1)), "2026-11-24");
    assert.equal(day(addWorkingDays(new Date("2026-02-13T02:00:00Z"), 1)), "2026-02-23", "Tết 2026 from the file");
    const vi = pageText(await (await adminClient.get("/admin/holidays?year=2026")).text());
    assert.match(vi, /Tết Dương lịch/);
    assert.match(vi, /Ngày làm bù/);
    for (const q of ["", "?year=abc", "?year=1800", "?year=2031"]) assert.equal((await adminClient.get(`/admin/holidays${q}`)).status, 200, q);
  });

  test("adding and removing days changes the working days at once, each change audited", async () => {
    const add = await adminClient.post("/admin/holidays", { intent: "add", day: "2026-11-24", kind: "holiday", nameVi: "Ngày Văn hóa Việt Nam", nameEn: "Vietnam Culture Day" });
    assert.equal(add.status, 302);
    assert.equal(add.headers.get("Location"), "/admin/holidays?year=2026");
    assert.equal(day(addWorkingDays(mon, 1)), "2026-11-25", "24 November is now a day off");
    assert.match(pageText(await (await adminClient.get("/admin/holidays?year=2026")).text()), /Ngày Văn hóa Việt Nam/);

    assert.equal(day(addWorkingDays(fri, 1)), "2026-11-30");
    const makeUp = await adminClient.post("/admin/holidays", { intent: "add", day: "2026-11-28", kind: "make_up", nameVi: "Làm bù", nameEn: "Make-up day" });
    assert.equal(makeUp.status, 302);
    assert.equal(day(addWorkingDays(fri, 1)), "2026-11-28", "the Saturday is worked");

    assert.equal((await adminClient.post("/admin/holidays", { intent: "remove", day: "2026-11-24" })).status, 302);
    assert.equal((await adminClient.post("/admin/holidays", { intent: "remove", day: "2026-11-28" })).status, 302);
    assert.equal(day(addWorkingDays(mon, 1)), "2026-11-24");
    assert.equal(day(addWorkingDays(fri, 1)), "2026-11-30");

    const events = await calendarEvents();
    assert.deepEqual(
      events.map((e) => [e.action, e.entity_id, e.actor_user_id]),
      [
        ["calendar.day_added", "2026-11-24", admin.id],
        ["calendar.day_added", "2026-11-28", admin.id],
        ["calendar.day_removed", "2026-11-24", admin.id],
        ["calendar.day_removed", "2026-11-28", admin.id],
      ],
    );
    assert.deepEqual(events[0]!.data, { day: "2026-11-24", kind: "holiday", name_vi: "Ngày Văn hóa Việt Nam", name_en: "Vietnam Culture Day" });

    const again = await adminClient.post("/admin/holidays", { intent: "remove", day: "2026-11-24" });
    assert.equal(again.status, 302, "a day already gone: told, not an error");
    assert.equal((await calendarEvents()).length, 4);
  });

  test("removing a shipped day works too, and a new submission's due date follows the edited calendar", async () => {
    // Quốc khánh: 31 August 2026 is a day off in the file.
    const sat = new Date("2026-08-28T02:00:00Z"); // Friday 28 August
    assert.equal(day(addWorkingDays(sat, 1)), "2026-09-03");
    assert.equal((await adminClient.post("/admin/holidays", { intent: "remove", day: "2026-08-31" })).status, 302);
    assert.equal(day(addWorkingDays(sat, 1)), "2026-08-31");
    const back = await adminClient.post("/admin/holidays", { intent: "add", day: "2026-08-31", kind: "swapped", nameVi: "Nghỉ hoán đổi", nameEn: "Swapped day off" });
    assert.equal(back.status, 302);
    assert.equal(day(addWorkingDays(sat, 1)), "2026-09-03");
  });

  test("bad input: 400 with the error summary and the values kept; no 5xx", async () => {
    const cases: Record<string, string>[] = [
      { day: "2026-11-25", kind: "make_up", nameVi: "Làm bù", nameEn: "Make-up" }, // a Wednesday
      { day: "2026-11-29", kind: "holiday", nameVi: "Nghỉ", nameEn: "Off" }, // a Sunday
      { day: "2026-01-01", kind: "holiday", nameVi: "Trùng", nameEn: "Taken" }, // already there
      { day: "2026-02-30", kind: "holiday", nameVi: "Sai", nameEn: "Wrong" },
      { day: "2026-11-24", kind: "party", nameVi: "Sai", nameEn: "Wrong" },
      { day: "2026-11-24", kind: "holiday", nameVi: "", nameEn: "" },
      { day: "3026-11-24", kind: "holiday", nameVi: "Xa", nameEn: "Far" },
    ];
    for (const form of cases) {
      const res = await adminClient.post("/admin/holidays", { intent: "add", ...form });
      assert.equal(res.status, 400, JSON.stringify(form));
      const html = await res.text();
      assert.match(html, /error-summary/);
      if (form.nameVi) assert.match(html, new RegExp(`value="${form.nameVi}"`), "kept");
    }
    assert.equal((await adminClient.post("/admin/holidays", { intent: "remove", day: "not a day" })).status, 400);
    assert.equal((await adminClient.post("/admin/holidays", {})).status, 400);
    assert.equal(day(addWorkingDays(mon, 1)), "2026-11-24", "nothing changed");
  });
});
