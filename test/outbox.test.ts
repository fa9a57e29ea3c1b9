import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { sql } from "kysely";
import { createMailer, createOutboxWorker, defaultRetryDelaySeconds, isPermanentFailure, readDeliveredEmail } from "~/lib/mailer.server.ts";
import { verifyEmailMessage } from "~/lib/email-templates.server.ts";
import { enqueueEmail, UnlimitedTokenEmailError } from "~/models/outbox.server.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { startTestSmtp, type TestSmtp } from "./helpers/smtp.ts";

const noDelay = () => 0;
let queued = 0;

describe("email outbox", () => {
  let t: TestDb;
  let smtp: TestSmtp;
  before(async () => {
    t = await createTestDb();
    smtp = await startTestSmtp();
  });
  after(async () => {
    await smtp.stop();
    await t.close();
  });
  beforeEach(async () => {
    smtp.messages.length = 0;
    smtp.rejectRecipients.clear();
    await t.db.deleteFrom("outbox_emails").execute();
    await t.db.deleteFrom("rate_limits").execute();
  });

  function worker(overrides: Partial<Parameters<typeof createOutboxWorker>[0]> = {}) {
    const mailer = createMailer({ smtpUrl: smtp.url, mailDir: "", from: "Portal <no-reply@test.vn>", messageIdDomain: "test.vn" });
    return createOutboxWorker({ db: t.db, mailer, retryDelaySeconds: noDelay, ...overrides });
  }

  async function enqueue(to: string, locale: "vi" | "en" = "vi") {
    return enqueueEmail(t.db, {
      to,
      locale,
      email: verifyEmailMessage(locale, { name: "Nguyễn Văn A", url: "http://localhost/verify-email?token=abc" }),
      // The limits on emails a visitor can cause have their own tests (auth-http.test.ts).
      requestedBy: { kind: "confirmation", ip: `192.0.2.${queued++ % 250}` },
    });
  }

  async function statuses() {
    return t.db.selectFrom("outbox_emails").select(["id", "status", "attempts"]).orderBy("id").execute();
  }

  test("a message with a live link is stored without its token, sent with it, and its sealed copy is erased once sent", async () => {
    const token = "Zq3_live-token-value-0123456789abcdefghijkl";
    const url = `http://localhost/reset-password?token=${token}`;
    await enqueueEmail(t.db, {
      to: "c@dn.vn",
      locale: "vi",
      email: verifyEmailMessage("vi", { name: "C", url }),
      requestedBy: { kind: "reset", ip: "192.0.2.2" },
    });
    const stored = await t.db.selectFrom("outbox_emails").selectAll().executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(stored).includes(token), "no column holds the token in clear");
    assert.match(stored.text_body, /reset-password\?token=REMOVED/);
    assert.ok(stored.sealed_body);
    await worker().tick();
    assert.ok(smtp.messages[0]!.text?.includes(url), "the recipient gets the working link");
    const sent = await t.db.selectFrom("outbox_emails").selectAll().executeTakeFirstOrThrow();
    assert.equal(sent.status, "sent");
    assert.equal(sent.sealed_body, null, "nothing is left that could be unsealed later");
    assert.ok(!JSON.stringify(sent).includes(token));
  });

  test("a message with a live link cannot be queued without saying who asked for it (so limits always apply)", async () => {
    await assert.rejects(
      enqueueEmail(t.db, { to: "d@dn.vn", locale: "vi", email: verifyEmailMessage("vi", { name: "D", url: "http://localhost/invite?token=xyz" }) }),
      UnlimitedTokenEmailError,
    );
  });

  test("a queued message is delivered over SMTP with a stable Message-ID, in the recipient's language", async () => {
    const id = await enqueue("a@dn.vn", "en");
    assert.equal(await worker().tick(), 1);
    assert.equal(smtp.messages.length, 1);
    const m = smtp.messages[0]!;
    assert.equal(m.messageId, `<outbox-${id}@test.vn>`);
    assert.match(m.subject ?? "", /Confirm your email address/);
    assert.match(m.text ?? "", /verify-email\?token=abc/);
    assert.match(String(m.html), /<a href="http:\/\/localhost\/verify-email\?token=abc">/);
    assert.deepEqual((await statuses()).map((s) => s.status), ["sent"]);
  });

  test("an email queued in a rolled-back transaction is never sent", async () => {
    await assert.rejects(
      t.db.transaction().execute(async (trx) => {
        await enqueueEmail(trx, { to: "b@dn.vn", locale: "vi", email: verifyEmailMessage("vi", { name: "B", url: "http://x" }) });
        throw new Error("change failed");
      }),
    );
    assert.equal(await worker().tick(), 0);
    assert.equal(smtp.messages.length, 0);
  });

  test("while the server refuses connections rows stay pending; when it returns each is delivered exactly once", async () => {
    await smtp.stop();
    try {
      for (let i = 0; i < 12; i++) await enqueue(`user${i}@dn.vn`);
      const w = worker();
      await w.tick();
      await w.tick();
      const rows = await statuses();
      assert.ok(rows.every((r) => r.status === "pending" && r.attempts >= 1), JSON.stringify(rows));
    } finally {
      await smtp.start();
    }
    // Two workers racing over the same rows must not send anything twice.
    const [a, b] = [worker(), worker()];
    await Promise.all([a.tick(), b.tick()]);
    const rows = await statuses();
    assert.ok(rows.every((r) => r.status === "sent"), JSON.stringify(rows));
    const recipients = smtp.messages.map((m) => (Array.isArray(m.to) ? m.to[0] : m.to)?.text).sort();
    assert.equal(recipients.length, 12);
    assert.equal(new Set(recipients).size, 12);
  });

  test("a backlog drains in one tick over a few reused connections", async () => {
    const before = smtp.connections;
    for (let i = 0; i < 60; i++) await enqueue(`backlog${i}@dn.vn`);
    const started = performance.now();
    const handled = await worker().tick();
    const errors = await t.db.selectFrom("outbox_emails").select(["status", "last_error"]).where("status", "!=", "sent").execute();
    assert.equal(handled, 60, JSON.stringify(errors));
    const ms = performance.now() - started;
    assert.equal(smtp.messages.length, 60);
    assert.ok((await statuses()).every((r) => r.status === "sent"));
    assert.ok(smtp.connections - before <= 4, `${smtp.connections - before} connections for 60 messages`);
    assert.ok(ms < 5000, `${ms.toFixed(0)} ms`);
  });

  test("a 5xx answer marks the message failed; others still go", async () => {
    smtp.rejectRecipients.add("gone@dn.vn");
    await enqueue("gone@dn.vn");
    await enqueue("ok@dn.vn");
    await worker().tick();
    const rows = await t.db.selectFrom("outbox_emails").select(["to_address", "status", "last_error"]).orderBy("id").execute();
    assert.equal(rows[0]!.status, "failed");
    assert.match(rows[0]!.last_error ?? "", /550|unavailable/i);
    assert.equal(rows[1]!.status, "sent", rows[1]!.last_error ?? "");
  });

  test("transient failures back off exponentially and keep retrying for over 24 hours", async () => {
    assert.equal(isPermanentFailure({ responseCode: 421 }), false);
    assert.equal(isPermanentFailure(Object.assign(new Error("ECONNREFUSED"), { code: "ECONNREFUSED" })), false);
    assert.equal(isPermanentFailure({ responseCode: 554 }), true);
    const delays = Array.from({ length: 40 }, (_, i) => defaultRetryDelaySeconds(i + 1));
    assert.ok(delays[1]! > delays[0]! && delays[2]! > delays[1]!);
    assert.ok(delays.reduce((s, d) => s + d, 0) > 24 * 3600);
    await smtp.stop();
    try {
      await enqueue("late@dn.vn");
      await worker({ retryDelaySeconds: defaultRetryDelaySeconds }).tick();
      const row = await t.db
        .selectFrom("outbox_emails")
        .select(["status", sql<number>`extract(epoch from next_attempt_at - now())::int`.as("wait")])
        .executeTakeFirstOrThrow();
      assert.equal(row.status, "pending");
      assert.ok(row.wait > 10 && row.wait <= 30, String(row.wait));
    } finally {
      await smtp.start();
    }
  });

  test("a message claimed by a worker that died is taken again after its lease", async () => {
    await enqueue("lease@dn.vn");
    await t.db.updateTable("outbox_emails").set({ status: "sending", locked_until: sql`now() - interval '1 second'` }).execute();
    await worker().tick();
    assert.equal(smtp.messages.length, 1);
  });

  test("without SMTP_URL messages are written as .eml files for the developer mailbox", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mailbox-"));
    const id = await enqueue("dev@dn.vn");
    const w = createOutboxWorker({ db: t.db, mailer: createMailer({ mailDir: dir, from: "p@test.vn", messageIdDomain: "test.vn" }) });
    await w.tick();
    const file = fs.readFileSync(path.join(dir, `${String(id).padStart(8, "0")}.eml`), "utf8");
    assert.match(file, /^To: dev@dn.vn/m);
    assert.match(file, /Message-ID: <outbox-\d+@test.vn>/i);
    assert.match((await readDeliveredEmail(dir, id!))?.text ?? "", /verify-email\?token=abc/, "the local delivery keeps the working link");
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
