/**
 * Issue 8, item 18: on phones (320–390 px) no page scrolls sideways, the header stays small, and the navigation is a
 * compact "Menu" disclosure that works without JavaScript. Every page kind of every role is checked (e2e/page-kinds.ts).
 */
import { expect, test, type Page } from "@playwright/test";
import { BASE_URL, DEMO, DEMO_PASSWORD, signIn, waitForHydration } from "./helpers.ts";
import { pageKinds, type PageRole } from "./page-kinds.ts";

const WIDTHS = [320, 390] as const;
/** The header (brand and menu button) may take at most this much of a phone's height. */
const MAX_HEADER_HEIGHT = 110;

/** The one place this file signs in (staff sign-in may gain a second step). */
async function login(page: Page, role: Exclude<PageRole, "public">) {
  await signIn(page, DEMO[role].email, DEMO_PASSWORD);
}

/** How far the page is wider than the screen, and the elements that stick out (for the failure message). */
async function overflow(page: Page) {
  return page.evaluate(() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const culprits: string[] = [];
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.right <= width + 0.5) continue;
      // Content of a scroll box (a wide table in its .table-wrap) does not widen the page.
      // (Not for an absolutely positioned element: it escapes a scroll box that is not its containing block.)
      let clipped = false;
      if (!["absolute", "fixed"].includes(getComputedStyle(el).position))
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (getComputedStyle(p).overflowX !== "visible") clipped = true;
      if (clipped) continue;
      // Only the outermost offender of each branch: its children are then reported by it.
      const parent = el.parentElement;
      if (parent && parent !== document.body && parent.getBoundingClientRect().right > width + 0.5) continue;
      const cls = typeof el.className === "string" && el.className ? `.${el.className.trim().split(/\s+/).join(".")}` : "";
      culprits.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${cls} (right edge ${Math.round(box.right)})`);
    }
    return { scrollWidth: root.scrollWidth, clientWidth: width, culprits: culprits.slice(0, 8) };
  });
}

async function checkRole(page: Page, role: PageRole) {
  const kinds = await pageKinds(page.request, role);
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 740 });
    for (const kind of kinds) {
      await test.step(`${width} px: ${kind.name} (${kind.path})`, async () => {
        await page.goto(kind.path);
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        const o = await overflow(page);
        expect(o.scrollWidth, `${kind.path} at ${width} px is ${o.scrollWidth} px wide: ${o.culprits.join(", ")}`).toBeLessThanOrEqual(o.clientWidth);
        const header = (await page.getByRole("banner").boundingBox())!;
        expect(header.height, `header height at ${width} px on ${kind.path}`).toBeLessThanOrEqual(MAX_HEADER_HEIGHT);
      });
    }
  }
}

test.describe("no sideways scrolling at 320 and 390 px, on every page kind", () => {
  test("public pages", async ({ page }) => {
    test.setTimeout(120_000);
    await checkRole(page, "public");
  });
  for (const role of Object.keys(DEMO) as Exclude<PageRole, "public">[]) {
    test(`${role} pages`, async ({ page }) => {
      test.setTimeout(120_000);
      await login(page, role);
      await checkRole(page, role);
    });
  }
});

test.describe("the compact menu on a phone", () => {
  test("without JavaScript: a disclosure with the navigation, the language switch and the account links", async ({ browser }) => {
    const context = await browser.newContext({ baseURL: BASE_URL, javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await page.goto("/");
    const banner = page.getByRole("banner");
    // The wide-screen navigation bar and tools are not shown; the menu is closed.
    await expect(banner.getByRole("link", { name: "Danh mục nền tảng" })).toBeHidden();
    const menu = banner.locator("summary", { hasText: "Menu" });
    await expect(menu).toBeVisible();
    await menu.click();
    await expect(banner.getByRole("navigation", { name: "Điều hướng chính" })).toBeVisible();
    await expect(banner.getByRole("button", { name: "Switch language to English" })).toBeVisible();
    await expect(banner.getByRole("link", { name: "Đăng nhập", exact: true })).toBeVisible();
    const o = await overflow(page);
    expect(o.scrollWidth, `open menu: ${o.culprits.join(", ")}`).toBeLessThanOrEqual(o.clientWidth);
    await banner.getByRole("link", { name: "Danh mục nền tảng" }).click();
    await expect(page).toHaveURL(/\/platforms$/);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    // A new page starts with the menu closed.
    await expect(banner.getByRole("navigation", { name: "Điều hướng chính" })).toBeHidden();
    await context.close();
  });

  test("with JavaScript, signed in: following a menu link closes the menu and focuses the new page's heading", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 740 });
    await login(page, "enterprise");
    await waitForHydration(page);
    const banner = page.getByRole("banner");
    await banner.locator("summary", { hasText: "Menu" }).click();
    await expect(banner).toContainText(`Đã đăng nhập: ${DEMO.enterprise.email}`);
    await expect(banner.getByRole("button", { name: "Đăng xuất" })).toBeVisible();
    await banner.getByRole("link", { name: "Danh mục nền tảng" }).click();
    await expect(page).toHaveURL(/\/platforms$/);
    await expect(banner.getByRole("navigation", { name: "Điều hướng chính" })).toBeHidden();
    await expect(page.getByRole("heading", { level: 1 })).toBeFocused();
  });
});
