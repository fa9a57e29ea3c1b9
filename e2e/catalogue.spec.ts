import { expect, test, type Page } from "@playwright/test";
import { expectNoAxeViolations, gotoHydrated } from "./helpers.ts";

/**
 * The public catalogue, with the demo listings of app/seeds/demo-catalogue.server.ts (seeded by server.ts on the
 * embedded database): search and filters with and without JavaScript, platform pages, certificates, statistics.
 */

const SEN_VANG = "Sàn Thương mại điện tử Sen Vàng";
const REVOKED = "Nền tảng Giám sát An ninh mạng Cửu Long";

function results(page: Page) {
  return page.locator(".catalogue-list__item");
}

function countStatus(page: Page) {
  return page.getByRole("status").filter({ hasText: /Tìm thấy/ });
}

async function searchAndFilter(page: Page) {
  const main = page.getByRole("main");
  await expect(countStatus(page)).toContainText(/Tìm thấy \d+ nền tảng/);
  const total = Number((await countStatus(page).textContent())!.match(/Tìm thấy (\d+)/)![1]);
  expect(total).toBeGreaterThanOrEqual(12);

  // Accent-insensitive search: every word must match the name, the short description or the enterprise.
  await main.getByLabel("Tìm nền tảng").fill("thuong mai dien tu sen vang");
  await main.getByRole("button", { name: "Tìm kiếm" }).click();
  await expect(page).toHaveURL(/[?&]q=thuong\+mai\+dien\+tu\+sen\+vang/);
  await expect(countStatus(page)).toHaveText("Tìm thấy 1 nền tảng");
  await expect(results(page)).toHaveCount(1);
  await expect(results(page).getByRole("link", { name: SEN_VANG })).toBeVisible();

  // Clearing the filters shows everything again, and the search field is empty.
  await main.getByRole("link", { name: "Xóa bộ lọc" }).click();
  await expect(page).toHaveURL(/\/platforms$/);
  await expect(countStatus(page)).toContainText(`Tìm thấy ${total} nền tảng`);
  await expect(main.getByLabel("Tìm nền tảng")).toHaveValue("");

  // A filter: only digital-government platforms, each tagged so.
  await main.getByLabel("Trụ cột").selectOption({ label: "Chính phủ số" });
  await main.getByLabel("Tỉnh, thành phố").selectOption({ label: "Thành phố Đà Nẵng" });
  await main.getByRole("button", { name: "Tìm kiếm" }).click();
  await expect(page).toHaveURL(/pillar=government/);
  await expect(page).toHaveURL(/province=48/);
  // Wait for the filtered page itself (without JavaScript the URL changes before the new document is parsed).
  await expect(countStatus(page)).not.toContainText(`Tìm thấy ${total} nền tảng`);
  const n = Number((await countStatus(page).textContent())!.match(/Tìm thấy (\d+)/)![1]);
  expect(n).toBeGreaterThan(0);
  await expect(results(page)).toHaveCount(n);
  for (const item of await results(page).all()) {
    await expect(item.locator(".tag")).toHaveText("Chính phủ số");
    await expect(item).toContainText("Thành phố Đà Nẵng");
  }
  await expect(main.getByLabel("Trụ cột")).toHaveValue("government");

  // Sorting keeps the filters.
  await main.getByLabel("Sắp xếp").selectOption("newest");
  await main.getByRole("button", { name: "Tìm kiếm" }).click();
  await expect(page).toHaveURL(/sort=newest/);
  await expect(results(page)).toHaveCount(n);
}

test.describe("catalogue with JavaScript", () => {
  test("search, filter and sort; the result count is announced", async ({ page }) => {
    await gotoHydrated(page, "/platforms");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Danh mục nền tảng số quốc gia");
    await expect(page.locator('[role="status"][aria-live="polite"]')).toHaveCount(1);
    await searchAndFilter(page);
  });

  test("axe: catalogue, platform page, certificate, revoked page and statistics", async ({ page }) => {
    await gotoHydrated(page, "/platforms");
    await expectNoAxeViolations(page);

    await page.getByRole("link", { name: SEN_VANG }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText(SEN_VANG);
    await expect(page.getByText("Đã được công nhận")).toBeVisible();
    await expect(page.getByRole("table").first()).toBeVisible();
    await expect(page.getByText(/Bộ xác minh ngày/).first()).toBeVisible();
    await expectNoAxeViolations(page);

    await page.getByRole("link", { name: "Xem và in giấy chứng nhận" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Giấy chứng nhận nền tảng số quốc gia/i);
    const qr = page.getByRole("img", { name: /Mã QR dẫn tới trang của nền tảng/ });
    await expect(qr).toBeVisible();
    await expect(page.locator(".certificate__link")).toHaveText(/\/platforms\/[0-9a-f-]{36}$/);
    await expectNoAxeViolations(page);
    // Printed, the certificate stands alone.
    await page.emulateMedia({ media: "print" });
    await expect(page.getByRole("banner")).toBeHidden();
    await expect(page.locator(".certificate")).toBeVisible();
    await page.emulateMedia({ media: "screen" });

    await gotoHydrated(page, "/statistics");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Thống kê");
    await expect(page.getByRole("img", { name: "Nền tảng được công nhận theo trụ cột" })).toBeVisible();
    await expect(page.getByRole("table", { name: "Nền tảng được công nhận theo trụ cột" })).toBeVisible();
    await expectNoAxeViolations(page);

    const res = await page.request.get("/api/v1/platforms?q=cuu+long");
    expect((await res.json()).total).toBe(0);
  });

  test("a revoked platform keeps its page (410) and says since when", async ({ page, request }) => {
    const feed = await (await request.get("/platforms/feed.atom")).text();
    const id = feed.match(new RegExp(`Thu hồi công nhận: ${REVOKED}[\\s\\S]*?/platforms/([0-9a-f-]{36})`))![1];
    const response = await page.goto(`/platforms/${id}`);
    expect(response!.status()).toBe(410);
    await expect(page.getByRole("heading", { level: 1 })).toContainText(REVOKED);
    await expect(page.getByRole("main")).toContainText(/không còn được công nhận kể từ ngày \d{1,2}\/\d{1,2}\/\d{4}/);
    await expectNoAxeViolations(page);

    // Reached by a client-side navigation (single fetch), the page says the same.
    // Its certificate page links back to it.
    await gotoHydrated(page, `/platforms/${id}/certificate`);
    const data = page.waitForRequest((r) => new URL(r.url()).pathname === `/platforms/${id}.data`);
    await page.getByRole("main").getByRole("link", { name: REVOKED }).first().click();
    await data;
    await expect(page).toHaveURL(new RegExp(`/platforms/${id}$`));
    await expect(page.getByRole("heading", { level: 1 })).toContainText(REVOKED);
    await expect(page.getByRole("main")).toContainText("Nền tảng này không còn được công nhận");
  });

  test("English", async ({ page }) => {
    await gotoHydrated(page, "/platforms");
    await page.getByRole("banner").getByRole("button", { name: "Switch language to English" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("National digital platforms catalogue");
    await expect(page.getByRole("status").filter({ hasText: /platforms found/ })).toBeVisible();
    await expectNoAxeViolations(page);
  });
});

test.describe("catalogue without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("search, filter and sort with plain GET forms", async ({ page }) => {
    await page.goto("/platforms");
    await searchAndFilter(page);
  });

  test("platform page and certificate work without JavaScript", async ({ page }) => {
    await page.goto("/platforms?q=sen+vang");
    await page.getByRole("link", { name: SEN_VANG }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText(SEN_VANG);
    await page.getByRole("link", { name: "Xem và in giấy chứng nhận" }).click();
    await expect(page.getByRole("img", { name: /Mã QR/ })).toBeVisible();
  });
});
