import { expect, test, type Page } from "@playwright/test";
import { SAME_ORIGIN, VI, errorSummary, extractLink, newPassword, uniqueEmail, waitForEmail, waitForHydration } from "./helpers.ts";

const MSG = {
  nameRequired: "Nhập họ và tên",
  emailRequired: "Nhập địa chỉ thư điện tử",
  passwordRequired: "Nhập mật khẩu",
  emailInvalid: "Nhập địa chỉ thư điện tử đúng định dạng, ví dụ ten@congty.vn",
  emailTooLong: "Địa chỉ thư điện tử không được dài quá 254 ký tự",
  nameTooLong: "Họ và tên không được dài quá 200 ký tự",
  nameInvalid: "Họ và tên có ký tự không hợp lệ",
  passwordTooLong: "Mật khẩu không được dài quá 128 ký tự",
};

const XSS = "<script>alert(1)</script>";
const SQLI = "' OR 1=1 --";
const LONG_EMAIL = `${"a".repeat(288)}@example.com`; // 300 characters
const ONE_MB = "a".repeat(1024 * 1024);
const ONE_MB_PASSWORD = "b".repeat(1024 * 1024);
const GOOD_NAME = "Nguyễn Văn Thử";

interface Case {
  title: string;
  values: Record<string, string>;
  errors: Record<string, string>;
}

const SIGNUP_LABELS: Record<string, string> = {
  name: VI.name,
  email: VI.email,
  password: VI.password,
  passwordConfirm: VI.passwordConfirm,
};
const LOGIN_LABELS: Record<string, string> = { email: VI.email, password: VI.password };

function signupCases(): Case[] {
  const pw = newPassword();
  return [
    { title: "empty values", values: { name: "", email: "", password: "", passwordConfirm: "" }, errors: { name: MSG.nameRequired, email: MSG.emailRequired, password: MSG.passwordRequired } },
    { title: "a 300-character email", values: { name: GOOD_NAME, email: LONG_EMAIL, password: pw, passwordConfirm: pw }, errors: { email: MSG.emailTooLong } },
    { title: "a malformed email", values: { name: GOOD_NAME, email: "ten@@congty", password: pw, passwordConfirm: pw }, errors: { email: MSG.emailInvalid } },
    { title: "a script tag as the name", values: { name: XSS, email: "khong-phai-email", password: pw, passwordConfirm: pw }, errors: { email: MSG.emailInvalid } },
    { title: "SQL as the name and the email", values: { name: SQLI, email: SQLI, password: pw, passwordConfirm: pw }, errors: { email: MSG.emailInvalid } },
    { title: "a 1 MB name and password", values: { name: ONE_MB, email: uniqueEmail("big"), password: ONE_MB_PASSWORD, passwordConfirm: ONE_MB_PASSWORD }, errors: { name: MSG.nameTooLong, password: MSG.passwordTooLong } },
  ];
}

function loginCases(): Case[] {
  return [
    { title: "empty values", values: { email: "", password: "" }, errors: { email: MSG.emailRequired, password: MSG.passwordRequired } },
    { title: "a 300-character email", values: { email: LONG_EMAIL, password: "mot-mat-khau" }, errors: { email: MSG.emailTooLong } },
    { title: "a malformed email", values: { email: "ten.congty.vn", password: "mot-mat-khau" }, errors: { email: MSG.emailInvalid } },
    { title: "a script tag as the email", values: { email: XSS, password: "mot-mat-khau" }, errors: { email: MSG.emailInvalid } },
    { title: "SQL as the email", values: { email: SQLI, password: SQLI }, errors: { email: MSG.emailInvalid } },
    { title: "SQL as the password", values: { email: uniqueEmail("sqli"), password: SQLI }, errors: { email: VI.credentials } },
    { title: "a 1 MB email and password", values: { email: ONE_MB, password: ONE_MB_PASSWORD }, errors: { email: MSG.emailTooLong, password: MSG.passwordTooLong } },
  ];
}

const SECRET = new Set(["password", "passwordConfirm"]);

/**
 * Fills the form in the browser, submits it and checks status, error summary, field errors and kept values.
 * Values over 10 kB are set as if pasted (typing a megabyte into Chromium takes seconds and tests nothing more).
 */
async function submitAndCheck(page: Page, path: "/signup" | "/login", labels: Record<string, string>, c: Case, javaScriptEnabled: boolean) {
  await page.goto(path);
  if (javaScriptEnabled) await waitForHydration(page);
  const main = page.getByRole("main");
  for (const [field, value] of Object.entries(c.values)) {
    const input = main.getByLabel(labels[field]!, { exact: true });
    if (value.length > 10_000) {
      await input.evaluate((el, v) => {
        (el as HTMLInputElement).value = v;
        el.dispatchEvent(new Event("input", { bubbles: true }));
      }, value);
    } else {
      await input.fill(value);
    }
  }
  const response = page.waitForResponse(
    (r) => r.request().method() === "POST" && [path, `${path}.data`].includes(new URL(r.url()).pathname),
  );
  await main.getByRole("button", { name: path === "/signup" ? "Tạo tài khoản" : "Đăng nhập", exact: true }).click();
  const res = await response;
  expect(res.status(), `${path} with ${c.title}`).toBe(400);
  const body = await res.text();
  for (const field of SECRET) {
    const secret = c.values[field] ?? "";
    const alsoElsewhere = Object.entries(c.values).some(([k, v]) => !SECRET.has(k) && v.includes(secret));
    if (secret.length >= 8 && !alsoElsewhere) expect(body.includes(secret), `the response does not echo ${field}`).toBe(false);
  }
  await expect(page).toHaveURL(new RegExp(`${path}$`));

  const summary = errorSummary(page);
  await expect(summary).toBeVisible();
  await expect(summary.getByRole("heading", { name: VI.errorSummaryTitle })).toBeVisible();

  // Everything else is read in one go (one round trip instead of dozens) and compared as a whole.
  const expectedValues: Record<string, string | null> = {};
  for (const [field, value] of Object.entries(c.values)) {
    // With JavaScript the browser keeps the typed password in place; without it, the page must come back without it.
    expectedValues[field] = SECRET.has(field) ? (javaScriptEnabled ? null : "") : value;
  }
  const report = await page.evaluate(
    ({ fields, expectedValues }) => {
      const alert = [...document.querySelectorAll('[role="alert"]')].find((a) => a.querySelector("h2"));
      const links = [...(alert?.querySelectorAll("a") ?? [])]
        .map((a) => ({ text: a.textContent ?? "", href: a.getAttribute("href") ?? "" }))
        .sort((x, y) => x.href.localeCompare(y.href));
      const out: Record<string, { error: string | null; ariaInvalid: string | null; describedByError: boolean; valueKept: boolean | "not checked"; length: number }> = {};
      for (const field of fields) {
        const input = document.getElementById(field) as HTMLInputElement | null;
        const expected = expectedValues[field];
        out[field] = {
          error: document.getElementById(`${field}-error`)?.textContent ?? null,
          ariaInvalid: input?.getAttribute("aria-invalid") ?? null,
          describedByError: (input?.getAttribute("aria-describedby") ?? "").split(" ").includes(`${field}-error`),
          valueKept: expected === null || expected === undefined ? "not checked" : input?.value === expected,
          length: input?.value.length ?? -1,
        };
      }
      return { links, fields: out, scriptsInMain: document.querySelectorAll("main script").length };
    },
    { fields: Object.keys(c.values), expectedValues },
  );

  const expectedFields: Record<string, unknown> = {};
  for (const field of Object.keys(c.values)) {
    const message = c.errors[field];
    const expectedValue = expectedValues[field];
    expectedFields[field] = {
      error: message ? expect.stringContaining(message) : null,
      ariaInvalid: message ? "true" : null,
      describedByError: Boolean(message),
      valueKept: expectedValue === null || expectedValue === undefined ? "not checked" : true,
      length: expectedValue === null || expectedValue === undefined ? expect.any(Number) : expectedValue.length,
    };
  }
  const expectedLinks = Object.entries(c.errors)
    .map(([field, message]) => ({ text: message, href: `#${field}` }))
    .sort((x, y) => x.href.localeCompare(y.href));
  expect(report, `${path} with ${c.title}: summary links, field errors, kept values`).toEqual({
    links: expectedLinks,
    fields: expectedFields,
    scriptsInMain: 0,
  });
}

/** Records any alert/confirm/prompt: none may appear, whatever was typed. */
function watchDialogs(page: Page): string[] {
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return dialogs;
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`bad input ${javaScriptEnabled ? "with" : "without"} JavaScript`, () => {
    test.use({ javaScriptEnabled });

    test("sign-up form: 400 with an error summary linking to each field, values kept", async ({ page }) => {
      const dialogs = watchDialogs(page);
      for (const c of signupCases()) {
        await test.step(c.title, () => submitAndCheck(page, "/signup", SIGNUP_LABELS, c, javaScriptEnabled));
      }
      expect(dialogs, "no script from the input ran").toEqual([]);
    });

    test("sign-in form: 400 with an error summary linking to each field, values kept", async ({ page }) => {
      const dialogs = watchDialogs(page);
      for (const c of loginCases()) {
        await test.step(c.title, () => submitAndCheck(page, "/login", LOGIN_LABELS, c, javaScriptEnabled));
      }
      expect(dialogs, "no script from the input ran").toEqual([]);
    });
  });
}

test("a NUL byte in a form field is a 400 with a field error, never a 500", async ({ page }) => {
  const pw = newPassword();
  const signup = await page.request.post("/signup", {
    form: { name: "Tên\u0000có NUL", email: uniqueEmail("nul"), password: pw, passwordConfirm: pw },
    headers: SAME_ORIGIN,
    maxRedirects: 0,
  });
  expect(signup.status()).toBe(400);
  expect(await signup.text()).toContain(MSG.nameInvalid);

  const signupEmail = await page.request.post("/signup", {
    form: { name: GOOD_NAME, email: "ten\u0000@congty.vn", password: pw, passwordConfirm: pw },
    headers: SAME_ORIGIN,
    maxRedirects: 0,
  });
  expect(signupEmail.status()).toBe(400);
  expect(await signupEmail.text()).toContain(MSG.emailInvalid);

  const login = await page.request.post("/login", {
    form: { email: "ten\u0000@congty.vn", password: "mot-mat-khau" },
    headers: SAME_ORIGIN,
    maxRedirects: 0,
  });
  expect(login.status()).toBe(400);
  expect(await login.text()).toContain(MSG.emailInvalid);

  const loginPassword = await page.request.post("/login", {
    form: { email: uniqueEmail("nul"), password: "mat\u0000khau-dai" },
    headers: SAME_ORIGIN,
    maxRedirects: 0,
  });
  expect(loginPassword.status()).toBe(400);
  expect(await loginPassword.text()).toContain(VI.credentials);

  const forgot = await page.request.post("/forgot-password", {
    form: { email: "ten\u0000@congty.vn" },
    headers: SAME_ORIGIN,
    maxRedirects: 0,
  });
  expect(forgot.status()).toBe(400);
});

test("a name with markup is stored and emailed as text, never as HTML", async ({ page }) => {
  const email = uniqueEmail("markup");
  const password = newPassword();
  const name = `${XSS} ${SQLI}`;
  const since = Date.now();
  const dialogs = watchDialogs(page);
  await page.goto("/signup");
  const main = page.getByRole("main");
  await main.getByLabel(VI.name).fill(name);
  await main.getByLabel(VI.email).fill(email);
  await main.getByLabel(VI.password, { exact: true }).fill(password);
  await main.getByLabel(VI.passwordConfirm).fill(password);
  await main.getByRole("button", { name: "Tạo tài khoản" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Kiểm tra hộp thư của bạn");

  const mail = await waitForEmail({ to: email, subjectIncludes: VI.verifySubject, after: since });
  expect(mail.text).toContain(`Kính gửi Ông/Bà ${name}`);
  expect(mail.html).not.toContain(XSS);
  expect(mail.html).toContain("&#60;script&#62;alert(1)&#60;/script&#62;");
  expect(extractLink(mail.text, "/verify-email")).toContain("token=");
  expect(dialogs).toEqual([]);
});
