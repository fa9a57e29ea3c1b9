/**
 * Issue 8 item 10 in the browser: a second account naming a registered tax code is offered a dispute instead of a
 * refusal, files it with its certificate, and the province settles it from its disputes view; both enterprises see the
 * outcome and the refused one gets the reason by email.
 */
import { expect, test, type Browser, type Page } from "@playwright/test";
import {
  BASE_URL,
  DEMO_PASSWORD,
  createConfirmedEnterprise,
  createProfileInBrowser,
  errorSummary,
  expectNoAxeViolations,
  fillProfileForm,
  gotoHydrated,
  pdfUpload,
  profileFor,
  signIn,
  waitForEmail,
} from "./helpers.ts";

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: BASE_URL });
  return context.newPage();
}

test("a tax code dispute: offered, filed with the certificate, settled by the province, both sides told", async ({ browser, request }) => {
  test.setTimeout(90_000);
  const first = await createConfirmedEnterprise(request, "holder");
  const second = await createConfirmedEnterprise(request, "claimant");
  const profile = profileFor("Giữ Mã", "Thành phố Hà Nội", "01");

  const holder = await newPage(browser);
  await signIn(holder, first.email, first.password);
  await createProfileInBrowser(holder, profile);
  await gotoHydrated(holder, "/enterprise");
  await expect(holder.getByRole("region", { name: "Xác minh doanh nghiệp" })).toContainText("Chưa xác minh");

  const claimant = await newPage(browser);
  const main = claimant.getByRole("main");
  await signIn(claimant, second.email, second.password);
  await gotoHydrated(claimant, "/enterprise");
  await fillProfileForm(claimant, { ...profile, legalName: "Công ty Cổ phần Chủ Thật Mã Số" });
  await main.getByRole("button", { name: "Lưu hồ sơ doanh nghiệp" }).click();
  await expect(errorSummary(claimant)).toBeVisible();
  const dispute = main.getByRole("group", { name: "Mã số này là của doanh nghiệp bạn?" });
  await expect(dispute).toBeVisible();
  await expect(main.getByLabel("Tên doanh nghiệp bằng tiếng Việt")).toHaveValue("Công ty Cổ phần Chủ Thật Mã Số");
  await test.step("axe: the dispute offer", () => expectNoAxeViolations(claimant));

  await dispute.getByLabel(/^Tôi xác nhận mã số doanh nghiệp này/).check();
  await dispute.getByLabel("Giải trình").fill("Chúng tôi là doanh nghiệp được cấp mã số này; chưa từng đăng ký trên Cổng.");
  await dispute.getByLabel("Giấy chứng nhận đăng ký doanh nghiệp").setInputFiles(pdfUpload("gcn-dkdn.pdf"));
  await main.getByRole("button", { name: "Gửi đề nghị và lưu hồ sơ doanh nghiệp" }).click();
  await expect(claimant).toHaveURL(/\/enterprise$/);
  await expect(claimant.getByRole("status").filter({ hasText: "gửi đề nghị giải quyết tranh chấp mã số" })).toBeVisible();
  await expect(main.getByRole("region", { name: "Xác minh doanh nghiệp" })).toContainText("Đang giải quyết tranh chấp mã số");
  await expect(main).toContainText("gcn-dkdn.pdf");
  await gotoHydrated(holder, "/enterprise");
  await expect(holder.getByRole("main")).toContainText("Một tài khoản khác đã đề nghị xác minh quyền sử dụng mã số doanh nghiệp");

  const province = await newPage(browser);
  const pmain = province.getByRole("main");
  await signIn(province, "so.hanoi@demo.nentangso.vn", DEMO_PASSWORD);
  await gotoHydrated(province, "/review");
  await province.getByRole("link", { name: "Xem tranh chấp" }).click();
  await expect(province).toHaveURL(/\/review\/disputes$/);
  await test.step("axe: disputes view", () => expectNoAxeViolations(province));
  await pmain.getByRole("link", { name: profile.taxCode, exact: true }).click();
  await expect(province.getByRole("heading", { level: 1 })).toContainText(`Tranh chấp mã số ${profile.taxCode}`);
  await expect(pmain.getByRole("region", { name: "Doanh nghiệp đề nghị giải quyết tranh chấp" }).getByRole("link", { name: "gcn-dkdn.pdf" })).toBeVisible();
  await test.step("axe: a dispute", () => expectNoAxeViolations(province));

  const reason = `Giấy chứng nhận của Công ty Cổ phần Chủ Thật khớp với Cổng thông tin quốc gia về đăng ký doanh nghiệp (${Date.now().toString(36)}).`;
  const since = Date.now();
  await pmain.getByRole("group", { name: `Mã số doanh nghiệp ${profile.taxCode} được xác nhận cho` }).getByLabel(/^Công ty Cổ phần Chủ Thật Mã Số/).check();
  await pmain.getByLabel("Lý do (gửi cho doanh nghiệp không được xác nhận)").fill(reason);
  await pmain.getByRole("button", { name: "Xác nhận kết quả" }).click();
  await expect(province.getByRole("status").filter({ hasText: "Đã giải quyết tranh chấp" })).toBeVisible();
  await expect(pmain).toContainText("mã số được xác nhận cho Công ty Cổ phần Chủ Thật Mã Số");

  const refused = await waitForEmail({ to: first.email, subjectIncludes: `Kết quả giải quyết tranh chấp mã số doanh nghiệp ${profile.taxCode}`, after: since });
  expect(refused.text).toContain(reason);
  await waitForEmail({ to: second.email, subjectIncludes: `Mã số doanh nghiệp ${profile.taxCode} đã được xác nhận`, after: since });
  await gotoHydrated(holder, "/enterprise");
  await expect(holder.getByRole("main")).toContainText(reason);
  await gotoHydrated(claimant, "/enterprise");
  await expect(main.getByRole("region", { name: "Xác minh doanh nghiệp" })).toContainText("Đã xác minh");
});
