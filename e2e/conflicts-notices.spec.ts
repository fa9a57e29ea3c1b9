/**
 * Issue 12, without JavaScript: a reviewer's declaration about conflicts of interest on the take form (refused without
 * one; a declared conflict recorded and shown instead of the form), and the choice of daily digest on the account page.
 * axe on both pages (in a context with JavaScript: axe runs in the page).
 */
import { expect, test } from "@playwright/test";
import {
  DEMO_PASSWORD,
  errorSummary,
  expectNoAxeViolations,
  gotoHydrated,
  signIn,
  newPage,
  submittedApplication,
} from "./helpers.ts";

const HCM = "so.hcm@demo.nentangso.vn";

test("without JavaScript: a take needs the declaration; a declared conflict is recorded and blocks the take", async ({ browser, request }) => {
  test.setTimeout(90_000);
  const id = await submittedApplication(browser, request, "conflict-nojs");
  const withJs = await newPage(browser);
  await signIn(withJs, HCM, DEMO_PASSWORD);
  await gotoHydrated(withJs, `/review/${id}`);
  await expect(withJs.getByRole("main").getByRole("group", { name: "Khai báo xung đột lợi ích" })).toBeVisible();
  await expectNoAxeViolations(withJs);

  const prov = await newPage(browser, false);
  const main = prov.getByRole("main");
  await signIn(prov, HCM, DEMO_PASSWORD);
  await prov.goto(`/review/${id}`);
  const take = main.getByRole("button", { name: "Nhận thẩm định hồ sơ này" });
  await expect(main.getByRole("group", { name: "Khai báo xung đột lợi ích" })).toBeVisible();

  // Without a declaration: refused, the error summary links to the radios.
  await take.click();
  await expect(errorSummary(prov)).toContainText("Chọn một khai báo về xung đột lợi ích trước khi nhận thẩm định");

  // A conflict with its reason: recorded, not taken, and the page says why instead of offering the take form.
  await main.getByRole("radio", { name: /Tôi có xung đột lợi ích với doanh nghiệp này/ }).check();
  await main.getByLabel("Lý do xung đột lợi ích (bắt buộc nếu có)").fill("Người thân làm việc tại doanh nghiệp");
  await take.click();
  await expect(prov.getByRole("alert").filter({ hasText: "Đã ghi nhận khai báo xung đột lợi ích" })).toBeVisible();
  await expect(main).toContainText("đã khai báo có xung đột lợi ích với doanh nghiệp này");
  await expect(take).toHaveCount(0);
  await expect(main.getByText("Khai báo có xung đột lợi ích", { exact: true })).toBeVisible();
  await prov.context().close();
  await gotoHydrated(withJs, `/review/${id}`);
  await expect(withJs.getByRole("main")).toContainText("đã khai báo có xung đột lợi ích với doanh nghiệp này");
  await expectNoAxeViolations(withJs);
  await withJs.context().close();
});

test("without JavaScript: a reviewer chooses the daily digest on the account page", async ({ browser }) => {
  test.setTimeout(60_000);
  const page = await newPage(browser, false);
  const main = page.getByRole("main");
  await signIn(page, HCM, DEMO_PASSWORD);
  await page.goto("/account");
  const group = main.getByRole("group", { name: "Cách nhận thông báo về hồ sơ mới và hồ sơ được bổ sung" });
  await expect(group.getByRole("radio", { name: "Gửi ngay từng thông báo" })).toBeChecked();
  await group.getByRole("radio", { name: /Một thư tổng hợp mỗi ngày/ }).check();
  await main.getByRole("button", { name: "Lưu cách nhận thông báo" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Đã lưu cách nhận thông báo." })).toBeVisible();
  await expect(group.getByRole("radio", { name: /Một thư tổng hợp mỗi ngày/ })).toBeChecked();
  // Back to each at once, as the other journeys expect of this demo account.
  await group.getByRole("radio", { name: "Gửi ngay từng thông báo" }).check();
  await main.getByRole("button", { name: "Lưu cách nhận thông báo" }).click();
  await expect(group.getByRole("radio", { name: "Gửi ngay từng thông báo" })).toBeChecked();
  await page.context().close();

  const withJs = await newPage(browser);
  await signIn(withJs, HCM, DEMO_PASSWORD);
  await gotoHydrated(withJs, "/account");
  await expect(withJs.getByRole("main").getByRole("group", { name: "Cách nhận thông báo về hồ sơ mới và hồ sơ được bổ sung" })).toBeVisible();
  await expectNoAxeViolations(withJs);
  await withJs.context().close();
});
