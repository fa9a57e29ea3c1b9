import { expect, test, type Page } from "@playwright/test";
import { VI, gotoHydrated, waitForHydration } from "./helpers.ts";

const EN_SITE = "National digital platforms";

async function expectLanguage(page: Page, lang: "vi" | "en") {
  await expect(page.locator("html")).toHaveAttribute("lang", lang);
}

async function switchTo(page: Page, lang: "vi" | "en") {
  const name = lang === "en" ? "Switch language to English" : "Chuyển sang tiếng Việt";
  const button = page.getByRole("banner").getByRole("button", { name });
  await expect(button).toHaveText(lang === "en" ? "English" : "Tiếng Việt");
  await button.click();
  await expectLanguage(page, lang);
}

test("the home page is Vietnamese by default, and the English switch is remembered until switched back", async ({ page, context }) => {
  await gotoHydrated(page, "/");
  await expectLanguage(page, "vi");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Đăng ký nền tảng số quốc gia");
  await expect(page).toHaveTitle(`Đăng ký nền tảng số quốc gia – ${VI.siteName}`);

  await switchTo(page, "en");
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Register a national digital platform");
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
  // The whole title is English on an English page (lang="en"), site name included.
  await expect(page).toHaveTitle(/^Register a national digital platform – /);
  expect.soft(await page.title(), "English page title must not keep the Vietnamese site name").toBe(
    `Register a national digital platform – ${EN_SITE}`,
  );

  // Remembered across navigation...
  await page.getByRole("banner").getByRole("link", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expectLanguage(page, "en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign in");
  await expect(page.getByRole("main").getByLabel("Email address")).toBeVisible();

  // ...and in a new page of the same browser context.
  const second = await context.newPage();
  await second.goto("/signup");
  await expectLanguage(second, "en");
  await expect(second.getByRole("heading", { level: 1 })).toHaveText("Create an enterprise account");
  await second.close();

  // Switching back keeps the current page.
  await switchTo(page, "vi");
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Đăng nhập");
  await page.goto("/");
  await expectLanguage(page, "vi");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Đăng ký nền tảng số quốc gia");
});

test("a page hydrates with its texts even when the texts file arrives after the app's scripts", async ({ page }) => {
  const problems: string[] = [];
  page.on("console", (msg) => void (msg.type() === "error" && problems.push(msg.text())));
  page.on("pageerror", (err) => problems.push(String(err)));
  // The texts file is a deferred script; Remix's module script is async and may run first (entry.client.tsx waits).
  await page.route("**/texts/*.js", async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  await gotoHydrated(page, "/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Đăng ký nền tảng số quốc gia");
  await page.getByRole("banner").getByRole("link", { name: "Đăng nhập", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Đăng nhập");
  await expect(page.getByRole("main").getByLabel("Địa chỉ thư điện tử")).toBeVisible();
  expect(problems).toEqual([]);
});

test("a client-side navigation loads the next page's texts, and only those, before showing it (both languages)", async ({ page }) => {
  const problems: string[] = [];
  page.on("console", (msg) => void (msg.type() === "error" && problems.push(msg.text())));
  page.on("pageerror", (err) => problems.push(String(err)));
  const texts: string[] = [];
  const documents: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/texts/")) texts.push(new URL(r.url()).pathname);
    if (r.resourceType() === "document") documents.push(new URL(r.url()).pathname);
  });
  // Slow texts: the next page must not show before its own file has come (decision 026).
  await page.route("**/texts/*.js", async (route) => {
    await new Promise((r) => setTimeout(r, 800));
    await route.continue();
  });
  await gotoHydrated(page, "/");
  expect(texts.filter((t) => !t.includes(".index.")).map((t) => t.split(".")[1])).toEqual(["root", "_index"]);
  await page.getByRole("banner").getByRole("link", { name: "Đăng nhập", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("main").getByRole("button", { name: "Đăng nhập" })).toBeVisible();
  await expect(page.getByRole("main").getByLabel("Mật khẩu")).toBeVisible();
  expect(documents, "one document: the rest were client-side navigations").toEqual(["/"]);
  expect(texts.some((t) => /^\/texts\/vi\.login\.[0-9a-f]{16}\.js$/.test(t)), texts.join(" ")).toBe(true);
  expect(texts.some((t) => t.includes(".all.")), "never the whole dictionary").toBe(false);

  // English: the switch reloads the document; a client-side navigation then loads the English file of the next page.
  await switchTo(page, "en");
  await waitForHydration(page);
  await page.getByRole("banner").getByRole("link", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.getByRole("main").getByRole("link", { name: /password/i }).first().click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Reset your password");
  expect(texts.some((t) => /^\/texts\/en\.forgot-password\.[0-9a-f]{16}\.js$/.test(t)), texts.join(" ")).toBe(true);
  expect(problems).toEqual([]);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the language switch works as a plain form post and returns to the same page", async ({ page }) => {
    await page.goto("/forgot-password");
    await expectLanguage(page, "vi");
    await page.getByRole("banner").getByRole("button", { name: "Switch language to English" }).click();
    await expect(page).toHaveURL(/\/forgot-password$/);
    await expectLanguage(page, "en");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Reset your password");
  });
});

const PAGES: { path: string; vi: string; en: string }[] = [
  { path: "/", vi: "Đăng ký nền tảng số quốc gia", en: "Register a national digital platform" },
  { path: "/login", vi: "Đăng nhập", en: "Sign in" },
  { path: "/signup", vi: "Tạo tài khoản doanh nghiệp", en: "Create an enterprise account" },
  { path: "/signup?sent=someone%40example.com", vi: "Kiểm tra hộp thư của bạn", en: "Check your email" },
  { path: "/forgot-password", vi: "Đặt lại mật khẩu", en: "Reset your password" },
  { path: "/verify-email", vi: "Xác nhận địa chỉ thư điện tử", en: "Confirm your email address" },
  { path: "/reset-password", vi: "Chọn mật khẩu mới", en: "Choose a new password" },
  { path: "/invite", vi: "Nhận lời mời", en: "Accept your invitation" },
];

for (const lang of ["vi", "en"] as const) {
  test(`every public page has a non-empty, page-specific title (${lang})`, async ({ page, context }) => {
    if (lang === "en") {
      await page.goto("/");
      await switchTo(page, "en");
    }
    const titles = new Set<string>();
    for (const p of PAGES) {
      const response = await page.goto(p.path);
      expect(response?.status(), p.path).toBe(200);
      await expectLanguage(page, lang);
      const heading = p[lang];
      await expect(page.getByRole("heading", { level: 1 }), p.path).toHaveText(heading);
      const title = await page.title();
      expect(title.trim(), `title of ${p.path}`).not.toBe("");
      expect(title, `title of ${p.path} starts with its heading`).toMatch(new RegExp(`^${escapeRegExp(heading)} – `));
      titles.add(title);
    }
    expect(titles.size, "each page has its own title").toBe(PAGES.length);
    const langCookie = (await context.cookies()).find((c) => c.name === "lang");
    expect(Boolean(langCookie), "a language cookie exists only after switching").toBe(lang === "en");
  });
}

function escapeRegExp(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
