import fs from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { BASE_URL, MAIL_DIR } from "./env.ts";
import type { StoredEmail } from "./smtp-sink.ts";

export { BASE_URL };

/** Demo accounts seeded on the embedded database (app/lib/demo.server.ts). */
export const DEMO_PASSWORD = "demo-nentangso-2026";
export const DEMO = {
  enterprise: { email: "doanhnghiep@demo.nentangso.vn", home: "/applications", heading: "Hồ sơ của tôi" },
  province_reviewer: { email: "so.hanoi@demo.nentangso.vn", home: "/review", heading: "Hồ sơ của Thành phố Hà Nội" },
  ministry_reviewer: { email: "bo@demo.nentangso.vn", home: "/ministry", heading: "Hồ sơ toàn quốc" },
  admin: { email: "admin@demo.nentangso.vn", home: "/admin/users", heading: "Người dùng" },
} as const;
export type DemoRole = keyof typeof DEMO;

/** Texts from app/lib/messages/foundation.ts (Vietnamese, the default language) used by several specs. */
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
 * Waits until the Remix app has started hydrating the page (its router exists and React listens for events),
 * so that a following click is handled by the client-side code and not by the browser's plain navigation.
 * Only for pages with JavaScript enabled.
 */
export async function waitForHydration(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const w = window as unknown as { __remixRouter?: { state?: { initialized?: boolean } } };
    const main = document.querySelector("main");
    return Boolean(w.__remixRouter?.state?.initialized) && main !== null && Object.keys(main).some((k) => k.startsWith("__reactFiber$"));
  });
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

/** Signs in through the form and waits until the portal has left the sign-in page. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await submitSignIn(page, email, password);
  await expect(page, `sign-in as ${email} should leave /login`).not.toHaveURL(/\/login(\?|$)/);
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
