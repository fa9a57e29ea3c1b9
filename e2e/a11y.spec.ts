import { expect, test } from "@playwright/test";
import { DEMO, DEMO_PASSWORD, VI, errorSummary, expectNoAxeViolations, gotoHydrated, signIn, type DemoRole } from "./helpers.ts";

test.describe("WCAG 2.2 AA (axe-core)", () => {
  test("home page in Vietnamese and in English", async ({ page }) => {
    await gotoHydrated(page, "/");
    await expect(page.locator("html")).toHaveAttribute("lang", "vi");
    await expectNoAxeViolations(page);

    await page.getByRole("banner").getByRole("button", { name: "Switch language to English" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Register a national digital platform");
    await expectNoAxeViolations(page);
  });

  test("sign-in page, empty and with errors, in both languages", async ({ page }) => {
    await gotoHydrated(page, "/login");
    await expectNoAxeViolations(page);
    await page.getByRole("main").getByRole("button", { name: "Đăng nhập" }).click();
    await expect(errorSummary(page)).toBeVisible();
    await expectNoAxeViolations(page);

    await page.getByRole("banner").getByRole("button", { name: "Switch language to English" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await page.getByRole("main").getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "There is a problem" })).toBeVisible();
    await expectNoAxeViolations(page);
  });

  test("sign-up page, empty and with errors", async ({ page }) => {
    await gotoHydrated(page, "/signup");
    await expectNoAxeViolations(page);
    await page.getByRole("main").getByLabel(VI.email).fill("khong-phai-email");
    await page.getByRole("main").getByRole("button", { name: "Tạo tài khoản" }).click();
    await expect(errorSummary(page)).toBeVisible();
    await expect(page.locator("#email-error")).toBeVisible();
    await expectNoAxeViolations(page);
  });

  test("forgot-password, check-your-email and invalid reset-link pages", async ({ page }) => {
    for (const path of ["/forgot-password", "/signup?sent=someone%40example.com", "/reset-password"]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await test.step(path, () => expectNoAxeViolations(page));
    }
  });

  for (const role of Object.keys(DEMO) as DemoRole[]) {
    test(`${role} home page (${DEMO[role].home})`, async ({ page }) => {
      await signIn(page, DEMO[role].email, DEMO_PASSWORD);
      await expect(page).toHaveURL(new RegExp(`${DEMO[role].home}$`));
      await expect(page.getByRole("heading", { level: 1 })).toContainText(DEMO[role].heading);
      await expectNoAxeViolations(page);
      if (role === "admin") {
        // The users page with errors in the invitation form.
        await page.getByRole("main").getByRole("button", { name: "Gửi lời mời" }).click();
        await expect(errorSummary(page)).toBeVisible();
        await expectNoAxeViolations(page);
      }
      if (role === "enterprise") {
        // A page the role may not see.
        expect((await page.goto("/admin/users"))?.status()).toBe(403);
        await expectNoAxeViolations(page);
      }
    });
  }
});
