/**
 * Issue 8, item 14 (with JavaScript, where the router keeps loader data after a refused post): a refused post never
 * leaves the previous action's success banner next to its error, and a 409 shows the conflict over the current status
 * and the actions possible now, not over the stale page.
 */
import { expect, test, type Page } from "@playwright/test";
import {
  DEMO_PASSWORD,
  SAME_ORIGIN,
  errorSummary,
  gotoHydrated,
  signIn,
  vietnamIsoDate,
  newPage,
  submittedApplication,
} from "./helpers.ts";

const HCM = "so.hcm@demo.nentangso.vn";

/** Waits for the page a post redirected to: focus moves to its heading once it is shown (the clicked button had it). */
async function newPageShown(page: Page) {
  await expect(page.getByRole("main").getByRole("heading", { level: 1 })).toBeFocused();
}

test("a refused post does not keep the previous action's success banner", async ({ browser, request }) => {
  test.setTimeout(90_000);
  const id = await submittedApplication(browser, request, "flash-banner");
  const prov = await newPage(browser);
  const main = prov.getByRole("main");
  await signIn(prov, HCM, DEMO_PASSWORD);
  await gotoHydrated(prov, `/review/${id}`);
  await main.getByRole("radio", { name: "Tôi không có xung đột lợi ích với doanh nghiệp này" }).check();
  await main.getByRole("button", { name: "Nhận thẩm định hồ sơ này" }).click();
  await newPageShown(prov);
  await expect(prov.getByRole("status").filter({ hasText: "Đã cập nhật phân công." })).toBeVisible();

  // Saving a verdict without choosing one is refused (400): the error shows, the old success banner does not.
  const answered = prov.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname.includes(`/review/${id}`));
  await main.getByRole("button", { name: "Lưu kết quả" }).first().click();
  expect((await answered).status()).toBe(400);
  await expect(errorSummary(prov)).toBeVisible();
  await expect(prov.getByText("Đã cập nhật phân công.")).toHaveCount(0);
});

test("a 409 shows the conflict over the current status and the actions possible now", async ({ browser, request }) => {
  test.setTimeout(90_000);
  const id = await submittedApplication(browser, request, "conflict-reload");
  const prov = await newPage(browser);
  const main = prov.getByRole("main");
  await signIn(prov, HCM, DEMO_PASSWORD);
  await gotoHydrated(prov, `/review/${id}`);
  await main.getByRole("radio", { name: "Tôi không có xung đột lợi ích với doanh nghiệp này" }).check();
  await main.getByRole("button", { name: "Nhận thẩm định hồ sơ này" }).click();
  await newPageShown(prov);
  await expect(main).toContainText("Đang thẩm định tại Sở");
  const lockVersion = await main.locator('input[name="lockVersion"]').first().inputValue();

  // Meanwhile, in another window, the same application gets a change request.
  const other = await newPage(browser);
  await signIn(other, HCM, DEMO_PASSWORD);
  const res = await other.request.post(`/review/${id}`, {
    form: { intent: "request_changes", lockVersion, reopen: "section:contact", "note:section:contact": "Bổ sung số điện thoại", replyBy: vietnamIsoDate(14) },
    headers: SAME_ORIGIN,
    maxRedirects: 0,
  });
  expect(res.status()).toBe(302);

  // The stale page posts a verdict: 409, and the page now shows the current state.
  await main.getByRole("group", { name: /^Kết quả: / }).first().getByLabel("Đáp ứng", { exact: true }).check();
  const answered = prov.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname.includes(`/review/${id}`));
  await main.getByRole("button", { name: "Lưu kết quả" }).first().click();
  expect((await answered).status()).toBe(409);
  await expect(prov.getByRole("alert").filter({ hasText: "vừa được người khác thay đổi" })).toContainText("Yêu cầu bổ sung");
  await expect(main.locator(".panel .tag").first()).toHaveText("Yêu cầu bổ sung");
  await expect(main.getByRole("button", { name: "Lưu kết quả" })).toHaveCount(0);
  await expect(main.getByRole("button", { name: "Gửi yêu cầu bổ sung" })).toHaveCount(0);
});
