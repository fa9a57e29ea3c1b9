import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { DEMO, DEMO_PASSWORD, signIn } from "./helpers.ts";

// Issue 12: the downloads and the audit pages work as plain links and GET forms, without JavaScript.
test.describe("downloads and audit pages without JavaScript", () => {
  test.use({ javaScriptEnabled: false, acceptDownloads: true });

  test("a provincial reviewer downloads the filtered queue as CSV and Excel, and opens an application's audit trail", async ({ page }) => {
    await signIn(page, DEMO.province_reviewer.email, DEMO_PASSWORD);
    await page.goto("/review?view=done");
    const main = page.getByRole("main");
    const [csv] = await Promise.all([page.waitForEvent("download"), main.getByRole("link", { name: "Tải xuống CSV" }).click()]);
    expect(csv.suggestedFilename()).toMatch(/^ho-so-01-done-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = fs.readFileSync((await csv.path())!, "utf8");
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.slice(1).split("\r\n")[0]).toBe("Mã hồ sơ,Nền tảng,Doanh nghiệp,Trạng thái,Hạn xử lý,Quá hạn,Người thẩm định");
    const [xlsx] = await Promise.all([page.waitForEvent("download"), main.getByRole("link", { name: "Tải xuống Excel" }).click()]);
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
    expect(fs.readFileSync((await xlsx.path())!).subarray(0, 2).toString()).toBe("PK");

    await main.getByRole("table").getByRole("link").first().click();
    await main.getByRole("link", { name: "Xem nhật ký đầy đủ của hồ sơ" }).click();
    await expect(page).toHaveURL(/\/review\/[0-9a-f-]{36}\/audit$/);
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Nhật ký hồ sơ");
    await expect(main.getByRole("table")).toContainText("Nộp hồ sơ");
  });

  test("an administrator filters the admin log and checks the hash chain", async ({ page }) => {
    await signIn(page, DEMO.admin.email, DEMO_PASSWORD);
    await page.goto("/admin/audit");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Nhật ký quản trị");
    const main = page.getByRole("main");
    await main.getByLabel("Từ ngày").fill("2026-13-01");
    await main.getByRole("button", { name: "Lọc" }).click();
    await expect(main.getByRole("alert")).toBeVisible();
    await expect(main.getByLabel("Từ ngày")).toHaveValue("2026-13-01");
    await main.getByLabel("Từ ngày").fill("2020-01-01");
    await main.getByRole("button", { name: "Lọc" }).click();
    await expect(page).toHaveURL(/from=2020-01-01/);
    await main.getByRole("button", { name: "Kiểm tra chuỗi" }).click();
    await expect(main.getByRole("status")).toContainText("Chuỗi nguyên vẹn");
    await expect(page).toHaveURL(/from=2020-01-01.*check=1/);
  });
});
