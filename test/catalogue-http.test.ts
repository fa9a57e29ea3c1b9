import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql, type SqlBool } from "kysely";
import QRCode from "qrcode";
import type { Answers, User } from "~/platform/db/db-types.ts";
import { median, monthRange, provinceOutcomes } from "~/features/catalogue/catalogue-stats.server.ts";
import { seedDemoCatalogue } from "~/seeds/demo-catalogue.server.ts";
import { completeApplication, DEMO_PLATFORM } from "~/seeds/demo-data.server.ts";
import { seedDemoAccounts } from "~/seeds/demo.server.ts";
import { foldVietnamese } from "~/platform/db/search-text.ts";
import { createDraft, saveSection } from "~/features/application/drafts.server.ts";
import { criteriaItems, getCriteria } from "~/features/application/criteria.server.ts";
import { getApplication } from "~/features/application/queries.server.ts";
import { submitApplication } from "~/features/application/commands.server.ts";
import { transition } from "~/features/application/transition.server.ts";
import * as review from "~/features/review/commands.server.ts";
import { verifyEnterprise } from "~/features/enterprise/verification.server.ts";
import { Client, pageText, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, loginAs, staffUser } from "./helpers/fixtures.ts";
import { responseSchema, validate } from "./helpers/openapi.ts";

let t: TestDb;
let app: TestApp;
let ministry: User;
const reviewers = new Map<string, User>();
let ipCounter = 1;

const SECRET_NOTE = "GHI-CHU-NOI-BO-TUYET-MAT";
const SECRET_VERDICT_NOTE = "NHAN-XET-THAM-DINH-KIN";
/** Platforms that must never appear anywhere public. */
const HIDDEN = {
  draft: "Nền tảng Nháp Kỳ Lân",
  inReview: "Nền tảng Đang Thẩm Định Hạc Trắng",
  rejected: "Nền tảng Bị Từ Chối Sơn Ca",
  withdrawn: "Nền tảng Rút Sớm Chim Sẻ",
};
const hiddenIds: Record<keyof typeof HIDDEN, string> = { draft: "", inReview: "", rejected: "", withdrawn: "" };
let noted = { id: "", name: "Nền tảng Công Khai Hoàng Yến" };
let listedThenWithdrawn = { id: "", name: "Nền tảng Rút Khỏi Danh Mục Bồ Câu", owner: undefined as User | undefined };
let revokedId = "";

async function signIn(user: User) {
  const c = new Client(app.url, `10.77.${Math.floor(ipCounter / 250)}.${ipCounter++ % 250}`);
  await loginAs(c, user);
  return c;
}

async function lock(id: string) {
  return (await getApplication(id))!.lock_version;
}

async function reviewer(province: string) {
  if (!reviewers.has(province)) reviewers.set(province, await staffUser("province_reviewer", province));
  return reviewers.get(province)!;
}

async function submitted(province: string, platform: NonNullable<Answers["platform"]>) {
  const { user, enterpriseId } = await enterpriseUser(province);
  const draft = await createDraft(user, enterpriseId, "test");
  await completeApplication(user, draft.id, platform);
  await submitApplication(user, draft.id, { requestId: "test" });
  return { user, id: draft.id };
}

/** Drives an application through the real review up to the ministry's review. */
async function inMinistryReview(province: string, platform: NonNullable<Answers["platform"]>, opts: { note?: boolean } = {}) {
  const s = await submitted(province, platform);
  const r = await reviewer(province);
  await review.assignApplication(r, s.id, { assigneeId: r.id, noConflict: true, lockVersion: await lock(s.id) }, "t");
  await verifyEnterprise(r, s.id, { outcome: "verified", reason: "" }, "t");
  if (opts.note) await review.addInternalNote(r, s.id, SECRET_NOTE, "t");
  const items = criteriaItems(await getCriteria((await getApplication(s.id))!.criteria_set_id));
  for (const item of items) {
    await review.saveVerdict(r, s.id, { criterionKey: item.key, verdict: "met", note: opts.note ? SECRET_VERDICT_NOTE : "", lockVersion: await lock(s.id) }, "t");
  }
  await review.forwardToMinistry(r, s.id, { lockVersion: await lock(s.id), recommendation: "recognise", summary: `${SECRET_NOTE} tóm tắt` }, "t");
  await review.assignApplication(ministry, s.id, { assigneeId: ministry.id, noConflict: true, lockVersion: await lock(s.id) }, "t");
  return s;
}

async function recognised(province: string, platform: NonNullable<Answers["platform"]>, opts: { note?: boolean } = {}) {
  const s = await inMinistryReview(province, platform, opts);
  await review.recognisePlatform(ministry, s.id, { lockVersion: await lock(s.id), decisionNumber: "999/QĐ-BKHCN", decisionDate: "2026-11-20" }, "t");
  return s;
}

function platform(name: string, extra: Partial<NonNullable<Answers["platform"]>> = {}) {
  return { ...DEMO_PLATFORM, name, shortDescription: `${name}: mô tả ngắn`, publicUrl: `https://${foldVietnamese(name).replace(/\W/g, "")}.example.vn`, ...extra };
}

async function get(path: string, headers: Record<string, string> = {}) {
  return fetch(app.url + path, { headers, redirect: "manual" });
}

async function getJson<T = Record<string, unknown>>(path: string): Promise<{ status: number; body: T; res: Response }> {
  const res = await get(path);
  return { status: res.status, body: (await res.json()) as T, res };
}

interface Summary {
  id: string;
  name: string;
  pillar: { code: string } | null;
  sector: { code: string } | null;
  ownershipType: { code: string } | null;
  province: { code: string } | null;
  decision: { number: string; date: string };
  enterprise: { name: string };
}
interface Page {
  total: number;
  page: number;
  pageCount: number;
  items: Summary[];
  links: { next: string | null; prev: string | null };
}

async function allApiItems(query = ""): Promise<Summary[]> {
  const { body } = await getJson<Page>(`/api/v1/platforms?pageSize=100${query}`);
  assert.ok(body.total <= 100);
  return body.items;
}

/** RFC 4180 parser: quoted fields, doubled quotes, CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

/** Platform names listed on an HTML catalogue page (the links to /platforms/<id>). */
function namesOnPage(html: string): string[] {
  return [...html.replace(/<script[\s\S]*?<\/script>/g, "").matchAll(/<a [^>]*href="\/platforms\/[0-9a-f-]{36}"[^>]*>([^<]+)<\/a>/g)].map((m) => pageText(m[1]!).trim());
}

before(async () => {
  t = await createTestDb();
  app = await startTestApp(t);
  await seedDemoAccounts(t.db);
  await seedDemoCatalogue();
  ministry = await staffUser("ministry_reviewer");

  // Never public: a draft, one still in review (with internal notes), one rejected, one withdrawn before any decision.
  const { user, enterpriseId } = await enterpriseUser("79");
  const draft = await createDraft(user, enterpriseId, "t");
  await saveSection(user, draft.id, "platform", platform(HIDDEN.draft), "t");
  hiddenIds.draft = draft.id;
  hiddenIds.inReview = (await inMinistryReview("79", platform(HIDDEN.inReview), { note: true })).id;
  const rejected = await submitted("01", platform(HIDDEN.rejected));
  const r01 = await reviewer("01");
  await review.assignApplication(r01, rejected.id, { assigneeId: r01.id, noConflict: true, lockVersion: await lock(rejected.id) }, "t");
  await review.rejectApplication(r01, rejected.id, { lockVersion: await lock(rejected.id), reasons: ["criteria_not_met"], note: "Không đạt" }, "t");
  hiddenIds.rejected = rejected.id;
  const withdrawn = await submitted("01", platform(HIDDEN.withdrawn));
  await transition({ applicationId: withdrawn.id, actor: withdrawn.user, action: "withdraw", expectedLockVersion: await lock(withdrawn.id), requestId: "t" });
  hiddenIds.withdrawn = withdrawn.id;

  // Public: recognised with internal notes and verdict notes (which must stay internal), and one the enterprise will withdraw.
  noted = { ...noted, id: (await recognised("79", platform(noted.name, { pillar: "society", sector: "health" }), { note: true })).id };
  const w = await recognised("01", platform(listedThenWithdrawn.name, { pillar: "economy", sector: "cloud" }));
  listedThenWithdrawn = { ...listedThenWithdrawn, id: w.id, owner: w.user };
  revokedId = (await t.db.selectFrom("applications").select("id").where("status", "=", "revoked").executeTakeFirstOrThrow()).id;
});

after(async () => {
  await app.close();
  await t.close();
});

describe("demo catalogue", () => {
  test("a dozen recognised platforms across pillars and provinces (01 and 79 among them), one revoked; seeding twice adds nothing", async () => {
    const rows = await t.db.selectFrom("applications").select(["status", "province_code", "answers"]).where("decision_number", "like", "%/QĐ-BKHCN").where("decision_number", "!=", "999/QĐ-BKHCN").execute();
    const recognisedRows = rows.filter((r) => r.status === "recognised");
    assert.ok(recognisedRows.length >= 12, `${recognisedRows.length} recognised`);
    assert.equal(rows.filter((r) => r.status === "revoked").length, 1);
    assert.deepEqual(new Set(recognisedRows.map((r) => r.answers.platform?.pillar)), new Set(["economy", "society", "government"]));
    const provinces = new Set(recognisedRows.map((r) => r.province_code));
    assert.ok(provinces.has("01") && provinces.has("79") && provinces.size >= 5, [...provinces].join());
    await seedDemoCatalogue();
    const again = await t.db.selectFrom("applications").select("id").where("decision_number", "like", "%/QĐ-BKHCN").execute();
    assert.equal(again.length, rows.length + 2, "only this file's two recognitions besides the demo");
  });
});

describe("only recognised platforms are public", () => {
  test("list, API, CSV, JSON and feed never show drafts, applications in review, rejected or withdrawn ones, nor internal notes", async () => {
    const html = await (await get("/platforms")).text();
    const csv = await (await get("/platforms.csv")).text();
    const json = await (await get("/platforms.json")).text();
    const api = await (await get("/api/v1/platforms?pageSize=100")).text();
    const feed = await (await get("/platforms/feed.atom")).text();
    const detail = await (await get(`/platforms/${noted.id}`)).text();
    const detailApi = await (await get(`/api/v1/platforms/${noted.id}`)).text();
    const certificate = await (await get(`/platforms/${noted.id}/certificate`)).text();
    for (const [where, body] of Object.entries({ html, csv, json, api, feed, detail, detailApi, certificate })) {
      for (const [kind, name] of Object.entries(HIDDEN)) {
        assert.ok(!body.includes(name), `${kind} platform "${name}" appears in ${where}`);
        assert.ok(!body.includes(hiddenIds[kind as keyof typeof HIDDEN]), `${kind} id appears in ${where}`);
      }
      assert.ok(!body.includes(SECRET_NOTE), `internal note in ${where}`);
      assert.ok(!body.includes(SECRET_VERDICT_NOTE), `verdict note in ${where}`);
    }
    assert.ok(pageText(html).includes(noted.name));
    for (const id of Object.values(hiddenIds)) {
      assert.equal((await get(`/platforms/${id}`)).status, 404);
      assert.equal((await get(`/platforms/${id}/certificate`)).status, 404);
      assert.equal((await get(`/api/v1/platforms/${id}`)).status, 404);
    }
    assert.equal((await get("/platforms/not-an-id")).status, 404);
    assert.equal((await get("/api/v1/platforms/00000000-0000-4000-8000-000000000000")).status, 404);
  });

  test("every listed platform is recognised", async () => {
    const ids = (await allApiItems()).map((i) => i.id);
    const statuses = await t.db.selectFrom("applications").select("status").where("id", "in", ids).execute();
    assert.equal(statuses.length, ids.length);
    assert.ok(statuses.every((s) => s.status === "recognised"));
    const count = await t.db.selectFrom("applications").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "recognised").executeTakeFirstOrThrow();
    assert.equal(ids.length, Number(count.n));
  });
});

describe("search and filters", () => {
  test("accent-insensitive search in the name, the short description and the enterprise name", async () => {
    const names = async (q: string) => (await allApiItems(`&q=${encodeURIComponent(q)}`)).map((i) => i.name);
    assert.deepEqual(await names("thuong mai dien tu"), ["Sàn Thương mại điện tử Sen Vàng"]);
    assert.deepEqual(await names("THƯƠNG MẠI điện tử"), ["Sàn Thương mại điện tử Sen Vàng"]);
    assert.deepEqual(await names("ocop"), ["Sàn Thương mại điện tử Sen Vàng"], "short description");
    assert.deepEqual(await names("dam may hong ha"), ["Nền tảng Điện toán đám mây Hồng Hà"]);
    assert.ok((await names("cong ty co phan tri tue nhan tao lac viet")).includes("Trợ lý ảo tiếng Việt Lạc Việt"), "enterprise name");
    assert.deepEqual(await names("khong-co-nen-tang-nao"), []);
    // The reference and the tax code are in the staff search text but are not catalogue fields.
    const ref = (await getApplication(noted.id))!.reference!;
    assert.deepEqual(await names(ref), []);

    const page = pageText(await (await get(`/platforms?q=${encodeURIComponent("thuong mai dien tu")}`)).text());
    assert.match(page, /Tìm thấy 1 nền tảng/);
    assert.match(page, /Sàn Thương mại điện tử Sen Vàng/);
    const html = await (await get("/platforms?q=abc")).text();
    assert.match(html, /role="status" aria-live="polite"/);
  });

  test("filters by pillar, sector, province and ownership type, alone and together", async () => {
    const all = await allApiItems();
    for (const [param, key, value] of [
      ["pillar", "pillar", "government"],
      ["sector", "sector", "ecommerce"],
      ["province", "province", "48"],
      ["ownership", "ownershipType", "state"],
    ] as const) {
      const items = await allApiItems(`&${param}=${value}`);
      assert.ok(items.length > 0, `${param}=${value} finds something`);
      assert.ok(
        items.every((i) => i[key]?.code === value),
        `${param}=${value}`,
      );
      assert.equal(items.length, all.filter((i) => i[key]?.code === value).length);
      const html = await (await get(`/platforms?${param}=${value}`)).text();
      assert.deepEqual(namesOnPage(html).sort(), items.map((i) => i.name).sort(), `page and API agree for ${param}`);
    }
    const both = await allApiItems("&pillar=government&ownership=state");
    assert.ok(both.length > 0 && both.every((i) => i.pillar?.code === "government" && i.ownershipType?.code === "state"));
    // Pages ignore unknown values; the API says what is wrong.
    assert.equal((await get("/platforms?pillar=nope")).status, 200);
    const bad = await getJson<{ error: string; details: string[] }>("/api/v1/platforms?pillar=nope&page=0");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.details.length, 2);
  });

  test("sorting by name (accents folded) and by newest recognition; pages neither repeat nor skip", async () => {
    const byName = (await allApiItems()).map((i) => foldVietnamese(i.name));
    assert.deepEqual(byName, [...byName].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const newest = (await allApiItems("&sort=newest")).map((i) => i.decision.date);
    assert.deepEqual(newest, [...newest].sort().reverse());

    const seen: string[] = [];
    let next: string | null = "/api/v1/platforms?pageSize=4";
    let pages = 0;
    while (next) {
      const { body }: { body: Page } = await getJson<Page>(next.replace(/^https?:\/\/[^/]+/, ""));
      seen.push(...body.items.map((i) => i.id));
      next = body.links.next;
      pages++;
    }
    const total = (await allApiItems()).length;
    assert.equal(seen.length, total);
    assert.equal(new Set(seen).size, total);
    assert.equal(pages, Math.ceil(total / 4));
    // A page number past the end shows the last page.
    const last = pageText(await (await get("/platforms?page=999")).text());
    assert.match(last, /Tìm thấy \d+ nền tảng/);
  });
});

describe("platform pages", () => {
  test("description, enterprise, province, category, decision, dated timeline and who verified each criterion", async () => {
    const senVang = (await allApiItems("&q=sen+vang"))[0]!;
    const res = await get(`/platforms/${senVang.id}`);
    assert.equal(res.status, 200);
    const page = pageText(await res.text());
    for (const text of [
      "Sàn Thương mại điện tử Sen Vàng",
      "Đã được công nhận",
      "Công ty Cổ phần Sen Vàng Số",
      "Thành phố Hồ Chí Minh",
      "Kinh tế số",
      "Sàn thương mại điện tử",
      senVang.decision.number,
      "Nộp hồ sơ",
      "Sở chuyển hồ sơ lên Bộ",
      "Bộ công nhận nền tảng",
      "Bộ xác minh ngày",
      "Sở Khoa học và Công nghệ xác minh ngày",
    ])
      assert.ok(page.includes(text), `platform page shows "${text}"`);
    // Lạc Việt: the province asked for more on one criterion and the ministry verified nothing.
    const lacViet = (await allApiItems("&q=lac+viet"))[0]!;
    const lv = pageText(await (await get(`/platforms/${lacViet.id}`)).text());
    assert.match(lv, /Chỉ doanh nghiệp tự kê khai, chưa được xác minh/);
    assert.match(lv, /Đáp ứng một phần/);
    assert.doesNotMatch(lv, /Bộ xác minh ngày/);
    const { body } = await getJson<{ criteria: { key: string; verifiedBy: { stage: string }[] }[] }>(`/api/v1/platforms/${lacViet.id}`);
    assert.deepEqual(body.criteria.find((c) => c.key === "user_scale")!.verifiedBy, []);
    assert.deepEqual(body.criteria.find((c) => c.key === "ownership")!.verifiedBy.map((v) => v.stage), ["province"]);
  });

  test("English", async () => {
    const c = new Client(app.url, "10.78.0.1");
    assert.equal((await c.post("/lang", { lang: "en", redirectTo: "/platforms" })).status, 302);
    const page = pageText(await (await c.get(`/platforms/${noted.id}`)).text());
    assert.match(page, /National digital platform/);
    assert.match(page, /Verified by the provincial department on/);
    assert.match(page, /Digital society/);
    assert.match(pageText(await (await c.get("/platforms")).text()), /National digital platforms catalogue/);
    assert.match(pageText(await (await c.get("/statistics")).text()), /Recognised platforms by pillar/);
  });

  test("certificate: printable page with a server-rendered QR code of the platform page's address", async () => {
    const res = await get(`/platforms/${noted.id}/certificate`);
    assert.equal(res.status, 200);
    const html = await res.text();
    const url = pageText(html).match(/https?:\/\/\S+\/platforms\/[0-9a-f-]{36}/)?.[0] ?? "";
    assert.ok(url.endsWith(`/platforms/${noted.id}`), "the absolute address is printed under the code");
    const svg = html.match(/<svg role="img"[^>]*class="certificate__qr-svg"[\s\S]*?<\/svg>/)?.[0];
    assert.ok(svg, "inline QR svg");
    assert.doesNotMatch(svg, /style=|<script/);
    // The same URL encoded again gives the same modules: the QR code links to the platform page.
    const expected = await QRCode.toString(url, { type: "svg", margin: 2, errorCorrectionLevel: "M" });
    assert.ok(svg.includes(expected.match(/<path stroke[^>]*d="([^"]+)"/)![1]!), "QR modules match the page URL");
  });

  test("revoked and withdrawn listings keep their URL and answer 410 with the date since when", async () => {
    const revokeEvent = await t.db
      .selectFrom("audit_events")
      .select("created_at")
      .where("entity_id", "=", revokedId)
      .where("action", "=", "application.revoke")
      .executeTakeFirstOrThrow();
    const res = await get(`/platforms/${revokedId}`);
    assert.equal(res.status, 410);
    const date = new Date(revokeEvent.created_at).toLocaleDateString("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", day: "numeric", month: "numeric", year: "numeric" });
    assert.ok(pageText(await res.text()).includes(`không còn được công nhận kể từ ngày ${date}`), date);
    assert.equal((await get(`/platforms/${revokedId}/certificate`)).status, 410);
    const api = await getJson<{ status: string; noLongerRecognisedSince: string }>(`/api/v1/platforms/${revokedId}`);
    assert.equal(api.status, 410);
    assert.equal(api.body.status, "revoked");
    assert.equal(api.body.noLongerRecognisedSince, new Date(revokeEvent.created_at).toISOString());
    assert.ok(!(await allApiItems()).some((i) => i.id === revokedId));
  });
});

describe("enterprise and ministry actions", () => {
  test("the enterprise sees its listing and withdraws it from the catalogue (lock version checked)", async () => {
    const { id, owner } = listedThenWithdrawn;
    const c = await signIn(owner!);
    const overview = await (await c.get(`/applications/${id}`)).text();
    assert.ok(overview.includes(`href="/platforms/${id}"`));
    assert.ok(overview.includes(`href="/applications/${id}/withdraw-listing"`));
    assert.equal((await c.get(`/applications/${id}/withdraw-listing`)).status, 200);
    const before = await lock(id);
    let res = await c.post(`/applications/${id}/withdraw-listing`, { lockVersion: String(before - 1) });
    assert.equal(res.status, 302);
    assert.equal((await getApplication(id))!.status, "recognised", "stale lock version refused");
    const etag = (await get("/api/v1/platforms")).headers.get("ETag");
    res = await c.post(`/applications/${id}/withdraw-listing`, { lockVersion: String(before) });
    assert.equal(res.status, 302);
    assert.equal((await getApplication(id))!.status, "withdrawn");
    const told = await t.db.selectFrom("outbox_emails").select("to_address").where("application_id", "=", id).where("created_at", ">=", (await getApplication(id))!.updated_at).execute();
    const recipients = told.map((m) => m.to_address);
    assert.ok(recipients.includes(ministry.email), "the ministry is told");
    assert.ok(recipients.some((r) => [...reviewers.values()].some((u) => u.email === r)), "the province is told");
    assert.ok(recipients.includes(owner!.email), "the enterprise gets a receipt");
    const page = await get(`/platforms/${id}`);
    assert.equal(page.status, 410);
    assert.match(pageText(await page.text()), /Doanh nghiệp đã rút nền tảng khỏi danh mục/);
    assert.notEqual((await get("/api/v1/platforms")).headers.get("ETag"), etag, "the list changed, so did its ETag");
    assert.ok(!(await allApiItems()).some((i) => i.id === id));
    const feed = await (await get("/platforms/feed.atom")).text();
    assert.ok(feed.includes(`Rút khỏi danh mục: ${listedThenWithdrawn.name}`));
    assert.equal((await c.get(`/applications/${id}/withdraw-listing`)).status, 302, "nothing left to withdraw");
  });

  test("the ministry revokes by a decision (number, date, reason): recorded, emailed, shown on the 410 page, the API and the feed", async () => {
    const s = await recognised("79", platform("Nền tảng Thu Hồi Đại Bàng"));
    const c = await signIn(ministry);
    assert.equal((await c.get(`/ministry/${s.id}/revoke`)).status, 200);
    let res = await c.post(`/ministry/${s.id}/revoke`, { lockVersion: String(await lock(s.id)), decisionNumber: "77/QĐ-BKHCN", decisionDate: "2026-11-25", reason: "" });
    assert.equal(res.status, 400);
    res = await c.post(`/ministry/${s.id}/revoke`, { lockVersion: String(await lock(s.id)), reason: "Không duy trì cấp độ an toàn" });
    assert.equal(res.status, 400, "the revocation decision's number and date are required");
    assert.match(pageText(await res.text()), /Số quyết định thu hồi/);
    res = await c.post(`/ministry/${s.id}/revoke`, {
      lockVersion: String(await lock(s.id)),
      decisionNumber: "77/QĐ-BKHCN",
      decisionDate: "2026-11-25",
      reason: "Không duy trì cấp độ an toàn hệ thống thông tin",
    });
    assert.equal(res.status, 302);
    const app = (await getApplication(s.id))!;
    assert.equal(app.status, "revoked");
    assert.deepEqual([app.revocation_number, app.revocation_date, app.revocation_reason], ["77/QĐ-BKHCN", "2026-11-25", "Không duy trì cấp độ an toàn hệ thống thông tin"]);
    assert.equal(app.decision_number, "999/QĐ-BKHCN", "the recognition decision is kept");

    const mails = await t.db.selectFrom("outbox_emails").select(["to_address", "template", "text_body"]).where("application_id", "=", s.id).where("created_at", ">=", app.updated_at).execute();
    const toEnterprise = mails.find((m) => m.to_address === s.user.email);
    assert.equal(toEnterprise?.template, "revoked");
    assert.match(toEnterprise!.text_body, /77\/QĐ-BKHCN/);
    assert.match(toEnterprise!.text_body, /Không duy trì cấp độ an toàn hệ thống thông tin/);
    assert.ok(mails.some((m) => m.to_address === reviewers.get("79")!.email), "the province is told");

    const page = await get(`/platforms/${s.id}`);
    assert.equal(page.status, 410);
    const text = pageText(await page.text());
    assert.match(text, /Quyết định thu hồi Số 77\/QĐ-BKHCN ngày 25\/11\/2026/);
    assert.match(text, /Lý do thu hồi Không duy trì cấp độ an toàn hệ thống thông tin/);
    const api = await getJson<{ revocation: { number: string; date: string; reason: string }; decision: { number: string } }>(`/api/v1/platforms/${s.id}`);
    assert.equal(api.status, 410);
    assert.deepEqual(api.body.revocation, { number: "77/QĐ-BKHCN", date: "2026-11-25", reason: "Không duy trì cấp độ an toàn hệ thống thông tin" });
    assert.equal(api.body.decision.number, "999/QĐ-BKHCN");
    const feed = await (await get("/platforms/feed.atom")).text();
    const entry = feed.split("<entry>").find((e) => e.includes("Thu hồi công nhận: Nền tảng Thu Hồi Đại Bàng"))!;
    assert.ok(entry, "a revocation entry");
    assert.match(entry, /Quyết định số 77\/QĐ-BKHCN ngày 25\/11\/2026/);
    assert.doesNotMatch(entry, /999\/QĐ-BKHCN/, "the revocation entry names the revocation decision, not the recognition");
    const enterprise = await signIn(s.user);
    assert.equal((await enterprise.get(`/ministry/${s.id}/revoke`)).status, 403, "only the ministry");
  });
});

describe("open data", () => {
  test("ETag and public caching; If-None-Match answers 304", async () => {
    for (const path of ["/api/v1/platforms", `/api/v1/platforms/${noted.id}`, "/platforms.csv", "/platforms.json", "/platforms/feed.atom", "/api/v1/openapi.json"]) {
      const res = await get(path);
      assert.equal(res.status, 200, path);
      const etag = res.headers.get("ETag");
      assert.match(etag ?? "", /^"[\w-]+"$/, path);
      assert.match(res.headers.get("Cache-Control") ?? "", /^public, max-age=\d+$/, path);
      const again = await get(path, { "If-None-Match": etag! });
      assert.equal(again.status, 304, path);
      assert.equal(await again.text(), "");
      assert.equal((await get(path, { "If-None-Match": `W/${etag}, "other"` })).status, 304, `${path} weak match`);
      assert.equal((await get(path, { "If-None-Match": '"other"' })).status, 200, path);
    }
  });

  test("API responses validate against the OpenAPI document", async () => {
    const { status, body: doc } = await getJson<Record<string, unknown>>("/api/v1/openapi.json");
    assert.equal(status, 200);
    assert.equal(doc.openapi, "3.1.0");
    const check = (path: string, code: number, value: unknown) => assert.deepEqual(validate(doc, responseSchema(doc, path, code), value), [], `${path} ${code}`);
    for (const q of ["", "?pageSize=3&page=2", "?pillar=society&sort=newest", "?q=thuong+mai"]) check("/api/v1/platforms", 200, (await getJson(`/api/v1/platforms${q}`)).body);
    for (const item of await allApiItems()) check("/api/v1/platforms/{id}", 200, (await getJson(`/api/v1/platforms/${item.id}`)).body);
    check("/api/v1/platforms/{id}", 410, (await getJson(`/api/v1/platforms/${revokedId}`)).body);
    check("/api/v1/platforms/{id}", 404, (await getJson(`/api/v1/platforms/${hiddenIds.rejected}`)).body);
    check("/api/v1/platforms", 400, (await getJson("/api/v1/platforms?sector=x")).body);
    check("/platforms.json", 200, (await getJson("/platforms.json")).body);
    // The validator itself catches drift.
    assert.notDeepEqual(validate(doc, responseSchema(doc, "/api/v1/platforms", 200), { total: 1 }), []);
    const extra = { ...(await getJson<Page>("/api/v1/platforms")).body, secret: 1 };
    assert.notDeepEqual(validate(doc, responseSchema(doc, "/api/v1/platforms", 200), extra), []);
    // The filter enums are the codes the API accepts.
    const params = (doc.paths as Record<string, { get: { parameters: { name: string; schema: { enum?: string[] } }[] } }>)["/api/v1/platforms"]!.get.parameters;
    const pillars = await t.db.selectFrom("pillars").select("code").execute();
    assert.deepEqual(params.find((p) => p.name === "pillar")!.schema.enum!.sort(), pillars.map((p) => p.code).sort());
  });

  test("CSV and JSON downloads parse and match the page", async () => {
    for (const q of ["", "?pillar=economy", "?q=nen+tang&sort=newest"]) {
      const csvRes = await get(`/platforms.csv${q}`);
      assert.match(csvRes.headers.get("Content-Type") ?? "", /^text\/csv; charset=utf-8/);
      assert.match(csvRes.headers.get("Content-Disposition") ?? "", /attachment/);
      const bytes = new Uint8Array(await csvRes.arrayBuffer());
      assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], "UTF-8 byte-order mark");
      const rows = parseCsv(new TextDecoder().decode(bytes.slice(3)));
      const [head, ...data] = rows;
      assert.equal(head![0], "id");
      assert.ok(data.every((r) => r.length === head!.length), "every row has every column");
      const nameCol = head!.indexOf("name");
      const json = (await getJson<{ total: number; items: Summary[] }>(`/platforms.json${q}`)).body;
      const pageNames = namesOnPage(await (await get(`/platforms${q}`)).text());
      assert.equal(json.total, data.length);
      assert.deepEqual(data.map((r) => r[nameCol]), json.items.map((i) => i.name), `CSV and JSON agree (${q})`);
      assert.deepEqual(pageNames, json.items.map((i) => i.name).slice(0, 20), `page and downloads agree (${q})`);
      assert.deepEqual(data.map((r) => r[0]), json.items.map((i) => i.id));
    }
    // Quoting and spreadsheet-formula neutralising.
    const tricky = await recognised("01", platform('=Nền tảng "Ngoặc kép", dấu phẩy', { shortDescription: "Dòng 1\nDòng 2, có \"ngoặc\"" }));
    const rows = parseCsv((await (await get("/platforms.csv?q=ngoac+kep")).text()).slice(1));
    assert.equal(rows.length, 2);
    assert.equal(rows[1]![0], tricky.id);
    assert.equal(rows[1]![1], `'=Nền tảng "Ngoặc kép", dấu phẩy`);
    assert.equal(rows[1]![2], 'Dòng 1\nDòng 2, có "ngoặc"');
  });

  test("Atom feed of new and changed listings", async () => {
    const res = await get("/platforms/feed.atom");
    assert.match(res.headers.get("Content-Type") ?? "", /^application\/atom\+xml/);
    const xml = await res.text();
    assert.match(xml, /^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"/);
    assert.ok(xml.includes(`Công nhận: ${noted.name}`));
    assert.ok(xml.includes("Thu hồi công nhận: Nền tảng Giám sát An ninh mạng Cửu Long"));
    const updated = [...xml.matchAll(/<entry>[\s\S]*?<updated>([^<]+)<\/updated>/g)].map((m) => m[1]!);
    assert.deepEqual(updated, [...updated].sort().reverse(), "newest first");
    assert.match(pageText(await (await get("/platforms/feed.atom?lang=en")).text()), /Recognised: /);
  });
});

describe("statistics", () => {
  test("processing time: pauses while the enterprise supplements do not count; on time within the working-day deadline", () => {
    const at = (day: string, hour = 9) => new Date(`${day}T${String(hour).padStart(2, "0")}:00:00+07:00`);
    const ev = (id: string, province: string, action: string, when: Date) => ({ application_id: id, province_code: province, action: `application.${action}`, created_at: when });
    const events = [
      // Monday 2 Nov → Friday 6 Nov: 4 days, 4 working days.
      ev("a", "31", "submit", at("2026-11-02")),
      ev("a", "31", "forward", at("2026-11-06")),
      // 2 Nov → 30 Nov (28 days, 20 working days) with 14 days (10 working days) waiting for the enterprise: 14 days, 10 working days.
      ev("b", "31", "submit", at("2026-11-02")),
      ev("b", "31", "request_changes", at("2026-11-09")),
      ev("b", "31", "resubmit", at("2026-11-23")),
      ev("b", "31", "reject_province", at("2026-11-30")),
      // 2 Nov → 18 Nov: 16 days, 12 working days: late.
      ev("c", "46", "submit", at("2026-11-02")),
      ev("c", "46", "forward", at("2026-11-18")),
      // Still in review: no outcome.
      ev("d", "46", "submit", at("2026-11-02")),
    ];
    const outcomes = provinceOutcomes(events, 10);
    assert.deepEqual(
      outcomes.map((o) => [o.applicationId, o.provinceCode, o.days, o.onTime]),
      [
        ["a", "31", 4, true],
        ["b", "31", 14, true],
        ["c", "46", 16, false],
      ],
    );
    assert.equal(median([4, 14]), 9);
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([]), null);
    assert.deepEqual(monthRange(["2026-10", "2026-08"], new Date("2026-11-15T00:00:00Z")), ["2026-08", "2026-09", "2026-10", "2026-11"]);
    assert.deepEqual(monthRange(["2025-12"], new Date("2026-01-02T00:00:00Z")), ["2025-12", "2026-01"]);
  });

  test("the numbers match the catalogue and the applications", async () => {
    const res = await get("/statistics");
    assert.equal(res.status, 200);
    const html = await res.text();
    const page = pageText(html);
    const all = await allApiItems();
    assert.ok(page.includes(`Nền tảng đã được công nhận: ${all.length}`));
    // Charts are server-rendered SVG images with a title and a description, no inline style.
    const svgs = html.match(/<svg class="chart"[\s\S]*?<\/svg>/g) ?? [];
    assert.ok(svgs.length >= 5, `${svgs.length} charts`);
    for (const svg of svgs) {
      assert.match(svg, /role="img"/);
      assert.match(svg, /<title id="[^"]+">[^<]+<\/title><desc id="[^"]+">[^<]+<\/desc>/);
      assert.doesNotMatch(svg, /style=/);
    }
    const tableRow = (caption: string, label: string) => {
      const table = html.match(new RegExp(`<caption class="table__caption">${caption}</caption>[\\s\\S]*?</table>`))?.[0] ?? "";
      const row = table.match(new RegExp(`<tr><td>${label}</td>((?:<td[^>]*>[^<]*</td>)+)</tr>`))?.[1] ?? "";
      return [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]!);
    };
    for (const [code, label] of [["economy", "Kinh tế số"], ["society", "Xã hội số"], ["government", "Chính phủ số"]] as const) {
      assert.deepEqual(tableRow("Nền tảng được công nhận theo trụ cột", label), [String(all.filter((i) => i.pillar?.code === code).length)], label);
    }
    assert.deepEqual(tableRow("Nền tảng được công nhận theo tỉnh, thành phố", "Thành phố Đà Nẵng"), [String(all.filter((i) => i.province?.code === "48").length)]);
    // Received per month: straight from submitted_at.
    const month = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 7);
    const received = await t.db.selectFrom("applications").select("submitted_at").where("submitted_at", "is not", null).execute();
    const thisMonth = received.filter((r) => new Date(new Date(r.submitted_at!).getTime() + 7 * 3600_000).toISOString().startsWith(month)).length;
    const [y, m] = month.split("-");
    assert.equal(tableRow("Hồ sơ tiếp nhận và hồ sơ đã có quyết định theo tháng", `${Number(m)}/${y}`)[0], String(thisMonth));
    // Provincial processing: every application the department forwarded or rejected, all within the day here.
    const handled = await t.db
      .selectFrom("audit_events")
      .innerJoin("applications", (j) => j.on(sql<SqlBool>`applications.id::text = audit_events.entity_id`))
      .select(["applications.province_code", (eb) => eb.fn.count<number>(sql`distinct applications.id`).as("n")])
      .where("audit_events.action", "in", ["application.forward", "application.reject_province"])
      .groupBy("applications.province_code")
      .execute();
    const provinces = await t.db.selectFrom("provinces").select(["code", "name_vi"]).execute();
    assert.ok(handled.length >= 6);
    for (const h of handled) {
      const name = provinces.find((p) => p.code === h.province_code)!.name_vi;
      const n = Number(h.n);
      assert.deepEqual(tableRow("Thời gian xử lý của Sở Khoa học và Công nghệ các tỉnh, thành phố", name), [String(n), "0,0", `100% (${n}/${n})`], name);
    }
  });
});
