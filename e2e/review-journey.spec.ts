/**
 * Issue 4, the whole review journey across three browser contexts (enterprise, provincial reviewer of Hồ Chí Minh,
 * ministry reviewer): submit → changes requested → fixed and resubmitted → what changed, verdicts, forward →
 * returned by the ministry → forwarded again → recognised. Every party's emails are read from the SMTP sink, and
 * axe checks the staff pages. A reviewer of another province gets 404 for the application.
 */
import { expect, test, type Browser, type Page } from "@playwright/test";
import {
  BASE_URL,
  DEMO_PASSWORD,
  browserErrors,
  createConfirmedEnterprise,
  expectHeading,
  createProfileInBrowser,
  currentCriteria,
  expectNoAxeViolations,
  extractLink,
  expectTaskStatus,
  fillApplicationOverHttp,
  gotoHydrated,
  profileFor,
  referencePattern,
  signIn,
  startApplication,
  uniqueEmail,
  viDate,
  vietnamIsoDate,
  waitForEmail,
  waitForHydration,
} from "./helpers.ts";

const HCM = "so.hcm@demo.nentangso.vn";
const HCM_NAME = "Lê Minh Châu";
const HANOI = "so.hanoi@demo.nentangso.vn";
const MINISTRY = "bo@demo.nentangso.vn";

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: BASE_URL });
  return context.newPage();
}

/** The <summary> of a closed <details> decision form. */
function disclosure(page: Page, name: string) {
  return page.getByRole("main").locator("summary").filter({ hasText: new RegExp(`^${name}$`) });
}

/**
 * Clicks a review-page button, waits for the server to answer the post (Remix submits with fetch), then for the page
 * it redirects to: focus moves to its heading, as after every navigation, once the new page is shown. The clicked
 * button had the focus, so the next click hits the new page, not the old one.
 */
async function post(page: Page, id: string, click: () => Promise<void>) {
  const answered = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname.includes(`/${id}`));
  await click();
  expect((await answered).status(), "review post").toBeLessThan(400);
  await expect(page.getByRole("main").getByRole("heading", { level: 1 })).toBeFocused();
}

function flash(page: Page, text: string) {
  return page.getByRole("status").filter({ hasText: text });
}

/** Searches a queue for the reference and opens the application from the result. */
async function openFromQueue(page: Page, base: "/review" | "/ministry", reference: string, id: string) {
  const main = page.getByRole("main");
  await main.getByLabel("Tìm kiếm").fill(reference);
  await main.getByRole("button", { name: "Lọc", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`q=${reference}`));
  await expect(main.getByRole("status").filter({ hasText: /^\d+ hồ sơ$/ })).toHaveText("1 hồ sơ");
  await main.getByRole("link", { name: reference, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`${base}/${id}$`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`Thẩm định hồ sơ ${reference}`);
}

async function take(page: Page, id: string) {
  // The declaration about conflicts of interest comes first (issue 12): a take without it is refused.
  await page.getByRole("main").getByRole("radio", { name: "Tôi không có xung đột lợi ích với doanh nghiệp này" }).check();
  await post(page, id, () => page.getByRole("main").getByRole("button", { name: "Nhận thẩm định hồ sơ này" }).click());
  await expect(page.getByRole("main")).toContainText(`Người thẩm định: `);
  await expect(page.getByRole("main").getByRole("button", { name: "Nhận thẩm định hồ sơ này" })).toHaveCount(0);
}

test("the whole review journey: changes requested, resubmitted, forwarded, returned, forwarded again, recognised", async ({ browser, request }) => {
  test.setTimeout(120_000);
  const criteria = await currentCriteria();
  const reopened = criteria[2]!; // "capacity": financial and human-resource capacity
  const account = await createConfirmedEnterprise(request, "review-journey");
  const contactEmail = uniqueEmail("review-contact");
  const platformName = `Phương Nam Connect ${Date.now().toString(36)}`;
  const ent = await newPage(browser);
  const prov = await newPage(browser);
  const min = await newPage(browser);
  const entErrors = browserErrors(ent);
  const entMain = ent.getByRole("main");
  const provErrors = browserErrors(prov);
  const minErrors = browserErrors(min);
  const provMain = prov.getByRole("main");
  const minMain = min.getByRole("main");

  let id = "";
  let reference = "";
  await test.step("enterprise (Hồ Chí Minh) fills an application and submits it", async () => {
    await signIn(ent, account.email, account.password);
    await createProfileInBrowser(ent, profileFor("Phương Nam"));
    id = await startApplication(ent);
    await fillApplicationOverHttp(ent.request, id, { platformName, contact: { name: "Đỗ Thị Hạnh", email: contactEmail } });
    await gotoHydrated(ent, `/applications/${id}/check`);
    await expectHeading(ent, "Kiểm tra thông tin trước khi nộp", entErrors);
    const since = Date.now();
    await entMain.getByRole("button", { name: "Nộp hồ sơ" }).click();
    await expect(ent).toHaveURL(new RegExp(`/applications/${id}/submitted$`));
    reference = (await ent.getByTestId("reference").innerText()).trim();
    expect(reference).toMatch(referencePattern("79", since));

    const received = await waitForEmail({ to: contactEmail, subjectIncludes: `Xác nhận nộp hồ sơ ${reference}`, after: since });
    expect(received.text).toContain(platformName);
    const notice = await waitForEmail({ to: HCM, subjectIncludes: `Hồ sơ mới ${reference} cần thẩm định`, after: since });
    expect(notice.text).toContain(platformName);
    expect(notice.text).toContain(`${BASE_URL}/review/${id}`);
  });

  const replyBy = vietnamIsoDate(14);
  const changeNote = `Bổ sung báo cáo tài chính năm gần nhất và danh sách nhân sự kỹ thuật (${Date.now().toString(36)}).`;
  await test.step("provincial reviewer finds it by reference, takes it and requests changes on one criterion", async () => {
    await signIn(prov, HCM, DEMO_PASSWORD);
    await expect(prov).toHaveURL(/\/review$/);
    await waitForHydration(prov);
    await test.step("axe: province queue", () => expectNoAxeViolations(prov));
    await openFromQueue(prov, "/review", reference, id);
    await expect(provMain).toContainText("Đã nộp – chờ tiếp nhận");
    await expect(provMain).toContainText(platformName);
    await test.step("axe: province review page", () => expectNoAxeViolations(prov));
    await take(prov, id);
    await expect(provMain).toContainText(`Người thẩm định: ${HCM_NAME}`);
    await expect(provMain).toContainText("Đang thẩm định tại Sở");
    await test.step("axe: province review page, in review", () => expectNoAxeViolations(prov));

    // In this first review the province verifies the enterprise against its business registration certificate.
    const verification = provMain.getByRole("region", { name: "Xác minh doanh nghiệp" });
    await expect(verification).toContainText("Chưa xác minh");
    await expect(verification.getByRole("link", { name: "doc-business_registration.pdf" })).toBeVisible();
    await verification.getByRole("group", { name: "Kết quả xác minh doanh nghiệp" }).getByLabel(/^Đã xác minh/).check();
    await post(prov, id, () => verification.getByRole("button", { name: "Lưu xác minh doanh nghiệp" }).click());
    await expect(flash(prov, "Đã lưu kết quả xác minh doanh nghiệp.")).toBeVisible();
    await expect(verification).toContainText("Xác minh doanh nghiệp – Lê Minh Châu");

    const since = Date.now();
    await disclosure(prov, "Yêu cầu bổ sung").click();
    await provMain.getByLabel(`Mở lại: ${reopened.text}`).check();
    await provMain.getByLabel(`Yêu cầu cho: ${reopened.text}`).fill(changeNote);
    await provMain.getByLabel("Hạn gửi lại").fill(replyBy);
    await post(prov, id, () => provMain.getByRole("button", { name: "Gửi yêu cầu bổ sung" }).click());
    await expect(flash(prov, "Đã gửi yêu cầu bổ sung đến doanh nghiệp.")).toBeVisible();
    await expect(provMain).toContainText("Yêu cầu bổ sung");

    const mail = await waitForEmail({ to: contactEmail, subjectIncludes: `Hồ sơ ${reference} cần bổ sung`, after: since });
    expect(mail.text).toContain(`${reopened.text}: ${changeNote}`);
    expect(mail.text).toContain(`Thời hạn gửi lại hồ sơ: ${viDate(replyBy)}`);
    expect(mail.text).toContain(`${BASE_URL}/applications/${id}`);
  });

  const newExplanation = `Đã bổ sung: báo cáo tài chính 2025 được kiểm toán, 85 kỹ sư làm chủ công nghệ lõi (${Date.now().toString(36)}).`;
  await test.step("enterprise sees the note and deadline, fixes the criterion, confirms the declaration again and resubmits", async () => {
    await gotoHydrated(ent, `/applications/${id}`);
    const changes = entMain.getByRole("region", { name: "Nội dung cần bổ sung" });
    await expect(changes).toContainText(`Hạn gửi lại: ${viDate(replyBy)}`);
    await expect(changes).toContainText(`${reopened.text}: ${changeNote}`);
    await expect(entMain).toContainText("Yêu cầu bổ sung");
    // Only the reopened parts (and the declaration) can be changed.
    await expect(entMain.getByRole("link", { name: "Thông tin nền tảng", exact: true })).toHaveCount(0);
    await expect(entMain.getByRole("link", { name: "Tài liệu kèm theo", exact: true })).toHaveCount(0);
    await expectTaskStatus(ent, "Cam kết", "Chưa bắt đầu");

    await entMain.getByRole("link", { name: "Tự đánh giá theo tiêu chí", exact: true }).click();
    // Reopened: it needs changes until saved again, whatever its old answer was; the reviewer's request is on its page.
    await expect(entMain.getByRole("link", { name: reopened.text, exact: true })).toHaveAccessibleDescription("Cần bổ sung");
    await expect(entMain).toContainText("Đã sửa 0/1 tiêu chí cần bổ sung");
    await expect(entMain.getByRole("link", { name: criteria[0]!.text, exact: true })).toHaveAccessibleDescription("Không cần sửa");
    await entMain.getByRole("link", { name: reopened.text, exact: true }).click();
    await expect(entMain.getByRole("region", { name: "Nội dung cơ quan thẩm định đề nghị bổ sung" })).toContainText(changeNote);
    await expect(entMain.getByLabel("Giải trình")).not.toHaveValue("");
    await entMain.getByLabel("Giải trình").fill(newExplanation);
    await entMain.getByRole("button", { name: "Lưu và tiếp tục" }).click();
    await expect(ent).toHaveURL(new RegExp(`/applications/${id}/criteria$`));
    await expect(entMain.getByRole("link", { name: reopened.text, exact: true })).toHaveAccessibleDescription("Đã hoàn thành");
    await expect(entMain).toContainText("Đã sửa 1/1 tiêu chí cần bổ sung");
    await entMain.getByRole("link", { name: "Quay lại danh sách mục" }).first().click();

    await entMain.getByRole("link", { name: "Cam kết", exact: true }).click();
    await expect(entMain.getByLabel("Tôi đồng ý với cam kết trên")).not.toBeChecked();
    await entMain.getByLabel("Tôi đồng ý với cam kết trên").check();
    await entMain.getByRole("button", { name: "Lưu và tiếp tục" }).click();
    await expect(ent).toHaveURL(new RegExp(`/applications/${id}/check$`));
    await expectHeading(ent, "Kiểm tra thông tin trước khi nộp", entErrors);
    await expect(entMain).toContainText(newExplanation);

    const since = Date.now();
    await entMain.getByRole("button", { name: "Gửi lại hồ sơ" }).click();
    await expect(ent).toHaveURL(new RegExp(`/applications/${id}/submitted$`));
    await expect(ent.getByTestId("reference")).toHaveText(reference);
    await waitForEmail({ to: contactEmail, subjectIncludes: `Xác nhận nộp hồ sơ bổ sung ${reference}`, after: since });
    const notice = await waitForEmail({ to: HCM, subjectIncludes: `Hồ sơ ${reference} đã được bổ sung`, after: since });
    expect(notice.text).toContain(`${BASE_URL}/review/${id}`);
  });

  await test.step("provincial reviewer (still its reviewer) sees what changed, records a verdict for every criterion and forwards", async () => {
    await gotoHydrated(prov, "/review?view=mine");
    await openFromQueue(prov, "/review", reference, id);
    const changed = provMain.getByRole("region", { name: "Thay đổi so với phiên bản 1" });
    await expect(changed).toContainText(newExplanation);
    await expect(changed).toContainText(`Giải trình cho tiêu chí ${reopened.key}`); // the answer before
    // Back in this reviewer's review at once: no second "take".
    await expect(provMain).toContainText("Đang thẩm định tại Sở");
    await expect(provMain).toContainText(`Người thẩm định: ${HCM_NAME}`);
    await expect(provMain.getByRole("button", { name: "Nhận thẩm định hồ sơ này" })).toHaveCount(0);

    const verdicts = provMain.getByRole("group", { name: /^Kết quả: / });
    await expect(verdicts).toHaveCount(criteria.length);
    for (let i = 0; i < criteria.length; i++) {
      await verdicts.nth(i).getByLabel("Đáp ứng", { exact: true }).check();
      if (i === 2) await provMain.getByLabel(/^Ghi chú – /).nth(i).fill("Đã bổ sung đủ báo cáo tài chính và danh sách nhân sự.");
      await post(prov, id, () => provMain.getByRole("button", { name: "Lưu kết quả" }).nth(i).click());
    }
    await gotoHydrated(prov, `/review/${id}`);
    for (let i = 0; i < criteria.length; i++) await expect(verdicts.nth(i).getByLabel("Đáp ứng", { exact: true })).toBeChecked();

    const since = Date.now();
    await disclosure(prov, "Chuyển hồ sơ lên Bộ").click();
    await provMain.getByRole("group", { name: "Đề xuất của Sở" }).getByLabel("Đề nghị công nhận").check();
    await provMain.getByLabel("Tóm tắt kết quả thẩm định").fill("Nền tảng đáp ứng đủ 11 tiêu chí; doanh nghiệp đã bổ sung hồ sơ năng lực.");
    await post(prov, id, () => provMain.getByRole("button", { name: "Chuyển lên Bộ", exact: true }).click());
    await expect(flash(prov, "Đã chuyển hồ sơ lên Bộ.")).toBeVisible();
    await expect(provMain).toContainText("Đã chuyển lên Bộ");

    const forwarded = await waitForEmail({ to: contactEmail, subjectIncludes: `Hồ sơ ${reference} đã được chuyển lên Bộ`, after: since });
    expect(forwarded.text).toContain(platformName);
    const ministryNotice = await waitForEmail({ to: MINISTRY, subjectIncludes: `Hồ sơ ${reference} được chuyển lên Bộ`, after: since });
    expect(ministryNotice.text).toContain(`${BASE_URL}/ministry/${id}`);
  });

  const returnNote = `Đề nghị Sở xác minh lại tỷ lệ vốn Việt Nam (${Date.now().toString(36)}).`;
  await test.step("ministry reviewer finds it, takes it and returns it to the province with a note", async () => {
    await signIn(min, MINISTRY, DEMO_PASSWORD);
    await expect(min).toHaveURL(/\/ministry$/);
    await waitForHydration(min);
    await test.step("axe: ministry queue", () => expectNoAxeViolations(min));
    await openFromQueue(min, "/ministry", reference, id);
    await expect(minMain.getByRole("region", { name: "Đề xuất của Sở: Đề nghị công nhận" })).toContainText("đáp ứng đủ 11 tiêu chí");
    await take(min, id);
    await expect(minMain).toContainText("Đang thẩm định tại Bộ");
    await test.step("axe: ministry review page", () => expectNoAxeViolations(min));

    const since = Date.now();
    await disclosure(min, "Trả hồ sơ về Sở").click();
    await minMain.getByLabel("Ý kiến gửi Sở").fill(returnNote);
    await post(min, id, () => minMain.getByRole("button", { name: "Trả về Sở", exact: true }).click());
    await expect(flash(min, "Đã trả hồ sơ về Sở.")).toBeVisible();
    await expect(minMain).toContainText("Bộ trả lại Sở");

    await waitForEmail({ to: contactEmail, subjectIncludes: `Hồ sơ ${reference} được trả về Sở`, after: since });
    const returned = await waitForEmail({ to: HCM, subjectIncludes: `Bộ trả lại hồ sơ ${reference}`, after: since });
    expect(returned.text).toContain(returnNote);
    expect(returned.text).toContain(`${BASE_URL}/review/${id}`);
  });

  await test.step("the province takes it again and forwards it again", async () => {
    await gotoHydrated(prov, "/review?view=resubmitted");
    await openFromQueue(prov, "/review", reference, id);
    await expect(provMain).toContainText("Bộ trả lại Sở");
    await expect(provMain).toContainText(returnNote);
    await take(prov, id);
    const since = Date.now();
    await disclosure(prov, "Chuyển hồ sơ lên Bộ").click();
    await provMain.getByRole("group", { name: "Đề xuất của Sở" }).getByLabel("Đề nghị công nhận").check();
    await provMain.getByLabel("Tóm tắt kết quả thẩm định").fill("Đã xác minh: vốn Việt Nam chiếm 100%. Đề nghị công nhận.");
    await post(prov, id, () => provMain.getByRole("button", { name: "Chuyển lên Bộ", exact: true }).click());
    await expect(flash(prov, "Đã chuyển hồ sơ lên Bộ.")).toBeVisible();
    await waitForEmail({ to: contactEmail, subjectIncludes: `Hồ sơ ${reference} đã được chuyển lên Bộ`, after: since });
    await waitForEmail({ to: MINISTRY, subjectIncludes: `Hồ sơ ${reference} được chuyển lên Bộ`, after: since });
  });

  const decisionNumber = `${Date.now() % 100000}/QĐ-BKHCN`;
  const decisionDate = vietnamIsoDate(-2);
  await test.step("ministry recognises the platform (decision number and a past date)", async () => {
    await gotoHydrated(min, `/ministry/${id}`);
    await expect(minMain.getByRole("region", { name: "Đề xuất của Sở: Đề nghị công nhận" })).toContainText("vốn Việt Nam chiếm 100%");
    await take(min, id);
    const since = Date.now();
    await disclosure(min, "Công nhận nền tảng").click();
    await minMain.getByLabel("Số quyết định").fill(decisionNumber);
    await minMain.getByLabel("Ngày quyết định").fill(decisionDate);
    await post(min, id, () => minMain.getByRole("button", { name: "Công nhận", exact: true }).click());
    await expect(flash(min, "Đã công nhận nền tảng.")).toBeVisible();
    await expect(minMain).toContainText("Đã công nhận");
    await expect(minMain).toContainText(`Số quyết định: ${decisionNumber} – ${viDate(decisionDate)}`);

    const recognised = await waitForEmail({ to: contactEmail, subjectIncludes: `Thông báo công nhận nền tảng số quốc gia: ${platformName}`, after: since });
    expect(recognised.text).toContain(decisionNumber);
    expect(recognised.text).toContain(viDate(decisionDate));
    expect(recognised.text).toContain(`${BASE_URL}/platforms/${id}`);

    // The link in the email opens the platform's public catalogue page, for anyone.
    const visitor = await newPage(browser);
    const link = new URL(extractLink(recognised.text, `/platforms/${id}`));
    expect((await visitor.goto(link.pathname))?.status(), `anonymous visitor opening ${link.pathname}`).toBe(200);
    await expect(visitor.getByRole("heading", { level: 1 })).toContainText(platformName);
    await visitor.context().close();
  });

  await test.step("enterprise sees the decision and every step on its application page", async () => {
    await gotoHydrated(ent, `/applications/${id}`);
    await expect(entMain).toContainText("Nền tảng đã được công nhận là nền tảng số quốc gia.");
    for (const step of ["Nộp hồ sơ", "Sở yêu cầu bổ sung", "Gửi lại hồ sơ sau khi bổ sung", "Sở chuyển hồ sơ lên Bộ", "Bộ trả hồ sơ về Sở", "Bộ công nhận nền tảng"]) {
      await expect(entMain.getByRole("listitem").filter({ hasText: step }).first(), `timeline: ${step}`).toBeVisible();
    }
    await expect(entMain.getByRole("link", { name: /^Phiên bản 2, nộp ngày/ })).toBeVisible();
  });

  await test.step("authorization spot check: the Hà Nội reviewer gets 404 for this HCM application", async () => {
    const hanoi = await newPage(browser);
    await signIn(hanoi, HANOI, DEMO_PASSWORD);
    expect((await hanoi.goto(`/review/${id}`))?.status(), "Hà Nội reviewer opening the HCM review page").toBe(404);
    await expect(hanoi.getByRole("main")).not.toContainText(platformName);
    await hanoi.goto(`/review?view=done&q=${encodeURIComponent(reference)}`);
    await expect(hanoi.getByRole("main")).toContainText("Không có hồ sơ nào phù hợp.");
    await hanoi.context().close();
  });

  expect(entErrors, "errors in the enterprise's browser").toEqual([]);
  expect(provErrors, "errors in the provincial reviewer's browser").toEqual([]);
  expect(minErrors, "errors in the ministry reviewer's browser").toEqual([]);
  await Promise.all([ent.context().close(), prov.context().close(), min.context().close()]);
});
