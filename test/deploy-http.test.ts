import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import { after, before, describe, test } from "node:test";
import { isNoStorePath } from "~/platform/http/http-app.server.ts";
import { createUserDirect } from "~/features/account/account.server.ts";
import { enqueueEmail } from "~/platform/mail/outbox.server.ts";
import { Client, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { PASSWORD, uniqueEmail } from "./helpers/fixtures.ts";

const SECRET_LINK = "http://localhost/reset-password?token=mailbox-secret-token";
let t: TestDb;
let app: TestApp;
let mailId: number;

before(async () => {
  t = await createTestDb();
  app = await startTestApp(t);
  const queued = await enqueueEmail(t.db, {
    to: "victim@dn.vn",
    locale: "vi",
    email: {
      template: "reset_password",
      subject: "Đặt lại mật khẩu",
      text: `Mở ${SECRET_LINK} (mailbox-private-marker)`,
      html: `<p>${SECRET_LINK} (mailbox-private-marker)</p>`,
    },
    requestedBy: { kind: "reset", ip: "203.0.113.99" },
  });
  assert.ok(queued, "queued");
  mailId = queued;
});
after(async () => {
  await app.close();
  await t.close();
});

/** A request straight from this machine: no proxy in between, so no X-Forwarded-For. */
const local = (base: string, path: string, headers: Record<string, string> = {}) => fetch(base + path, { redirect: "manual", headers });

function mailboxPaths() {
  return ["/dev/mailbox", `/dev/mailbox/${mailId}`, "/dev/mailbox.data", `/dev/mailbox/${mailId}.data`];
}

async function assertNoMailbox(res: Response, what: string) {
  assert.equal(res.status, 404, what);
  assert.doesNotMatch(await res.text(), /mailbox-private-marker|mailbox-secret-token/, what);
}

describe("developer mailbox", () => {
  test("in demo mode it answers a visitor on this machine", async () => {
    const index = await local(app.url, "/dev/mailbox");
    assert.equal(index.status, 200);
    assert.match(await index.text(), /Đặt lại mật khẩu/);
    const message = await local(app.url, `/dev/mailbox/${mailId}`);
    assert.equal(message.status, 200);
    assert.match(await message.text(), /mailbox-private-marker/);
  });

  test("a visitor from another address, reaching it through the trusted proxy, gets 404 (page and data requests)", async () => {
    const remote = new Client(app.url, "203.0.113.10");
    for (const path of mailboxPaths()) await assertNoMailbox(await remote.get(path), path);
    assert.doesNotMatch(await (await remote.get("/")).text(), /href="\/dev\/mailbox"/, "no mailbox link in the navigation");
  });

  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && !i.internal && i.family === "IPv4")?.address;
  test(
    "a connection from a non-loopback address gets 404 even when its X-Forwarded-For claims 127.0.0.1",
    { skip: external ? false : "this machine has no non-loopback IPv4 address to connect from" },
    async () => {
      const onInterface = await startTestApp(t, { host: external });
      try {
        const base = `http://${external}:${new URL(onInterface.url).port}`;
        for (const path of mailboxPaths()) {
          await assertNoMailbox(await local(base, path, { "X-Forwarded-For": "127.0.0.1" }), path);
          await assertNoMailbox(await local(base, path), path);
        }
      } finally {
        await onInterface.close();
      }
    },
  );

  test("in production mode it does not exist, not even for this machine", async () => {
    const production = await startTestApp(t, {
      env: { PORTAL_MODE: "production", DATABASE_URL: "postgres://portal_app@127.0.0.1:1/unused", SMTP_URL: "smtp://127.0.0.1:1" },
    });
    try {
      for (const path of mailboxPaths()) await assertNoMailbox(await local(production.url, path), path);
    } finally {
      await production.close();
    }
  });
});

describe("Cache-Control: no-store on pages that carry or show a live token", () => {
  const pages = [
    "/reset-password?token=abc",
    "/reset-password.data?token=abc",
    "/invite?token=abc",
    "/verify-email?token=abc",
    "/verify-email.data?token=abc",
    "/enterprise/join?token=abc",
    "/dev/mailbox",
    "/dev/mailbox/1",
  ];
  for (const page of pages) {
    test(`${page} (signed out)`, async () => {
      const res = await local(app.url, page);
      assert.match(res.headers.get("Cache-Control") ?? "", /no-store/);
    });
  }

  test("every route that reads a token from its URL is on the no-store list", () => {
    const readsToken = /searchParams\.get\(\s*["'`][\w-]*token[\w-]*["'`]\s*\)|params\.token\b/i;
    const found: string[] = [];
    for (const file of fs.readdirSync("app/routes")) {
      if (!readsToken.test(fs.readFileSync(`app/routes/${file}`, "utf8"))) continue;
      const url = routeUrl(file);
      found.push(url);
      assert.ok(isNoStorePath(url), `${file} (${url}) reads a token from its URL but is not in NO_STORE_PATHS`);
      assert.ok(isNoStorePath(`${url}.data`), `${url}.data`);
    }
    for (const known of ["/reset-password", "/invite", "/verify-email", "/enterprise/join"]) assert.ok(found.includes(known), `scan found ${known}`);
  });
});

/** The URL of a Remix flat route file: dots are slashes, [.] a literal dot, $param a segment, _index and _layout nothing. */
function routeUrl(file: string): string {
  const segments = file
    .replace(/\.tsx?$/, "")
    .replace(/\[\.\]/g, "~")
    .split(".")
    .filter((s) => s !== "_index" && !s.startsWith("_"))
    .map((s) => s.replace(/_$/, "").replace(/^\$.*/, "x").replace(/~/g, "."));
  return `/${segments.join("/")}`;
}

describe("TRUST_PROXY=1: the client is the address the proxy appended, not what the client wrote", () => {
  const PROXY_SAW = "192.0.2.91";

  async function account() {
    const email = uniqueEmail("proxy");
    await createUserDirect({ email, name: "Proxy", role: "enterprise", provinceCode: null, password: PASSWORD });
    return email;
  }

  test("the session records the right-most X-Forwarded-For entry", async () => {
    const email = await account();
    const c = new Client(app.url, `198.18.0.1, ${PROXY_SAW}`);
    assert.equal((await c.post("/login", { email, password: PASSWORD })).status, 302);
    const session = await t.db
      .selectFrom("sessions")
      .innerJoin("users", "users.id", "sessions.user_id")
      .select("sessions.ip")
      .where("users.email", "=", email)
      .executeTakeFirstOrThrow();
    assert.equal(session.ip, PROXY_SAW);
  });

  test("rotating the client-written left-most entries does not escape the sign-in limit", async () => {
    const email = await account();
    const attacker = new Client(app.url);
    let blocked: Response | undefined;
    for (let i = 0; i < 50 && !blocked; i++) {
      const res = await attacker.post("/login", { email, password: `wrong password ${i}` }, { "X-Forwarded-For": `10.${i}.0.1, ${PROXY_SAW}` });
      if (res.status === 429) blocked = res;
      else assert.equal(res.status, 400, `attempt ${i + 1}`);
    }
    assert.ok(blocked, "the same real client was throttled");
    const correct = await attacker.post("/login", { email, password: PASSWORD }, { "X-Forwarded-For": `10.250.0.1, ${PROXY_SAW}` });
    assert.equal(correct.status, 429, "still throttled with a fresh left-most entry");
  });

  test("writing the victim's address into X-Forwarded-For does not lock the victim out", async () => {
    const email = await account();
    const victimIp = "198.51.100.200";
    const attacker = new Client(app.url);
    for (let i = 0; i < 30; i++) {
      const res = await attacker.post("/login", { email, password: `wrong password ${i}` }, { "X-Forwarded-For": `${victimIp}, ${PROXY_SAW}` });
      assert.ok(res.status === 400 || res.status === 429, `attempt ${i + 1}: ${res.status}`);
    }
    const victim = new Client(app.url, victimIp);
    assert.equal((await victim.post("/login", { email, password: PASSWORD })).status, 302);
  });
});
