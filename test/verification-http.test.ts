/**
 * Issue 8 item 10: a tax code claim is unverified until the province verifies the enterprise; a second claimant files
 * a dispute that the holder's province settles; forwarding needs a verified enterprise; the catalogue lists only
 * verified enterprises.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { User } from "~/platform/db/db-types.ts";
import { completeApplication, demoPdf, DEMO_PLATFORM } from "~/seeds/demo-data.server.ts";
import { MESSAGES } from "~/platform/i18n/messages.server.ts";
import { createUserDirect } from "~/features/account/account.server.ts";
import { createDraft } from "~/features/application/drafts.server.ts";
import { criteriaItems, getCriteria } from "~/features/application/criteria.server.ts";
import { getApplication } from "~/features/application/queries.server.ts";
import { submitApplication } from "~/features/application/commands.server.ts";
import * as review from "~/features/review/commands.server.ts";
import { Client, pageText, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { loginAs, PASSWORD, type StaffUser, staffUser, uniqueEmail, validTaxCode } from "./helpers/fixtures.ts";

let t: TestDb;
let server: TestApp;
let hanoi: StaffUser; // provincial reviewer, Hà Nội
let hanoi2: StaffUser;
let hcm: StaffUser; // provincial reviewer of another province
let ministry: StaffUser;

let ipCounter = 1;
interface Session {
  c: Client;
  ip: string;
  user: User;
}

/** The one place tests sign in (staff from staffUser() give their second factor too). */
async function login(user: User): Promise<Session> {
  const ip = `10.88.${Math.floor(ipCounter / 250)}.${ipCounter++ % 250}`;
  const c = new Client(server.url, ip);
  await loginAs(c, user);
  return { c, ip, user };
}

async function account(name = "Nguyễn Văn Thật"): Promise<Session> {
  const user = await createUserDirect({ email: uniqueEmail("claim"), name, role: "enterprise", provinceCode: null, password: PASSWORD });
  return login(user);
}

function profile(taxCode: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    intent: "create",
    legalName: "Tổng Công ty Công nghiệp Viễn thông Thật",
    englishName: "",
    taxCode,
    provinceCode: "01",
    address: "Số 1 Giang Văn Minh, phường Ba Đình",
    representativeName: "Tào Đức Thắng",
    representativeTitle: "Tổng giám đốc",
    phone: "0912 345 678",
    website: "",
    ...overrides,
  };
}

/** A multipart post as a browser sends the dispute form. */
async function postMultipart(s: Session, path: string, fields: Record<string, string>, file?: { name: string; type: string; bytes: Uint8Array }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append("evidence", file ? new Blob([new Uint8Array(file.bytes)], { type: file.type }) : new Blob([]), file?.name ?? "");
  const res = await fetch(server.url + path, {
    method: "POST",
    redirect: "manual",
    body: form,
    headers: { Cookie: [...s.c.cookies].map(([k, v]) => `${k}=${v}`).join("; "), Origin: server.url, "X-Forwarded-For": s.ip },
  });
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const i = pair!.indexOf("=");
    s.c.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
  }
  return res;
}

async function enterpriseOf(userId: string) {
  return t.db
    .selectFrom("enterprise_members")
    .innerJoin("enterprises", "enterprises.id", "enterprise_members.enterprise_id")
    .selectAll("enterprises")
    .where("enterprise_members.user_id", "=", userId)
    .executeTakeFirst();
}

async function emails(to: string, template: string) {
  return t.db.selectFrom("outbox_emails").select(["subject", "text_body"]).where("to_address", "=", to).where("template", "=", template).execute();
}

async function lock(id: string) {
  return String((await getApplication(id))!.lock_version);
}

/** An enterprise (through the real form) with one submitted application, taken and fully assessed by the province. */
async function claimantWithApplication(taxCode: string, name: string, reviewer = hanoi) {
  const s = await account();
  const res = await s.c.post("/enterprise?index", profile(taxCode, { legalName: name }));
  assert.equal(res.status, 302, "first claim of a tax code is accepted");
  const enterprise = (await enterpriseOf(s.user.id))!;
  const draft = await createDraft(s.user, enterprise.id, "t");
  await completeApplication(s.user, draft.id, { ...DEMO_PLATFORM, name: `${name} nền tảng`, publicUrl: `https://${draft.id.slice(0, 8)}.example.vn` });
  await submitApplication(s.user, draft.id, { requestId: "t" });
  await review.assignApplication(reviewer, draft.id, { assigneeId: reviewer.id, noConflict: true, lockVersion: Number(await lock(draft.id)) }, "t");
  for (const item of criteriaItems(await getCriteria((await getApplication(draft.id))!.criteria_set_id)))
    await review.saveVerdict(reviewer, draft.id, { criterionKey: item.key, verdict: "met", note: "", lockVersion: Number(await lock(draft.id)) }, "t");
  return { ...s, enterprise, appId: draft.id };
}

const certificate = { name: "giay-chung-nhan-dkdn.pdf", type: "application/pdf", bytes: demoPdf("Giay chung nhan dang ky doanh nghiep") };

before(async () => {
  t = await createTestDb();
  server = await startTestApp(t);
  hanoi = await staffUser("province_reviewer", "01", uniqueEmail("so.hn"), "Cán bộ Sở Hà Nội");
  hanoi2 = await staffUser("province_reviewer", "01", uniqueEmail("so.hn2"), "Cán bộ Sở Hà Nội 2");
  hcm = await staffUser("province_reviewer", "79", uniqueEmail("so.hcm"), "Cán bộ Sở HCM");
  ministry = await staffUser("ministry_reviewer", null, uniqueEmail("bo"), "Cán bộ Bộ");
});
after(async () => {
  await server.close();
  await t.close();
});

describe("the province verifies the enterprise in its first review", () => {
  test("forwarding waits for verification; not verified needs a reason (emailed); verified needs the certificate; all audited", async () => {
    const e = await claimantWithApplication(validTaxCode("01"), "Công ty Cổ phần Xác Minh Một");
    assert.equal(e.enterprise.verification_status, "unverified", "a new claim is unverified");
    const p = await login(hanoi);
    const page = pageText(await (await p.c.get(`/review/${e.appId}`)).text());
    assert.match(page, /Xác minh doanh nghiệp Chưa xác minh/);
    assert.match(page, /Tào Đức Thắng – Tổng giám đốc/, "the legal representative to check");
    assert.match(page, /business_registration\.pdf/, "the certificate of this version");

    let res = await p.c.post(`/review/${e.appId}`, { intent: "forward", lockVersion: await lock(e.appId), recommendation: "recognise", summary: "Đạt" });
    assert.equal(res.status, 400);
    assert.match(pageText(await res.text()), /Doanh nghiệp chưa được xác minh/);
    assert.equal((await getApplication(e.appId))!.status, "in_provincial_review");

    res = await p.c.post(`/review/${e.appId}`, { intent: "verify_enterprise", verification: "not_verified", verificationReason: "" });
    assert.equal(res.status, 400);
    assert.match(pageText(await res.text()), /Nhập lý do chưa xác minh được/);
    res = await p.c.post(`/review/${e.appId}`, { intent: "verify_enterprise", verification: "maybe" });
    assert.equal(res.status, 400);
    res = await p.c.post(`/review/${e.appId}`, { intent: "verify_enterprise", verification: "not_verified", verificationReason: "Tên trên giấy chứng nhận không khớp." });
    assert.equal(res.status, 302);
    assert.equal((await enterpriseOf(e.user.id))!.verification_status, "not_verified");
    const mail = await emails(e.user.email, "enterprise_not_verified");
    assert.equal(mail.length, 1);
    assert.match(mail[0]!.text_body, /Tên trên giấy chứng nhận không khớp\./);
    const own = pageText(await (await e.c.get("/enterprise")).text());
    assert.match(own, /Chưa xác minh được/);
    assert.match(own, /Tên trên giấy chứng nhận không khớp\./);

    // A version without the certificate cannot be verified.
    const version = await t.db.selectFrom("application_versions").selectAll().where("application_id", "=", e.appId).executeTakeFirstOrThrow();
    const files = await t.db.selectFrom("attachments").select(["id", "slot"]).where("id", "in", version.attachment_ids).execute();
    const withoutCertificate = files.filter((f) => f.slot !== "doc:business_registration").map((f) => f.id);
    await t.db.updateTable("application_versions").set({ attachment_ids: JSON.stringify(withoutCertificate) }).where("application_id", "=", e.appId).execute();
    res = await p.c.post(`/review/${e.appId}`, { intent: "verify_enterprise", verification: "verified" });
    assert.equal(res.status, 400);
    assert.match(pageText(await res.text()), /không có Giấy chứng nhận đăng ký doanh nghiệp/);
    await t.db.updateTable("application_versions").set({ attachment_ids: JSON.stringify(version.attachment_ids) }).where("application_id", "=", e.appId).execute();

    res = await p.c.post(`/review/${e.appId}`, { intent: "verify_enterprise", verification: "verified" });
    assert.equal(res.status, 302);
    const verified = (await enterpriseOf(e.user.id))!;
    assert.equal(verified.verification_status, "verified");
    assert.equal(verified.verification_province_code, "01");
    const audit = await t.db.selectFrom("audit_events").selectAll().where("entity_id", "=", e.enterprise.id).orderBy("id").execute();
    assert.deepEqual(
      audit.filter((a) => a.action.startsWith("enterprise.") && a.action !== "enterprise.created").map((a) => [a.action, a.actor_user_id, a.data?.applicationId]),
      [
        ["enterprise.not_verified", hanoi.id, e.appId],
        ["enterprise.verified", hanoi.id, e.appId],
      ],
    );
    assert.match(pageText(await (await p.c.get(`/review/${e.appId}`)).text()), /Lịch sử xác minh Chưa xác minh được doanh nghiệp – Cán bộ Sở Hà Nội .* Xác minh doanh nghiệp – Cán bộ Sở Hà Nội/);
    assert.match(pageText(await (await e.c.get("/enterprise")).text()), /đã xác minh doanh nghiệp ngày/);

    res = await p.c.post(`/review/${e.appId}`, { intent: "forward", lockVersion: await lock(e.appId), recommendation: "recognise", summary: "Đạt" });
    assert.equal(res.status, 302);
    const m = await login(ministry);
    const ministryPage = await (await m.c.get(`/ministry/${e.appId}`)).text();
    assert.match(pageText(ministryPage), /Xác minh doanh nghiệp Đã xác minh/);
    assert.ok(!ministryPage.includes('value="verify_enterprise"'), "the ministry only reads the verification");
    assert.equal((await m.c.post(`/ministry/${e.appId}`, { intent: "verify_enterprise", verification: "verified" })).status, 404, "nor can it post one");
  });
});

describe("a second claimant of a tax code files a dispute that the holder's province settles", () => {
  test("not refused, disputed with evidence, settled for the real company, the impostor told why; both see it; audited", async () => {
    const taxCode = validTaxCode("01");
    const impostor = await claimantWithApplication(taxCode, "Công ty TNHH Mạo Danh");
    const real = await account("Tào Đức Thắng");

    // The first answer explains and offers the dispute, keeping what was typed.
    let res = await real.c.post("/enterprise?index", profile(taxCode));
    assert.equal(res.status, 400);
    let html = await res.text();
    assert.ok(pageText(html).includes(MESSAGES.vi["enterprise.error.taxCodeTaken"]), "the tax code is registered (never by whom)");
    assert.ok(html.includes('name="offerDispute" value="yes"') && html.includes('name="evidence"') && html.includes('name="statement"'), "the dispute form is offered");
    assert.match(html, /enctype="multipart\/form-data"/i);
    assert.ok(!html.includes("Công ty TNHH Mạo Danh"), "the holder is not named");

    // Filing needs the confirmation, a statement and the certificate.
    res = await postMultipart(real, "/enterprise?index", { ...profile(taxCode), offerDispute: "yes" });
    assert.equal(res.status, 400);
    html = pageText(await res.text());
    assert.match(html, /Đánh dấu ô xác nhận/);
    assert.match(html, /Nhập giải trình/);
    assert.match(html, /Chọn tệp Giấy chứng nhận/);
    assert.equal(await enterpriseOf(real.user.id), undefined);

    const statement = "Chúng tôi là chủ sở hữu mã số này theo giấy chứng nhận đính kèm.";
    res = await postMultipart(real, "/enterprise?index", { ...profile(taxCode), offerDispute: "yes", dispute: "yes", statement }, certificate);
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("Location"), "/enterprise");
    const claimant = (await enterpriseOf(real.user.id))!;
    assert.equal(claimant.verification_status, "disputed");
    assert.equal(claimant.tax_code, taxCode);
    const dispute = await t.db.selectFrom("tax_code_disputes").selectAll().where("claimant_enterprise_id", "=", claimant.id).executeTakeFirstOrThrow();
    assert.equal(dispute.holder_enterprise_id, impostor.enterprise.id);
    assert.equal(dispute.province_code, "01");
    assert.equal(dispute.statement, statement);
    assert.equal((await emails(hanoi.email, "dispute_filed_province")).length, 1, "the province is told");
    assert.equal((await emails(impostor.user.email, "dispute_filed_holder")).length, 1, "the holder is told");
    assert.equal((await emails(real.user.email, "dispute_filed_claimant")).length, 1, "the claimant gets a receipt");

    // Both enterprises see the state on their enterprise page.
    assert.match(pageText(await (await real.c.get("/enterprise")).text()), /Đang giải quyết tranh chấp mã số .*giay-chung-nhan-dkdn\.pdf/);
    assert.match(pageText(await (await impostor.c.get("/enterprise")).text()), /Một tài khoản khác đã đề nghị xác minh quyền sử dụng mã số doanh nghiệp/);

    // The holder's province works it from its queue; other provinces cannot see it.
    const p = await login(hanoi);
    assert.match(pageText(await (await p.c.get("/review")).text()), /Có 1 tranh chấp mã số doanh nghiệp đang chờ Sở giải quyết/);
    assert.match(pageText(await (await p.c.get("/review/disputes")).text()), new RegExp(`${taxCode} Công ty TNHH Mạo Danh Tổng Công ty Công nghiệp Viễn thông Thật .* Chờ giải quyết`));
    const detail = await (await p.c.get(`/review/disputes/${dispute.id}`)).text();
    assert.ok(detail.includes(statement));
    const evidence = detail.match(new RegExp(`/review/disputes/${dispute.id}/files/[0-9a-f-]{36}`, "g")) ?? [];
    assert.equal(evidence.length, 2, "the claimant's certificate and the holder's from its application");
    const file = await p.c.get(evidence[0]!);
    assert.equal(file.status, 200);
    assert.match(new TextDecoder().decode(new Uint8Array(await file.arrayBuffer())).slice(0, 8), /%PDF/);
    const other = await login(hcm);
    assert.equal((await other.c.get(`/review/disputes/${dispute.id}`)).status, 404);
    assert.equal((await other.c.get(evidence[0]!)).status, 404);
    assert.equal((await other.c.post(`/review/disputes/${dispute.id}`, { winner: "claimant", reason: "x" })).status, 404);
    assert.equal((await real.c.get(`/review/disputes/${dispute.id}`)).status, 403);

    // While it is open, the holder's application can be neither verified nor forwarded.
    res = await p.c.post(`/review/${impostor.appId}`, { intent: "verify_enterprise", verification: "verified" });
    assert.equal(res.status, 400);
    assert.match(pageText(await res.text()), /đang có tranh chấp/);
    assert.match(pageText(await (await p.c.get(`/review/${impostor.appId}`)).text()), /Xem và giải quyết tranh chấp/);

    // Settled for the real company, with the reason the impostor is told.
    res = await p.c.post(`/review/disputes/${dispute.id}`, { winner: "claimant", reason: "" });
    assert.equal(res.status, 400);
    const reason = "Giấy chứng nhận của Tổng Công ty khớp với Cổng thông tin quốc gia về đăng ký doanh nghiệp; bên kia không có giấy chứng nhận.";
    res = await p.c.post(`/review/disputes/${dispute.id}`, { winner: "claimant", reason });
    assert.equal(res.status, 302);
    assert.equal((await enterpriseOf(real.user.id))!.verification_status, "verified");
    assert.equal((await enterpriseOf(impostor.user.id))!.verification_status, "refused");
    const refused = await emails(impostor.user.email, "dispute_refused");
    assert.equal(refused.length, 1);
    assert.ok(refused[0]!.text_body.includes(reason), "the other is told why");
    assert.equal((await emails(real.user.email, "dispute_upheld")).length, 1);
    assert.ok(pageText(await (await impostor.c.get("/enterprise")).text()).includes(reason));
    assert.match(pageText(await (await real.c.get("/enterprise")).text()), /Đã xác minh/);
    const resolvedAudit = await t.db.selectFrom("audit_events").select(["action", "entity_id"]).where("request_id", "is not", null).where("action", "in", ["tax_code_dispute.resolved", "enterprise.verified", "enterprise.refused"]).execute();
    assert.ok(resolvedAudit.some((a) => a.action === "tax_code_dispute.resolved" && a.entity_id === dispute.id));
    assert.ok(resolvedAudit.some((a) => a.action === "enterprise.refused" && a.entity_id === impostor.enterprise.id));
    assert.equal((await p.c.post(`/review/disputes/${dispute.id}`, { winner: "holder", reason: "Đổi ý" })).status, 409, "settled once");

    // The impostor's application can never be forwarded now.
    res = await p.c.post(`/review/${impostor.appId}`, { intent: "forward", lockVersion: await lock(impostor.appId), recommendation: "recognise", summary: "x" });
    assert.equal(res.status, 400);
    assert.match(pageText(await (await p.c.get(`/review/${impostor.appId}`)).text()), /mã số thuộc doanh nghiệp khác/);

    // A later claimant disputes with the new holder.
    const third = await account();
    res = await postMultipart(third, "/enterprise?index", { ...profile(taxCode, { legalName: "Công ty Thứ Ba" }), offerDispute: "yes", dispute: "yes", statement: "Của chúng tôi" }, certificate);
    assert.equal(res.status, 302);
    const thirdDispute = await t.db.selectFrom("tax_code_disputes").selectAll().where("claimant_enterprise_id", "=", (await enterpriseOf(third.user.id))!.id).executeTakeFirstOrThrow();
    assert.equal(thirdDispute.holder_enterprise_id, claimant.id);
  });

  test("two accounts registering one free tax code at the same moment: one holds it, the other is offered a dispute", async () => {
    const taxCode = validTaxCode("01");
    const [a, b] = [await account(), await account()];
    const results = await Promise.all([a.c.post("/enterprise?index", profile(taxCode)), b.c.post("/enterprise?index", profile(taxCode))]);
    assert.deepEqual(results.map((r) => r.status).sort(), [302, 400]);
    const holders = await t.db.selectFrom("enterprises").select("id").where("tax_code", "=", taxCode).execute();
    assert.equal(holders.length, 1);
  });
});

describe("the public catalogue lists only platforms of verified enterprises", () => {
  test("a recognised platform disappears from the list, downloads, API, feed and statistics when its enterprise loses its tax code", async () => {
    const taxCode = validTaxCode("01");
    const holder = await claimantWithApplication(taxCode, "Công ty Danh Mục Xác Minh", hanoi2);
    const name = (await getApplication(holder.appId))!.platform_name;
    await (await import("~/features/enterprise/verification.server.ts")).verifyEnterprise(hanoi2, holder.appId, { outcome: "verified", reason: "" }, "t");
    await review.forwardToMinistry(hanoi2, holder.appId, { lockVersion: Number(await lock(holder.appId)), recommendation: "recognise", summary: "Đạt" }, "t");
    await review.assignApplication(ministry, holder.appId, { assigneeId: ministry.id, noConflict: true, lockVersion: Number(await lock(holder.appId)) }, "t");
    await review.recognisePlatform(ministry, holder.appId, { lockVersion: Number(await lock(holder.appId)), decisionNumber: "777/QĐ-BKHCN", decisionDate: "2026-11-20" }, "t");

    const anon = new Client(server.url, "10.99.0.1");
    const everywhere = async () => {
      const body = async (path: string) => (await anon.get(path)).text();
      const stats = pageText(await body("/statistics"));
      return {
        list: (await body(`/platforms?q=${encodeURIComponent(name)}`)).includes(holder.appId),
        csv: (await body("/platforms.csv")).includes(holder.appId),
        json: (await body("/platforms.json")).includes(holder.appId),
        api: (await body("/api/v1/platforms?pageSize=100")).includes(holder.appId),
        page: (await anon.get(`/platforms/${holder.appId}`)).status === 200,
        apiDetail: (await anon.get(`/api/v1/platforms/${holder.appId}`)).status === 200,
        feed: (await body("/platforms/feed.atom")).includes(holder.appId),
        stats: stats,
      };
    };
    const listed = await everywhere();
    assert.deepEqual({ ...listed, stats: undefined }, { list: true, csv: true, json: true, api: true, page: true, apiDetail: true, feed: true, stats: undefined });

    // The real owner of the tax code disputes it, and the province agrees.
    const real = await account();
    assert.equal((await postMultipart(real, "/enterprise?index", { ...profile(taxCode), offerDispute: "yes", dispute: "yes", statement: "Mã số của chúng tôi" }, certificate)).status, 302);
    const dispute = await t.db.selectFrom("tax_code_disputes").select("id").where("tax_code", "=", taxCode).executeTakeFirstOrThrow();
    const p = await login(hanoi);
    assert.equal((await p.c.post(`/review/disputes/${dispute.id}`, { winner: "claimant", reason: "Không phải chủ sở hữu mã số." })).status, 302);

    const gone = await everywhere();
    assert.deepEqual({ ...gone, stats: undefined }, { list: false, csv: false, json: false, api: false, page: false, apiDetail: false, feed: false, stats: undefined });
    const count = (s: string) => Number(/Nền tảng đã được công nhận: (\d+)/.exec(s)?.[1]);
    assert.equal(count(listed.stats), 1);
    assert.equal(count(gone.stats), 0, "the statistics count only verified enterprises' platforms");
  });
});
