import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError, loadConfig } from "~/platform/config.server.ts";

const PG = "postgres://portal_app:secret@db.internal:5432/portal";
const SMTP = "smtp://mail.internal:25";

function refusal(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.message;
  }
  assert.fail(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("demo and production modes", () => {
  test("without anything set it is a demo on the embedded database, listening on 127.0.0.1 with the mailbox", () => {
    const c = loadConfig({});
    assert.equal(c.mode, "demo");
    assert.equal(c.HOST, "127.0.0.1");
    assert.equal(c.DATABASE_URL, undefined);
    assert.equal(c.devMailbox, true);
    assert.equal(c.seedDemo, true);
  });

  test("NODE_ENV=production alone (the README's npm start) is still the demo: the embedded database is no production", () => {
    const c = loadConfig({ NODE_ENV: "production" });
    assert.equal(c.mode, "demo");
    assert.equal(c.HOST, "127.0.0.1");
  });

  test("NODE_ENV=production with DATABASE_URL is production: listens on all interfaces, no demo data, no mailbox", () => {
    const c = loadConfig({ NODE_ENV: "production", DATABASE_URL: PG, SMTP_URL: SMTP });
    assert.equal(c.mode, "production");
    assert.equal(c.HOST, "0.0.0.0");
    assert.equal(c.devMailbox, false);
    assert.equal(c.seedDemo, false);
  });

  test("PORTAL_MODE=production is production whatever NODE_ENV says; PORTAL_MODE=demo overrides the derivation", () => {
    assert.equal(loadConfig({ PORTAL_MODE: "production", DATABASE_URL: PG, SMTP_URL: SMTP }).mode, "production");
    const demo = loadConfig({ PORTAL_MODE: "demo", NODE_ENV: "production", DATABASE_URL: PG, SEED_DEMO: "1" });
    assert.equal(demo.mode, "demo");
    assert.equal(demo.seedDemo, true);
    assert.equal(demo.devMailbox, true);
    assert.match(refusal({ PORTAL_MODE: "staging" }), /PORTAL_MODE/);
  });

  test("a production start without SMTP_URL is refused: the emails would go to the developer mailbox", () => {
    const message = refusal({ NODE_ENV: "production", DATABASE_URL: PG });
    assert.match(message, /production/);
    assert.match(message, /SMTP_URL is required/);
  });

  test("a production start with demo seeding is refused", () => {
    const message = refusal({ NODE_ENV: "production", DATABASE_URL: PG, SMTP_URL: SMTP, SEED_DEMO: "1" });
    assert.match(message, /SEED_DEMO/);
    assert.match(message, /published password/);
  });

  test("a production start on the embedded database is refused", () => {
    const message = refusal({ PORTAL_MODE: "production", SMTP_URL: SMTP });
    assert.match(message, /embedded database/);
    assert.match(message, /DATABASE_URL/);
  });

  test("every reason is listed at once", () => {
    const message = refusal({ PORTAL_MODE: "production", SEED_DEMO: "true" });
    for (const name of ["SEED_DEMO", "SMTP_URL", "DATABASE_URL"]) assert.match(message, new RegExp(name));
  });

  test("HOST set explicitly wins in both modes", () => {
    assert.equal(loadConfig({ HOST: "0.0.0.0" }).HOST, "0.0.0.0");
    assert.equal(loadConfig({ NODE_ENV: "production", DATABASE_URL: PG, SMTP_URL: SMTP, HOST: "10.0.0.5" }).HOST, "10.0.0.5");
  });
});

describe("TRUST_PROXY is a number of proxy hops", () => {
  test("unset, empty, 0 and false trust no proxy", () => {
    for (const value of [undefined, "", "0", "false"]) assert.equal(loadConfig({ TRUST_PROXY: value }).TRUST_PROXY, 0, String(value));
  });

  test("1 and 2 are hop counts", () => {
    assert.equal(loadConfig({ TRUST_PROXY: "1" }).TRUST_PROXY, 1);
    assert.equal(loadConfig({ TRUST_PROXY: "2" }).TRUST_PROXY, 2);
  });

  test("true is refused: it would trust every X-Forwarded-For entry, including the ones the client writes", () => {
    const message = refusal({ TRUST_PROXY: "true" });
    assert.match(message, /TRUST_PROXY/);
    assert.match(message, /number of proxies/);
  });

  test("anything else is refused with the expected form", () => {
    for (const value of ["yes", "-1", "1.5", "loopback"]) assert.match(refusal({ TRUST_PROXY: value }), /TRUST_PROXY/, value);
  });
});

describe("database roles", () => {
  test("MIGRATION_DATABASE_URL names the owner; the runtime role is the user of DATABASE_URL", () => {
    const c = loadConfig({ DATABASE_URL: PG, MIGRATION_DATABASE_URL: "postgres://portal_owner:x@db.internal/portal" });
    assert.equal(c.MIGRATION_DATABASE_URL, "postgres://portal_owner:x@db.internal/portal");
    assert.equal(c.runtimeRole, "portal_app");
  });

  test("MIGRATION_DATABASE_URL without DATABASE_URL, or with a DATABASE_URL that names no user, is refused", () => {
    assert.match(refusal({ MIGRATION_DATABASE_URL: "postgres://portal_owner@db/portal" }), /DATABASE_URL/);
    assert.match(refusal({ DATABASE_URL: "postgres://db.internal/portal", MIGRATION_DATABASE_URL: "postgres://o@db/portal" }), /runtime role/);
  });
});

describe("SMTP_URL is checked at start, not at the first send", () => {
  test("a port out of range, a port that is not a number, no host or an unparsable URL is one clear line", () => {
    const cases: [string, RegExp][] = [
      ["smtp://mail.internal:99999", /SMTP_URL port 99999 is out of range/],
      ["smtp://mail.internal:0", /SMTP_URL port 0 is out of range/],
      ["smtps://user:secret@mail.internal:25x", /SMTP_URL port must be a number, not "25x"/],
      ["smtp://:587", /SMTP_URL has no host name/],
      ["smtp://us er:p%zz@mail internal:25", /SMTP_URL is not a valid URL/],
    ];
    for (const [value, expected] of cases) {
      const message = refusal({ SMTP_URL: value });
      assert.match(message, expected, value);
      const line = message.split("\n").find((l) => l.includes("SMTP_URL"));
      assert.ok(line && expected.test(line), `the reason is on one line: ${message}`);
      assert.doesNotMatch(message, /secret/, "the password is never repeated");
    }
  });

  test("good SMTP URLs pass, with or without port, credentials and options", () => {
    for (const value of ["smtp://mail.internal", "smtp://mail.internal:25?ignoreTLS=true", "smtps://u%40x:p%3Aw@[::1]:465", "smtp://127.0.0.1:2525"]) {
      assert.equal(loadConfig({ SMTP_URL: value }).SMTP_URL, value);
    }
  });
});
