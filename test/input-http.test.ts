import assert from "node:assert/strict";
import { after, before, describe, mock, test } from "node:test";
import type { User } from "~/platform/db/db-types.ts";
import { completeApplication, DEMO_PLATFORM } from "~/seeds/demo-data.server.ts";
import { logger } from "~/platform/ops/logger.server.ts";
import { createUserDirect } from "~/features/account/account.server.ts";
import { createDraft } from "~/features/application/drafts.server.ts";
import { getApplication } from "~/features/application/queries.server.ts";
import { Client, pageText, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, loginAs, PASSWORD, staffUser, uniqueEmail, validTaxCode } from "./helpers/fixtures.ts";

let t: TestDb;
let app: TestApp;
let ip = 1;
let province: Client;
let ministry: Client;

before(async () => {
  t = await createTestDb();
  app = await startTestApp(t);
  province = await login(await staffUser("province_reviewer", "79"));
  ministry = await login(await staffUser("ministry_reviewer"));
});
after(async () => {
  await app.close();
  await t.close();
});

async function login(user: User) {
  const c = new Client(app.url, `10.16.${Math.floor(ip / 250)}.${ip++ % 250}`);
  await loginAs(c, user);
  return c;
}

async function submittedApplication(provinceCode = "79") {
  const { user, enterpriseId } = await enterpriseUser(provinceCode);
  const draft = await createDraft(user, enterpriseId, "test");
  await completeApplication(user, draft.id, DEMO_PLATFORM);
  const c = await login(user);
  assert.equal((await c.post(`/applications/${draft.id}/check`, {})).status, 302);
  return draft.id;
}

const NOT_UUIDS = ["------------------------------------", "0000000000000000000000000000000000-0", "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaa-"];

describe("bad input in query strings and paths never answers 5xx", () => {
  test("a NUL byte in q: the catalogue, its CSV and JSON exports, the API and both queues answer normally", async () => {
    const anon = new Client(app.url);
    for (const path of ["/platforms", "/platforms.csv", "/platforms.json", "/api/v1/platforms"]) {
      const res = await anon.get(`${path}?q=An%00B%C3%ACnh`);
      assert.equal(res.status, 200, `${path}: ${res.status}`);
      await res.arrayBuffer();
    }
    for (const [c, path] of [
      [province, "/review"],
      [ministry, "/ministry"],
    ] as const) {
      const res = await c.get(`${path}?q=An%00B%C3%ACnh&view=new`);
      assert.equal(res.status, 200, `${path}: ${res.status}`);
      await res.arrayBuffer();
    }
  });

  test("malformed percent-encoding in the path: 400 with a page in the portal's look", async () => {
    const anon = new Client(app.url);
    for (const path of ["/%E0%A4%A", "/platforms/%E0%A4%A", "/review/%FF", "/%"]) {
      const res = await anon.get(path);
      assert.equal(res.status, 400, `${path}: ${res.status}`);
      assert.match(res.headers.get("Content-Type") ?? "", /text\/html/);
      const html = await res.text();
      assert.match(html, /<html lang="vi">/);
      assert.match(html, /<title>Địa chỉ trang không hợp lệ/);
      assert.match(html, /rel="stylesheet" href="\/build\//, "the portal's stylesheet");
      assert.match(pageText(html), /This page address is not valid/, "and in English");
    }
    const post = await province.post("/review/%E0%A4%A", { intent: "take" });
    assert.equal(post.status, 400);
  });

  test("a 36-character id that is not a UUID: 404 on review and ministry pages and their actions", async () => {
    for (const id of NOT_UUIDS) {
      for (const [c, path] of [
        [province, `/review/${id}`],
        [ministry, `/ministry/${id}`],
        [ministry, `/ministry/${id}/revoke`],
      ] as const) {
        const page = await c.get(path);
        assert.equal(page.status, 404, `GET ${path}: ${page.status}`);
        await page.arrayBuffer();
        const action = await c.post(path, { intent: "take", declaration: "none", lockVersion: "0" });
        assert.equal(action.status, 404, `POST ${path}: ${action.status}`);
        await action.arrayBuffer();
      }
    }
  });

  test("a forged or damaged queue cursor is a 400 naming the parameter; the real one still pages", async () => {
    for (let i = 0; i < 27; i++) await submittedApplication("79");
    const first = await province.get("/review?view=new");
    const html = await first.text();
    const next = /href="(\/review\?[^"]*after=[^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, "&");
    assert.ok(next, "a next-page link");
    assert.equal((await province.get(next)).status, 200);

    const forged = [
      Buffer.from("1|------------------------------------").toString("base64url"),
      Buffer.from("2026-13-45T99:00:00.000000Z|00000000-0000-0000-0000-000000000000").toString("base64url"),
      Buffer.from("0000-01-01T00:00:00.000000Z|00000000-0000-0000-0000-000000000000").toString("base64url"),
      Buffer.from("2026-01-01T00:00:00.000000Z|00000000-0000-0000-0000-000000000000|x").toString("base64url"),
      "garbage",
      "%00",
      "x".repeat(5000),
    ];
    for (const after of forged) {
      for (const [c, path] of [
        [province, "/review"],
        [ministry, "/ministry"],
      ] as const) {
        const res = await c.get(`${path}?view=new&after=${encodeURIComponent(after)}`);
        assert.equal(res.status, 400, `${path} after=${after.slice(0, 40)}: ${res.status}`);
        const text = pageText(await res.text());
        assert.match(text, /Đường liên kết không hợp lệ/);
        assert.match(text, /after/);
      }
    }
  });

  test("unknown filter values from a stale bookmark are ignored, even names of object properties", async () => {
    for (const [c, path] of [
      [province, "/review"],
      [ministry, "/ministry"],
    ] as const) {
      for (const query of ["view=toString", "view=__proto__", "view=constructor&assignee=hasOwnProperty", "sector=%00&province=%FF&overdue=%00"]) {
        const res = await c.get(`${path}?${query}`);
        assert.equal(res.status, 200, `${path}?${query}: ${res.status}`);
        await res.arrayBuffer();
      }
    }
  });
});

describe("text is stored and searched as Unicode NFC", () => {
  const legalNfc = "Công ty Cổ phần Ứng dụng Phương Đông";
  const platformNfc = "Nền tảng Hội nghị Trực tuyến Phương Đông";

  test("names typed in decomposed Unicode are stored composed and found by either form of the search", async () => {
    assert.notEqual(legalNfc.normalize("NFD"), legalNfc, "the test really types decomposed text");
    const user = await createUserDirect({ email: uniqueEmail("nfd"), name: "Lê Thị C", role: "enterprise", provinceCode: null, password: PASSWORD });
    const c = await login(user);
    const created = await c.post("/enterprise", {
      legalName: legalNfc.normalize("NFD"),
      englishName: "",
      taxCode: validTaxCode("79"),
      address: "12 Nguyễn Huệ, phường Sài Gòn".normalize("NFD"),
      provinceCode: "79",
      representativeName: "Lê Thị C".normalize("NFD"),
      representativeTitle: "Giám đốc",
      phone: "0912345678",
      website: "",
    });
    assert.equal(created.status, 302, `enterprise created: ${created.status}`);
    const enterprise = await t.db.selectFrom("enterprises").selectAll().where("legal_name", "like", "%Phương Đông").executeTakeFirstOrThrow();
    assert.equal(enterprise.legal_name, legalNfc);
    assert.equal(enterprise.address, "12 Nguyễn Huệ, phường Sài Gòn");
    assert.equal(enterprise.representative_name, "Lê Thị C");

    const draft = await createDraft(user, enterprise.id, "test");
    await completeApplication(user, draft.id, DEMO_PLATFORM);
    const platformForm: Record<string, string> = { ...(DEMO_PLATFORM as Record<string, string>), name: platformNfc.normalize("NFD") };
    const saved = await c.post(`/applications/${draft.id}/platform`, platformForm);
    assert.equal(saved.status, 302, `platform saved: ${saved.status}`);
    assert.equal((await getApplication(draft.id))!.answers.platform?.name, platformNfc);
    assert.equal((await c.post(`/applications/${draft.id}/check`, {})).status, 302);
    const reference = (await getApplication(draft.id))!.reference!;

    for (const q of ["Ứng dụng Phương", "ứng dụng phương".normalize("NFD"), "Hội nghị", "hội nghị trực".normalize("NFD"), "ung dung phuong"]) {
      const res = await province.get(`/review?q=${encodeURIComponent(q)}`);
      assert.equal(res.status, 200);
      assert.ok(pageText(await res.text()).includes(reference), `the queue search "${q}" (${q === q.normalize("NFC") ? "NFC" : "NFD"}) finds ${reference}`);
    }
  });
});

describe("legacy ?_data= requests", () => {
  test("are refused with 400 and logged below error level", async () => {
    const error = mock.method(logger(), "error", () => undefined);
    const info = mock.method(logger(), "info", () => undefined);
    try {
      const anon = new Client(app.url);
      for (const path of ["/platforms?_data=root", "/platforms?_data=routes%2Fplatforms._index", "/review?_data", "/?x=1&_data=root"]) {
        const res = await anon.get(path);
        assert.equal(res.status, 400, `${path}: ${res.status}`);
        await res.arrayBuffer();
      }
      const post = await anon.post("/login?_data=routes%2Flogin", { email: "a@b.vn", password: "x" });
      assert.equal(post.status, 400);
      assert.equal(error.mock.callCount(), 0, `no error-level log: ${JSON.stringify(error.mock.calls.map((c) => c.arguments))}`);
      assert.ok(info.mock.calls.some((c) => /refused/.test(String(c.arguments[1]))), "an info line says why");
      // The single-fetch data requests our pages make are untouched.
      const data = await anon.get("/platforms.data");
      assert.equal(data.status, 200);
      await data.arrayBuffer();
    } finally {
      error.mock.restore();
      info.mock.restore();
    }
  });
});
