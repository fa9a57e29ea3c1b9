import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createUserDirect } from "~/features/account/account.server.ts";
import { Client, startTestApp, type TestApp, pageText } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { lastEmailText, loginAs, staffUser } from "./helpers/fixtures.ts";

const PASSWORD = "correct horse battery";
let t: TestDb;
let app: TestApp;
let n = 0;
const uniqueEmail = (p = "dn") => `${p}${Date.now()}${n++}@congty.vn`;

/** A fresh valid 10-digit enterprise code (weights 31,29,23,19,17,13,7,5,3; check = 10 − sum mod 11). */
const usedCodes = new Set(["0100233488", "0100112437", "0314409058", "0312687878"]);
function newTaxCode(): string {
  for (;;) {
    const body = `0${Math.floor(1 + Math.random() * 8)}${String(Math.floor(1 + Math.random() * 9_999_998)).padStart(7, "0")}`;
    const sum = [31, 29, 23, 19, 17, 13, 7, 5, 3].reduce((s, w, i) => s + w * Number(body[i]), 0);
    const check = 10 - (sum % 11);
    if (check > 9) continue;
    const code = body + check;
    if (usedCodes.has(code)) continue;
    usedCodes.add(code);
    return code;
  }
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
}

/** The error message rendered next to a field (GOV.UK pattern: <p class="error-message" id="{field}-error">). */
function fieldError(html: string, field: string): string | undefined {
  return html.match(new RegExp(`<p class="error-message" id="${field}-error">([\\s\\S]*?)</p>`))?.[1];
}

async function enterpriseUser(email = uniqueEmail(), name = "Nguyễn Thị Bình") {
  const user = await createUserDirect({ email, name, role: "enterprise", provinceCode: null, password: PASSWORD });
  return { email, user };
}

async function signedIn(email: string) {
  const c = new Client(app.url);
  const res = await c.post("/login", { email, password: PASSWORD });
  assert.equal(res.status, 302, `sign-in of ${email} failed`);
  return c;
}

function profile(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    intent: "create",
    legalName: "Công ty Cổ phần Công nghệ Sao Mai",
    englishName: "Sao Mai Technology JSC",
    taxCode: newTaxCode(),
    provinceCode: "01",
    address: "Số 18 Nguyễn Du, phường Hai Bà Trưng",
    representativeName: "Trần Văn An",
    representativeTitle: "Tổng giám đốc",
    phone: "0912 345 678",
    website: "https://saomai.vn",
    ...overrides,
  };
}

async function membershipOf(userId: string) {
  return t.db
    .selectFrom("enterprise_members")
    .innerJoin("enterprises", "enterprises.id", "enterprise_members.enterprise_id")
    .select(["enterprises.id", "enterprises.tax_code", "enterprises.phone", "enterprises.legal_name", "enterprise_members.role"])
    .where("enterprise_members.user_id", "=", userId)
    .executeTakeFirst();
}

/** An enterprise user who has created their enterprise profile, signed in. */
async function owner() {
  const { email, user } = await enterpriseUser();
  const c = await signedIn(email);
  const form = profile();
  const res = await c.post("/enterprise?index", form);
  assert.equal(res.status, 302, "profile creation");
  const m = await membershipOf(user.id);
  assert.ok(m);
  return { c, email, user, enterprise: m, form };
}

async function lastJoinLink(email: string): Promise<string> {
  const match = (await lastEmailText(email)).match(/https?:\/\/\S+\/enterprise\/join\?token=[\w%-]+/);
  assert.ok(match, `no /enterprise/join link in the email to ${email}`);
  const url = new URL(match[0]);
  return url.pathname + url.search;
}

before(async () => {
  t = await createTestDb();
  app = await startTestApp(t);
});
after(async () => {
  await app.close();
  await t.close();
});

describe("access", () => {
  test("anonymous visitors are sent to sign in", async () => {
    const c = new Client(app.url);
    for (const page of ["/enterprise", "/enterprise/members"]) {
      const res = await c.get(page);
      assert.equal(res.status, 302, page);
      assert.equal(res.headers.get("Location"), `/login?redirectTo=${encodeURIComponent(page)}`);
    }
    const post = await c.post("/enterprise?index", profile());
    assert.equal(post.status, 302);
    assert.match(post.headers.get("Location") ?? "", /^\/login\?redirectTo=/);
  });

  test("staff roles get 403 on every enterprise page", async () => {
    for (const role of ["province_reviewer", "ministry_reviewer", "admin"] as const) {
      const email = uniqueEmail(role);
      const c = new Client(app.url);
      await loginAs(c, await staffUser(role, role === "province_reviewer" ? "01" : null, email));
      assert.equal((await c.get("/enterprise")).status, 403, `${role} GET /enterprise`);
      assert.equal((await c.get("/enterprise/members")).status, 403, `${role} GET /enterprise/members`);
      assert.equal((await c.get("/enterprise/join?token=abc")).status, 403, `${role} GET /enterprise/join`);
      assert.equal((await c.post("/enterprise?index", profile())).status, 403, `${role} POST /enterprise`);
      assert.equal((await c.post("/enterprise/members", { intent: "invite", email: uniqueEmail(), role: "owner" })).status, 403);
    }
  });

  test("an enterprise user without a profile is sent from the members page to the profile form", async () => {
    const { email } = await enterpriseUser();
    const c = await signedIn(email);
    const res = await c.get("/enterprise/members");
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("Location"), "/enterprise");
  });
});

describe("creating the enterprise profile", () => {
  test("the form has labelled fields, grouped in fieldsets, and no district", async () => {
    const { email } = await enterpriseUser();
    const c = await signedIn(email);
    const res = await c.get("/enterprise");
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /<title>Hồ sơ doanh nghiệp – /);
    for (const field of ["legalName", "englishName", "taxCode", "provinceCode", "address", "representativeName", "representativeTitle", "phone", "website"])
      assert.ok(html.includes(`for="${field}"`), `label for ${field}`);
    assert.ok((html.match(/<legend>/g) ?? []).length >= 3, "fields are grouped");
    assert.doesNotMatch(html, /name="district"|quận\/huyện/i);
    assert.equal((html.match(/<option value="\d\d">/g) ?? []).length, 34, "the 34 provinces");

    await c.post("/lang", { lang: "en", redirectTo: "/enterprise" });
    const en = await (await c.get("/enterprise")).text();
    assert.match(en, /<title>Enterprise profile – /);
    assert.match(en, /Enterprise code \(tax code\)/);
  });

  test("happy path: tax code normalised, phone stored as E.164, redirect to /applications with a flash", async () => {
    const { email, user } = await enterpriseUser();
    const c = await signedIn(email);
    const res = await c.post("/enterprise?index", profile({ taxCode: " 0100.233 488 ", phone: "0912.345.678", provinceCode: "79" }));
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("Location"), "/applications");
    const m = await membershipOf(user.id);
    assert.equal(m?.tax_code, "0100233488");
    assert.equal(m?.phone, "+84912345678");
    assert.equal(m?.role, "owner");
    const row = await t.db.selectFrom("enterprises").selectAll().where("id", "=", m!.id).executeTakeFirstOrThrow();
    assert.equal(row.province_code, "79");
    assert.equal(row.website, "https://saomai.vn");
    assert.equal(row.created_by, user.id);
    const audit = await t.db.selectFrom("audit_events").select("action").where("entity_id", "=", m!.id).execute();
    assert.ok(audit.some((a) => a.action === "enterprise.created"));

    const next = await (await c.get("/applications")).text();
    assert.match(next, /Đã lưu hồ sơ doanh nghiệp/);
    const page = await (await c.get("/enterprise")).text();
    assert.match(page, /Công ty Cổ phần Công nghệ Sao Mai/);
    assert.match(page, /0912 345 678/);
    assert.match(page, /0100233488/);
    assert.match(page, /href="\/enterprise\/members"/);
    assert.ok(!page.includes('name="taxCode"'), "no tax code input once the profile exists");
  });

  test("13-digit dependent-unit code, landline, en dash, no website, no English name", async () => {
    const { email, user } = await enterpriseUser();
    const c = await signedIn(email);
    const form = profile({ taxCode: "0314409058 – 002", phone: "+84 24 3825 6789", website: "" });
    delete form.englishName; // optional fields missing from the post count as empty
    const res = await c.post("/enterprise?index", form);
    assert.equal(res.status, 302);
    const m = await membershipOf(user.id);
    assert.equal(m?.tax_code, "0314409058-002");
    assert.equal(m?.phone, "+842438256789");
    const row = await t.db.selectFrom("enterprises").select(["website", "english_name"]).where("id", "=", m!.id).executeTakeFirstOrThrow();
    assert.equal(row.website, null);
    assert.equal(row.english_name, null);
  });

  test("HTML and SQL in a name are stored as text and shown escaped", async () => {
    const { email, user } = await enterpriseUser();
    const c = await signedIn(email);
    const name = `<script>alert(1)</script> Công ty '; DROP TABLE enterprises; --`;
    const res = await c.post("/enterprise?index", profile({ legalName: name }));
    assert.equal(res.status, 302);
    assert.equal((await membershipOf(user.id))?.legal_name, name);
    const html = await (await c.get("/enterprise")).text();
    assert.doesNotMatch(html, /<script>alert/);
    assert.ok(html.includes(escapeHtml(name)));
  });

  const badInput: { name: string; field: string; value: string; message: RegExp }[] = [
    { name: "wrong check digit", field: "taxCode", value: "0100233480", message: /chữ số kiểm tra không khớp/ },
    { name: "letters in the tax code", field: "taxCode", value: "01002334AB", message: /gồm 10 chữ số/ },
    { name: "9-digit tax code", field: "taxCode", value: "010023348", message: /gồm 10 chữ số/ },
    { name: "bad branch suffix", field: "taxCode", value: "0314409058-02", message: /gồm 10 chữ số/ },
    { name: "empty tax code", field: "taxCode", value: "", message: /Nhập mã số doanh nghiệp/ },
    { name: "HTML as tax code", field: "taxCode", value: "<script>alert(1)</script>", message: /gồm 10 chữ số/ },
    { name: "NUL byte in the tax code", field: "taxCode", value: "0100233488\u0000", message: /gồm 10 chữ số/ },
    { name: "phone with a non-mobile prefix", field: "phone", value: "0123456789", message: /ví dụ 0912 345 678/ },
    { name: "foreign phone", field: "phone", value: "+1 555 0100", message: /ví dụ 0912 345 678/ },
    { name: "SQL as phone", field: "phone", value: "' OR 1=1 --", message: /ví dụ 0912 345 678/ },
    { name: "empty phone", field: "phone", value: " ", message: /Nhập số điện thoại/ },
    { name: "1 MB legal name", field: "legalName", value: "x".repeat(1024 * 1024), message: /không được dài quá 300 ký tự/ },
    { name: "NUL byte in the legal name", field: "legalName", value: "Công ty\u0000A", message: /ký tự không hợp lệ/ },
    { name: "empty legal name", field: "legalName", value: "", message: /Nhập tên doanh nghiệp bằng tiếng Việt/ },
    { name: "unknown province", field: "provinceCode", value: "99", message: /Chọn tỉnh, thành phố/ },
    { name: "empty address", field: "address", value: "", message: /Nhập địa chỉ trụ sở chính/ },
    { name: "empty representative", field: "representativeName", value: "", message: /người đại diện/ },
    { name: "website without scheme", field: "website", value: "saomai.vn", message: /bắt đầu bằng https:\/\// },
    { name: "javascript: website", field: "website", value: "javascript:alert(1)", message: /bắt đầu bằng https:\/\// },
  ];
  for (const c of badInput) {
    test(`bad input: ${c.name} → 400, message next to the field, value kept`, async () => {
      const { email, user } = await enterpriseUser();
      const client = await signedIn(email);
      const form = profile({ [c.field]: c.value });
      const res = await client.post("/enterprise?index", form);
      assert.equal(res.status, 400);
      const html = await res.text();
      assert.match(html, /class="error-summary"/);
      assert.ok(html.includes(`href="#${c.field}"`), "the summary links to the field");
      const message = fieldError(html, c.field);
      assert.ok(message, `an error next to ${c.field}`);
      assert.match(message, c.message);
      assert.doesNotMatch(html, /<script>alert/);
      // Other fields keep what was typed, and so does the bad one (except unprintable or huge values).
      assert.ok(html.includes(`value="${escapeHtml(form.legalName!)}"`) || c.field === "legalName");
      if (c.field !== "provinceCode" && c.value.trim() && c.value.length < 1000 && !c.value.includes("\u0000"))
        assert.ok(html.includes(`value="${escapeHtml(c.value)}"`), "typed value is kept");
      assert.equal(await membershipOf(user.id), undefined, "nothing stored");
    });
  }

  test("a tax code registered by someone else: field error asking for an invitation, no names revealed", async () => {
    const first = await owner();
    const { email, user } = await enterpriseUser();
    const c = await signedIn(email);
    const spaced = `${first.enterprise.tax_code.slice(0, 4)} ${first.enterprise.tax_code.slice(4)}`;
    const res = await c.post("/enterprise?index", profile({ taxCode: spaced }));
    assert.equal(res.status, 400);
    const html = await res.text();
    assert.match(fieldError(html, "taxCode") ?? "", /đã được đăng ký.*mời bạn/);
    assert.ok(html.includes(`value="${spaced}"`));
    assert.ok(!html.includes(first.email), "the other enterprise's member is not revealed");
    assert.equal(await membershipOf(user.id), undefined);
  });

  test("a second creation attempt by a member does not replace the profile", async () => {
    const o = await owner();
    const res = await o.c.post("/enterprise?index", profile());
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("Location"), "/enterprise");
    assert.equal((await membershipOf(o.user.id))?.tax_code, o.enterprise.tax_code);
  });
});

describe("editing the profile", () => {
  test("owners edit everything but the tax code; bad input keeps the form", async () => {
    const o = await owner();
    const edit = await o.c.get("/enterprise?edit");
    assert.equal(edit.status, 200);
    const form = await edit.text();
    assert.ok(form.includes('value="0912 345 678"'), "prefilled with the formatted phone");
    assert.ok(!form.includes('name="taxCode"'));

    const bad = await o.c.post("/enterprise?index", { ...o.form, intent: "update", phone: "12345" });
    assert.equal(bad.status, 400);
    assert.match(fieldError(await bad.text(), "phone") ?? "", /ví dụ 0912 345 678/);

    const res = await o.c.post("/enterprise?index", {
      ...o.form,
      intent: "update",
      taxCode: "0100112437",
      legalName: "Công ty TNHH Sao Mai Mới",
      phone: "0283 822 1234",
      provinceCode: "79",
    });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("Location"), "/enterprise");
    const row = await t.db.selectFrom("enterprises").selectAll().where("id", "=", o.enterprise.id).executeTakeFirstOrThrow();
    assert.equal(row.tax_code, o.enterprise.tax_code, "tax code unchanged");
    assert.equal(row.legal_name, "Công ty TNHH Sao Mai Mới");
    assert.equal(row.phone, "+842838221234");
    assert.equal(row.province_code, "79");
    assert.match(pageText(await (await o.c.get("/enterprise")).text()), /Đã lưu thay đổi/);
  });
});

describe("members and invitations", () => {
  test("invite → email → colleague accepts once; others cannot; members are read-only", async () => {
    const o = await owner();
    const colleagueEmail = uniqueEmail("colleague");

    const badInvite = await o.c.post("/enterprise/members", { intent: "invite", email: "not-an-email", role: "boss" });
    assert.equal(badInvite.status, 400);
    const badHtml = await badInvite.text();
    assert.ok(fieldError(badHtml, "email"));
    assert.match(fieldError(badHtml, "role") ?? "", /Chọn vai trò/);
    assert.equal((await o.c.post("/enterprise/members", { intent: "invite", email: o.email, role: "member" })).status, 400, "already a member");

    const invite = await o.c.post("/enterprise/members", { intent: "invite", email: colleagueEmail.toUpperCase(), role: "member" });
    assert.equal(invite.status, 302);
    assert.equal(invite.headers.get("Location"), "/enterprise/members");
    const members = await (await o.c.get("/enterprise/members")).text();
    assert.match(members, /Đã gửi lời mời/);
    assert.ok(members.includes(colleagueEmail), "pending invitation listed");
    assert.ok(members.includes(o.email));

    const link = await lastJoinLink(colleagueEmail);
    assert.match(link, /^\/enterprise\/join\?token=/);
    const token = new URLSearchParams(link.split("?")[1]).get("token")!;

    // Anonymous: offered sign-in (coming back here) and sign-up, and nothing changes.
    const anon = await new Client(app.url).get(link);
    assert.equal(anon.status, 200);
    const anonHtml = await anon.text();
    assert.ok(anonHtml.includes(`href="/login?redirectTo=${encodeURIComponent(link)}"`), "sign-in link comes back here");
    assert.ok(anonHtml.includes('href="/signup"'));
    assert.ok(anonHtml.includes(escapeHtml(o.enterprise.legal_name)));

    // Someone signed in with another address cannot accept.
    const stranger = await enterpriseUser();
    const s = await signedIn(stranger.email);
    const strangerPage = await (await s.get(link)).text();
    assert.match(strangerPage, /dành cho/);
    assert.ok(!strangerPage.includes(">Nhận lời mời<"));
    const strangerPost = await s.post(link, { token });
    assert.equal(strangerPost.status, 302);
    assert.equal(strangerPost.headers.get("Location"), link);
    assert.equal(await membershipOf(stranger.user.id), undefined);

    // The colleague signs in; GET shows the button and does not accept.
    const colleague = await enterpriseUser(colleagueEmail, "Lê Văn Cường");
    const cc = await signedIn(colleagueEmail);
    const page = await cc.get(link);
    assert.equal(page.status, 200);
    assert.match(pageText(await page.text()), /Nhận lời mời/);
    assert.equal(await membershipOf(colleague.user.id), undefined, "GET changes nothing");
    const accept = await cc.post(link, { token });
    assert.equal(accept.status, 302);
    assert.equal(accept.headers.get("Location"), "/applications");
    assert.match(pageText(await (await cc.get("/applications")).text()), /Bạn đã tham gia doanh nghiệp/);
    const m = await membershipOf(colleague.user.id);
    assert.equal(m?.id, o.enterprise.id);
    assert.equal(m?.role, "member");

    // Used: the link now reads as invalid.
    assert.match(pageText(await (await new Client(app.url).get(link)).text()), /không hợp lệ, đã được dùng hoặc đã hết hạn/);

    // A member sees the profile and the list, but may not change anything.
    const profilePage = await (await cc.get("/enterprise")).text();
    assert.ok(profilePage.includes(escapeHtml(o.enterprise.legal_name)));
    assert.ok(!profilePage.includes('href="/enterprise?edit"'));
    const memberView = await cc.get("/enterprise/members");
    assert.equal(memberView.status, 200);
    const memberHtml = await memberView.text();
    assert.ok(memberHtml.includes(o.email));
    assert.ok(!memberHtml.includes('name="intent" value="invite"'), "no invite form for members");
    assert.equal((await cc.post("/enterprise/members", { intent: "invite", email: uniqueEmail(), role: "owner" })).status, 403);
    assert.equal((await cc.post("/enterprise/members", { intent: "remove", userId: o.user.id })).status, 403);
    assert.equal((await cc.post("/enterprise?index", { ...o.form, intent: "update", legalName: "Chiếm quyền" })).status, 403);
    assert.equal((await membershipOf(o.user.id))?.legal_name, o.enterprise.legal_name);

    // The owner removes the colleague; the used token cannot bring them back.
    assert.equal((await o.c.post("/enterprise/members", { intent: "remove", userId: o.user.id })).status, 400, "not yourself");
    const removed = await o.c.post("/enterprise/members", { intent: "remove", userId: colleague.user.id });
    assert.equal(removed.status, 302);
    assert.equal(await membershipOf(colleague.user.id), undefined);
    const replay = await cc.post(link, { token });
    assert.equal(replay.status, 302);
    assert.equal(replay.headers.get("Location"), link);
    assert.equal(await membershipOf(colleague.user.id), undefined, "a token works once");
  });

  test("someone who already belongs to an enterprise is told so and stays where they are", async () => {
    const a = await owner();
    const b = await owner();
    const invite = await a.c.post("/enterprise/members", { intent: "invite", email: b.email, role: "owner" });
    assert.equal(invite.status, 302);
    const link = await lastJoinLink(b.email);
    const token = new URLSearchParams(link.split("?")[1]).get("token")!;
    const page = await (await b.c.get(link)).text();
    assert.match(page, /đã thuộc doanh nghiệp/);
    const res = await b.c.post(link, { token });
    assert.equal(res.status, 302);
    assert.equal((await membershipOf(b.user.id))?.id, b.enterprise.id);
  });

  test("an owner can invite another owner, who can then invite", async () => {
    const o = await owner();
    const email = uniqueEmail("coowner");
    assert.equal((await o.c.post("/enterprise/members", { intent: "invite", email, role: "owner" })).status, 302);
    const link = await lastJoinLink(email);
    const second = await enterpriseUser(email);
    const c = await signedIn(email);
    assert.equal((await c.post(link, { token: new URLSearchParams(link.split("?")[1]).get("token")! })).status, 302);
    assert.equal((await membershipOf(second.user.id))?.role, "owner");
    assert.equal((await c.post("/enterprise/members", { intent: "invite", email: uniqueEmail(), role: "member" })).status, 302);
  });

  test("a missing or forged token shows the invalid-invitation page", async () => {
    const c = new Client(app.url);
    for (const path of ["/enterprise/join", "/enterprise/join?token=forged", `/enterprise/join?token=${"x".repeat(5000)}`]) {
      const res = await c.get(path);
      assert.equal(res.status, 200, path);
      assert.match(pageText(await res.text()), /không hợp lệ/);
    }
  });
});
