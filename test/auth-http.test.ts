import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "kysely";
import { setDb } from "~/lib/db.server.ts";
import { createUserDirect } from "~/models/account.server.ts";
import type { Role, User } from "~/lib/db-types.ts";
import { Client, pageText, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { totpCode } from "~/lib/totp.server.ts";
import { lastEmailText, loginAs, PASSWORD, staffUser, uniqueEmail, type StaffUser } from "./helpers/fixtures.ts";

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
  test("a page carries its language's texts once, in a nonce'd script; loader data (client navigations) does not", async () => {
    const c = new Client(app.url);
    const res = await c.get("/");
    const nonce = (res.headers.get("Content-Security-Policy") ?? "").match(/'nonce-([^']+)'/)?.[1];
    const html = await res.text();
    const scripts = [...html.matchAll(/<script nonce="([^"]+)">\(globalThis\.__PORTAL_MESSAGES__ \|\|= \{\}\)\["vi"\] = /g)];
    assert.equal(scripts.length, 1, "one dictionary script");
    assert.equal(scripts[0]![1], nonce);
    assert.ok(!html.includes(`["en"] =`), "only the page's language");
    // "Bỏ qua, đến nội dung chính" is the skip link's text: in the dictionary and in the rendered page.
    const data = await (await c.get("/_root.data")).text();
    assert.ok(data.length < 3000, `root data is ${data.length} characters`);
    assert.ok(!data.includes("app.skip"), "no dictionary in the data");
    await c.post("/lang", { lang: "en" });
    const en = await (await c.get("/")).text();
    assert.match(en, /\(globalThis\.__PORTAL_MESSAGES__ \|\|= \{\}\)\["en"\] = /);
    assert.ok(!en.includes(`["vi"] =`));
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

  test("every response carries a nonce CSP and the other security headers; signed-in pages are not cached", async () => {
    const res = await new Client(app.url).get("/");
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    const nonce = csp.match(/'nonce-([^']+)'/)?.[1];
    assert.ok(nonce);
    for (const part of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) assert.ok(csp.includes(part), part);
    assert.equal(res.headers.get("X-Content-Type-Options"), "nosniff");
    assert.ok(res.headers.get("Referrer-Policy"));
    const html = await res.text();
    assert.ok(html.includes(`nonce="${nonce}"`), "inline scripts carry the nonce");
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
