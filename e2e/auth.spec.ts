import { expect, test } from "@playwright/test";
import {
  DEMO,
  DEMO_PASSWORD,
  SAME_ORIGIN,
  VI,
  createConfirmedEnterprise,
  enrolSecondFactor,
  errorSummary,
  expectNoAxeViolations,
  extractLink,
  newPassword,
  signIn,
  signOut,
  submitSecondFactor,
  submitSignIn,
  uniqueEmail,
  waitForEmail,
} from "./helpers.ts";

test.describe("sign-up, confirmation, sign-in and sign-out", () => {
  test("a new enterprise signs up, confirms the address from the email, signs in and out", async ({ page }) => {
    const email = uniqueEmail("signup");
    const password = newPassword();
    const name = "Nguyễn Thị Thử Nghiệm";

    await page.goto("/");
    await page.getByRole("main").getByRole("button", { name: "Bắt đầu đăng ký" }).click();
    await expect(page).toHaveURL(/\/signup$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Tạo tài khoản doanh nghiệp");

    const main = page.getByRole("main");
    const signedUpAt = Date.now();
    await main.getByLabel(VI.name).fill(name);
    await main.getByLabel(VI.email).fill(email);
    await main.getByLabel(VI.password, { exact: true }).fill(password);
    await main.getByLabel(VI.passwordConfirm).fill(password);
    await main.getByRole("button", { name: "Tạo tài khoản" }).click();

    // "Check your email" page
    await expect(page).toHaveURL(/\/signup\?sent=/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Kiểm tra hộp thư của bạn");
    await expect(page.getByRole("status")).toContainText(`Chúng tôi đã gửi thư đến ${email}.`);
    await expect(page).toHaveTitle(/^Kiểm tra hộp thư của bạn – /);

    const first = await waitForEmail({ to: email, subjectIncludes: VI.verifySubject, after: signedUpAt });
    expect(first.subject).toBe(`${VI.verifySubject} – ${VI.siteName}`);
    expect(first.text).toContain(`Kính gửi Ông/Bà ${name}`);
    const firstLink = extractLink(first.text, "/verify-email");
    expect(firstLink.startsWith(`${new URL(page.url()).origin}/verify-email?token=`)).toBe(true);
    expect(first.html).toContain("/verify-email?token=");

    // Signing in before confirming is refused, and a new confirmation email is sent.
    const resentAfter = Date.now();
    await submitSignIn(page, email, password);
    await expect(errorSummary(page)).toContainText("Tài khoản chưa được xác nhận");
    await expect(page).toHaveURL(/\/login/);
    const second = await waitForEmail({ to: email, subjectIncludes: VI.verifySubject, after: resentAfter });
    expect(second.seq).toBeGreaterThan(first.seq);
    const link = extractLink(second.text, "/verify-email");
    expect(link).not.toBe(firstLink);

    // Opening the link only shows a button (mail scanners must not confirm the account by following it).
    await page.goto(link);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Xác nhận địa chỉ thư điện tử");
    await page.getByRole("main").getByRole("button", { name: "Xác nhận địa chỉ" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("status").filter({ hasText: "Địa chỉ thư điện tử đã được xác nhận" })).toHaveText(
      "Địa chỉ thư điện tử đã được xác nhận. Bạn có thể đăng nhập.",
    );

    await signIn(page, email, password);
    await expect(page).toHaveURL(/\/applications$/);
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Hồ sơ của tôi");
    await expect(page.getByRole("status").filter({ hasText: VI.signedIn })).toBeVisible();
    await expect(page.getByRole("banner")).toContainText(`Đã đăng nhập: ${email}`);

    await page.getByRole("banner").getByRole("button", { name: VI.signOut }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole("status").filter({ hasText: "Bạn đã đăng xuất." })).toBeVisible();
    await expect(page.getByRole("banner").getByRole("link", { name: VI.signIn, exact: true })).toBeVisible();
    await expect(page.getByRole("banner")).not.toContainText(email);

    // The confirmation link works once; the one replaced by the re-sent email no longer works either.
    for (const used of [link, firstLink]) {
      await page.goto(used);
      await expect(page.getByRole("main")).toContainText("Đường liên kết xác nhận không hợp lệ hoặc đã hết hạn.");
      await expect(page.getByRole("main").getByRole("button", { name: "Xác nhận địa chỉ" })).toHaveCount(0);
    }
  });

  test("unknown email and wrong password get identical messages; sign-up and reset do not reveal accounts either", async ({ page, request }) => {
    const account = await createConfirmedEnterprise(request, "same-msg");

    async function failedSignIn(email: string, password: string) {
      const response = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname.startsWith("/login"));
      await page.goto("/login");
      await submitSignIn(page, email, password);
      expect((await response).status()).toBe(400);
      await expect(errorSummary(page)).toBeVisible();
      return {
        summary: await errorSummary(page).innerText(),
        field: await page.locator("#email-error").innerText(),
        url: page.url(),
      };
    }

    const unknown = await failedSignIn(uniqueEmail("nobody"), account.password);
    const wrong = await failedSignIn(account.email, `${account.password}-wrong`);
    expect(unknown.summary).toContain(VI.credentials);
    expect(wrong).toEqual(unknown);

    // Signing up again with the address shows the same page as a new sign-up; the owner gets a notice instead.
    const since = Date.now();
    await page.goto("/signup");
    const main = page.getByRole("main");
    const other = newPassword();
    await main.getByLabel(VI.name).fill("Người Khác");
    await main.getByLabel(VI.email).fill(account.email);
    await main.getByLabel(VI.password, { exact: true }).fill(other);
    await main.getByLabel(VI.passwordConfirm).fill(other);
    await main.getByRole("button", { name: "Tạo tài khoản" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Kiểm tra hộp thư của bạn");
    await expect(page.getByRole("status")).toContainText(`Chúng tôi đã gửi thư đến ${account.email}.`);
    const notice = await waitForEmail({ to: account.email, subjectIncludes: "Thông báo về việc đăng ký bằng địa chỉ thư điện tử của Ông/Bà", after: since });
    expect(notice.text).toContain("/forgot-password");
    expect(notice.text).not.toContain("/verify-email");

    // Password-reset requests do not tell either.
    for (const email of [uniqueEmail("nobody"), account.email]) {
      await page.goto("/forgot-password");
      await page.getByRole("main").getByLabel(VI.email).fill(email);
      await page.getByRole("main").getByRole("button", { name: "Gửi đường liên kết" }).click();
      await expect(page.getByRole("status")).toHaveText(
        `Nếu ${email} có tài khoản, thư hướng dẫn đặt lại mật khẩu đã được gửi. Đường liên kết có hiệu lực trong 1 giờ và chỉ dùng được một lần.`,
      );
    }
  });
});

test("password reset: the emailed link sets a new password once, and the old password stops working", async ({ page, browser, request }) => {
  const account = await createConfirmedEnterprise(request, "reset");
  const newPass = newPassword();

  // A session elsewhere, which the reset must end.
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await signIn(other, account.email, account.password);
  await expect(other).toHaveURL(/\/applications$/);

  await page.goto("/login");
  await page.getByRole("main").getByRole("link", { name: "Quên mật khẩu?" }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Đặt lại mật khẩu");
  const requestedAt = Date.now();
  await page.getByRole("main").getByLabel(VI.email).fill(account.email);
  await page.getByRole("main").getByRole("button", { name: "Gửi đường liên kết" }).click();
  await expect(page.getByRole("status")).toContainText(`Nếu ${account.email} có tài khoản`);

  const mail = await waitForEmail({ to: account.email, subjectIncludes: VI.resetSubject, after: requestedAt });
  const link = extractLink(mail.text, "/reset-password");

  await page.goto(link);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Chọn mật khẩu mới");
  await page.getByRole("main").getByLabel(VI.password, { exact: true }).fill(newPass);
  await page.getByRole("main").getByLabel(VI.passwordConfirm).fill(newPass);
  await page.getByRole("main").getByRole("button", { name: "Lưu mật khẩu mới" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("status").filter({ hasText: "Mật khẩu đã được đặt lại" })).toHaveText(
    "Mật khẩu đã được đặt lại. Hãy đăng nhập bằng mật khẩu mới.",
  );

  // The other session was ended by the reset.
  await other.goto("/applications");
  await expect(other).toHaveURL(/\/login\?redirectTo=%2Fapplications$/);
  await otherContext.close();

  await submitSignIn(page, account.email, account.password);
  await expect(errorSummary(page)).toContainText(VI.credentials);
  await expect(page).toHaveURL(/\/login/);

  await signIn(page, account.email, newPass);
  await expect(page).toHaveURL(/\/applications$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Hồ sơ của tôi");

  // The link is single use.
  await page.goto(link);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Chọn mật khẩu mới");
  await expect(page.getByRole("main")).toContainText("Đường liên kết đặt lại mật khẩu không hợp lệ, đã được dùng hoặc đã hết hạn.");
  await expect(page.getByRole("main").getByLabel(VI.password, { exact: true })).toHaveCount(0);
  await expect(page.getByRole("main").getByRole("link", { name: "Yêu cầu đường liên kết mới" })).toBeVisible();

  // Posting the used token directly changes nothing either.
  const token = new URL(link).searchParams.get("token") ?? "";
  const replay = await page.request.post("/reset-password", {
    form: { token, password: "another-Pass-phrase-1", passwordConfirm: "another-Pass-phrase-1" },
    headers: SAME_ORIGIN,
    maxRedirects: 0,
  });
  expect(replay.status()).toBe(302);
  expect(replay.headers()["location"]).toBe("/reset-password");
});

test("the 11th wrong password for one account answers 429 with Retry-After; other accounts still sign in", async ({ playwright, request }) => {
  const victim = await createConfirmedEnterprise(request, "throttle");
  const bystander = await createConfirmedEnterprise(request, "bystander");
  // A fresh cookie jar, so that no session from the account set-up is involved.
  const client = await playwright.request.newContext({ baseURL: new URL(SAME_ORIGIN.Origin).origin, extraHTTPHeaders: SAME_ORIGIN });
  try {
    const post = (email: string, password: string) =>
      client.post("/login", { form: { email, password, redirectTo: "" }, maxRedirects: 0 });

    for (let attempt = 1; attempt <= 10; attempt++) {
      const res = await post(victim.email, `wrong-password-${attempt}`);
      expect(res.status(), `attempt ${attempt}`).toBe(400);
      expect(await res.text()).toContain(VI.credentials);
    }
    const blocked = await post(victim.email, "wrong-password-11");
    expect(blocked.status()).toBe(429);
    const retryAfter = Number(blocked.headers()["retry-after"]);
    expect(retryAfter, "Retry-After header in seconds").toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(await blocked.text()).toContain("Bạn đã nhập sai quá nhiều lần");

    // Even the right password waits until the block ends.
    const right = await post(victim.email, victim.password);
    expect(right.status()).toBe(429);
    expect(right.headers()["set-cookie"] ?? "").not.toMatch(/(^|\n|,\s*)sid=[^;]+/);

    // Another account from the same client is not blocked.
    const other = await post(bystander.email, bystander.password);
    expect(other.status()).toBe(302);
    expect(other.headers()["location"]).toBe("/applications");
  } finally {
    await client.dispose();
  }
});

test.describe("staff two-step verification, without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a demo reviewer gives the code from the app after the password; the demo aid shows it", async ({ page }) => {
    await page.goto("/ministry");
    await submitSignIn(page, DEMO.ministry_reviewer.email, DEMO_PASSWORD);
    await expect(page).toHaveURL(/\/login\/code\?redirectTo=%2Fministry$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Nhập mã xác thực");
    await expect(page).toHaveTitle(/^Nhập mã xác thực – /);
    await expect(page.getByRole("note")).toContainText("Hỗ trợ cho bản trình diễn");
    await expect(page.getByRole("note")).toContainText(/Mã hiện tại: \d{6}\./);
    // Nothing else opens in between.
    await page.goto("/ministry");
    await expect(page).toHaveURL(/\/login\/code\?redirectTo=%2Fministry$/);
    await expect(page.getByRole("banner").getByRole("link", { name: VI.signIn, exact: true })).toBeVisible();

    await page.getByRole("main").getByLabel("Mã xác thực").fill("000000");
    await page.getByRole("main").getByRole("button", { name: "Tiếp tục" }).click();
    await expect(errorSummary(page)).toContainText("Mã không đúng");
    await expect(page.getByRole("main").getByRole("link", { name: /Mã không đúng/ })).toHaveAttribute("href", "#code");

    await submitSecondFactor(page, DEMO.ministry_reviewer.email);
    await expect(page).toHaveURL(/\/ministry$/);
    await expect(page.getByRole("status").filter({ hasText: VI.signedIn })).toBeVisible();
    await expect(page.getByRole("banner")).toContainText(`Đã đăng nhập: ${DEMO.ministry_reviewer.email}`);
  });

  test("account pages: the session list signs out the other sessions; a password change needs the current one", async ({ page, browser, request }) => {
    const account = await createConfirmedEnterprise(request, "account");
    const other = await browser.newContext({ javaScriptEnabled: false });
    const otherPage = await other.newPage();
    await signIn(otherPage, account.email, account.password);
    await signIn(page, account.email, account.password);

    await page.getByRole("banner").getByRole("link", { name: "Tài khoản" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Tài khoản của tôi");
    await page.getByRole("main").getByRole("link", { name: "Các phiên đăng nhập" }).click();
    const rows = page.getByRole("main").getByRole("row");
    await expect(rows).toHaveCount(3);
    await expect(page.getByRole("main").getByTestId("current-session")).toContainText("Phiên đang dùng");
    await page.getByRole("main").getByRole("button", { name: "Đăng xuất khỏi các phiên khác" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Đã đăng xuất khỏi các phiên khác." })).toBeVisible();
    await expect(rows).toHaveCount(2);
    await otherPage.goto("/applications");
    await expect(otherPage).toHaveURL(/\/login\?redirectTo=%2Fapplications$/);
    await other.close();

    await page.goto("/account/password");
    const main = page.getByRole("main");
    const next = newPassword();
    await main.getByLabel("Mật khẩu hiện tại").fill("not-the-password");
    await main.getByLabel("Mật khẩu mới").fill(next);
    await main.getByLabel(VI.passwordConfirm).fill(next);
    await main.getByRole("button", { name: "Đổi mật khẩu" }).click();
    await expect(errorSummary(page)).toContainText("Mật khẩu hiện tại không đúng");
    await main.getByLabel("Mật khẩu hiện tại").fill(account.password);
    await main.getByLabel("Mật khẩu mới").fill(next);
    await main.getByLabel(VI.passwordConfirm).fill(next);
    await main.getByRole("button", { name: "Đổi mật khẩu" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Đã đổi mật khẩu." })).toBeVisible();
    await signOut(page);
    await signIn(page, account.email, next);
    await expect(page).toHaveURL(/\/applications$/);
  });
});

test("an invited reviewer enrols at the first sign-in (QR code and key, axe-clean), then signs in with a recovery code once", async ({ page, browser }) => {
  const email = uniqueEmail("enrol");
  const password = newPassword();
  const admin = await browser.newContext({ javaScriptEnabled: false });
  const adminPage = await admin.newPage();
  await signIn(adminPage, DEMO.admin.email, DEMO_PASSWORD);
  const invitedAt = Date.now();
  const main = adminPage.getByRole("main");
  await main.getByLabel(VI.name).fill("Vũ Thị Hai Bước");
  await main.getByLabel(VI.email).fill(email);
  await main.getByRole("form", { name: "Mời cán bộ" }).getByLabel("Vai trò").selectOption({ label: "Cán bộ thẩm định cấp Bộ" });
  await main.getByRole("button", { name: "Gửi lời mời" }).click();
  await expect(adminPage.getByRole("status").filter({ hasText: "Đã gửi lời mời." })).toBeVisible();
  await admin.close();

  const link = extractLink((await waitForEmail({ to: email, subjectIncludes: VI.inviteSubject, after: invitedAt })).text, "/invite");
  await page.goto(link);
  await page.getByRole("main").getByLabel(VI.password, { exact: true }).fill(password);
  await page.getByRole("main").getByLabel(VI.passwordConfirm).fill(password);
  await page.getByRole("main").getByRole("button", { name: "Kích hoạt tài khoản" }).click();
  await expect(page).toHaveURL(/\/login$/);

  await submitSignIn(page, email, password);
  await expect(page).toHaveURL(/\/account\/two-factor\?redirectTo=%2Fministry$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Thiết lập xác thực hai bước");
  await expect(page.getByRole("main").getByRole("img", { name: `Mã QR để thêm tài khoản ${email} vào ứng dụng xác thực` })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole("main").getByLabel("Mã xác thực").fill("999999");
  await page.getByRole("main").getByRole("button", { name: "Xác nhận và bật xác thực hai bước" }).click();
  await expect(errorSummary(page)).toContainText("Mã không đúng");
  const codes = await enrolSecondFactor(page, email);
  expect(codes).toHaveLength(10);
  await expect(page).toHaveURL(/\/ministry$/);
  await signOut(page);

  // No phone at hand: a recovery code signs in once.
  await submitSignIn(page, email, password);
  await expect(page).toHaveURL(/\/login\/code/);
  await expect(page.getByRole("note")).toHaveCount(0);
  await page.getByRole("main").getByLabel("Mã xác thực").fill(codes[0]!);
  await page.getByRole("main").getByRole("button", { name: "Tiếp tục" }).click();
  await expect(page).toHaveURL(/\/ministry$/);
  await expect(page.getByRole("status").filter({ hasText: "mã khôi phục" })).toContainText("không dùng lại được");
  await signOut(page);
  await submitSignIn(page, email, password);
  await page.getByRole("main").getByLabel("Mã xác thực").fill(codes[0]!);
  await page.getByRole("main").getByRole("button", { name: "Tiếp tục" }).click();
  await expect(errorSummary(page)).toContainText("Mã không đúng");
});

test("the code page and the account pages pass axe (WCAG 2.2 AA)", async ({ page }) => {
  await submitSignIn(page, DEMO.admin.email, DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/login\/code/);
  await expectNoAxeViolations(page);
  await submitSecondFactor(page, DEMO.admin.email);
  for (const path of ["/account", "/account/password", "/account/sessions", "/account/two-factor", "/account/recovery-codes"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectNoAxeViolations(page);
  }
});
