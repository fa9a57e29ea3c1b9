import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { sql } from "kysely";
import { config } from "~/platform/config.server.ts";
import { setDb } from "~/platform/db/db.server.ts";
import { createMailer, createOutboxWorker, readDeliveredEmail } from "~/platform/mail/mailer.server.ts";
import { createUserDirect } from "~/features/account/account.server.ts";
import type { Role, User } from "~/platform/db/db-types.ts";
import { Client, pageText, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { DEMO_PASSWORD, demoAidsEnabled, seedDemoAccounts } from "~/seeds/demo.server.ts";
import { totpCode } from "~/features/account/totp.server.ts";
import { currentCode, enterpriseUser, lastEmailText, loginAs, PASSWORD, staffUser, uniqueEmail, type StaffUser } from "./helpers/fixtures.ts";

// This file's key file and local mail delivery, away from a developer's .data (the demo's mailbox uses message ids).
process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "auth-http-"));

let t: TestDb;
let app: TestApp;
const accounts = new Map<string, User | StaffUser>();

async function lastLinkTo(email: string, path: string): Promise<string> {
  const text = await lastEmailText(email);
  const match = text.match(new RegExp(`https?://\\S+${path}\\?token=[\\w-]+`));
  assert.ok(match, `no ${path} link in email to ${email}`);
  return new URL(match[0]).pathname + new URL(match[0]).search;
}

/** A new account of `role` (staff enrolled in two-step verification); returns its address. */
async function staff(role: Role, provinceCode: string | null = null) {
  const user =
    role === "enterprise"
      ? await createUserDirect({ email: uniqueEmail(role), name: role, role, provinceCode, password: PASSWORD })
      : await staffUser(role, provinceCode);
  accounts.set(user.email, user);
  return user.email;
}

async function signedIn(email: string, ip?: string) {
  const c = new Client(app.url, ip);
  await loginAs(c, accounts.get(email)!);
  return c;
}

/** The key as the enrolment page shows it (what a person types into the app). */
function secretOnPage(html: string): string {
  const m = html.match(/data-testid="totp-secret"[^>]*>([A-Z2-7 ]+)</);
  assert.ok(m, "the enrolment page shows the key as text");
  return m[1]!.replace(/ /g, "");
}

/** Completes enrolment on a half-signed-in client; returns the secret and the recovery codes shown. */
async function enrol(c: Client, expectedTarget: string): Promise<{ secret: string; recoveryCodes: string[] }> {
  const page = await c.get(`/account/two-factor?redirectTo=${encodeURIComponent(expectedTarget)}`);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<img src="data:image\/png;base64,[^"]+"[^>]*alt="[^"]+"/, "a QR code with a text alternative");
  const secret = secretOnPage(html);
  const res = await c.post("/account/two-factor", { intent: "enrol", code: totpCode(secret), redirectTo: expectedTarget });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("Location"), `/account/recovery-codes?redirectTo=${encodeURIComponent(expectedTarget)}`);
  const shown = await c.get(res.headers.get("Location")!);
  assert.equal(shown.status, 200);
  const recoveryCodes = [...(await shown.text()).matchAll(/<code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})<\/code>/g)].map((m) => m[1]!);
  assert.equal(recoveryCodes.length, 10, "ten recovery codes are shown");
  return { secret, recoveryCodes };
}

before(async () => {
  t = await createTestDb();
  app = await startTestApp(t);
});
after(async () => {
  await app.close();
  await t.close();
});

describe("sign-up, confirmation and sign-in", () => {
  test("sign-up sends a confirmation link; sign-in works only after confirming", async () => {
    const c = new Client(app.url);
    const email = uniqueEmail();
    const res = await c.post("/signup", { name: "Nguyễn Văn A", email, password: PASSWORD, passwordConfirm: PASSWORD });
    assert.equal(res.status, 302);
    assert.match(res.headers.get("Location") ?? "", /\/signup\?sent=/);

    const early = await c.post("/login", { email, password: PASSWORD });
    assert.equal(early.status, 400);

    const link = await lastLinkTo(email, "/verify-email");
    const scanned = await c.get(link);
    assert.equal(scanned.status, 200, "GET shows a button and must not confirm");
    const user = await t.db.selectFrom("users").select("email_verified_at").where("email", "=", email).executeTakeFirstOrThrow();
    assert.equal(user.email_verified_at, null);

    const token = new URL(app.url + link).searchParams.get("token")!;
    const confirm = await c.post("/verify-email", { token });
    assert.equal(confirm.headers.get("Location"), "/login");
    const again = await c.post("/verify-email", { token });
    assert.equal(again.headers.get("Location"), "/verify-email", "a confirmation link works once");

    const login = await c.post("/login", { email: email.toUpperCase(), password: PASSWORD });
    assert.equal(login.status, 302);
    assert.equal(login.headers.get("Location"), "/applications");
    const home = await c.get("/applications");
    assert.equal(home.status, 200);
  });

  test("signing up with an existing address shows the same page and emails the owner instead", async () => {
    const email = await staff("enterprise");
    const c = new Client(app.url);
    const res = await c.post("/signup", { name: "Someone", email, password: PASSWORD, passwordConfirm: PASSWORD });
    assert.equal(res.status, 302);
    assert.match(res.headers.get("Location") ?? "", /\/signup\?sent=/);
    const mail = await t.db.selectFrom("outbox_emails").select("template").where("to_address", "=", email).executeTakeFirstOrThrow();
    assert.equal(mail.template, "signup_existing");
  });

  test("password rules: 8–128 characters as typed, common passwords refused, no composition rules", async () => {
    const c = new Client(app.url);
    const cases: [string, RegExp | null][] = [
      ["short", /ít nhất 8 ký tự/],
      ["x".repeat(129), /128/],
      ["password123", /phổ biến/],
      ["12345678", /phổ biến/],
      ["matkhau123", /phổ biến/],
      ["Demo-NenTangSo-2026", /phổ biến/],
      ["đây là mật khẩu", null],
    ];
    for (const [password, error] of cases) {
      const res = await c.post("/signup", { name: "A", email: uniqueEmail(), password, passwordConfirm: password });
      if (error) {
        assert.equal(res.status, 400, password);
        assert.match(pageText(await res.text()), error);
      } else assert.equal(res.status, 302, password);
    }
  });
});

describe("bad input never crashes a form", () => {
  const hostile = [
    "",
    " ",
    "x".repeat(300),
    "not-an-email",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "a\u0000b@dn.vn",
    "x".repeat(1024 * 1024),
  ];
  for (const [i, value] of hostile.entries()) {
    test(`sign-up and sign-in with hostile value #${i} answer 400 with the value kept`, async () => {
      const c = new Client(app.url, `198.51.100.${i + 1}`);
      const huge = value.length > 1000;
      const signup = await c.post("/signup", { name: value, email: value, password: huge ? "" : value, passwordConfirm: huge ? "" : value });
      assert.equal(signup.status, 400);
      const html = await signup.text();
      assert.match(html, /error-summary/);
      assert.doesNotMatch(html, /<script>alert/);
      if (value.trim() && value.length < 1000 && !value.includes("\u0000")) {
        const escaped = value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/'/g, "&#x27;");
        assert.ok(html.includes(`value="${escaped}"`), "typed value is kept");
      }
      const login = await c.post("/login", { email: value, password: value });
      assert.equal(login.status, 400);
    });
  }

  test("a NUL byte in the name gets a field error", async () => {
    const c = new Client(app.url);
    const res = await c.post("/signup", { name: "A\u0000B", email: uniqueEmail(), password: PASSWORD, passwordConfirm: PASSWORD });
    assert.equal(res.status, 400);
    assert.match(pageText(await res.text()), /ký tự không hợp lệ/);
  });

  test("a body over 4 MB is refused before it is read", async () => {
    const c = new Client(app.url);
    const res = await c.post("/signup", { name: "x".repeat(5 * 1024 * 1024) });
    assert.equal(res.status, 413);
  });
});

describe("sign-in throttling", () => {
  test("the 11th consecutive failure answers 429 with Retry-After; the victim elsewhere is not locked out", async () => {
    const email = await staff("enterprise");
    const attacker = new Client(app.url, "192.0.2.66");
    for (let i = 0; i < 10; i++) {
      const res = await attacker.post("/login", { email, password: `wrong password ${i}` });
      assert.equal(res.status, 400, `attempt ${i + 1}`);
    }
    const blocked = await attacker.post("/login", { email, password: PASSWORD });
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get("Retry-After")) > 0);
    await signedIn(email, "192.0.2.77");
  });

  test("unknown account and wrong password get the same message", async () => {
    const email = await staff("enterprise");
    const c = new Client(app.url, "192.0.2.5");
    const a = await (await c.post("/login", { email, password: "wrong-password!" })).text();
    const b = await (await c.post("/login", { email: uniqueEmail("nobody"), password: "wrong-password!" })).text();
    const message = (html: string) => html.match(/<p class="error-message"[^>]*>.*?<\/p>/)?.[0];
    assert.ok(message(a));
    assert.equal(message(a), message(b));
  });
});

describe("sessions", () => {
  test("cookie holds a random id, HttpOnly and SameSite=Lax; sign-in issues a new id", async () => {
    const email = await staff("enterprise");
    const c = new Client(app.url);
    c.cookies.set("sid", encodeURIComponent(JSON.stringify("planted-session-id")));
    const res = await c.post("/login", { email, password: PASSWORD });
    const cookie = res.headers.getSetCookie().find((s) => s.startsWith("sid="))!;
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.ok(!cookie.includes("planted-session-id"));
  });

  test("sign-out ends the session at once on the server", async () => {
    const c = await signedIn(await staff("enterprise"));
    const stolen = c.cookies.get("sid")!;
    await c.post("/logout", {});
    const replay = new Client(app.url);
    replay.cookies.set("sid", stolen);
    const res = await replay.get("/applications");
    assert.equal(res.status, 302);
    assert.match(res.headers.get("Location") ?? "", /^\/login/);
  });

  test("idle and absolute timeouts end the session", async () => {
    const email = await staff("enterprise");
    const idle = await signedIn(email);
    await t.db.updateTable("sessions").set({ last_seen_at: sql`now() - interval '2 hours'` }).execute();
    assert.equal((await idle.get("/applications")).status, 302);
    const absolute = await signedIn(email);
    await t.db.updateTable("sessions").set({ expires_at: sql`now() - interval '1 second'` }).execute();
    assert.equal((await absolute.get("/applications")).status, 302);
  });

  test("deactivating an account ends its sessions at once", async () => {
    const admin = await signedIn(await staff("admin"));
    const email = await staff("ministry_reviewer");
    const victim = await signedIn(email);
    assert.equal((await victim.get("/ministry")).status, 200);
    const user = await t.db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirstOrThrow();
    const res = await admin.post("/admin/users", { intent: "deactivate", userId: user.id });
    assert.equal(res.status, 302);
    assert.equal((await victim.get("/ministry")).status, 302);
    const again = await new Client(app.url).post("/login", { email, password: PASSWORD });
    assert.equal(again.status, 400);
    const audit = await t.db.selectFrom("audit_events").select("action").where("entity_id", "=", user.id).execute();
    assert.ok(audit.some((a) => a.action === "user.deactivated"));
  });
});

describe("password reset", () => {
  test("the emailed link is single-use, expires, and ends other sessions", async () => {
    const email = await staff("enterprise");
    const other = await signedIn(email);
    const c = new Client(app.url);
    assert.equal((await c.post("/forgot-password", { email })).status, 302);
    const unknown = await c.post("/forgot-password", { email: uniqueEmail("ghost") });
    assert.equal(unknown.status, 302, "same answer for an unknown address");

    const link = await lastLinkTo(email, "/reset-password");
    const token = new URL(app.url + link).searchParams.get("token")!;
    assert.equal((await c.get(link)).status, 200);
    const newPassword = "a brand new passphrase";
    const res = await c.post("/reset-password", { token, password: newPassword, passwordConfirm: newPassword });
    assert.equal(res.headers.get("Location"), "/login");
    const reuse = await c.post("/reset-password", { token, password: "another passphrase", passwordConfirm: "another passphrase" });
    assert.equal(reuse.headers.get("Location"), "/reset-password");
    assert.equal((await other.get("/applications")).status, 302, "old sessions ended");
    assert.equal((await c.post("/login", { email, password: newPassword })).status, 302);

    await c.post("/forgot-password", { email });
    const link2 = await lastLinkTo(email, "/reset-password");
    await t.db.updateTable("user_tokens").set({ expires_at: sql`now() - interval '1 second'` }).where("purpose", "=", "reset_password").execute();
    const token2 = new URL(app.url + link2).searchParams.get("token")!;
    const expired = await c.post("/reset-password", { token: token2, password: newPassword + "x", passwordConfirm: newPassword + "x" });
    assert.equal(expired.headers.get("Location"), "/reset-password");
  });
});

describe("staff accounts and roles", () => {
  test("an admin invites a provincial reviewer, who sets a password and lands on the province queue", async () => {
    const admin = await signedIn(await staff("admin"));
    const email = uniqueEmail("invitee");
    const bad = await admin.post("/admin/users", { intent: "invite", name: "Cán bộ", email, role: "province_reviewer", provinceCode: "" });
    assert.equal(bad.status, 400);
    assert.match(pageText(await bad.text()), /Chọn tỉnh/);
    const res = await admin.post("/admin/users", { intent: "invite", name: "Cán bộ", email, role: "province_reviewer", provinceCode: "79" });
    assert.equal(res.status, 302);
    const link = await lastLinkTo(email, "/invite");
    const token = new URL(app.url + link).searchParams.get("token")!;
    const invitee = new Client(app.url);
    assert.equal((await invitee.post("/invite", { token, password: PASSWORD, passwordConfirm: PASSWORD })).status, 302);
    const login = await invitee.post("/login", { email, password: PASSWORD });
    assert.equal(login.headers.get("Location"), "/account/two-factor?redirectTo=%2Freview", "a first staff sign-in goes to enrolment");
    await enrol(invitee, "/review");
    const queue = pageText(await (await invitee.get("/review")).text());
    assert.match(queue, /Hồ Chí Minh/);
  });

  test("public sign-up cannot create staff; each role sees only its own pages", async () => {
    const accounts = {
      enterprise: await signedIn(await staff("enterprise")),
      province_reviewer: await signedIn(await staff("province_reviewer", "01")),
      ministry_reviewer: await signedIn(await staff("ministry_reviewer")),
      admin: await signedIn(await staff("admin")),
    };
    const pages = { enterprise: "/applications", province_reviewer: "/review", ministry_reviewer: "/ministry", admin: "/admin/users" };
    for (const [role, client] of Object.entries(accounts)) {
      for (const [pageRole, page] of Object.entries(pages)) {
        const res = await client.get(page);
        assert.equal(res.status, role === pageRole ? 200 : 403, `${role} → ${page}`);
      }
    }
    const anonymous = new Client(app.url);
    for (const page of Object.values(pages)) {
      const res = await anonymous.get(page);
      assert.equal(res.status, 302);
      assert.match(res.headers.get("Location") ?? "", /^\/login\?redirectTo=/);
    }
    const forged = await accounts.enterprise.post("/admin/users", { intent: "invite", name: "x", email: uniqueEmail(), role: "admin" });
    assert.equal(forged.status, 403);
  });
});

describe("UI texts", () => {
  test("a page loads its language's texts from files named by their hash (root's and its route's); neither the page nor loader data (client navigations) inlines them", async () => {
    const c = new Client(app.url);
    const html = await (await c.get("/")).text();
    const scripts = [...html.matchAll(/<script data-portal-texts="" defer="" src="(\/texts\/vi\.([A-Za-z0-9_.$-]+)\.[0-9a-f]{16}\.js)">/g)];
    assert.deepEqual(scripts.map((s) => s[2]), ["root", "_index"], "root's texts, then the home page's");
    assert.ok(!html.includes("__PORTAL_MESSAGES__"), "no dictionary in the page");
    const texts = await (await c.get(scripts[0]![1]!)).text();
    assert.match(texts, /^\(function\(g,l\)\{Object\.assign\(\(g\.__PORTAL_MESSAGES__\|\|=\{\}\)\[l\]\|\|=\{\},/);
    assert.ok(texts.endsWith('})(globalThis,"vi");\n'));
    // "Bỏ qua, đến nội dung chính" is the skip link's text: in root's texts and in the rendered page.
    assert.ok(texts.includes("Bỏ qua, đến nội dung chính") && html.includes("Bỏ qua, đến nội dung chính"));
    const data = await (await c.get("/_root.data")).text();
    assert.ok(data.length < 3000, `root data is ${data.length} characters`);
    assert.ok(!data.includes("app.skip"), "no dictionary in the data");
    await c.post("/lang", { lang: "en" });
    const en = await (await c.get("/")).text();
    const enSrc = en.match(/src="(\/texts\/en\.root\.[0-9a-f]{16}\.js)"/)?.[1];
    assert.ok(enSrc, "the English page loads the English texts");
    assert.ok(!en.includes("/texts/vi."));
    assert.ok((await (await c.get(enSrc)).text()).endsWith('})(globalThis,"en");\n'));
  });
});

describe("HTTP hardening", () => {
  test("cross-site POSTs are refused; GET never changes state", async () => {
    const c = new Client(app.url);
    const attempts: Record<string, string>[] = [{ Origin: "https://evil.example" }, { "Sec-Fetch-Site": "cross-site" }, { Origin: "null" }];
    for (const headers of attempts) {
      const res = await c.post("/lang", { lang: "en" }, headers);
      assert.equal(res.status, 403);
    }
    assert.equal((await c.get("/logout")).status, 405);
    assert.equal((await c.get("/lang?lang=en")).status, 405);
  });

  test("every response carries a CSP (on a page: the hashes of its inline scripts, no nonce) and the other security headers; signed-in pages are not cached", async () => {
    const res = await new Client(app.url).get("/");
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    assert.doesNotMatch(csp, /'nonce-/);
    assert.match(csp, /script-src 'self'( 'sha256-[A-Za-z0-9+/]+=*')+;/);
    for (const part of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) assert.ok(csp.includes(part), part);
    assert.equal(res.headers.get("X-Content-Type-Options"), "nosniff");
    assert.ok(res.headers.get("Referrer-Policy"));
    const html = await res.text();
    assert.ok(!html.includes("nonce="), "no script carries a nonce");
    const c = await signedIn(await staff("enterprise"));
    assert.equal((await c.get("/applications")).headers.get("Cache-Control"), "no-store");
  });

  test("the language switch is remembered and sets <html lang>", async () => {
    const c = new Client(app.url);
    assert.match(await (await c.get("/")).text(), /<html lang="vi"/);
    const res = await c.post("/lang", { lang: "en", redirectTo: "/login" });
    assert.equal(res.headers.get("Location"), "/login");
    const html = await (await c.get("/")).text();
    assert.match(html, /<html lang="en"/);
    assert.match(html, /<title>Register a national digital platform/);
    const evil = await c.post("/lang", { lang: "vi", redirectTo: "//evil.example/" });
    assert.equal(evil.headers.get("Location"), "/");
  });

  test("health and readiness endpoints", async () => {
    const c = new Client(app.url);
    assert.equal((await c.get("/healthz")).status, 200);
    const ready = await c.get("/readyz");
    assert.equal(ready.status, 200);
    assert.equal(((await ready.json()) as { status: string }).status, "ready");
  });

  test("an unexpected error shows a friendly page with a request id and no internals", async () => {
    const broken = {
      ...t,
      db: new Proxy(t.db, {
        get(target, prop) {
          if (prop === "selectFrom" || prop === "updateTable") throw new Error("relation \"secret_table\" does not exist at /srv/app/x.ts");
          return Reflect.get(target, prop);
        },
      }),
    };
    const c = await signedIn(await staff("admin"));
    setDb(broken);
    try {
      const res = await c.get("/admin/users");
      assert.equal(res.status, 500);
      const html = await res.text();
      const requestId = res.headers.get("X-Request-Id")!;
      assert.ok(html.includes(requestId));
      assert.doesNotMatch(html, /secret_table|\/srv\/app|at [\w.]+ \(/);
      assert.match(pageText(html), /Đã có lỗi xảy ra/);
    } finally {
      setDb(t);
    }
  });
});

describe("redirect targets", () => {
  // Each one is an attempt to leave the site, or input that a URL parser refuses.
  const hostile = [
    "/.//evil.test",
    "//evil.test",
    "///evil.test",
    "/\\evil.test",
    "\\\\evil.test",
    "/./\\evil.test",
    "/a/..//evil.test",
    "/%2e%2e//evil.test",
    "//[",
    "//a b",
    "//%5Cevil.test",
    "https://evil.test/",
    "http:evil.test",
    "javascript:alert(1)",
    " //evil.test",
    "/\t/evil.test",
    "/\r\nSet-Cookie: x=1",
    "evil.test",
    "/" + "a".repeat(5000),
  ];
  const staysOnSite = (location: string | null) => {
    assert.ok(location, "a Location header");
    assert.ok(location.startsWith("/") && !location.startsWith("//") && !location.startsWith("/\\"), `Location ${JSON.stringify(location)}`);
    assert.equal(new URL(location, "http://portal.invalid").origin, "http://portal.invalid");
    assert.doesNotMatch(location, /evil\.test/);
  };

  test("sign-in with a hostile redirectTo lands on the role's home and never answers 5xx", async () => {
    const email = await staff("enterprise");
    const user = await t.db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirstOrThrow();
    for (const [i, redirectTo] of hostile.entries()) {
      const before = await t.db.selectFrom("sessions").select("id_hash").where("user_id", "=", user.id).execute();
      const res = await new Client(app.url, `198.18.0.${i + 1}`).post("/login", { email, password: PASSWORD, redirectTo });
      const after = await t.db.selectFrom("sessions").select("id_hash").where("user_id", "=", user.id).execute();
      assert.ok(res.status < 500, `${JSON.stringify(redirectTo)} answered ${res.status}`);
      if (res.status !== 302) {
        assert.equal(after.length, before.length, `no session is left behind by the failing ${JSON.stringify(redirectTo)}`);
        continue;
      }
      staysOnSite(res.headers.get("Location"));
      assert.equal(res.headers.get("Location"), "/applications", JSON.stringify(redirectTo));
    }
  });

  test("a same-site redirectTo is kept, query and fragment included", async () => {
    const email = await staff("enterprise");
    const res = await new Client(app.url, "198.18.1.1").post("/login", { email, password: PASSWORD, redirectTo: "/platforms?q=a%20b#list" });
    assert.equal(res.headers.get("Location"), "/platforms?q=a%20b#list");
  });

  test("a staff member's target survives the code step, and a hostile one there goes home", async () => {
    const reviewer = await staffUser("ministry_reviewer");
    for (const [i, redirectTo] of ["/ministry?view=all", ...hostile].entries()) {
      const c = new Client(app.url, `198.18.2.${i + 1}`);
      await c.post("/login", { email: reviewer.email, password: PASSWORD });
      const res = await c.post("/login/code", { code: await currentCode(reviewer), redirectTo });
      assert.equal(res.status, 302, `${JSON.stringify(redirectTo)} answered ${res.status}`);
      staysOnSite(res.headers.get("Location"));
      assert.equal(res.headers.get("Location"), i === 0 ? redirectTo : "/ministry", JSON.stringify(redirectTo));
    }
  });

  test("the language switch with a hostile redirectTo stays on the site and never answers 5xx", async () => {
    const c = new Client(app.url);
    for (const redirectTo of hostile) {
      const res = await c.post("/lang", { lang: "vi", redirectTo });
      assert.equal(res.status, 302, `${JSON.stringify(redirectTo)} answered ${res.status}`);
      staysOnSite(res.headers.get("Location"));
    }
    const ok = await c.post("/lang", { lang: "vi", redirectTo: "/statistics?year=2026" });
    assert.equal(ok.headers.get("Location"), "/statistics?year=2026");
  });
});

describe("second factor for staff", () => {
  test("a staff account without a second factor can open nothing but enrolment after its password", async () => {
    const email = uniqueEmail("new-admin");
    const user = await createUserDirect({ email, name: "Quản trị", role: "admin", provinceCode: null, password: PASSWORD });
    const c = new Client(app.url, "198.19.0.1");
    const login = await c.post("/login", { email, password: PASSWORD, redirectTo: "/admin/users?tab=all" });
    assert.equal(login.headers.get("Location"), `/account/two-factor?redirectTo=${encodeURIComponent("/admin/users?tab=all")}`);
    for (const page of ["/admin/users", "/account", "/account/sessions", "/account/password", "/login/code"]) {
      const res = await c.get(page);
      assert.equal(res.status, 302, page);
      assert.match(res.headers.get("Location") ?? "", /^\/account\/two-factor\?redirectTo=/, page);
    }
    assert.match(pageText(await (await c.get("/")).text()), /Đăng nhập/, "the header does not show anyone signed in");
    const wrong = await c.post("/account/two-factor", { intent: "enrol", code: "000000" });
    assert.equal(wrong.status, 400);
    const html = await wrong.text();
    assert.match(html, /error-summary/);
    assert.match(pageText(html), /Mã không đúng/);
    const { secret } = await enrol(c, "/admin/users?tab=all");
    assert.equal((await c.get("/admin/users")).status, 200);
    const stored = await t.db.selectFrom("user_totp").selectAll().where("user_id", "=", user.id).executeTakeFirstOrThrow();
    assert.ok(stored.enabled_at);
    assert.ok(!JSON.stringify(stored).includes(secret), "the secret is not stored in clear");
    const audit = await t.db.selectFrom("audit_events").select("action").where("entity_id", "=", user.id).execute();
    assert.ok(audit.some((a) => a.action === "user.second_factor_enrolled"));
    assert.match(pageText(await (await c.get("/account/recovery-codes")).text()), /chỉ được hiển thị một lần/, "recovery codes are shown once");

    // From now on the password alone is not enough, and enrolment cannot be started again to replace the factor.
    const again = new Client(app.url, "198.19.0.2");
    assert.match((await again.post("/login", { email, password: PASSWORD })).headers.get("Location") ?? "", /^\/login\/code\?/);
    const reEnrol = await again.get("/account/two-factor");
    assert.equal(reEnrol.headers.get("Location"), "/login/code");
    assert.equal((await again.post("/account/two-factor", { intent: "enrol", code: totpCode(secret) })).headers.get("Location"), "/login/code");
    assert.equal((await again.get("/admin/users")).status, 302);
  });

  test("an enrolled staff member gives a code after the password; a code works once, each recovery code once", async () => {
    const reviewer = await staffUser("ministry_reviewer");
    const c = new Client(app.url, "198.19.1.1");
    const login = await c.post("/login", { email: reviewer.email, password: PASSWORD, redirectTo: "/ministry?view=all" });
    const codePage = login.headers.get("Location")!;
    assert.equal(codePage, `/login/code?redirectTo=${encodeURIComponent("/ministry?view=all")}`);
    const page = await c.get(codePage);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /autoComplete="one-time-code"|autocomplete="one-time-code"/);
    assert.equal((await c.get("/ministry")).headers.get("Location"), `/login/code?redirectTo=${encodeURIComponent("/ministry")}`);
    const wrong = await c.post("/login/code", { code: "123 456", redirectTo: "/ministry?view=all" });
    assert.equal(wrong.status, 400);
    assert.match(pageText(await wrong.text()), /Có lỗi cần sửa.*Mã không đúng/);

    const code = totpCode(reviewer.totpSecret);
    const ok = await c.post("/login/code", { code, redirectTo: "/ministry?view=all" });
    assert.equal(ok.status, 302);
    assert.equal(ok.headers.get("Location"), "/ministry?view=all");
    assert.equal((await c.get("/ministry")).status, 200);

    const replay = new Client(app.url, "198.19.1.2");
    await replay.post("/login", { email: reviewer.email, password: PASSWORD });
    assert.equal((await replay.post("/login/code", { code })).status, 400, "a code that was used cannot be used again");

    // New recovery codes need a fresh code from the app (the next one); then each signs in once.
    const next = totpCode(reviewer.totpSecret, Date.now() + 30_000);
    const made = await c.post("/account/two-factor", { intent: "regenerate", code: next });
    assert.equal(made.status, 302);
    const codesHtml = await (await c.get(made.headers.get("Location")!)).text();
    const recovery = [...codesHtml.matchAll(/<code>([a-z2-7-]{19})<\/code>/g)].map((m) => m[1]!);
    assert.equal(recovery.length, 10);

    const lost = new Client(app.url, "198.19.1.3");
    await lost.post("/login", { email: reviewer.email, password: PASSWORD });
    const withRecovery = await lost.post("/login/code", { code: recovery[0]!.toUpperCase().replace(/-/g, " ") });
    assert.equal(withRecovery.status, 302, "a recovery code, typed with spaces and capitals");
    assert.equal((await lost.get("/ministry")).status, 200);
    const lostAgain = new Client(app.url, "198.19.1.4");
    await lostAgain.post("/login", { email: reviewer.email, password: PASSWORD });
    assert.equal((await lostAgain.post("/login/code", { code: recovery[0]! })).status, 400, "a recovery code works once");
    assert.equal((await lostAgain.post("/login/code", { code: recovery[1]! })).status, 302);
    const status = pageText(await (await lostAgain.get("/account/two-factor")).text());
    assert.match(status, /Số mã khôi phục chưa dùng: 8/);
  });

  test("wrong codes are throttled: after five, even the right code waits", async () => {
    const admin = await staffUser("admin");
    const c = new Client(app.url, "198.19.2.1");
    await c.post("/login", { email: admin.email, password: PASSWORD });
    for (let i = 0; i < 5; i++) assert.equal((await c.post("/login/code", { code: String(100000 + i) })).status, 400, `guess ${i + 1}`);
    const blocked = await c.post("/login/code", { code: totpCode(admin.totpSecret) });
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get("Retry-After")) > 0);
    assert.match(pageText(await blocked.text()), /quá nhiều lần/);
    // A new password step does not reset the count: the limit is the account's.
    const fresh = new Client(app.url, "198.19.2.2");
    await fresh.post("/login", { email: admin.email, password: PASSWORD });
    assert.equal((await fresh.post("/login/code", { code: totpCode(admin.totpSecret) })).status, 429);
  });

  test("the code page shows the current code as a demo aid for a demo account in demo mode, never for others", async () => {
    await seedDemoAccounts(t.db);
    const demo = new Client(app.url, "198.19.4.1");
    const next = (await demo.post("/login", { email: "so.hanoi@demo.nentangso.vn", password: DEMO_PASSWORD })).headers.get("Location")!;
    const page = pageText(await (await demo.get(next)).text());
    if (demoAidsEnabled()) assert.match(page, new RegExp(`Hỗ trợ cho bản trình diễn.*Mã hiện tại: \\d{6}`));
    else assert.doesNotMatch(page, /Hỗ trợ cho bản trình diễn/);
    const reviewer = await staffUser("province_reviewer", "01");
    const real = new Client(app.url, "198.19.4.2");
    const codePage = (await real.post("/login", { email: reviewer.email, password: PASSWORD })).headers.get("Location")!;
    const html = await (await real.get(codePage)).text();
    assert.doesNotMatch(pageText(html), /Hỗ trợ cho bản trình diễn/);
    assert.ok(!pageText(html).includes(totpCode(reviewer.totpSecret)), "no code of a real account is ever on the page");
  });

  test("a staff member signs in with the shared helper (used by every test file)", async () => {
    const reviewer = await staffUser("province_reviewer", "79");
    const c = new Client(app.url, "198.19.3.1");
    await loginAs(c, reviewer);
    await loginAs(new Client(app.url, "198.19.3.2"), reviewer);
    assert.equal((await c.get("/review")).status, 200);
  });
});

describe("the signed-in user's account", () => {
  test("password change needs the current password, refuses common ones, and ends the other sessions", async () => {
    const email = await staff("enterprise");
    const other = await signedIn(email, "198.20.0.1");
    const c = await signedIn(email, "198.20.0.2");
    assert.equal((await c.get("/account/password")).status, 200);
    const wrong = await c.post("/account/password", { currentPassword: "not my password", password: "mây trắng bay qua đồi", passwordConfirm: "mây trắng bay qua đồi" });
    assert.equal(wrong.status, 400);
    assert.match(pageText(await wrong.text()), /Mật khẩu hiện tại không đúng/);
    const common = await c.post("/account/password", { currentPassword: PASSWORD, password: "MatKhau@2026", passwordConfirm: "MatKhau@2026" });
    assert.equal(common.status, 400);
    assert.match(pageText(await common.text()), /phổ biến/);
    const done = await c.post("/account/password", { currentPassword: PASSWORD, password: "mây trắng bay qua đồi", passwordConfirm: "mây trắng bay qua đồi" });
    assert.equal(done.status, 302);
    assert.equal(done.headers.get("Location"), "/account");
    assert.equal((await c.get("/account")).status, 200, "this session goes on");
    assert.equal((await other.get("/applications")).status, 302, "the other session ended");
    assert.equal((await new Client(app.url, "198.20.0.3").post("/login", { email, password: PASSWORD })).status, 400);
    assert.equal((await new Client(app.url, "198.20.0.3").post("/login", { email, password: "mây trắng bay qua đồi" })).status, 302);
    const user = await t.db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirstOrThrow();
    const audit = await t.db.selectFrom("audit_events").select("action").where("entity_id", "=", user.id).execute();
    assert.ok(audit.some((a) => a.action === "user.password_changed"));
  });

  test("the session list shows device, address and last activity, and signs out of the other sessions", async () => {
    const email = await staff("province_reviewer", "01");
    const phone = new Client(app.url, "198.20.1.1");
    await loginAs(phone, accounts.get(email)!, PASSWORD);
    const mobileUa = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";
    const desk = new Client(app.url, "198.20.1.2");
    const deskUa = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";
    // The user agent is recorded when the session is made: sign in the desk with its own browser.
    const user = accounts.get(email) as StaffUser;
    const first = await desk.post("/login", { email, password: PASSWORD }, { "User-Agent": deskUa });
    const redirectTo = new URL(first.headers.get("Location")!, app.url).searchParams.get("redirectTo")!;
    assert.equal((await desk.post("/login/code", { code: await currentCode(user), redirectTo }, { "User-Agent": deskUa })).status, 302);
    await t.db.updateTable("sessions").set({ user_agent: mobileUa }).where("ip", "=", "198.20.1.1").execute();

    const list = await desk.get("/account/sessions");
    assert.equal(list.status, 200);
    const html = await list.text();
    const text = pageText(html);
    assert.match(text, /Firefox · Windows.*Phiên đang dùng/);
    assert.match(text, /Chrome · Android/);
    assert.match(text, /198\.20\.1\.1/);
    assert.match(text, /198\.20\.1\.2/);
    assert.doesNotMatch(html, /[0-9a-f]{64}/, "no session id or hash is sent to the page");
    const pendingOnly = new Client(app.url, "198.20.1.3");
    await pendingOnly.post("/login", { email, password: PASSWORD });
    assert.doesNotMatch(pageText(await (await desk.get("/account/sessions")).text()), /198\.20\.1\.3/, "a half-finished sign-in is not a session");

    const out = await desk.post("/account/sessions", { intent: "signOutOthers" });
    assert.equal(out.status, 302);
    assert.equal((await phone.get("/review")).status, 302, "the phone is signed out");
    assert.equal((await desk.get("/review")).status, 200, "this session goes on");
    assert.match(pageText(await (await desk.get("/account/sessions")).text()), /Bạn chỉ đang đăng nhập ở đây/);
  });
});

describe("sign-in limits behind one shared address (an office NAT)", () => {
  const office = "198.51.100.200";
  let colleague: StaffUser;
  let trustedBrowser: Client;

  before(async () => {
    colleague = await staffUser("province_reviewer", "01");
    // The colleague signed in from this browser last week: it holds a device cookie.
    trustedBrowser = new Client(app.url, office);
    await loginAs(trustedBrowser, colleague);
    await trustedBrowser.post("/logout", {});
    // A password sprayer on the same network: one wrong password for each of 100 accounts.
    const sprayer = new Client(app.url, office);
    for (let i = 0; i < 100; i++) {
      const res = await sprayer.post("/login", { email: `nv${i}@so.gov.vn`, password: "Matkhau@2025" });
      if (res.status !== 400) break;
    }
  });

  test("the sprayer gains nothing: attempts come no faster than the delay, and a refused one is not even checked", async () => {
    const sprayer = new Client(app.url, office);
    const before = await t.db.selectFrom("auth_throttle").select("failures").where("key", "=", `login:ip:${office}`).executeTakeFirstOrThrow();
    assert.ok(before.failures >= 50 && before.failures < 100, `the sprayer was slowed after ${before.failures} failures`);
    const rightPassword = await sprayer.post("/login", { email: colleague.email, password: PASSWORD });
    assert.equal(rightPassword.status, 429, "even the right password is not checked before the delay");
    const wait = Number(rightPassword.headers.get("Retry-After"));
    assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
    assert.match(pageText(await rightPassword.text()), /thử lại sau \d+ giây/);
    const sessions = await t.db.selectFrom("sessions").select("id_hash").where("ip", "=", office).where("user_id", "=", colleague.id).execute();
    assert.equal(sessions.length, 0, "no session came of it");
    const after = await t.db.selectFrom("auth_throttle").select("failures").where("key", "=", `login:ip:${office}`).executeTakeFirstOrThrow();
    assert.equal(after.failures, before.failures, "refused attempts are not counted (and not checked)");
  });

  test("a colleague on a browser that signed in before is neither locked out nor slowed", async () => {
    const res = await trustedBrowser.post("/login", { email: colleague.email, password: PASSWORD });
    assert.equal(res.status, 302);
    assert.match(res.headers.get("Location") ?? "", /^\/login\/code/);
    // The device cookie is for that account only.
    const borrowed = new Client(app.url, office);
    borrowed.cookies = new Map(trustedBrowser.cookies);
    borrowed.cookies.delete("sid");
    assert.equal((await borrowed.post("/login", { email: "someone.else@so.gov.vn", password: "Matkhau@2025" })).status, 429);
  });

  test("a colleague on a new browser gets in with the right password once the delay has passed; the delay grows", async () => {
    const key = `login:ip:${office}`;
    const waitOut = (seconds: number) =>
      t.db.updateTable("auth_throttle").set({ last_failure_at: sql`now() - make_interval(secs => ${seconds})` }).where("key", "=", key).execute();
    await waitOut(60);
    const fresh = new Client(app.url, office);
    const res = await fresh.post("/login", { email: colleague.email, password: PASSWORD });
    assert.equal(res.status, 302, "the right password is accepted after the delay");
    // The sprayer's next wrong guess after the delay is counted, and the next delay is at least as long.
    await waitOut(60);
    const { failures } = await t.db.selectFrom("auth_throttle").select("failures").where("key", "=", key).executeTakeFirstOrThrow();
    const sprayer = new Client(app.url, office);
    assert.equal((await sprayer.post("/login", { email: "nv999@so.gov.vn", password: "Matkhau@2025" })).status, 400);
    const next = await sprayer.post("/login", { email: "nv998@so.gov.vn", password: "Matkhau@2025" });
    assert.equal(next.status, 429);
    assert.ok(Number(next.headers.get("Retry-After")) >= Math.min(60, 2 ** (failures + 1 - 50)) - 1);
  });
});

describe("tokens in the outbox", () => {
  /** Every value of every outbox row, as a database reader sees it. */
  async function outboxAsStored(): Promise<string> {
    return JSON.stringify(await t.db.selectFrom("outbox_emails").selectAll().execute());
  }
  const tokenOf = (link: string) => new URL(link, "http://x").searchParams.get("token")!;

  test("reset, confirmation and invitation links cannot be read from outbox_emails, before or after sending", async () => {
    const c = new Client(app.url, "198.21.0.1");
    const signupEmail = uniqueEmail("sealed");
    await c.post("/signup", { name: "Phan Thị Sen", email: signupEmail, password: PASSWORD, passwordConfirm: PASSWORD });
    const resetEmail = await staff("enterprise");
    await c.post("/forgot-password", { email: resetEmail });
    const admin = await signedIn(await staff("admin"), "198.21.0.2");
    const inviteEmail = uniqueEmail("sealed-invite");
    await admin.post("/admin/users", { intent: "invite", name: "Cán bộ", email: inviteEmail, role: "ministry_reviewer" });
    const links = [
      await lastLinkTo(signupEmail, "/verify-email"),
      await lastLinkTo(resetEmail, "/reset-password"),
      await lastLinkTo(inviteEmail, "/invite"),
    ];
    const stored = await outboxAsStored();
    for (const link of links) assert.ok(!stored.includes(tokenOf(link)), `${link.split("?")[0]}: the token is not in the database`);
    assert.match(stored, /verify-email\?token=REMOVED/);

    // The mail worker (here: the local delivery of the demo) sends the working link and keeps no copy of it.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mailbox-"));
    const mailer = createMailer({ mailDir: dir, from: "p@test.vn", messageIdDomain: "test.vn" });
    await createOutboxWorker({ db: t.db, mailer }).tick();
    const sent = await t.db.selectFrom("outbox_emails").select(["id", "to_address", "status", "sealed_body"]).where("to_address", "=", resetEmail).executeTakeFirstOrThrow();
    assert.equal(sent.status, "sent");
    assert.equal(sent.sealed_body, null);
    const delivered = await readDeliveredEmail(dir, sent.id);
    assert.ok(delivered?.text.includes(tokenOf(links[1]!)), "the delivered message has the working link");
    assert.equal((await c.get(links[1]!)).status, 200);
    const afterSending = await outboxAsStored();
    for (const link of links) assert.ok(!afterSending.includes(tokenOf(link)));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("the demo's mailbox page shows the working link from the local delivery", async (tt) => {
    if (!config().devMailbox) return tt.skip("this configuration has no developer mailbox");
    const email = await staff("enterprise");
    await new Client(app.url, "198.21.1.1").post("/forgot-password", { email });
    const link = await lastLinkTo(email, "/reset-password");
    await createOutboxWorker({ db: t.db, mailer: createMailer({ mailDir: config().mailDir, from: "p@test.vn", messageIdDomain: "test.vn" }) }).tick();
    const row = await t.db.selectFrom("outbox_emails").select("id").where("to_address", "=", email).executeTakeFirstOrThrow();
    const page = await new Client(app.url, "127.0.0.1").get(`/dev/mailbox/${row.id}`);
    assert.equal(page.status, 200);
    assert.ok((await page.text()).includes(`token=${tokenOf(link)}`), "the mailbox shows the link the recipient got");
  });
});

describe("limits on emails a visitor can make the portal send", () => {
  const countTo = async (email: string, template: string) =>
    (await t.db.selectFrom("outbox_emails").select("id").where("to_address", "=", email).where("template", "=", template).execute()).length;

  test("password reset: three per address per hour; the page never changes", async () => {
    const email = await staff("enterprise");
    const locations = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const res = await new Client(app.url, `198.22.0.${i + 1}`).post("/forgot-password", { email });
      assert.equal(res.status, 302);
      // Each answer carries its own receipt (a random id either way: outbox-http.test.ts); the rest is the same.
      locations.add(res.headers.get("Location")!.replace(/&receipt=[0-9a-f-]{36}$/, "&receipt=R"));
    }
    assert.equal(locations.size, 1, "same answer whether or not the email went");
    assert.match([...locations][0]!, /&receipt=R$/);
    assert.equal(await countTo(email, "reset_password"), 3);
  });

  test("password reset: twenty per requesting address per hour", async () => {
    const c = new Client(app.url, "198.22.1.1");
    const emails = [];
    for (let i = 0; i < 22; i++) emails.push(await staff("enterprise"));
    for (const email of emails) assert.equal((await c.post("/forgot-password", { email })).status, 302);
    const queued = await Promise.all(emails.map((e) => countTo(e, "reset_password")));
    assert.equal(queued.reduce((s, n) => s + n, 0), 20);
    assert.deepEqual(queued.slice(20), [0, 0]);
    assert.equal((await new Client(app.url, "198.22.1.2").post("/forgot-password", { email: emails[21]! })).status, 302);
    assert.equal(await countTo(emails[21]!, "reset_password"), 1, "another address is not held back");
  });

  test("sign-up: the notice to an existing address and the confirmation resent at sign-in are limited too", async () => {
    const email = await staff("enterprise");
    for (let i = 0; i < 5; i++) {
      const res = await new Client(app.url, `198.22.2.${i + 1}`).post("/signup", { name: "Ai đó", email, password: PASSWORD, passwordConfirm: PASSWORD });
      assert.match(res.headers.get("Location") ?? "", /^\/signup\?sent=/);
    }
    assert.equal(await countTo(email, "signup_existing"), 3);

    const unconfirmed = uniqueEmail("unconfirmed");
    await new Client(app.url, "198.22.3.1").post("/signup", { name: "Chưa xác nhận", email: unconfirmed, password: PASSWORD, passwordConfirm: PASSWORD });
    for (let i = 0; i < 5; i++) {
      const res = await new Client(app.url, `198.22.3.${i + 2}`).post("/login", { email: unconfirmed, password: PASSWORD });
      assert.equal(res.status, 400);
      assert.match(pageText(await res.text()), /chưa được xác nhận/);
    }
    assert.equal(await countTo(unconfirmed, "verify_email"), 3);
  });

  test("invitations: an admin's 51st staff invitation within the hour from one address is refused with a message", async () => {
    const admin = await signedIn(await staff("admin"), "198.22.5.1");
    for (let i = 0; i < 50; i++) {
      const res = await admin.post("/admin/users", { intent: "invite", name: "Cán bộ", email: uniqueEmail(`bulk${i}-`), role: "ministry_reviewer" });
      assert.equal(res.status, 302, `invitation ${i + 1}`);
    }
    const email = uniqueEmail("one-too-many");
    const refused = await admin.post("/admin/users", { intent: "invite", name: "Cán bộ", email, role: "ministry_reviewer" });
    assert.equal(refused.status, 429);
    const html = await refused.text();
    assert.match(html, /error-summary/);
    assert.match(pageText(html), /quá nhiều thư/);
    assert.ok(html.includes(`value="${email}"`), "what was typed is kept");
    assert.equal(await t.db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst(), undefined, "no account was created");
  });

  test("invitations: an enterprise owner cannot send one address more than three in an hour, and is told why", async () => {
    const { user } = await enterpriseUser("01");
    accounts.set(user.email, user);
    const owner = await signedIn(user.email, "198.22.4.1");
    const invitee = uniqueEmail("invitee");
    for (let i = 0; i < 3; i++) assert.equal((await owner.post("/enterprise/members", { intent: "invite", email: invitee, role: "member" })).status, 302);
    const refused = await owner.post("/enterprise/members", { intent: "invite", email: invitee, role: "member" });
    assert.equal(refused.status, 429);
    assert.match(pageText(await refused.text()), /quá nhiều thư/);
    const invitations = await t.db.selectFrom("enterprise_invitations").select("id").where("email", "=", invitee).execute();
    assert.equal(invitations.length, 3, "the refused invitation was not created");
  });
});
