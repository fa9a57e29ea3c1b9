import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { sql } from "kysely";
import { createMailer, createOutboxWorker } from "~/platform/mail/mailer.server.ts";
import { verifyEmailMessage } from "~/platform/mail/email-templates.server.ts";
import { createUserDirect } from "~/features/account/account.server.ts";
import { enqueueEmail } from "~/platform/mail/outbox.server.ts";
import { Client, pageText, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { loginAs, PASSWORD, staffUser, uniqueEmail } from "./helpers/fixtures.ts";
import { startTestSmtp, type TestSmtp } from "./helpers/smtp.ts";

process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "outbox-http-"));

let t: TestDb;
let app: TestApp;
let smtp: TestSmtp;
let ipCounter = 0;

/** Each client its own address, so the per-address email limits of one test do not reach the next. */
const client = () => new Client(app.url, `198.51.100.${++ipCounter}`);

async function sendQueued() {
  const mailer = createMailer({ smtpUrl: smtp.url, mailDir: "", from: "p@test.vn", messageIdDomain: "test.vn" });
  try {
    await createOutboxWorker({ db: t.db, mailer, retryDelaySeconds: () => 0 }).tick();
  } finally {
    mailer.close();
  }
}

/** The main column of a page as a person reads it. */
async function mainText(res: Response): Promise<string> {
  const html = await res.text();
  const main = html.match(/<main[\s\S]*<\/main>/)?.[0] ?? html;
  return pageText(main).trim();
}

before(async () => {
  t = await createTestDb();
  app = await startTestApp(t);
  smtp = await startTestSmtp();
});
after(async () => {
  await app.close();
  await smtp.stop();
  await t.close();
});
beforeEach(() => {
  smtp.rejectRecipients.clear();
});

describe("the outgoing email page", () => {
  async function queued(to: string, opts: { status: "pending" | "failed"; error?: string; link?: boolean }) {
    const id = await enqueueEmail(t.db, {
      to,
      locale: "vi",
      email: verifyEmailMessage("vi", { name: "N", url: opts.link ? "http://localhost/verify-email?token=secret-token-value" : "http://localhost/platforms" }),
      requestedBy: { kind: "confirmation", ip: `192.0.2.${++ipCounter % 250}` },
    });
    if (opts.status === "failed") {
      await t.db
        .updateTable("outbox_emails")
        .set({ status: "failed", attempts: 3, last_error: opts.error ?? "550 Mailbox unavailable", sealed_body: null })
        .where("id", "=", id!)
        .execute();
    }
    return id!;
  }

  test("only administrators: anonymous visitors sign in first, everyone else gets 403, for the page and its form", async () => {
    const anonymous = await client().get("/admin/outbox");
    assert.equal(anonymous.status, 302);
    assert.match(anonymous.headers.get("Location") ?? "", /^\/login/);
    for (const role of ["enterprise", "province_reviewer", "ministry_reviewer"] as const) {
      const c = client();
      if (role === "enterprise") {
        await loginAs(c, await createUserDirect({ email: uniqueEmail("ent"), name: "E", role, provinceCode: null, password: PASSWORD }));
      } else {
        await loginAs(c, await staffUser(role, role === "province_reviewer" ? "79" : null));
      }
      assert.equal((await c.get("/admin/outbox")).status, 403, role);
      assert.equal((await c.post("/admin/outbox", { intent: "retryAll" })).status, 403, role);
    }
  });

  test("shows queue depth, oldest age, pending and failed messages with masked recipients; retry one and retry all, audited", async () => {
    await t.db.deleteFrom("outbox_emails").execute();
    const waiting = await queued("nguyenvana@dn.vn", { status: "pending" });
    await t.db.updateTable("outbox_emails").set({ created_at: sql`now() - interval '5 minutes'` }).where("id", "=", waiting).execute();
    const bounced = await queued("tranthib@dn.vn", { status: "failed" });
    const other = await queued("levanc@dn.vn", { status: "failed", error: "451 try later (retry window over)" });
    const withLink = await queued("phamd@dn.vn", { status: "failed", link: true });

    const admin = client();
    const adminUser = await staffUser("admin");
    await loginAs(admin, adminUser);
    const page = await admin.get("/admin/outbox");
    assert.equal(page.status, 200);
    const html = await page.text();
    const text = pageText(html);
    assert.match(html, /id="outbox-pending">1</);
    assert.match(html, /id="outbox-failed">3</);
    assert.match(text, /Thư chờ lâu nhất 5 phút/);
    assert.match(text, /ng•••@dn\.vn/);
    assert.match(text, /tr•••@dn\.vn/);
    assert.match(text, /550 Mailbox unavailable/);
    assert.ok(!html.includes("nguyenvana@") && !html.includes("tranthib@"), "full addresses never reach the page");
    const retryButtons = [...html.matchAll(/name="id" value="(\d+)"/g)].map((m) => Number(m[1]));
    assert.deepEqual(retryButtons.sort(), [bounced, other].sort(), "no retry for a message whose link was erased");
    assert.match(text, /Không gửi lại được: người nhận cần yêu cầu lại đường liên kết/);

    const retried = await admin.post("/admin/outbox", { intent: "retry", id: String(bounced) });
    assert.equal(retried.status, 302);
    assert.equal(retried.headers.get("Location"), "/admin/outbox");
    assert.match(pageText(await (await admin.get("/admin/outbox")).text()), /Đã đưa thư trở lại hàng đợi để gửi lại\./);
    const row = await t.db
      .selectFrom("outbox_emails")
      .select(["status", "attempts", sql<boolean>`next_attempt_at <= now()`.as("due"), sql<number>`extract(epoch from give_up_at - now())::int`.as("window")])
      .where("id", "=", bounced)
      .executeTakeFirstOrThrow();
    assert.equal(row.status, "pending");
    assert.equal(row.attempts, 0);
    assert.equal(row.due, true);
    assert.ok(row.window > 25 * 3600, "a fresh retry window");
    const audit = await t.db.selectFrom("audit_events").select(["actor_user_id", "action", "entity_id", "data"]).where("entity_type", "=", "outbox_email").execute();
    assert.deepEqual(
      audit.map((a) => [a.actor_user_id, a.action, a.entity_id]),
      [[adminUser.id, "email.retried", String(bounced)]],
    );

    assert.equal((await admin.post("/admin/outbox", { intent: "retryAll" })).status, 302);
    const statuses = await t.db.selectFrom("outbox_emails").select(["id", "status"]).orderBy("id").execute();
    assert.deepEqual(
      statuses.map((s) => [s.id, s.status]),
      [
        [waiting, "pending"],
        [bounced, "pending"],
        [other, "pending"],
        [withLink, "failed"],
      ],
    );
    const all = await t.db.selectFrom("audit_events").select(["action", "data"]).where("action", "=", "email.retried_all").executeTakeFirstOrThrow();
    assert.deepEqual((all.data as { ids: number[] }).ids, [other]);

    // Nothing left to retry: told so, nothing audited.
    const none = await admin.post("/admin/outbox", { intent: "retry", id: String(withLink) });
    assert.equal(none.status, 302);
    assert.match(pageText(await (await admin.get("/admin/outbox")).text()), /Không có thư nào được gửi lại/);
    for (const bad of [{ intent: "retry", id: "x" }, { intent: "retry", id: "99999999999" }, { intent: "delete" }, {}]) {
      assert.equal((await admin.post("/admin/outbox", bad as Record<string, string>)).status, 400, JSON.stringify(bad));
    }
  });
});

describe("telling people their account email bounced", () => {
  test("sign-up: the check-your-email page says the confirmation was refused, whether or not the address had an account", async () => {
    const typo = uniqueEmail("typo");
    smtp.rejectRecipients.add(typo);
    const c = client();
    const res = await c.post("/signup", { name: "Nguyễn Văn A", email: typo, password: "a long enough passphrase 42", passwordConfirm: "a long enough passphrase 42" });
    assert.equal(res.status, 302);
    const page = res.headers.get("Location")!;
    assert.match(page, /^\/signup\?sent=.+&receipt=[0-9a-f-]{36}$/);
    assert.match(await mainText(await c.get(page)), /Kiểm tra hộp thư của bạn/, "before the worker has tried");
    await sendQueued();
    const bounced = await mainText(await c.get(page));
    assert.match(bounced, /Thư không đến được địa chỉ này/);
    assert.ok(bounced.includes(`Máy chủ thư của ${typo} đã từ chối thư xác nhận`), bounced);

    // Signing up again with an address that has an account sends it a notice instead; its bounce reads the same.
    const again = await client().post("/signup", { name: "Someone", email: typo, password: "another long passphrase 43", passwordConfirm: "another long passphrase 43" });
    const secondPage = again.headers.get("Location")!;
    await sendQueued();
    assert.equal(await mainText(await client().get(secondPage)), bounced);

    // A delivered one, and a receipt that matches nothing, show the ordinary page.
    const fine = uniqueEmail("fine");
    const ok = await client().post("/signup", { name: "B", email: fine, password: "a long enough passphrase 44", passwordConfirm: "a long enough passphrase 44" });
    await sendQueued();
    assert.match(await mainText(await client().get(ok.headers.get("Location")!)), /Kiểm tra hộp thư của bạn/);
    const forged = page.replace(/receipt=[0-9a-f-]+/, "receipt=00000000-0000-4000-8000-000000000000");
    assert.match(await mainText(await client().get(forged)), /Kiểm tra hộp thư của bạn/);
    assert.equal((await client().get(`/signup?sent=${encodeURIComponent(typo)}&receipt=${"x".repeat(5000)}`)).status, 200);
  });

  test("sign-in with the right password tells an unconfirmed account its confirmation bounced; a wrong password does not", async () => {
    const typo = uniqueEmail("unconfirmed");
    smtp.rejectRecipients.add(typo);
    const c = client();
    await c.post("/signup", { name: "C", email: typo, password: "a long enough passphrase 45", passwordConfirm: "a long enough passphrase 45" });
    await sendQueued();
    const wrong = await client().post("/login", { email: typo, password: "not the password at all" });
    assert.equal(wrong.status, 400);
    assert.doesNotMatch(await mainText(wrong), /từ chối/);
    const right = await client().post("/login", { email: typo, password: "a long enough passphrase 45" });
    assert.equal(right.status, 400);
    assert.ok((await mainText(right)).includes(`máy chủ thư của ${typo} đã từ chối thư xác nhận trước`));
  });

  test("password reset: a bounce is shown only to a browser that signed in as that address; otherwise the page is the same as for an address without an account", async () => {
    const dead = uniqueEmail("dead");
    const user = await createUserDirect({ email: dead, name: "D", role: "enterprise", provinceCode: null, password: PASSWORD });
    const own = client();
    await loginAs(own, user);
    smtp.rejectRecipients.add(dead);

    const request = async (c: Client, email: string) => {
      const res = await c.post("/forgot-password", { email });
      assert.equal(res.status, 302);
      const location = res.headers.get("Location")!;
      assert.match(location, /^\/forgot-password\?sent=.+&receipt=[0-9a-f-]{36}$/, "a receipt either way");
      return location;
    };
    const ownPage = await request(own, dead);
    const strangerPage = await request(client(), dead);
    const unknown = uniqueEmail("nobody");
    const unknownPage = await request(client(), unknown);
    await sendQueued();
    assert.equal(smtp.messages.filter((m) => JSON.stringify(m.to).includes(unknown)).length, 0, "nothing sent to an address without an account");

    const ownText = await mainText(await own.get(ownPage));
    assert.ok(ownText.includes(`Máy chủ thư của ${dead} đã từ chối thư đặt lại mật khẩu`), ownText);
    const stranger = (await mainText(await client().get(strangerPage))).replaceAll(dead, "ADDRESS");
    const nobody = (await mainText(await client().get(unknownPage))).replaceAll(unknown, "ADDRESS");
    assert.equal(stranger, nobody, "a stranger cannot tell the bounced account from an address without one");
    assert.match(nobody, /Chưa nhận được thư sau 15 phút\?/);
    // The browser that signed in as the address cannot read another address's receipt through its own.
    const otherReceipt = new URL(strangerPage, app.url).searchParams.get("receipt")!;
    const crossed = `/forgot-password?${new URLSearchParams({ sent: unknown, receipt: otherReceipt })}`;
    assert.doesNotMatch(await mainText(await own.get(crossed)), /từ chối/);
  });
});

test("/readyz does not depend on the outbox: a long-overdue message leaves a web instance ready", async () => {
  await enqueueEmail(t.db, { to: "late@dn.vn", locale: "vi", email: verifyEmailMessage("vi", { name: "L", url: "http://localhost/platforms" }) });
  await t.db.updateTable("outbox_emails").set({ next_attempt_at: sql`now() - interval '2 hours'`, created_at: sql`now() - interval '2 hours'` }).execute();
  const res = await client().get("/readyz");
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { status: string }).status, "ready");
});
