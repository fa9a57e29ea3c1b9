/**
 * Issue 8, item 9: with JavaScript on, a navigation must render each page's forms from its own saved values (as a
 * page load without JavaScript does) and move focus to the new page's heading. "Lưu và tiếp tục" on criterion n
 * used to open criterion n+1 with n's choice, explanation, links and selected file still in the form.
 */
import { expect, test, type Page } from "@playwright/test";
import {
  DEMO,
  DEMO_PASSWORD,
  browserErrors,
  createConfirmedEnterprise,
  createProfileInBrowser,
  gotoHydrated,
  pdfUpload,
  profileFor,
  signIn,
  startApplication,
  waitForHydration,
} from "./helpers.ts";

/** The one place this file signs in (staff sign-in may gain a second step). */
async function login(page: Page, email: string, password = DEMO_PASSWORD) {
  await signIn(page, email, password);
}

const ASSESSMENT_GROUP = "Nền tảng đáp ứng tiêu chí này ở mức nào?";

/** The criterion form as the user sees it: the checked assessment, both text areas and the chosen files. */
async function criterionForm(page: Page) {
  const main = page.getByRole("main");
  const group = main.getByRole("group", { name: ASSESSMENT_GROUP });
  return {
    checked: await group.locator("input[type=radio]:checked").count(),
    explanation: await main.getByLabel("Giải trình").inputValue(),
    links: await main.getByLabel("Đường liên kết minh chứng").inputValue(),
    chosenFiles: await main.getByLabel("Tệp minh chứng").evaluate((el) => (el as HTMLInputElement).files?.length ?? -1),
  };
}

/** The element that has focus, described by its tag and text. */
async function focused(page: Page) {
  return page.evaluate(() => ({ tag: document.activeElement?.tagName.toLowerCase() ?? "", text: document.activeElement?.textContent?.trim() ?? "" }));
}

test("criterion after criterion: each page opens with its own (empty) answer, focus on its heading, nothing saved twice", async ({ page, request }) => {
  test.setTimeout(90_000);
  const errors = browserErrors(page);
  const main = page.getByRole("main");
  const account = await createConfirmedEnterprise(request, "criteria-nav");
  await login(page, account.email, account.password);
  await createProfileInBrowser(page, profileFor("Bình Minh Nav"));
  const id = await startApplication(page);

  await gotoHydrated(page, `/applications/${id}/criteria`);
  const hrefs = await main.getByRole("listitem").getByRole("link").evaluateAll((els) => els.map((e) => e.getAttribute("href") ?? ""));
  expect(hrefs.length, "criteria on the list").toBeGreaterThan(1);
  await main.getByRole("listitem").getByRole("link").first().click();

  for (const [i, href] of hrefs.entries()) {
    const key = href.split("/").pop()!;
    await test.step(`criterion ${i + 1}/${hrefs.length} (${key})`, async () => {
      await expect(page).toHaveURL(new RegExp(`${href}$`));
      await expect(main).toContainText(`Tiêu chí ${i + 1}/${hrefs.length}`);
      expect(await criterionForm(page), `criterion ${i + 1} opens empty (errors in the browser: ${errors.join("; ") || "none"})`).toEqual({
        checked: 0,
        explanation: "",
        links: "",
        chosenFiles: 0,
      });
      const heading = await page.getByRole("heading", { level: 1 }).textContent();
      if (i > 0) expect(await focused(page), "focus is on the new page's heading").toEqual({ tag: "h1", text: heading?.trim() ?? "" });

      await main.getByRole("group", { name: ASSESSMENT_GROUP }).getByLabel("Đáp ứng", { exact: true }).check();
      await main.getByLabel("Giải trình").fill(`Giải trình riêng của tiêu chí ${key}.`);
      // Files on even positions, links on odd ones: a file left in the form would be uploaded again with the next.
      if (i % 2 === 0) await main.getByLabel("Tệp minh chứng").setInputFiles(pdfUpload(`minh-chung-${key}.pdf`));
      else await main.getByLabel("Đường liên kết minh chứng").fill(`https://minhchung.example.vn/${key}`);
      await main.getByRole("button", { name: "Lưu và tiếp tục" }).click();
    });
  }
  await expect(page).toHaveURL(new RegExp(`/applications/${id}/criteria$`));
  await expect(main).toContainText(`Đã hoàn thành ${hrefs.length}/${hrefs.length} tiêu chí`);

  await test.step("each criterion kept exactly its own answer and files", async () => {
    for (const [i, href] of hrefs.entries()) {
      const key = href.split("/").pop()!;
      await page.goto(href);
      await expect(main.getByLabel("Giải trình"), `criterion ${key}`).toHaveValue(`Giải trình riêng của tiêu chí ${key}.`);
      await expect(main.getByLabel("Đường liên kết minh chứng")).toHaveValue(i % 2 === 0 ? "" : `https://minhchung.example.vn/${key}`);
      const files = main.locator(".file-list__item a");
      await expect(files, `files of criterion ${key}`).toHaveText(i % 2 === 0 ? [`minh-chung-${key}.pdf`] : []);
    }
  });
});

test("a form posted back to the same page starts empty again (internal note on the review page)", async ({ page }) => {
  const main = page.getByRole("main");
  await login(page, DEMO.province_reviewer.email);
  await gotoHydrated(page, "/review?view=mine");
  await main.getByRole("table").getByRole("link").first().click();
  await expect(page).toHaveURL(/\/review\/[0-9a-f-]{36}$/);
  await waitForHydration(page);
  const note = `Ghi chú nội bộ ${Date.now().toString(36)}`;
  const box = main.getByLabel("Ghi chú", { exact: true });
  await box.fill(note);
  await main.getByRole("button", { name: "Thêm ghi chú" }).click();
  await expect(main.getByText(note)).toBeVisible();
  await expect(box, "the note form starts empty after its note was saved").toHaveValue("");
  expect(await focused(page)).toMatchObject({ tag: "h1" });
});

test("what the user types after reading a form's errors stays while the page finishes loading", async ({ page }) => {
  await gotoHydrated(page, "/login");
  const main = page.getByRole("main");
  const password = main.getByLabel(/^(Mật khẩu|Password)$/);
  await main.getByLabel(/^(Địa chỉ thư điện tử|Email address)$/).fill("nobody@example.com");
  await password.fill("not the password");
  // The answer (400, errors) shows while the loaders revalidate; hold that reload until the user has typed again.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/login\.data/, async (route) => {
    if (route.request().method() === "GET") await held;
    await route.continue();
  });
  await main.getByRole("button", { name: /^(Đăng nhập|Sign in)$/ }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await password.fill("typed after the error");
  const reloaded = page.waitForResponse((r) => r.request().method() === "GET" && /\/login\.data/.test(r.url()));
  release();
  await reloaded;
  await expect(page.getByRole("alert")).toBeVisible();
  await expect(password).toHaveValue("typed after the error");
});
