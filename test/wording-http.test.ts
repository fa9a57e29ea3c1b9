/**
 * Issue 8, item 22 (what the pages say): the status after submitting, "recognised", province names in Vietnamese
 * phrases and in English, English dates and plurals, as the HTML pages show them.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Locale, User } from "~/platform/db/db-types.ts";
import { completeApplication, DEMO_PLATFORM } from "~/seeds/demo-data.server.ts";
import { seedDemoAccounts } from "~/seeds/demo.server.ts";
import { seedDemoCatalogue } from "~/seeds/demo-catalogue.server.ts";
import { createDraft } from "~/features/application/drafts.server.ts";
import { criteriaItems, getCriteria } from "~/features/application/criteria.server.ts";
import { getApplication } from "~/features/application/queries.server.ts";
import { Client, pageText, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, loginAs, staffUser } from "./helpers/fixtures.ts";

let t: TestDb;
let app: TestApp;
let ip = 1;

before(async () => {
  t = await createTestDb();
  app = await startTestApp(t);
  await seedDemoAccounts(t.db);
  await seedDemoCatalogue();
});
after(async () => {
  await app.close();
  await t.close();
});

/** The one place this file signs in (staff sign-in may gain a second step). */
async function login(user: User, locale: Locale = "vi"): Promise<Client> {
  const c = new Client(app.url, `10.41.${Math.floor(ip / 250)}.${ip++ % 250}`);
  await loginAs(c, user);
  assert.equal((await c.post("/lang", { lang: locale, redirectTo: "/" })).status, 302);
  return c;
}

async function visitor(locale: Locale): Promise<Client> {
  const c = new Client(app.url, `10.42.${Math.floor(ip / 250)}.${ip++ % 250}`);
  assert.equal((await c.post("/lang", { lang: locale, redirectTo: "/" })).status, 302);
  return c;
}

async function text(c: Client, path: string, status = 200): Promise<string> {
  const res = await c.get(path);
  assert.equal(res.status, status, `GET ${path}`);
  return pageText(await res.text());
}

/** A complete draft of an enterprise in `province`, with its owner signed in. */
async function draftIn(province: string, locale: Locale = "vi") {
  const { user, enterpriseId } = await enterpriseUser(province);
  const draft = await createDraft(user, enterpriseId, "test");
  await completeApplication(user, draft.id, DEMO_PLATFORM);
  return { id: draft.id, user, client: await login(user, locale) };
}

async function submit(c: Client, id: string) {
  const res = await c.post(`/applications/${id}/check`, {});
  assert.equal(res.headers.get("Location"), `/applications/${id}/submitted`);
}

const lock = async (id: string) => String((await getApplication(id))!.lock_version);
const D_M_Y = /\b\d{1,2}\/\d{1,2}\/\d{4}\b/;
const ENGLISH_DATE = /\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b/;

describe("the status after submitting", () => {
  test("reads 'submitted, awaiting receipt' until the province takes the application", async () => {
    const { id, user, client } = await draftIn("79");
    await submit(client, id);
    let page = await text(client, `/applications/${id}`);
    assert.ok(page.includes("Đã nộp – chờ tiếp nhận"), "status tag");
    assert.ok(page.includes("Hồ sơ đã được nộp và đang chờ Sở Khoa học và Công nghệ tiếp nhận"), "status text");
    assert.ok(!page.includes("Sở Khoa học và Công nghệ đã tiếp nhận"), "nobody has received it yet");
    assert.ok((await text(client, "/applications")).includes("Đã nộp – chờ tiếp nhận"), "list of applications");
    assert.ok(!(await text(client, "/applications")).includes(" Đã tiếp nhận "), "no 'received' tag in the list");

    const reviewer = await login(await staffUser("province_reviewer", "79"));
    const res = await reviewer.post(`/review/${id}`, { intent: "take", declaration: "none", lockVersion: await lock(id) });
    assert.equal(res.status, 302);
    page = await text(client, `/applications/${id}`);
    assert.ok(page.includes("Đang thẩm định tại Sở"));
    assert.ok(!page.includes("Đã nộp – chờ tiếp nhận"));

    const english = await login(user, "en");
    const { id: other, client: otherClient } = await draftIn("79", "en");
    await submit(otherClient, other);
    assert.ok((await text(otherClient, `/applications/${other}`)).includes("Submitted – awaiting receipt"));
    assert.ok((await text(english, `/applications/${id}`)).includes("In provincial review"));
  });
});

describe("province names", () => {
  test("inside a Vietnamese phrase the kind takes a small letter, except Thành phố Hồ Chí Minh", async () => {
    const dakLak = await draftIn("66");
    const check = await text(dakLak.client, `/applications/${dakLak.id}/check`);
    assert.ok(check.includes("Sở Khoa học và Công nghệ tỉnh Đắk Lắk"), "check page");
    assert.ok(!check.includes("Tỉnh Đắk Lắk"));
    await submit(dakLak.client, dakLak.id);
    const submitted = await text(dakLak.client, `/applications/${dakLak.id}/submitted`);
    assert.ok(submitted.includes("Sở Khoa học và Công nghệ tỉnh Đắk Lắk sẽ thẩm định"), "confirmation page");

    const hcm = await draftIn("79");
    assert.ok((await text(hcm.client, `/applications/${hcm.id}/check`)).includes("Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh"));
    const hanoi = await login(await staffUser("province_reviewer", "01"));
    assert.ok((await text(hanoi, "/review")).includes("Hồ sơ của thành phố Hà Nội"), "queue title");
  });

  test("English uses one form, 'Ho Chi Minh City' / 'Dak Lak Province', on every page", async () => {
    const c = await visitor("en");
    const res = await c.get("/platforms");
    const html = await res.text();
    const select = html.match(/<select[^>]*name="province"[^>]*>([\s\S]*?)<\/select>/)?.[1] ?? "";
    const options = [...select.matchAll(/<option value="(\d+)"[^>]*>([^<]*)<\/option>/g)].map((m) => m[2]!);
    assert.equal(options.length, 34);
    for (const o of options) assert.match(o, /^[A-Za-z -]+ (City|Province)$/, o);
    assert.ok(options.includes("Ho Chi Minh City") && options.includes("Dak Lak Province") && options.includes("Ha Noi City"));

    const listing = await t.db.selectFrom("applications").select("id").where("status", "=", "recognised").where("province_code", "=", "79").executeTakeFirstOrThrow();
    assert.ok((await text(c, `/platforms/${listing.id}`)).includes("Ho Chi Minh City"), "listing page");
    assert.ok((await text(c, "/statistics")).includes("Ho Chi Minh City"), "statistics");

    const dakLak = await draftIn("66", "en");
    assert.ok((await text(dakLak.client, `/applications/${dakLak.id}/check`)).includes("Department of Science and Technology of Dak Lak Province"));
    const hcmReviewer = await login(await staffUser("province_reviewer", "79"), "en");
    assert.ok((await text(hcmReviewer, "/review")).includes("Applications for Ho Chi Minh City"));

    const admin = await staffUser("admin");
    const vi = await text(await login(admin), "/admin/users");
    assert.ok(vi.includes("TP. Hồ Chí Minh"), "short name of Thành phố Hồ Chí Minh");
    assert.ok((await text(await login(admin, "en"), "/admin/users")).includes("Ho Chi Minh City"));
  });
});

describe("recognised platforms", () => {
  test("read 'Đã được công nhận' (has been recognised), not 'being recognised'", async () => {
    const c = await visitor("vi");
    const listing = await t.db.selectFrom("applications").select("id").where("status", "=", "recognised").executeTakeFirstOrThrow();
    const page = await text(c, `/platforms/${listing.id}`);
    assert.ok(page.includes("Đã được công nhận"));
    assert.ok(!/đang được công nhận/i.test(page));
    const stats = await text(c, "/statistics");
    assert.match(stats, /Nền tảng đã được công nhận: \d+/);
    assert.ok(!/đang được công nhận/i.test(stats));
  });
});

describe("English dates and plurals", () => {
  test("dates name the month", async () => {
    const c = await visitor("en");
    const listing = await t.db.selectFrom("applications").select("id").where("status", "=", "recognised").executeTakeFirstOrThrow();
    const page = await text(c, `/platforms/${listing.id}`);
    assert.match(page, ENGLISH_DATE);
    assert.doesNotMatch(page, D_M_Y);
    const { id, client } = await draftIn("79", "en");
    await submit(client, id);
    const overview = await text(client, `/applications/${id}`);
    assert.match(overview, ENGLISH_DATE);
    assert.doesNotMatch(overview, D_M_Y);
  });

  test("one application, one criterion: singular forms", async () => {
    const { id, client } = await draftIn("79", "en");
    await submit(client, id);
    const reference = (await getApplication(id))!.reference!;
    const reviewer = await login(await staffUser("province_reviewer", "79"), "en");
    assert.ok((await text(reviewer, `/review?q=${reference}`)).includes("1 application"), "queue count");
    assert.ok(!(await text(reviewer, `/review?q=${reference}`)).includes("1 applications"));

    assert.equal((await reviewer.post(`/review/${id}`, { intent: "take", declaration: "none", lockVersion: await lock(id) })).status, 302);
    const items = criteriaItems(await getCriteria((await getApplication(id))!.criteria_set_id));
    for (const item of items.slice(1)) {
      const res = await reviewer.post(`/review/${id}`, { intent: "verdict", lockVersion: await lock(id), criterionKey: item.key, verdict: "met", note: "" });
      assert.equal(res.status, 302, item.key);
    }
    const res = await reviewer.post(`/review/${id}`, { intent: "forward", lockVersion: await lock(id), recommendation: "recognise", summary: "Tốt" });
    assert.equal(res.status, 400);
    const page = pageText(await res.text());
    assert.ok(page.includes("1 criterion still has no verdict"), "missing verdicts");
    assert.ok(!page.includes("1 criteria"));
  });
});
