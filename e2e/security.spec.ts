import { expect, test, type APIResponse } from "@playwright/test";
import { BASE_URL, DEMO, DEMO_PASSWORD, SAME_ORIGIN, createConfirmedEnterprise, gotoHydrated, sessionCookie, signIn } from "./helpers.ts";

const STATE_CHANGING: { path: string; form: Record<string, string> }[] = [
  { path: "/login", form: { email: DEMO.enterprise.email, password: DEMO_PASSWORD } },
  { path: "/logout", form: {} },
  { path: "/lang", form: { lang: "en", redirectTo: "/" } },
  { path: "/signup", form: { name: "X", email: "x@example.com", password: "p", passwordConfirm: "p" } },
];

test.describe("cross-site form posts are refused", () => {
  for (const { path, form } of STATE_CHANGING) {
    test(`POST ${path}`, async ({ request }) => {
      const evil = await request.post(path, { form, headers: { Origin: "https://evil.example" }, maxRedirects: 0 });
      expect(evil.status(), "Origin: https://evil.example").toBe(403);
      expect(evil.headers()["set-cookie"], "no cookie is set for a refused post").toBeUndefined();

      const nullOrigin = await request.post(path, { form, headers: { Origin: "null" }, maxRedirects: 0 });
      expect(nullOrigin.status(), "Origin: null").toBe(403);

      const crossSite = await request.post(path, { form, headers: { "Sec-Fetch-Site": "cross-site" }, maxRedirects: 0 });
      expect(crossSite.status(), "Sec-Fetch-Site: cross-site").toBe(403);

      // Control: the same post from the portal's own origin is not refused by the origin check.
      const own = await request.post(path, { form, headers: { ...SAME_ORIGIN, "Sec-Fetch-Site": "same-origin" }, maxRedirects: 0 });
      expect(own.status(), "same-origin post").not.toBe(403);
      expect(own.status()).toBeLessThan(500);
    });
  }
});

/** The sources of the CSP's script-src, after checking the other security headers. */
function expectSecurityHeaders(res: APIResponse, what: string): string[] {
  const h = res.headers();
  const csp = h["content-security-policy"] ?? "";
  const directives = csp.split(";").map((d) => d.trim());
  const scriptSrc = directives.find((d) => d.startsWith("script-src "))?.split(/\s+/).slice(1) ?? [];
  expect(scriptSrc[0], `${what}: CSP script-src is the portal's own files (${csp})`).toBe("'self'");
  expect(csp, `${what}: no nonce (a body is the same for everyone)`).not.toContain("'nonce-");
  expect(directives, what).toContain("object-src 'none'");
  expect(directives, what).toContain("base-uri 'none'");
  expect(directives, what).toContain("frame-ancestors 'none'");
  expect(csp, `${what}: no unsafe-inline scripts`).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(h["x-content-type-options"], what).toBe("nosniff");
  expect(h["referrer-policy"], what).toMatch(/^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)$/);
  return scriptSrc;
}

/** The CSP hash source of each inline script of a page. */
async function inlineScriptHashes(html: string): Promise<string[]> {
  const hashes = new Set<string>();
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    if (/\bsrc=/.test(m[1]!)) continue;
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(m[2]!));
    hashes.add(`'sha256-${Buffer.from(digest).toString("base64")}'`);
  }
  return [...hashes].sort();
}

test("every response carries a CSP naming the page's inline scripts by hash, and the other security headers", async ({ request }) => {
  const first = await request.get("/");
  expect(first.status()).toBe(200);
  const sources = expectSecurityHeaders(first, "GET /");
  const html = await first.text();
  expect(html, "no script carries a nonce").not.toMatch(/<script\b[^>]*\snonce=/);
  const hashes = await inlineScriptHashes(html);
  expect(hashes.length).toBeGreaterThan(0);
  expect(sources.slice(1).sort(), "exactly the hashes of the page's inline scripts").toEqual(hashes);

  expectSecurityHeaders(await request.get("/login"), "GET /login");
  const notFound = await request.get("/no-such-page");
  expect(notFound.status()).toBe(404);
  expectSecurityHeaders(notFound, "404");
  const refused = await request.post("/login", { form: {}, headers: { Origin: "https://evil.example" } });
  expectSecurityHeaders(refused, "403 cross-site");
  const invalid = await request.post("/login", { form: { email: "", password: "" }, headers: SAME_ORIGIN });
  expect(invalid.status()).toBe(400);
  expectSecurityHeaders(invalid, "400 form error");
});

test("the app hydrates under its CSP without violations", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (msg) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(msg.text())) violations.push(msg.text());
  });
  page.on("pageerror", (err) => violations.push(String(err)));
  await gotoHydrated(page, "/");
  // A client-side navigation proves the scripts ran: the browser loads no new document, only the page's data.
  const documents: string[] = [];
  page.on("request", (r) => void (r.resourceType() === "document" && documents.push(r.url())));
  await page.getByRole("banner").getByRole("link", { name: "Đăng nhập", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Đăng nhập");
  await expect(page).toHaveURL(/\/login$/);
  expect(documents).toEqual([]);
  expect(violations).toEqual([]);
});

test("the session cookie is HttpOnly and SameSite=Lax; signed-in pages are not cached", async ({ page }) => {
  await signIn(page, DEMO.enterprise.email, DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/applications$/);

  const sid = (await page.context().cookies()).find((c) => c.name === "sid");
  expect(sid, "sid cookie").toBeDefined();
  expect(sid!.httpOnly).toBe(true);
  expect(sid!.sameSite).toBe("Lax");
  expect(sid!.path).toBe("/");
  expect(sid!.value.length).toBeGreaterThan(20);
  expect(await page.evaluate(() => document.cookie)).not.toContain("sid=");

  for (const path of ["/applications", "/", "/login"]) {
    const response = await page.goto(path);
    expect(response?.headers()["cache-control"] ?? "", `Cache-Control of ${path} when signed in`).toContain("no-store");
  }
});

test("signing in issues a new session id and ends any session the browser already had", async ({ page, browser, request }) => {
  const account = await createConfirmedEnterprise(request, "fixation");

  // A session id planted before sign-in (session fixation) is not kept.
  const planted = "IkFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBIg==";
  await page.context().addCookies([{ name: "sid", value: planted, url: BASE_URL, httpOnly: true, sameSite: "Lax" }]);
  await signIn(page, account.email, account.password);
  const first = await sessionCookie(page);
  expect(first).toBeTruthy();
  expect(first).not.toBe(planted);

  // Signing in again from the same browser (form post while signed in) replaces the id, and the old one dies.
  const again = await page.request.post("/login", {
    form: { email: account.email, password: account.password },
    headers: SAME_ORIGIN,
    maxRedirects: 0,
  });
  expect(again.status()).toBe(302);
  const second = await sessionCookie(page);
  expect(second).toBeTruthy();
  expect(second).not.toBe(first);

  const replay = await browser.newContext();
  await replay.addCookies([{ name: "sid", value: first!, url: BASE_URL }]);
  const replayPage = await replay.newPage();
  await replayPage.goto("/applications");
  await expect(replayPage, "the replaced session id no longer works").toHaveURL(/\/login\?redirectTo=/);

  // Signing out ends the session on the server too, not only in this browser.
  await page.goto("/applications");
  await page.getByRole("banner").getByRole("button", { name: "Đăng xuất" }).click();
  await expect(page.getByRole("banner").getByRole("link", { name: "Đăng nhập", exact: true })).toBeVisible();
  await replay.clearCookies();
  await replay.addCookies([{ name: "sid", value: second!, url: BASE_URL }]);
  await replayPage.goto("/applications");
  await expect(replayPage, "a signed-out session id no longer works").toHaveURL(/\/login\?redirectTo=/);
  await replay.close();
});

const OFF_SITE_TARGETS = [
  "https://evil.example/",
  "//evil.example/",
  "/\\evil.example/",
  "/\t/evil.example/",
  "/\n/evil.example/",
  "\\/evil.example/",
  " //evil.example/",
];

test("sign-in and the language switch never redirect off-site, whatever redirectTo says", async ({ request }) => {
  const account = await createConfirmedEnterprise(request, "redirect");
  for (const target of OFF_SITE_TARGETS) {
    const label = JSON.stringify(target);
    const login = await request.post("/login", {
      form: { email: account.email, password: account.password, redirectTo: target },
      headers: SAME_ORIGIN,
      maxRedirects: 0,
    });
    expect.soft(login.status(), `sign-in with redirectTo ${label}`).toBe(302);
    // Resolved as a browser does (the URL parser drops tabs and newlines inside a URL).
    const afterLogin = new URL(login.headers()["location"] ?? "", BASE_URL);
    expect.soft(afterLogin.origin, `sign-in with redirectTo ${label} goes to ${afterLogin.href}`).toBe(BASE_URL);

    const lang = await request.post("/lang", { form: { lang: "vi", redirectTo: target }, headers: SAME_ORIGIN, maxRedirects: 0 });
    expect.soft(lang.status(), `language switch with redirectTo ${label}`).toBe(302);
    const afterLang = new URL(lang.headers()["location"] ?? "", BASE_URL);
    expect.soft(afterLang.origin, `language switch with redirectTo ${label} goes to ${afterLang.href}`).toBe(BASE_URL);
  }
});

test("a crafted sign-in link cannot send the user to another site after signing in", async ({ page, request }) => {
  const account = await createConfirmedEnterprise(request, "redirect-browser");
  const offSite: string[] = [];
  await page.route(
    (url) => url.hostname === "evil.example",
    (route) => {
      offSite.push(route.request().url());
      return route.fulfill({ contentType: "text/html", body: "<h1>evil</h1>" });
    },
  );
  // With JavaScript running, as for nearly every user (without it Chromium refuses this redirect by itself).
  await gotoHydrated(page, `/login?redirectTo=${encodeURIComponent("/\t/evil.example/")}`);
  await signIn(page, account.email, account.password);
  expect(offSite, "requests to another site after sign-in").toEqual([]);
  expect(new URL(page.url()).origin, `sign-in ended at ${page.url()}`).toBe(BASE_URL);
});
