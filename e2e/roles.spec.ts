import { expect, test } from "@playwright/test";
import {
  DEMO,
  DEMO_PASSWORD,
  VI,
  createConfirmedEnterprise,
  errorSummary,
  extractLink,
  newPassword,
  signIn,
  submitSignIn,
  uniqueEmail,
  waitForEmail,
  type DemoRole,
} from "./helpers.ts";

const ROLES = Object.keys(DEMO) as DemoRole[];
const NAV_LABEL: Record<DemoRole, string> = {
  enterprise: "Hồ sơ của tôi",
  province_reviewer: "Hồ sơ của tỉnh",
  ministry_reviewer: "Hồ sơ toàn quốc",
  admin: "Người dùng",
};

for (const role of ROLES) {
  test(`${role} lands on ${DEMO[role].home} and is refused (403) the other roles' pages`, async ({ page }) => {
    const account = DEMO[role];
    await signIn(page, account.email, DEMO_PASSWORD);
    await expect(page).toHaveURL(new RegExp(`${account.home}$`));
    await expect(page.getByRole("heading", { level: 1 })).toContainText(account.heading);
    await expect(page).toHaveTitle(new RegExp(`^${account.heading} – `));
    // The main navigation leads to the role's own home and to no other role's.
    const nav = page.getByRole("navigation", { name: "Điều hướng chính" });
    await expect(nav.getByRole("link", { name: NAV_LABEL[role], exact: true })).toHaveAttribute("href", account.home);
    for (const other of ROLES.filter((r) => r !== role)) {
      await expect(nav.locator(`a[href="${DEMO[other].home}"]`), `link to ${DEMO[other].home}`).toHaveCount(0);
    }

    for (const other of ROLES.filter((r) => r !== role)) {
      const path = DEMO[other].home;
      const response = await page.goto(path);
      expect(response?.status(), `${role} opening ${path}`).toBe(403);
      await expect(page.getByRole("heading", { level: 1 }), path).toHaveText("Không có quyền truy cập");
      await expect(page.getByRole("main")).toContainText("Tài khoản của bạn không có quyền xem trang này.");
      await expect(page.getByRole("main")).not.toContainText(DEMO[other].heading);
      // Still signed in: a 403 does not end the session.
      await expect(page.getByRole("banner")).toContainText(`Đã đăng nhập: ${account.email}`);
      expect.soft(await page.title(), `document title of the 403 page at ${path}`).toMatch(/^Không có quyền truy cập/);
    }

    // The sign-in page sends a signed-in user home.
    await page.goto("/login");
    await expect(page).toHaveURL(new RegExp(`${account.home}$`));
  });
}

test("anonymous visitors are sent to sign in, and come back to the page they asked for", async ({ page }) => {
  for (const role of ROLES) {
    const path = DEMO[role].home;
    const response = await page.goto(path);
    expect(response?.status()).toBe(200);
    await expect(page).toHaveURL(`/login?redirectTo=${encodeURIComponent(path)}`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Đăng nhập");
    await expect(page.getByRole("status").filter({ hasText: VI.signInRequired })).toBeVisible();
  }
  // Still at /login?redirectTo=/admin/users: signing in returns there.
  await signIn(page, DEMO.admin.email, DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/admin\/users$/);
});

test("the developer mailbox does not exist when SMTP_URL is set", async ({ page }) => {
  for (const path of ["/dev/mailbox", "/dev/mailbox/1"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
  }
  await signIn(page, DEMO.admin.email, DEMO_PASSWORD);
  await expect(page.getByRole("navigation", { name: "Điều hướng chính" }).getByRole("link", { name: "Hộp thư thử nghiệm" })).toHaveCount(0);
  expect((await page.goto("/dev/mailbox"))?.status()).toBe(404);
});

test("an admin invites a province reviewer, who sets a password from the email and lands on /review", async ({ page, browser }) => {
  const email = uniqueEmail("reviewer");
  const name = "Đỗ Thị Thẩm Định";
  const password = newPassword();

  await signIn(page, DEMO.admin.email, DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/admin\/users$/);
  const main = page.getByRole("main");
  await expect(main.getByRole("heading", { name: "Mời cán bộ" })).toBeVisible();
  const invitedAt = Date.now();
  await main.getByLabel(VI.name).fill(name);
  await main.getByLabel(VI.email).fill(email);
  const invite = main.getByRole("form", { name: "Mời cán bộ" });
  await invite.getByLabel("Vai trò").selectOption({ label: "Cán bộ thẩm định cấp tỉnh" });
  await invite.getByLabel("Tỉnh, thành phố").selectOption({ label: "Thành phố Hà Nội (01)" });
  await main.getByRole("button", { name: "Gửi lời mời" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Đã gửi lời mời." })).toBeVisible();
  const row = main.getByRole("row").filter({ hasText: email });
  await expect(row).toContainText("Cán bộ thẩm định cấp tỉnh");
  await expect(row).toContainText("Hà Nội");
  await expect(row).toContainText("Đã mời");

  const mail = await waitForEmail({ to: email, subjectIncludes: VI.inviteSubject, after: invitedAt });
  expect(mail.text).toContain(`Kính gửi Ông/Bà ${name}`);
  expect(mail.text).toContain("Cán bộ thẩm định cấp tỉnh");
  const link = extractLink(mail.text, "/invite");

  const inviteeContext = await browser.newContext();
  const invitee = await inviteeContext.newPage();
  await invitee.goto(link);
  await expect(invitee.getByRole("heading", { level: 1 })).toHaveText("Nhận lời mời");
  await expect(invitee.getByRole("main")).toContainText(
    `Bạn được mời tham gia với vai trò Cán bộ thẩm định cấp tỉnh. Chọn mật khẩu để kích hoạt tài khoản ${email}.`,
  );
  await invitee.getByRole("main").getByLabel(VI.password, { exact: true }).fill(password);
  await invitee.getByRole("main").getByLabel(VI.passwordConfirm).fill(password);
  await invitee.getByRole("main").getByRole("button", { name: "Kích hoạt tài khoản" }).click();
  await expect(invitee).toHaveURL(/\/login$/);
  await expect(invitee.getByRole("status").filter({ hasText: "Tài khoản đã được kích hoạt. Hãy đăng nhập." })).toBeVisible();

  await signIn(invitee, email, password);
  await expect(invitee).toHaveURL(/\/review$/);
  await expect(invitee.getByRole("heading", { level: 1 })).toContainText("Hồ sơ của thành phố Hà Nội");
  expect((await invitee.goto("/ministry"))?.status()).toBe(403);

  // The invitation link works once.
  await invitee.goto(link);
  await expect(invitee.getByRole("main")).toContainText("Lời mời không hợp lệ, đã được dùng hoặc đã hết hạn.");
  await inviteeContext.close();

  await page.reload();
  await expect(page.getByRole("main").getByRole("row").filter({ hasText: email })).toContainText("Đang hoạt động");
});

test("an admin deactivating a user ends that user's session at once", async ({ page, browser, request }) => {
  const user = await createConfirmedEnterprise(request, "deactivate");

  const userContext = await browser.newContext();
  const userPage = await userContext.newPage();
  await signIn(userPage, user.email, user.password);
  await expect(userPage).toHaveURL(/\/applications$/);

  await signIn(page, DEMO.admin.email, DEMO_PASSWORD);
  const row = page.getByRole("main").getByRole("row").filter({ hasText: user.email });
  await expect(row).toContainText("Đang hoạt động");
  await row.getByRole("button", { name: `Khóa ${user.email}`, exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Đã khóa tài khoản" })).toHaveText(
    "Đã khóa tài khoản và kết thúc mọi phiên đăng nhập của tài khoản đó.",
  );
  await expect(row).toContainText("Đã khóa");

  // The user's very next request is anonymous.
  await userPage.getByRole("navigation", { name: "Điều hướng chính" }).getByRole("link", { name: "Hồ sơ của tôi" }).click();
  await expect(userPage).toHaveURL(/\/login\?redirectTo=%2Fapplications$/);
  await expect(userPage.getByRole("status").filter({ hasText: VI.sessionExpired })).toBeVisible();
  await expect(userPage.getByRole("banner").getByRole("link", { name: VI.signIn, exact: true })).toBeVisible();

  // And a deactivated account cannot sign in again (same message as a wrong password).
  await submitSignIn(userPage, user.email, user.password);
  await expect(errorSummary(userPage)).toContainText(VI.credentials);

  // Reactivating lets the user back in.
  await row.getByRole("button", { name: `Mở khóa ${user.email}`, exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Đã mở khóa tài khoản." })).toBeVisible();
  await expect(row).toContainText("Đang hoạt động");
  await signIn(userPage, user.email, user.password);
  await expect(userPage).toHaveURL(/\/applications$/);
  await userContext.close();
});
