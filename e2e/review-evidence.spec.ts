/**
 * Issue 8, item 21: on the review page each criterion's evidence (the enterprise's explanation, links and files) is in
 * the same region as its verdict controls, visible without opening anything: beside them on a wide screen, above them
 * on a phone.
 */
import { expect, test, type Browser, type Page } from "@playwright/test";
import {
  BASE_URL,
  DEMO_PASSWORD,
  SAME_ORIGIN,
  createConfirmedEnterprise,
  createProfileInBrowser,
  currentCriteria,
  fillApplicationOverHttp,
  gotoHydrated,
  profileFor,
  signIn,
  startApplication,
  uniqueEmail,
} from "./helpers.ts";

const HCM_REVIEWER = "so.hcm@demo.nentangso.vn";

/** The one place this file signs in (staff sign-in may gain a second step). */
async function login(page: Page, email: string, password = DEMO_PASSWORD) {
  await signIn(page, email, password);
}

async function newPage(browser: Browser, width = 1280): Promise<Page> {
  const context = await browser.newContext({ baseURL: BASE_URL, viewport: { width, height: 900 } });
  return context.newPage();
}

test("each criterion's explanation, links and files sit in the region of its verdict controls", async ({ browser, request }) => {
  test.setTimeout(90_000);
  const criteria = await currentCriteria();
  const account = await createConfirmedEnterprise(request, "evidence");
  const ent = await newPage(browser);
  await login(ent, account.email, account.password);
  await createProfileInBrowser(ent, profileFor("Minh Chứng"));
  const id = await startApplication(ent);
  await fillApplicationOverHttp(ent.request, id, { platformName: `Nền tảng Minh Chứng ${Date.now().toString(36)}`, contact: { name: "Đỗ Văn Minh", email: uniqueEmail("evidence") } });
  const submitted = await ent.request.post(`/applications/${id}/check`, { form: {}, headers: SAME_ORIGIN, maxRedirects: 0 });
  expect(submitted.status(), "submission").toBe(302);

  for (const width of [1280, 390]) {
    await test.step(`reviewer's page at ${width} px`, async () => {
      const prov = await newPage(browser, width);
      await login(prov, HCM_REVIEWER);
      await gotoHydrated(prov, `/review/${id}`);
      const main = prov.getByRole("main");
      const take = main.getByRole("button", { name: "Nhận thẩm định hồ sơ này" });
      if (await take.isVisible()) {
        await main.getByRole("radio", { name: "Tôi không có xung đột lợi ích với doanh nghiệp này" }).check();
        await take.click();
        await expect(take).toHaveCount(0);
      }
      for (const [i, c] of criteria.entries()) {
        const region = main.getByRole("region", { name: c.text, exact: true });
        const verdict = region.getByRole("group", { name: `Kết quả: ${c.text}` });
        const explanation = region.getByText(`Giải trình cho tiêu chí ${c.key}: nền tảng đáp ứng, xem tài liệu minh chứng.`);
        const link = region.getByRole("link", { name: `https://minhchung.example.vn/${c.key}` });
        await expect(verdict, `verdict controls of ${c.key}`).toBeVisible();
        await expect(explanation, `explanation of ${c.key}`).toBeVisible();
        await expect(link, `link of ${c.key}`).toBeVisible();
        // fillApplicationOverHttp attaches a file to every other criterion.
        const file = region.getByRole("link", { name: `minh-chung-${c.key}.pdf` });
        await expect(file, `file of ${c.key}`).toHaveCount(i % 2 === 0 ? 1 : 0);
        if (i % 2 === 0) await expect(file).toBeVisible();

        const evidenceBox = (await explanation.boundingBox())!;
        const verdictBox = (await verdict.boundingBox())!;
        if (width >= 1024) {
          expect(verdictBox.x, `${c.key}: the verdict is to the right of the evidence`).toBeGreaterThanOrEqual(evidenceBox.x + evidenceBox.width);
          expect(Math.abs(verdictBox.y - evidenceBox.y), `${c.key}: evidence and verdict start side by side`).toBeLessThan(verdictBox.height + evidenceBox.height);
        } else {
          expect(verdictBox.y, `${c.key}: the verdict comes after the evidence`).toBeGreaterThan(evidenceBox.y);
        }
      }
      await prov.context().close();
    });
  }
});
