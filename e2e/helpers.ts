import fs from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { expect, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { Secret, TOTP } from "otpauth";
import { BASE_URL, MAIL_DIR } from "./env.ts";
import type { StoredEmail } from "./smtp-sink.ts";

export { BASE_URL };

/** Demo accounts seeded on the embedded database (app/seeds/demo.server.ts). */
export const DEMO_PASSWORD = "demo-nentangso-2026";
export const DEMO = {
  enterprise: { email: "doanhnghiep@demo.nentangso.vn", home: "/applications", heading: "Hồ sơ của tôi" },
  province_reviewer: { email: "so.hanoi@demo.nentangso.vn", home: "/review", heading: "Hồ sơ của thành phố Hà Nội" },
  ministry_reviewer: { email: "bo@demo.nentangso.vn", home: "/ministry", heading: "Hồ sơ toàn quốc" },
  admin: { email: "admin@demo.nentangso.vn", home: "/admin/users", heading: "Người dùng" },
} as const;
export type DemoRole = keyof typeof DEMO;

/** Texts from app/platform/i18n/messages/foundation.ts (Vietnamese, the default language) used by several specs. */
export const VI = {
  siteName: "Nền tảng số quốc gia",
  errorSummaryTitle: "Có lỗi cần sửa",
  email: "Địa chỉ thư điện tử",
  password: "Mật khẩu",
  passwordConfirm: "Nhập lại mật khẩu",
  name: "Họ và tên",
  signIn: "Đăng nhập",
  signOut: "Đăng xuất",
  credentials: "Địa chỉ thư điện tử hoặc mật khẩu không đúng",
  signInRequired: "Vui lòng đăng nhập để tiếp tục.",
  sessionExpired: "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.",
  signedIn: "Bạn đã đăng nhập.",
  verifySubject: "Xác nhận địa chỉ thư điện tử",
  resetSubject: "Đặt lại mật khẩu",
  inviteSubject: "Lời mời tham gia Cổng đăng ký Nền tảng số quốc gia",
} as const;

/** Headers a same-origin browser form post would carry; the portal refuses cross-site posts. */
export const SAME_ORIGIN = { Origin: BASE_URL };

/** An address no other test (or earlier run) uses. */
export function uniqueEmail(prefix = "user"): string {
  return `e2e-${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}@example.com`;
}

/** A password that passes the portal's rules (8-128 characters, not on the common-password list). */
export function newPassword(): string {
  return `e2e-${randomBytes(6).toString("hex")}-Tre-Xanh`;
}

async function readEmails(): Promise<StoredEmail[]> {
  let names: string[];
  try {
    names = (await fs.readdir(MAIL_DIR)).filter((n) => /^\d+\.json$/.test(n)).sort();
  } catch {
    return [];
  }
  const emails: StoredEmail[] = [];
  for (const name of names) {
    emails.push(JSON.parse(await fs.readFile(path.join(MAIL_DIR, name), "utf8")) as StoredEmail);
  }
  return emails;
}

export interface EmailQuery {
  to: string;
  subjectIncludes?: string;
  /** Only messages the sink received at or after this time (Date or ms since epoch). */
  after?: Date | number;
}

/** Waits for the first message that matches, in arrival order; fails with what did arrive for that address. */
export async function waitForEmail(query: EmailQuery, timeout = 15_000): Promise<StoredEmail> {
  const to = query.to.toLowerCase();
  const after = query.after === undefined ? 0 : typeof query.after === "number" ? query.after : query.after.getTime();
  const deadline = Date.now() + timeout;
  for (;;) {
    const all = await readEmails();
    const match = all.find(
      (m) =>
        m.to.includes(to) &&
        m.receivedAt >= after &&
        (query.subjectIncludes === undefined || m.subject.includes(query.subjectIncludes)),
    );
    if (match) return match;
    if (Date.now() > deadline) {
      const seen = all.filter((m) => m.to.includes(to)).map((m) => `#${m.seq} "${m.subject}" at ${new Date(m.receivedAt).toISOString()}`);
      throw new Error(
        `No email to ${query.to}${query.subjectIncludes ? ` with subject containing "${query.subjectIncludes}"` : ""}` +
          `${after ? ` after ${new Date(after).toISOString()}` : ""} within ${timeout} ms. Messages to that address: ${seen.join("; ") || "none"}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every message the sink received for an address so far (arrival order). */
export async function emailsTo(address: string): Promise<StoredEmail[]> {
  return (await readEmails()).filter((m) => m.to.includes(address.toLowerCase()));
}

/** The first absolute link in `text` whose path starts with `pathPrefix` (e.g. "/verify-email"). */
export function extractLink(text: string, pathPrefix: string): string {
  for (const candidate of text.match(/https?:\/\/[^\s<>"')]+/g) ?? []) {
    const url = new URL(candidate);
    if (url.pathname.startsWith(pathPrefix)) return url.toString();
  }
  throw new Error(`No link to ${pathPrefix} in:\n${text}`);
}

const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** Runs axe-core on the current page and fails with a readable list of WCAG 2.2 AA violations. */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const summary = results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary ?? ""}`.slice(0, 300)),
  }));
  expect(summary, `axe violations on ${page.url()}`).toEqual([]);
}

/**
 * Waits until the page has hydrated (the root sets data-hydrated on <html> in an effect), so that a following click
 * is handled by the client-side code and not by the browser's plain navigation. Only for pages with JavaScript enabled.
 */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
}

/** Navigates and waits for hydration (pages with JavaScript enabled). */
export async function gotoHydrated(page: Page, path: string) {
  const response = await page.goto(path);
  await waitForHydration(page);
  return response;
}

/** Fills and submits the sign-in form (Vietnamese or English UI) without checking the outcome. */
export async function submitSignIn(page: Page, email: string, password: string): Promise<void> {
  if (!new URL(page.url()).pathname.startsWith("/login")) await page.goto("/login");
  const main = page.getByRole("main");
  await main.getByLabel(/^(Địa chỉ thư điện tử|Email address)$/).fill(email);
  await main.getByLabel(/^(Mật khẩu|Password)$/).fill(password);
  await main.getByRole("button", { name: /^(Đăng nhập|Sign in)$/ }).click();
}

/** The published authenticator secret of the demo staff accounts (app/seeds/demo.server.ts DEMO_TOTP_SECRET). */
export const DEMO_TOTP_SECRET = "NENTANGSODEMOSECRETKEYBKHCNTOTPQ";

// Authenticator secrets of the accounts this worker enrolled itself; the demo staff accounts use DEMO_TOTP_SECRET.
const totpSecrets = new Map<string, string>();
const lastTotpStep = new Map<string, number>();

/**
 * The code an authenticator app would show for `email`. A code works once (except a demo account's), so a second
 * sign-in within the same 30 seconds uses the next step's code, which the portal also accepts.
 */
export function totpCodeFor(email: string): string {
  const secret = totpSecrets.get(email) ?? (email.endsWith("@demo.nentangso.vn") ? DEMO_TOTP_SECRET : undefined);
  if (!secret) throw new Error(`No authenticator secret known for ${email}: sign it in with signIn() first so it enrols.`);
  const now = Math.floor(Date.now() / 30_000);
  const step = secret === DEMO_TOTP_SECRET ? now : Math.max(now, (lastTotpStep.get(email) ?? -1) + 1);
  if (step > now + 1) throw new Error(`${email} signed in more than twice within 30 seconds: no unused code is valid yet.`);
  lastTotpStep.set(email, step);
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" }).generate({ timestamp: step * 30_000 });
}

/** On the code page: types the app's code and waits until the portal has left it. */
export async function submitSecondFactor(page: Page, email: string): Promise<void> {
  const main = page.getByRole("main");
  await main.getByLabel(/^(Mã xác thực|Security code)$/).fill(totpCodeFor(email));
  await main.getByRole("button", { name: /^(Tiếp tục|Continue)$/ }).click();
  await expect(page, `the code of ${email} should be accepted`).not.toHaveURL(/\/login\/code/);
}

/** On the enrolment page: reads the key as a person would copy it, confirms a code, passes the recovery codes. */
export async function enrolSecondFactor(page: Page, email: string): Promise<string[]> {
  const main = page.getByRole("main");
  const secret = (await main.getByTestId("totp-secret").innerText()).replace(/\s/g, "");
  totpSecrets.set(email, secret);
  await main.getByLabel(/^(Mã xác thực|Security code)$/).fill(totpCodeFor(email));
  await main.getByRole("button", { name: /^(Xác nhận và bật xác thực hai bước|Confirm and turn on two-step verification)$/ }).click();
  await expect(page).toHaveURL(/\/account\/recovery-codes/);
  const codes = await main.getByTestId("recovery-codes").getByRole("listitem").allInnerTexts();
  await main.getByRole("link", { name: /^(Tôi đã lưu các mã, tiếp tục|I have saved the codes, continue)$/ }).click();
  await expect(page).not.toHaveURL(/\/account\/recovery-codes/);
  return codes;
}

/**
 * Signs in through the form and waits until the portal has left the sign-in page. Staff accounts then give the code
 * from their authenticator (demo accounts: the published demo secret), or enrol on their first sign-in.
 */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await submitSignIn(page, email, password);
  await expect(page, `sign-in as ${email} should leave /login`).not.toHaveURL(/\/login(\?|$)/);
  const step = new URL(page.url()).pathname;
  if (step === "/login/code") await submitSecondFactor(page, email);
  else if (step === "/account/two-factor") await enrolSecondFactor(page, email);
}

/** The error summary (role=alert with the "Có lỗi cần sửa" heading). */
export function errorSummary(page: Page) {
  return page.getByRole("alert").filter({ has: page.getByRole("heading", { name: VI.errorSummaryTitle }) });
}

/** Value of the `sid` session cookie in the page's browser context, if any. */
export async function sessionCookie(page: Page): Promise<string | undefined> {
  return (await page.context().cookies()).find((c) => c.name === "sid")?.value;
}

/**
 * Creates an enterprise account through the public forms (HTTP posts, no browser) and confirms its address
 * with the emailed link. Uses `request`'s own cookie jar, never a page's.
 */
export async function createConfirmedEnterprise(
  request: APIRequestContext,
  prefix = "ent",
): Promise<{ email: string; password: string; name: string }> {
  const email = uniqueEmail(prefix);
  const password = newPassword();
  const name = `Doanh nghiệp ${prefix}`;
  const since = Date.now();
  const signup = await request.post("/signup", {
    form: { name, email, password, passwordConfirm: password },
    headers: SAME_ORIGIN,
    maxRedirects: 0,
  });
  expect(signup.status(), "sign-up post redirects to the check-your-email page").toBe(302);
  const mail = await waitForEmail({ to: email, subjectIncludes: VI.verifySubject, after: since });
  const token = new URL(extractLink(mail.text, "/verify-email")).searchParams.get("token") ?? "";
  const verify = await request.post("/verify-email", { form: { token }, headers: SAME_ORIGIN, maxRedirects: 0 });
  expect(verify.status(), "confirming the address redirects").toBe(302);
  expect(verify.headers()["location"]).toBe("/login");
  return { email, password, name };
}

// ---------------------------------------------------------------------------------------------------------------
// Application journey helpers (enterprise-journey.spec.ts, review-journey.spec.ts).
// ---------------------------------------------------------------------------------------------------------------

const TAX_WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3];

/** A random 10-digit mã số doanh nghiệp with a correct check digit (app/platform/forms/vn-formats.ts), starting with `prefix`. */
export function validTaxCode(prefix = "79"): string {
  for (;;) {
    let digits = prefix;
    while (digits.length < 9) digits += String(randomBytes(1)[0]! % 10);
    if (digits.slice(2, 9) === "0000000") continue;
    const sum = TAX_WEIGHTS.reduce((s, w, i) => s + w * Number(digits[i]), 0);
    const check = 10 - (sum % 11);
    if (check < 10) return `${digits}${check}`;
  }
}

/** The same tax code with a different (hence wrong) check digit. */
export function withWrongCheckDigit(code: string): string {
  const last = Number(code[9]);
  return `${code.slice(0, 9)}${(last + 1) % 10}`;
}

/** A minimal one-page PDF (same as demoPdf in app/seeds/demo-data.server.ts). */
export function demoPdf(title: string): Buffer {
  const text = title.replace(/[()\\]/g, "").replace(/[^\x20-\x7e]/g, "?");
  const stream = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}

/** A file for `setInputFiles` or a multipart post. */
export interface UploadFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

export function pdfUpload(name: string): UploadFile {
  return { name, mimeType: "application/pdf", buffer: demoPdf(name) };
}

/** A Windows executable (MZ header) renamed to .pdf. */
export function exeAsPdf(name = "phan-mem.pdf"): UploadFile {
  const buffer = Buffer.alloc(1024);
  Buffer.from("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "latin1").copy(buffer);
  buffer.write("This program cannot be run in DOS mode.", 78, "latin1");
  buffer.writeUInt32LE(0x80, 0x3c);
  Buffer.from("PE\0\0", "latin1").copy(buffer, 0x80);
  return { name, mimeType: "application/pdf", buffer };
}

/** An HTML page (with a script) renamed to .png. */
export function htmlAsPng(name = "anh-chup.png"): UploadFile {
  return { name, mimeType: "image/png", buffer: Buffer.from("<!doctype html><html><body><script>alert(1)</script></body></html>\n") };
}

/** A calendar date in Vietnam (Asia/Ho_Chi_Minh) as YYYY-MM-DD, `offsetDays` from today. */
export function vietnamIsoDate(offsetDays = 0): string {
  const now = new Date(Date.now() + 7 * 3600_000 + offsetDays * 86_400_000);
  return now.toISOString().slice(0, 10);
}

/** The task-list / criteria-list status of a link (it is the link's accessible description). */
export async function expectTaskStatus(page: Page, linkName: string, status: string): Promise<void> {
  await expect(page.getByRole("main").getByRole("link", { name: linkName, exact: true }), `status of "${linkName}"`).toHaveAccessibleDescription(status);
}

/** Signs out with the header button and waits until the sign-in link is back. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole("banner").getByRole("button", { name: VI.signOut }).click();
  await expect(page.getByRole("banner").getByRole("link", { name: VI.signIn })).toBeVisible();
}

export interface ProfileInput {
  legalName: string;
  taxCode: string;
  address: string;
  /** Visible option text of the province select, e.g. "Thành phố Hồ Chí Minh". */
  province: string;
  representativeName: string;
  representativeTitle: string;
  phone: string;
  website?: string;
}

export function profileFor(label: string, province = "Thành phố Hồ Chí Minh", prefix = "79"): ProfileInput {
  return {
    legalName: `Công ty Cổ phần Công nghệ ${label}`,
    taxCode: validTaxCode(prefix),
    address: "Số 12 Nguyễn Huệ, phường Sài Gòn",
    province,
    representativeName: "Trần Văn Bảo",
    representativeTitle: "Tổng giám đốc",
    phone: "0912 345 678",
    website: "https://congty.example.vn",
  };
}

/** Fills the enterprise-profile creation form (on /enterprise) without submitting it. */
export async function fillProfileForm(page: Page, p: ProfileInput): Promise<void> {
  const main = page.getByRole("main");
  await main.getByLabel("Tên doanh nghiệp bằng tiếng Việt").fill(p.legalName);
  await main.getByLabel("Mã số doanh nghiệp").fill(p.taxCode);
  await main.getByLabel("Địa chỉ trụ sở chính").fill(p.address);
  await main.getByLabel("Tỉnh, thành phố nơi đặt trụ sở chính").selectOption({ label: p.province });
  await main.getByLabel("Họ và tên người đại diện").fill(p.representativeName);
  await main.getByLabel("Chức danh", { exact: true }).fill(p.representativeTitle);
  await main.getByLabel("Số điện thoại liên hệ").fill(p.phone);
  await main.getByLabel("Trang web (không bắt buộc)").fill(p.website ?? "");
}

export interface PlatformInput {
  name: string;
  shortDescription: string;
  longDescription: string;
  pillar: string; // option text
  sector: string; // option text
  ownershipType: string; // radio label
  publicUrl: string;
  launchDate: string;
  usersCount: string;
  usersAsOf: string;
  usersMethod: string;
  dataInVietnam: "Có" | "Không";
  dataCentreProvider: string;
  securityLevel: string;
  securityDecisionNumber: string;
  securityDecisionDate: string;
}

/** Form values of the platform section (codes, as posted) for a platform called `name`. */
export function platformFor(name: string): PlatformInput & { codes: Record<string, string> } {
  const slug = randomBytes(4).toString("hex");
  return {
    name,
    shortDescription: "Sàn thương mại điện tử kết nối doanh nghiệp nhỏ với người mua trên cả nước.",
    longDescription: "Gian hàng trực tuyến, thanh toán điện tử, quản lý đơn hàng và vận chuyển. Công nghệ lõi do doanh nghiệp tự phát triển.",
    pillar: "Kinh tế số",
    sector: "Sàn thương mại điện tử",
    ownershipType: "Doanh nghiệp làm chủ quản, làm chủ công nghệ lõi",
    publicUrl: `https://${slug}.example.vn`,
    launchDate: "2021-03-15",
    usersCount: "1250000",
    usersAsOf: vietnamIsoDate(-30),
    usersMethod: "Số tài khoản hoạt động hằng tháng (MAU)",
    dataInVietnam: "Có",
    dataCentreProvider: "Trung tâm dữ liệu Viettel IDC",
    securityLevel: "3",
    securityDecisionNumber: "125/QĐ-ANB",
    securityDecisionDate: "2024-05-20",
    codes: { pillar: "economy", sector: "ecommerce", ownershipType: "enterprise", dataInVietnam: "yes" },
  };
}

/** Fills the platform section's form in the browser without submitting it. */
export async function fillPlatformForm(page: Page, p: PlatformInput): Promise<void> {
  const main = page.getByRole("main");
  await main.getByLabel("Tên nền tảng").fill(p.name);
  await main.getByLabel("Mô tả ngắn").fill(p.shortDescription);
  await main.getByLabel("Mô tả chi tiết").fill(p.longDescription);
  await main.getByLabel("Trụ cột").selectOption({ label: p.pillar });
  await main.getByLabel("Lĩnh vực").selectOption({ label: p.sector });
  await main.getByRole("group", { name: "Loại hình chủ quản" }).getByLabel(p.ownershipType).check();
  await main.getByLabel("Địa chỉ truy cập công khai").fill(p.publicUrl);
  await main.getByLabel("Ngày đưa vào hoạt động").fill(p.launchDate);
  await main.getByLabel("Số người dùng").fill(p.usersCount);
  await main.getByLabel("Tính đến ngày").fill(p.usersAsOf);
  await main.getByLabel("Cách tính").fill(p.usersMethod);
  await main.getByRole("group", { name: "Dữ liệu có được lưu trữ tại Việt Nam không?" }).getByLabel(p.dataInVietnam, { exact: true }).check();
  await main.getByLabel("Nhà cung cấp trung tâm dữ liệu").fill(p.dataCentreProvider);
  await main.getByLabel("Cấp độ (1–5)").selectOption(p.securityLevel);
  await main.getByLabel("Số quyết định phê duyệt cấp độ").fill(p.securityDecisionNumber);
  await main.getByLabel("Ngày quyết định").fill(p.securityDecisionDate);
}

/** The four required document slots: form field name and label. */
export const REQUIRED_DOCUMENTS = [
  { field: "doc-business_registration", label: "Giấy chứng nhận đăng ký doanh nghiệp" },
  { field: "doc-technical_description", label: "Thuyết minh kỹ thuật của nền tảng" },
  { field: "doc-security_approval", label: "Quyết định phê duyệt cấp độ an toàn hệ thống thông tin" },
  { field: "doc-data_protection_plan", label: "Phương án bảo vệ dữ liệu cá nhân" },
] as const;

/** Keys of the application's criteria, in order, read from its criteria list page. */
export async function criterionKeys(request: APIRequestContext, applicationId: string): Promise<string[]> {
  const res = await request.get(`/applications/${applicationId}/criteria`);
  expect(res.status(), "criteria list").toBe(200);
  const html = await res.text();
  const keys = [...html.matchAll(new RegExp(`href="/applications/${applicationId}/criteria/([a-z0-9_-]+)"`, "g"))].map((m) => m[1]!);
  return [...new Set(keys)];
}

async function expectRedirect(response: Awaited<ReturnType<APIRequestContext["post"]>>, what: string, location?: string) {
  expect(response.status(), `${what}: ${response.status()} ${(await response.text()).slice(0, 300)}`).toBe(302);
  if (location) expect(response.headers()["location"], what).toBe(location);
}

/**
 * Fills every section of a draft with plain form posts through `request` (a page's `page.request`, so the signed-in
 * user's cookies go along): the same routes and validation as the browser, without rendering eleven criterion pages.
 * Used where the browser journey is not what the test is about (a second application, the review journey).
 */
export async function fillApplicationOverHttp(
  request: APIRequestContext,
  applicationId: string,
  opts: { platformName: string; contact: { name: string; email: string } },
): Promise<void> {
  const base = `/applications/${applicationId}`;
  const p = platformFor(opts.platformName);
  const platform = {
    intent: "continue",
    name: p.name,
    shortDescription: p.shortDescription,
    longDescription: p.longDescription,
    pillar: p.codes.pillar!,
    sector: p.codes.sector!,
    ownershipType: p.codes.ownershipType!,
    publicUrl: p.publicUrl,
    launchDate: p.launchDate,
    usersCount: p.usersCount,
    usersAsOf: p.usersAsOf,
    usersMethod: p.usersMethod,
    dataInVietnam: p.codes.dataInVietnam!,
    dataCentreProvider: p.dataCentreProvider,
    securityLevel: p.securityLevel,
    securityDecisionNumber: p.securityDecisionNumber,
    securityDecisionDate: p.securityDecisionDate,
  };
  await expectRedirect(await request.post(`${base}/platform`, { form: platform, headers: SAME_ORIGIN, maxRedirects: 0 }), "platform section", base);
  const keys = await criterionKeys(request, applicationId);
  expect(keys.length, "criteria on the list page").toBeGreaterThan(0);
  for (const [i, key] of keys.entries()) {
    const multipart: Record<string, string | { name: string; mimeType: string; buffer: Buffer }> = {
      intent: "continue",
      assessment: "meets",
      explanation: `Giải trình cho tiêu chí ${key}: nền tảng đáp ứng, xem tài liệu minh chứng.`,
      links: `https://minhchung.example.vn/${key}`,
    };
    // Every other criterion carries an evidence file as well as the link.
    if (i % 2 === 0) multipart.evidence = pdfUpload(`minh-chung-${key}.pdf`);
    await expectRedirect(await request.post(`${base}/criteria/${key}`, { multipart, headers: SAME_ORIGIN, maxRedirects: 0 }), `criterion ${key}`);
  }
  const docs: Record<string, string | UploadFile> = { intent: "continue" };
  for (const d of REQUIRED_DOCUMENTS) docs[d.field] = pdfUpload(`${d.field}.pdf`);
  await expectRedirect(await request.post(`${base}/documents`, { multipart: docs, headers: SAME_ORIGIN, maxRedirects: 0 }), "documents", base);
  const contact = { intent: "continue", name: opts.contact.name, title: "Trưởng phòng pháp chế", email: opts.contact.email, phone: "0987 654 321" };
  await expectRedirect(await request.post(`${base}/contact`, { form: contact, headers: SAME_ORIGIN, maxRedirects: 0 }), "contact", base);
  await expectRedirect(
    await request.post(`${base}/declaration`, { form: { accepted: "yes", name: opts.contact.name }, headers: SAME_ORIGIN, maxRedirects: 0 }),
    "declaration",
    `${base}/check`,
  );
}

/** Creates the enterprise profile through the browser form (the user must be signed in, without a profile). */
export async function createProfileInBrowser(page: Page, p: ProfileInput): Promise<void> {
  await page.goto("/enterprise");
  await fillProfileForm(page, p);
  await page.getByRole("main").getByRole("button", { name: "Lưu hồ sơ doanh nghiệp" }).click();
  await expect(page).toHaveURL(/\/applications$/);
}

/** Clicks "Tạo hồ sơ mới" on /applications and returns the new draft's id. */
export async function startApplication(page: Page): Promise<string> {
  if (new URL(page.url()).pathname !== "/applications") await page.goto("/applications");
  await page.getByRole("main").getByRole("button", { name: "Tạo hồ sơ mới" }).click();
  await expect(page).toHaveURL(/\/applications\/[0-9a-f-]{36}$/);
  return new URL(page.url()).pathname.split("/")[2]!;
}

/**
 * Matches a reference number of province `province` submitted since `since` (ms; Vietnam calendar day):
 * PP-YYMMDD-NNNN. Both days are accepted when the test straddles midnight in Vietnam.
 */
export function referencePattern(province: string, since: number): RegExp {
  const day = (ms: number) => new Date(ms + 7 * 3600_000).toISOString().slice(2, 10).replace(/-/g, "");
  const days = [...new Set([day(since), day(Date.now())])].join("|");
  return new RegExp(`^${province}-(${days})-\\d{4}$`);
}

/** A YYYY-MM-DD date as the Vietnamese UI and emails write it (formatIsoDate): 7/12/2026. */
export function viDate(iso: string): string {
  const [y, m, d] = iso.split("-");
  return `${Number(d)}/${Number(m)}/${y}`;
}

/** The criteria of the set in force (db/reference/criteria-sets.json), in order: key and Vietnamese text. */
export async function currentCriteria(): Promise<{ key: string; text: string }[]> {
  const source = JSON.parse(await fs.readFile(new URL("../db/reference/criteria-sets.json", import.meta.url), "utf8")) as {
    sets: { is_current?: boolean; groups: { items: { key: string; text_vi: string }[] }[] }[];
  };
  const set = source.sets.find((s) => s.is_current) ?? source.sets[source.sets.length - 1]!;
  return set.groups.flatMap((g) => g.items.map((i) => ({ key: i.key, text: i.text_vi })));
}

/**
 * Starts collecting the page's uncaught errors and console errors (first line each), so that a failing step can say
 * what broke in the browser (e.g. a route component calling server-only code after hydration).
 */
export function browserErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text().split("\n")[0]}`);
  });
  return errors;
}

/** Expects the h1 to contain `text`; on failure the message lists the errors `browserErrors` collected. */
export async function expectHeading(page: Page, text: string, errors: string[] = []): Promise<void> {
  try {
    await expect(page.getByRole("heading", { level: 1 })).toContainText(text);
  } catch (e) {
    if (errors.length === 0) throw e;
    throw new Error(`${(e as Error).message}\n\nErrors in the browser so far:\n${errors.join("\n")}`);
  }
}

/** A page in a context of its own (its own cookies), with or without JavaScript. */
export async function newPage(browser: Browser, javaScriptEnabled = true): Promise<Page> {
  const context = await browser.newContext({ baseURL: BASE_URL, javaScriptEnabled });
  return context.newPage();
}

/** An application of a new confirmed enterprise (profile in the browser, sections over HTTP), submitted to TP Hồ Chí Minh. */
export async function submittedApplication(browser: Browser, request: APIRequestContext, label: string): Promise<string> {
  const account = await createConfirmedEnterprise(request, label);
  const ent = await newPage(browser);
  await signIn(ent, account.email, account.password);
  await createProfileInBrowser(ent, profileFor(label));
  const id = await startApplication(ent);
  await fillApplicationOverHttp(ent.request, id, { platformName: `Nền tảng ${label} ${Date.now().toString(36)}`, contact: { name: "Đỗ Thị Hạnh", email: uniqueEmail(label) } });
  const res = await ent.request.post(`/applications/${id}/check`, { headers: SAME_ORIGIN, maxRedirects: 0 });
  expect(res.status()).toBe(302);
  await ent.context().close();
  return id;
}
