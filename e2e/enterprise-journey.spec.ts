/**
 * Issue 3, the enterprise's side: a new enterprise signs up, creates its profile, fills every section of an
 * application with uploads, leaves and comes back, checks its answers, submits, reads its reference number and
 * receipt email, and withdraws a second application. The same journey runs with JavaScript on and off.
 * Bad input (tax code, launch date, disguised files) shows a message next to the field and keeps what was typed.
 */
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import {
  REQUIRED_DOCUMENTS,
  createConfirmedEnterprise,
  errorSummary,
  exeAsPdf,
  browserErrors,
  expectHeading,
  expectNoAxeViolations,
  expectTaskStatus,
  fillApplicationOverHttp,
  fillPlatformForm,
  fillProfileForm,
  htmlAsPng,
  pdfUpload,
  platformFor,
  profileFor,
  referencePattern,
  signIn,
  signOut,
  startApplication,
  uniqueEmail,
  vietnamIsoDate,
  waitForEmail,
  waitForHydration,
  withWrongCheckDigit,
} from "./helpers.ts";

const HCM_REVIEWER = "so.hcm@demo.nentangso.vn";

const SECTION = {
  platform: "Thông tin nền tảng",
  criteria: "Tự đánh giá theo tiêu chí",
  documents: "Tài liệu kèm theo",
  contact: "Người liên hệ",
  declaration: "Cam kết",
} as const;

const STATE = { notStarted: "Chưa bắt đầu", inProgress: "Đang làm", completed: "Đã hoàn thành" } as const;

/** With JavaScript, waits until the page has hydrated (so clicks go through Remix); without, nothing to wait for. */
async function settle(page: Page, js: boolean) {
  if (js) await waitForHydration(page);
}

async function goto(page: Page, path: string, js: boolean) {
  await page.goto(path);
  await settle(page, js);
}

/**
 * axe-core runs inside the page, so only with JavaScript on; without JavaScript the server renders the same markup
 * (the journey with JavaScript checks it).
 */
async function axe(page: Page, js: boolean, what: string) {
  if (!js) return;
  await test.step(`axe: ${what}`, () => expectNoAxeViolations(page));
}

/** Fills one criterion page: "meets", an explanation, and a file (even positions) or a link (odd positions). */
async function answerCriterion(page: Page, key: string, index: number) {
  const main = page.getByRole("main");
  await main.getByRole("group", { name: "Nền tảng đáp ứng tiêu chí này ở mức nào?" }).getByLabel("Đáp ứng", { exact: true }).check();
  await main.getByLabel("Giải trình").fill(`Nền tảng đáp ứng tiêu chí ${key}; xem tài liệu minh chứng kèm theo.`);
  if (index % 2 === 0) await main.getByLabel("Tệp minh chứng").setInputFiles(pdfUpload(`minh-chung-${index + 1}.pdf`));
  else await main.getByLabel("Đường liên kết minh chứng").fill(`https://minhchung.example.vn/${key}`);
}

async function enterpriseJourney(page: Page, request: APIRequestContext, js: boolean) {
  const main = page.getByRole("main");
  const errors = browserErrors(page);
  const account = await createConfirmedEnterprise(request, js ? "journey-js" : "journey-nojs");
  const profile = profileFor(js ? "Sao Mai JS" : "Sao Mai NoJS");
  const platform = platformFor(`Sàn Sao Mai ${Date.now().toString(36)}`);
  const contactEmail = uniqueEmail("contact");

  await test.step("sign in and create the enterprise profile (Hồ Chí Minh)", async () => {
    await signIn(page, account.email, account.password);
    await expect(page).toHaveURL(/\/applications$/);
    await expect(main).toContainText("Trước khi tạo hồ sơ, hãy khai báo thông tin doanh nghiệp.");
    await main.getByRole("link", { name: "Khai báo thông tin doanh nghiệp" }).click();
    await expect(page).toHaveURL(/\/enterprise$/);
    await settle(page, js);
    await expectHeading(page, "Hồ sơ doanh nghiệp", errors);
    await axe(page, js, "enterprise profile form");
    await fillProfileForm(page, profile);
    await main.getByRole("button", { name: "Lưu hồ sơ doanh nghiệp" }).click();
    await expect(page).toHaveURL(/\/applications$/);
    await expect(page.getByRole("status").filter({ hasText: "Đã lưu hồ sơ doanh nghiệp." })).toBeVisible();
    await goto(page, "/enterprise", js);
    await expectHeading(page, profile.legalName, errors);
    await expect(main.getByRole("row", { name: /Mã số doanh nghiệp/ })).toContainText(profile.taxCode);
    await expect(main.getByRole("row", { name: /Địa chỉ trụ sở chính/ })).toContainText("Thành phố Hồ Chí Minh");
    await axe(page, js, "enterprise profile summary");
  });

  let id = "";
  await test.step("start an application: a task list with every section not started", async () => {
    await goto(page, "/applications", js);
    id = await startApplication(page);
    await settle(page, js);
    await expect(page.getByRole("status").filter({ hasText: "Đã tạo hồ sơ mới." })).toBeVisible();
    await expect(main).toContainText("Bản nháp");
    await expect(main).toContainText(/Lưu lần cuối: /);
    for (const name of Object.values(SECTION)) await expectTaskStatus(page, name, STATE.notStarted);
    await axe(page, js, "task list");
  });

  await test.step("platform section", async () => {
    await main.getByRole("link", { name: SECTION.platform }).click();
    await expect(page).toHaveURL(new RegExp(`/applications/${id}/platform$`));
    await expectHeading(page, SECTION.platform, errors);
    await axe(page, js, "platform section");
    await fillPlatformForm(page, platform);
    await main.getByRole("button", { name: "Lưu và tiếp tục" }).click();
    await expect(page).toHaveURL(new RegExp(`/applications/${id}$`));
    await expectTaskStatus(page, SECTION.platform, STATE.completed);
    await expectHeading(page, platform.name, errors);
  });

  let criterionHrefs: string[] = [];
  const pauseAfter = 5; // criteria 1..6 now, then leave; 7..11 after signing in again
  await test.step("criteria 1–6 with evidence files and links, then 'save and come back later'", async () => {
    await main.getByRole("link", { name: SECTION.criteria }).click();
    await expect(page).toHaveURL(new RegExp(`/applications/${id}/criteria$`));
    await expect(main).toContainText("Đã hoàn thành 0/11 tiêu chí");
    await axe(page, js, "criteria list");
    const links = main.getByRole("listitem").getByRole("link");
    await expect(links).toHaveCount(11);
    criterionHrefs = await links.evaluateAll((els) => els.map((e) => e.getAttribute("href") ?? ""));
    await links.first().click();
    for (let i = 0; i <= pauseAfter; i++) {
      await expect(page).toHaveURL(new RegExp(`${criterionHrefs[i]}$`));
      await expect(main).toContainText(`Tiêu chí ${i + 1}/11`);
      if (i === 0) await axe(page, js, "criterion page");
      await answerCriterion(page, criterionHrefs[i]!.split("/").pop()!, i);
      if (i < pauseAfter) {
        await main.getByRole("button", { name: "Lưu và tiếp tục" }).click();
      } else {
        await main.getByRole("button", { name: "Lưu và làm tiếp sau" }).click();
        await expect(page).toHaveURL(new RegExp(`/applications/${id}$`));
        await expect(page.getByRole("status").filter({ hasText: "Đã lưu phần tự đánh giá." })).toBeVisible();
      }
    }
    await expectTaskStatus(page, SECTION.criteria, STATE.inProgress);
  });

  await test.step("leave: go elsewhere, sign out, sign in again and find the draft", async () => {
    await goto(page, "/enterprise", js);
    await signOut(page);
    expect((await page.goto(`/applications/${id}`))?.url(), "signed out: the draft asks for sign-in").toMatch(/\/login/);
    await signIn(page, account.email, account.password);
    await goto(page, "/applications", js);
    const row = main.getByRole("row").filter({ has: page.getByRole("link", { name: platform.name }) });
    await expect(row).toContainText("Bản nháp");
    await row.getByRole("link", { name: platform.name }).click();
    await expect(page).toHaveURL(new RegExp(`/applications/${id}$`));
    await expectTaskStatus(page, SECTION.platform, STATE.completed);
    await expectTaskStatus(page, SECTION.criteria, STATE.inProgress);
    await expectTaskStatus(page, SECTION.documents, STATE.notStarted);
    await expectTaskStatus(page, SECTION.contact, STATE.notStarted);
    await expectTaskStatus(page, SECTION.declaration, STATE.notStarted);
  });

  await test.step("resume the criteria at 7 and finish all 11", async () => {
    await main.getByRole("link", { name: SECTION.criteria }).click();
    await expect(main).toContainText(`Đã hoàn thành ${pauseAfter + 1}/11 tiêu chí`);
    const links = main.getByRole("listitem").getByRole("link");
    await expect(links.nth(pauseAfter)).toHaveAccessibleDescription(STATE.completed);
    await expect(links.nth(pauseAfter + 1)).toHaveAccessibleDescription(STATE.notStarted);
    await links.nth(pauseAfter + 1).click();
    for (let i = pauseAfter + 1; i < criterionHrefs.length; i++) {
      await expect(page).toHaveURL(new RegExp(`${criterionHrefs[i]}$`));
      await answerCriterion(page, criterionHrefs[i]!.split("/").pop()!, i);
      await main.getByRole("button", { name: "Lưu và tiếp tục" }).click();
    }
    await expect(page).toHaveURL(new RegExp(`/applications/${id}/criteria$`));
    await expect(main).toContainText("Đã hoàn thành 11/11 tiêu chí");
    await main.getByRole("link", { name: "Quay lại danh sách mục" }).first().click();
    await expectTaskStatus(page, SECTION.criteria, STATE.completed);
  });

  await test.step("documents: the four required documents", async () => {
    await main.getByRole("link", { name: SECTION.documents }).click();
    await expectHeading(page, SECTION.documents, errors);
    await axe(page, js, "documents section");
    for (const d of REQUIRED_DOCUMENTS) await main.getByLabel(d.label, { exact: true }).setInputFiles(pdfUpload(`${d.field}.pdf`));
    await main.getByRole("button", { name: "Lưu và tiếp tục" }).click();
    await expect(page).toHaveURL(new RegExp(`/applications/${id}$`));
    await expect(page.getByRole("status").filter({ hasText: "Đã tải tệp lên." })).toBeVisible();
    await expectTaskStatus(page, SECTION.documents, STATE.completed);
  });

  await test.step("contact person (the receipt goes to this address)", async () => {
    await main.getByRole("link", { name: SECTION.contact }).click();
    await expectHeading(page, SECTION.contact, errors);
    // Pre-filled from the account.
    await expect(main.getByLabel("Họ và tên người liên hệ")).toHaveValue(account.name);
    await expect(main.getByLabel("Thư điện tử")).toHaveValue(account.email);
    await axe(page, js, "contact section");
    await main.getByLabel("Họ và tên người liên hệ").fill("Phạm Thị Liên");
    await main.getByLabel("Chức vụ").fill("Trưởng phòng pháp chế");
    await main.getByLabel("Thư điện tử").fill(contactEmail);
    await main.getByLabel("Số điện thoại").fill("0987 654 321");
    await main.getByRole("button", { name: "Lưu và tiếp tục" }).click();
    await expect(page).toHaveURL(new RegExp(`/applications/${id}$`));
    await expectTaskStatus(page, SECTION.contact, STATE.completed);
  });

  await test.step("declaration, then check answers", async () => {
    await main.getByRole("link", { name: SECTION.declaration }).click();
    await expectHeading(page, SECTION.declaration, errors);
    await axe(page, js, "declaration section");
    await main.getByLabel("Tôi đồng ý với cam kết trên").check();
    await main.getByLabel("Họ và tên người cam kết").fill("Trần Văn Bảo");
    await main.getByRole("button", { name: "Lưu và tiếp tục" }).click();
    await expect(page).toHaveURL(new RegExp(`/applications/${id}/check$`));
    await expectHeading(page, "Kiểm tra thông tin trước khi nộp", errors);
    await expect(main).not.toContainText("Chưa thể nộp hồ sơ");
    await expect(main).toContainText("Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh");
    for (const text of [platform.name, platform.publicUrl, "Phạm Thị Liên", contactEmail, "minh-chung-1.pdf", "doc-business_registration.pdf"]) {
      await expect(main, `check answers shows ${text}`).toContainText(text);
    }
    await expect(main.getByRole("link", { name: /^Sửa/ }).first()).toBeVisible();
    await axe(page, js, "check answers");
  });

  let reference = "";
  await test.step("submit: reference number, confirmation page and receipt email to the contact", async () => {
    const since = Date.now();
    await main.getByRole("button", { name: "Nộp hồ sơ" }).click();
    await expect(page).toHaveURL(new RegExp(`/applications/${id}/submitted$`));
    await expectHeading(page, "Đã nộp hồ sơ", errors);
    reference = (await page.getByTestId("reference").innerText()).trim();
    expect(reference).toMatch(referencePattern("79", since));
    await expect(main).toContainText(`Chúng tôi đã gửi thư xác nhận đến ${contactEmail}`);
    await expect(main).toContainText("Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh");
    await axe(page, js, "confirmation page");

    const receipt = await waitForEmail({ to: contactEmail, subjectIncludes: `Xác nhận nộp hồ sơ ${reference}`, after: since });
    expect(receipt.text).toContain(`Mã hồ sơ: ${reference}`);
    expect(receipt.text).toContain(platform.name);
    expect(receipt.text).toContain(`/applications/${id}`);
    const notice = await waitForEmail({ to: HCM_REVIEWER, subjectIncludes: `Hồ sơ mới ${reference} cần thẩm định`, after: since });
    expect(notice.text).toContain(`/review/${id}`);
  });

  await test.step("application page: status, timeline, version 1 read-only", async () => {
    await main.getByRole("link", { name: "Theo dõi hồ sơ" }).click();
    await expect(page).toHaveURL(new RegExp(`/applications/${id}$`));
    await expect(main).toContainText(`Mã hồ sơ: ${reference}`);
    await expect(main).toContainText("Đã nộp – chờ tiếp nhận");
    await expect(main).toContainText("Nộp hồ sơ");
    await expect(main.getByRole("link", { name: SECTION.platform })).toHaveCount(0);
    await expect(main.getByRole("link", { name: /^Phiên bản 1, nộp ngày/ })).toBeVisible();
    await axe(page, js, "application page");
    await main.getByRole("link", { name: /^Phiên bản 1, nộp ngày/ }).click();
    await expectHeading(page, `Phiên bản 1 của hồ sơ ${reference}`, errors);
    await expect(main).toContainText("Đây là bản đã nộp, chỉ để xem.");
    await expect(main).toContainText(platform.name);
  });

  await test.step("a second application, submitted, then withdrawn", async () => {
    await goto(page, "/applications", js);
    const second = await startApplication(page);
    const secondName = `Chợ Số Rút Gọn ${Date.now().toString(36)}`;
    await fillApplicationOverHttp(page.request, second, { platformName: secondName, contact: { name: "Phạm Thị Liên", email: contactEmail } });
    await goto(page, `/applications/${second}/check`, js);
    const since = Date.now();
    await main.getByRole("button", { name: "Nộp hồ sơ" }).click();
    await expect(page).toHaveURL(new RegExp(`/applications/${second}/submitted$`));
    const secondRef = (await page.getByTestId("reference").innerText()).trim();
    expect(secondRef).toMatch(referencePattern("79", since));
    expect(secondRef).not.toBe(reference);

    await main.getByRole("link", { name: "Theo dõi hồ sơ" }).click();
    await main.getByRole("link", { name: "Rút hồ sơ" }).click();
    await expect(page).toHaveURL(new RegExp(`/applications/${second}/withdraw$`));
    await expectHeading(page, `Rút hồ sơ ${secondRef}?`, errors);
    await main.getByRole("button", { name: "Có, rút hồ sơ" }).click();
    await expect(page).toHaveURL(new RegExp(`/applications/${second}$`));
    await expect(page.getByRole("status").filter({ hasText: "Hồ sơ đã được rút." })).toBeVisible();
    await expect(main).toContainText("Doanh nghiệp đã rút hồ sơ.");
    await expect(main).toContainText("Doanh nghiệp rút hồ sơ");
    await expect(main.getByRole("link", { name: "Rút hồ sơ" })).toHaveCount(0);
    await waitForEmail({ to: HCM_REVIEWER, subjectIncludes: `Hồ sơ ${secondRef} đã được rút`, after: since });

    // The list: the first application received, the second withdrawn.
    await goto(page, "/applications", js);
    await expect(main.getByRole("row").filter({ hasText: reference })).toContainText("Đã nộp – chờ tiếp nhận");
    await expect(main.getByRole("row").filter({ hasText: secondRef })).toContainText("Đã rút");
    // Withdrawing again is not offered: the withdraw page sends back to the application.
    await goto(page, `/applications/${second}/withdraw`, js);
    await expect(page).toHaveURL(new RegExp(`/applications/${second}$`));
  });

  expect(errors, "errors in the browser during the journey").toEqual([]);
}

for (const js of [true, false]) {
  test.describe(js ? "with JavaScript" : "without JavaScript", () => {
    test.use({ javaScriptEnabled: js });

    test("a new enterprise applies: profile, every section with uploads, leave and resume, submit, receipt; withdraws a second application", async ({
      page,
      request,
    }) => {
      test.setTimeout(90_000);
      await enterpriseJourney(page, request, js);
    });

    test("bad input shows a message next to the field and keeps what was typed", async ({ page, request }) => {
      const main = page.getByRole("main");
      const account = await createConfirmedEnterprise(request, js ? "bad-js" : "bad-nojs");
      await signIn(page, account.email, account.password);

      await test.step("profile: a tax code with a wrong check digit", async () => {
        const profile = profileFor("Bad Input");
        const wrong = withWrongCheckDigit(profile.taxCode);
        await goto(page, "/enterprise", js);
        await fillProfileForm(page, { ...profile, taxCode: wrong });
        await main.getByRole("button", { name: "Lưu hồ sơ doanh nghiệp" }).click();
        await expect(errorSummary(page)).toBeVisible();
        const message = "Mã số doanh nghiệp không đúng: chữ số kiểm tra không khớp.";
        await expect(errorSummary(page)).toContainText(message);
        await expect(main.getByLabel("Mã số doanh nghiệp")).toHaveAccessibleDescription(new RegExp(message.replace(/[.:]/g, "\\$&")));
        await expect(main.getByLabel("Mã số doanh nghiệp")).toHaveAttribute("aria-invalid", "true");
        await expect(main.getByLabel("Mã số doanh nghiệp")).toHaveValue(wrong);
        await expect(main.getByLabel("Tên doanh nghiệp bằng tiếng Việt")).toHaveValue(profile.legalName);
        await expect(main.getByLabel("Địa chỉ trụ sở chính")).toHaveValue(profile.address);
        await expect(main.getByLabel("Tỉnh, thành phố nơi đặt trụ sở chính")).toHaveValue("79");
        await expect(main.getByLabel("Họ và tên người đại diện")).toHaveValue(profile.representativeName);
        await expect(main.getByLabel("Số điện thoại liên hệ")).toHaveValue(profile.phone);
        await axe(page, js, "profile form with an error");
        await main.getByLabel("Mã số doanh nghiệp").fill(profile.taxCode);
        await main.getByRole("button", { name: "Lưu hồ sơ doanh nghiệp" }).click();
        await expect(page).toHaveURL(/\/applications$/);
      });

      await settle(page, js);
      const id = await startApplication(page);
      await settle(page, js);

      await test.step("platform: a launch date in the future", async () => {
        const platform = platformFor(`Chợ Số Lỗi ${Date.now().toString(36)}`);
        const future = vietnamIsoDate(3);
        await goto(page, `/applications/${id}/platform`, js);
        await fillPlatformForm(page, { ...platform, launchDate: future });
        await main.getByRole("button", { name: "Lưu và tiếp tục" }).click();
        await expect(errorSummary(page)).toBeVisible();
        const message = "Ngày đưa vào hoạt động không được sau ngày hôm nay";
        await expect(errorSummary(page).getByRole("listitem")).toHaveText([message]);
        await expect(main.getByLabel("Ngày đưa vào hoạt động")).toHaveAccessibleDescription(new RegExp(message));
        await expect(main.getByLabel("Ngày đưa vào hoạt động")).toHaveValue(future);
        await expect(main.getByLabel("Tên nền tảng")).toHaveValue(platform.name);
        await expect(main.getByLabel("Mô tả chi tiết")).toHaveValue(platform.longDescription);
        await expect(main.getByLabel("Trụ cột")).toHaveValue("economy");
        await expect(main.getByLabel("Lĩnh vực")).toHaveValue("ecommerce");
        await expect(main.getByLabel(platform.ownershipType)).toBeChecked();
        await expect(main.getByLabel("Số quyết định phê duyệt cấp độ")).toHaveValue(platform.securityDecisionNumber);
        await axe(page, js, "platform section with an error");
      });

      await test.step("criterion: a .exe renamed .pdf", async () => {
        await goto(page, `/applications/${id}/criteria`, js);
        await main.getByRole("listitem").getByRole("link").first().click();
        await expect(main).toContainText("Tiêu chí 1/11");
        const url = page.url();
        const explanation = "Doanh nghiệp thành lập năm 2015 tại Thành phố Hồ Chí Minh.";
        await main.getByLabel("Đáp ứng", { exact: true }).check();
        await main.getByLabel("Giải trình").fill(explanation);
        await main.getByLabel("Đường liên kết minh chứng").fill("https://minhchung.example.vn/dkkd");
        await main.getByLabel("Tệp minh chứng").setInputFiles(exeAsPdf("giay-phep.pdf"));
        await main.getByRole("button", { name: "Lưu và tiếp tục" }).click();
        await expect(errorSummary(page)).toBeVisible();
        const message = "Nội dung tệp giay-phep.pdf không phải là tệp PDF";
        await expect(errorSummary(page)).toContainText(message);
        await expect(main.getByLabel("Tệp minh chứng")).toHaveAccessibleDescription(new RegExp(message));
        expect(page.url()).toBe(url);
        await expect(main.getByLabel("Giải trình")).toHaveValue(explanation);
        await expect(main.getByLabel("Đường liên kết minh chứng")).toHaveValue("https://minhchung.example.vn/dkkd");
        await expect(main.getByLabel("Đáp ứng", { exact: true })).toBeChecked();
        // Nothing was stored: the file is not listed.
        await expect(main.getByRole("link", { name: "giay-phep.pdf", exact: true })).toHaveCount(0);
      });

      await test.step("documents: an HTML page named .png", async () => {
        await goto(page, `/applications/${id}/documents`, js);
        const slot = main.getByLabel(REQUIRED_DOCUMENTS[0].label, { exact: true });
        await slot.setInputFiles(htmlAsPng("giay-chung-nhan.png"));
        await main.getByRole("button", { name: "Tải lên và ở lại trang này" }).click();
        await expect(errorSummary(page)).toBeVisible();
        const message = "Nội dung tệp giay-chung-nhan.png không phải là tệp PNG";
        await expect(errorSummary(page)).toContainText(message);
        await expect(slot).toHaveAccessibleDescription(new RegExp(message));
        await expect(main.getByRole("link", { name: "giay-chung-nhan.png", exact: true })).toHaveCount(0);
        await axe(page, js, "documents section with an error");
      });
    });
  });
}
