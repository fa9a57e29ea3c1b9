/**
 * Issue 8, item 5, in the browser: an enterprise that already has the most open drafts allowed is told so on
 * "Hồ sơ của tôi", next to the button, with JavaScript on and off; no draft is created and nothing breaks.
 */
import { expect, test } from "@playwright/test";
import {
  createConfirmedEnterprise,
  createProfileInBrowser,
  errorSummary,
  expectNoAxeViolations,
  profileFor,
  SAME_ORIGIN,
  signIn,
  waitForHydration,
} from "./helpers.ts";

const MAX_OPEN_DRAFTS = 5;
const MESSAGE = `Doanh nghiệp đã có ${MAX_OPEN_DRAFTS} hồ sơ nháp chưa nộp, là số tối đa được phép.`;

for (const js of [true, false]) {
  test.describe(js ? "with JavaScript" : "without JavaScript", () => {
    test.use({ javaScriptEnabled: js });

    test(`a ${MAX_OPEN_DRAFTS + 1}th open draft is refused with a message on the page`, async ({ page, request }) => {
      const main = page.getByRole("main");
      const account = await createConfirmedEnterprise(request, js ? "drafts-js" : "drafts-nojs");
      await signIn(page, account.email, account.password);
      await createProfileInBrowser(page, profileFor(js ? "Nhiều Bản Nháp" : "Nhiều Bản Nháp Không JS"));
      for (let i = 0; i < MAX_OPEN_DRAFTS; i++) {
        const res = await page.request.post("/applications", { headers: SAME_ORIGIN, maxRedirects: 0 });
        expect(res.status(), `draft ${i + 1}`).toBe(302);
      }

      await page.goto("/applications");
      if (js) await waitForHydration(page);
      const rows = main.getByRole("row").filter({ hasText: "Bản nháp" });
      await expect(rows).toHaveCount(MAX_OPEN_DRAFTS);
      await main.getByRole("button", { name: "Tạo hồ sơ mới" }).click();

      await expect(errorSummary(page)).toBeVisible();
      await expect(errorSummary(page).getByRole("link")).toHaveText(new RegExp(MESSAGE.replace(/[.]/g, "\\.")));
      await expect(main.locator("#start-application-error")).toContainText(MESSAGE);
      await expect(page).toHaveURL(/\/applications(\?index)?$/);
      await expect(rows).toHaveCount(MAX_OPEN_DRAFTS);
      if (js) await expectNoAxeViolations(page);
    });
  });
}
