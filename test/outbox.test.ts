import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { sql, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from "kysely";
import {
  createMailer,
  createOutboxWorker,
  defaultRetryDelaySeconds,
  isPermanentFailure,
  isServerUnavailable,
  MAX_RETRY_DELAY_SECONDS,
  readDeliveredEmail,
  type Mailer,
} from "~/platform/mail/mailer.server.ts";
import { verifyEmailMessage } from "~/platform/mail/email-templates.server.ts";
import { enqueueEmail, maskAddress, outboxStats, UnlimitedTokenEmailError } from "~/platform/mail/outbox.server.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { startTestSmtp, type TestSmtp } from "./helpers/smtp.ts";

const noDelay = () => 0;
let queued = 0;

/** Polls until `check` holds (a bound for things that happen on another promise chain, not a timing assertion). */
async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const until = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A mailer whose sends wait until released; an abandoned send rejects as nodemailer's does (EABORT). */
function gatedMailer() {
  const delivered: number[] = [];
  const waiting = new Set<{ id: number; resolve: () => void }>();
  let open = false;
  const mailer: Mailer = {
    send(email, opts) {
      if (open) {
        delivered.push(email.id);
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        const entry = {
          id: email.id,
          resolve: () => {
            delivered.push(email.id);
            resolve();
          },
        };
        waiting.add(entry);
        opts?.signal?.addEventListener("abort", () => {
          waiting.delete(entry);
          reject(Object.assign(new Error("Message sending aborted"), { code: "EABORT" }));
        });
      });
    },
    close() {},
  };
  return {
    mailer,
    delivered,
    inFlight: () => waiting.size,
    release() {
      open = true;
      for (const entry of [...waiting]) entry.resolve();
      waiting.clear();
    },
  };
}

/** Every query fails while `cut` is on, as when the database connection is cut. */
class CutConnection implements KyselyPlugin {
  cut = false;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.cut) throw new Error("Connection terminated unexpectedly");
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

function captureLog() {
  const lines: { level: string; msg: string; o: object }[] = [];
  const at = (level: string) => (o: object, msg?: string) => void lines.push({ level, msg: msg ?? "", o });
  return { lines, log: { info: at("info"), warn: at("warn"), error: at("error") }, has: (msg: string) => lines.some((l) => l.msg.startsWith(msg)) };
}

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
    smtp.deferRecipients.clear();
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
    return t.db.selectFrom("outbox_emails").select(["id", "status", "attempts", "claimed_by", "waiting_for_server"]).orderBy("id").execute();
  }

  function recipients(): string[] {
    return smtp.messages.map((m) => (Array.isArray(m.to) ? m.to[0] : m.to)?.text ?? "").sort();
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
    const { message_id } = await t.db.selectFrom("outbox_emails").select("message_id").where("id", "=", id).executeTakeFirstOrThrow();
    assert.equal(await worker().tick(), 1);
    assert.equal(smtp.messages.length, 1);
    const m = smtp.messages[0]!;
    assert.match(message_id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(m.messageId, `<${message_id}@test.vn>`);
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
      assert.ok(rows.every((r) => r.status === "pending" && r.claimed_by === null), JSON.stringify(rows));
      // The first failures paused the worker: the second tick tried nothing.
      assert.equal(
        rows.reduce((n, r) => n + r.attempts, 0),
        4,
        JSON.stringify(rows),
      );
    } finally {
      await smtp.start();
    }
    // Two workers racing over the same rows must not send anything twice.
    const [a, b] = [worker(), worker()];
    await Promise.all([a.tick(), b.tick()]);
    await Promise.all([a.tick(), b.tick()]);
    const rows = await statuses();
    assert.ok(rows.every((r) => r.status === "sent"), JSON.stringify(rows));
    assert.equal(recipients().length, 12);
    assert.equal(new Set(recipients()).size, 12);
  });

  test("a backlog drains in one tick over a few reused connections", async () => {
    const before = smtp.connections;
    for (let i = 0; i < 60; i++) await enqueue(`backlog${i}@dn.vn`);
    const handled = await worker().tick();
    const errors = await t.db.selectFrom("outbox_emails").select(["status", "last_error"]).where("status", "!=", "sent").execute();
    assert.equal(handled, 60, JSON.stringify(errors));
    assert.equal(smtp.messages.length, 60);
    assert.ok((await statuses()).every((r) => r.status === "sent"));
    assert.ok(smtp.connections - before <= 4, `${smtp.connections - before} connections for 60 messages`);
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

  test("a message's own transient failures back off to at most 15 minutes, for 26 hours; then it fails", async () => {
    assert.equal(isPermanentFailure({ responseCode: 421 }), false);
    assert.equal(isPermanentFailure(Object.assign(new Error("ECONNREFUSED"), { code: "ESOCKET" })), false);
    assert.equal(isPermanentFailure({ responseCode: 554 }), true);
    assert.equal(isServerUnavailable({ code: "ESOCKET", command: "CONN" }), true);
    assert.equal(isServerUnavailable({ responseCode: 421 }), true);
    assert.equal(isServerUnavailable({ responseCode: 451, code: "EENVELOPE" }), false);
    const delays = Array.from({ length: 40 }, (_, i) => defaultRetryDelaySeconds(i + 1));
    assert.ok(delays[1]! > delays[0]! && delays[2]! > delays[1]!);
    assert.equal(Math.max(...delays), MAX_RETRY_DELAY_SECONDS);
    assert.equal(MAX_RETRY_DELAY_SECONDS, 900);

    smtp.deferRecipients.add("late@dn.vn");
    await enqueue("late@dn.vn");
    const w = worker({ retryDelaySeconds: defaultRetryDelaySeconds });
    await w.tick();
    const row = await t.db
      .selectFrom("outbox_emails")
      .select([
        "status",
        "waiting_for_server",
        sql<number>`extract(epoch from next_attempt_at - now())::int`.as("wait"),
        sql<number>`extract(epoch from give_up_at - created_at)::int`.as("window"),
      ])
      .executeTakeFirstOrThrow();
    assert.equal(row.status, "pending");
    assert.equal(row.waiting_for_server, false, "the server answered: this message's own problem");
    assert.ok(row.wait > 10 && row.wait <= 30, String(row.wait));
    assert.equal(row.window, 26 * 3600);

    await t.db.updateTable("outbox_emails").set({ give_up_at: sql`now() - interval '1 second'`, next_attempt_at: sql`now() - interval '1 second'` }).execute();
    await w.tick();
    const last = await t.db.selectFrom("outbox_emails").select(["status", "last_error", "sealed_body"]).executeTakeFirstOrThrow();
    assert.equal(last.status, "failed");
    assert.match(last.last_error ?? "", /451/);
    assert.equal(last.sealed_body, null);
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
    assert.match(file, /Message-ID: <[0-9a-f-]{36}@test.vn>/i);
    assert.match((await readDeliveredEmail(dir, id!))?.text ?? "", /verify-email\?token=abc/, "the local delivery keeps the working link");
    fs.rmSync(dir, { recursive: true, force: true });
  });
  test("Message-IDs are random per message and kept across retries: a restored database does not repeat them", async () => {
    smtp.deferRecipients.add("retry@dn.vn");
    const id = await enqueue("retry@dn.vn");
    const w = worker();
    await w.tick();
    smtp.deferRecipients.clear();
    await w.tick();
    const { message_id: first } = await t.db.selectFrom("outbox_emails").select("message_id").where("id", "=", id).executeTakeFirstOrThrow();
    assert.equal(smtp.messages.length, 1);
    assert.equal(smtp.messages[0]!.messageId, `<${first}@test.vn>`, "the retry went with the id the message was queued with");
    // A database restored from a backup hands out the same row ids again.
    await t.db.deleteFrom("outbox_emails").execute();
    await sql`alter table outbox_emails alter column id restart with ${sql.lit(id!)}`.execute(t.db);
    assert.equal(await enqueue("other@dn.vn"), id);
    await worker().tick();
    assert.equal(smtp.messages.length, 2);
    assert.notEqual(smtp.messages[1]!.messageId, smtp.messages[0]!.messageId);
  });

  describe("after an outage", { timeout: 20_000 }, () => {
    test("while the server is unreachable one message is tried per probe interval; when it answers everything goes at once", async () => {
      let clock = 1_000_000;
      await smtp.stop();
      let w: ReturnType<typeof worker>;
      try {
        for (let i = 0; i < 10; i++) await enqueue(`outage${i}@dn.vn`);
        w = worker({ retryDelaySeconds: defaultRetryDelaySeconds, now: () => clock, probeSeconds: 10 });
        assert.equal(await w.tick(), 4, "one round of sends, then the worker pauses");
        assert.equal(await w.tick(), 0);
        clock += 9_000;
        assert.equal(await w.tick(), 0, "nothing before the probe interval");
        clock += 1_000;
        assert.equal(await w.tick(), 1, "the probe: one message");
        const rows = await statuses();
        assert.equal(rows.reduce((n, r) => n + r.attempts, 0), 5);
        assert.equal(rows.filter((r) => r.waiting_for_server).length, 5, "deferred because of the server, not the message");
      } finally {
        await smtp.start();
      }
      assert.equal(await w.tick(), 0, "the next probe is not due yet");
      clock += 10_000;
      assert.equal(await w.tick(), 10, "the probe went through, then the deferred and the untried messages in the same tick");
      assert.equal(smtp.messages.length, 10);
      assert.equal(new Set(recipients()).size, 10);
      assert.ok((await statuses()).every((r) => r.status === "sent" && !r.waiting_for_server));
    });

    test("a send by any worker makes the messages deferred by the outage due at once; a message refused on its own is not", async () => {
      await smtp.stop();
      try {
        for (let i = 0; i < 3; i++) await enqueue(`deferred${i}@dn.vn`);
        await worker({ retryDelaySeconds: defaultRetryDelaySeconds }).tick();
        assert.ok((await statuses()).every((r) => r.status === "pending" && r.waiting_for_server));
      } finally {
        await smtp.start();
      }
      smtp.deferRecipients.add("greylisted@dn.vn");
      await enqueue("greylisted@dn.vn");
      await enqueue("fresh@dn.vn");
      const other = worker({ retryDelaySeconds: defaultRetryDelaySeconds });
      await other.tick();
      assert.deepEqual(recipients(), ["fresh@dn.vn"]);
      await other.tick();
      assert.deepEqual(recipients(), ["deferred0@dn.vn", "deferred1@dn.vn", "deferred2@dn.vn", "fresh@dn.vn"], "30 s backoffs cut short");
      const greylisted = await t.db
        .selectFrom("outbox_emails")
        .select(["status", "waiting_for_server", sql<boolean>`next_attempt_at > now()`.as("later")])
        .where("to_address", "=", "greylisted@dn.vn")
        .executeTakeFirstOrThrow();
      assert.deepEqual(greylisted, { status: "pending", waiting_for_server: false, later: true }, "its own 451 keeps its backoff");
    });
  });

  // A worker that kept claiming after stop() would never settle: fail rather than hang.
  describe("claims, leases and stopping", { timeout: 20_000 }, () => {
    test("a worker claims only what it is sending; if it dies those come back when the lease ends, and only they can repeat", async () => {
      for (let i = 0; i < 10; i++) await enqueue(`lease${i}@dn.vn`);
      const gate = gatedMailer();
      const dying = worker({ mailer: gate.mailer, concurrency: 3, leaseSeconds: 30 });
      const run = dying.tick();
      await waitFor(() => gate.inFlight() === 3, "three sends in flight");
      const rows = await t.db
        .selectFrom("outbox_emails")
        .select(["status", "attempts", "claimed_by", sql<number>`extract(epoch from locked_until - now())`.as("lease")])
        .execute();
      const claimed = rows.filter((r) => r.status === "sending");
      assert.equal(claimed.length, 3, "nothing claimed that is not being sent");
      assert.ok(claimed.every((r) => r.claimed_by === dying.id && r.lease > 20 && r.lease <= 30), JSON.stringify(claimed));
      assert.equal(rows.filter((r) => r.status === "pending" && r.attempts === 0).length, 7);

      // A live worker keeps its claims: renewal moves the lease on.
      await t.db.updateTable("outbox_emails").set({ locked_until: sql`now() + interval '1 second'` }).where("status", "=", "sending").execute();
      await dying.renewLeases();
      const renewed = await t.db.selectFrom("outbox_emails").select(sql<number>`min(extract(epoch from locked_until - now()))`.as("lease")).where("status", "=", "sending").executeTakeFirstOrThrow();
      assert.ok(Number(renewed.lease) > 20, String(renewed.lease));

      // kill -9: no more renewals, and the lease runs out.
      await t.db.updateTable("outbox_emails").set({ locked_until: sql`now() - interval '1 second'` }).where("status", "=", "sending").execute();
      assert.equal(await worker().tick(), 10);
      assert.equal(new Set(recipients()).size, 10);
      // The dead worker's three sends had reached the server: those, and only those, arrive twice.
      gate.release();
      await run;
      assert.equal(gate.delivered.length, 3);
      assert.equal(gate.delivered.length + smtp.messages.length - 10, 3, "three repeats: the messages in flight at the kill");
      assert.ok((await statuses()).every((r) => r.status === "sent"));
    });

    test("stop() claims nothing more, lets the sends in flight finish and resolves; the rest is left to other workers", async () => {
      for (let i = 0; i < 6; i++) await enqueue(`stop${i}@dn.vn`);
      const gate = gatedMailer();
      const w = worker({ mailer: gate.mailer, concurrency: 3 });
      const run = w.tick();
      await waitFor(() => gate.inFlight() === 3, "three sends in flight");
      let stopped = false;
      const stopping = w.stop().then(() => (stopped = true));
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(stopped, false, "waits for the sends in flight");
      gate.release();
      await stopping;
      assert.equal(await run, 3);
      const rows = await statuses();
      assert.equal(rows.filter((r) => r.status === "sent").length, 3);
      assert.ok(rows.every((r) => r.status === "sent" || (r.status === "pending" && r.attempts === 0 && r.claimed_by === null)), JSON.stringify(rows));
      assert.equal(await w.tick(), 0, "a stopped worker claims nothing");
      assert.equal(await worker().tick(), 3);
      assert.ok((await statuses()).every((r) => r.status === "sent"));
      assert.equal(gate.delivered.length + smtp.messages.length, 6, "six rows sent by six sends: none twice");
    });

    test("stop() abandons sends that do not finish in time and hands their rows back at once, untried", async () => {
      for (let i = 0; i < 5; i++) await enqueue(`hung${i}@dn.vn`);
      const gate = gatedMailer();
      const log = captureLog();
      const w = worker({ mailer: gate.mailer, concurrency: 4, stopGraceMs: 30, log: log.log });
      const run = w.tick();
      await waitFor(() => gate.inFlight() === 4, "four sends in flight");
      await w.stop();
      assert.equal(await run, 4);
      assert.equal(gate.inFlight(), 0);
      const rows = await statuses();
      assert.ok(rows.every((r) => r.status === "pending" && r.attempts === 0 && r.claimed_by === null), JSON.stringify(rows));
      assert.ok(log.has("email send abandoned by a stopping worker"));
      assert.equal(await worker().tick(), 5, "due at once for another worker");
      assert.equal(new Set(recipients()).size, 5);
      assert.equal(gate.delivered.length, 0, "no message twice");
    });

    test("rows claimed by a worker that could not record its sends are handed back when it stops", async () => {
      await enqueue("orphan@dn.vn");
      const w = worker();
      // As if a send's outcome could not be written: the row is still 'sending' under this worker's claim.
      await t.db.updateTable("outbox_emails").set({ status: "sending", claimed_by: w.id, attempts: 1, locked_until: sql`now() + interval '30 seconds'` }).execute();
      await w.stop();
      assert.deepEqual((await statuses()).map((r) => [r.status, r.attempts, r.claimed_by]), [["pending", 0, null]]);
    });
  });

  describe("database faults", { timeout: 20_000 }, () => {
    test("a cut connection during a tick is logged and the loop goes on", async () => {
      const cut = new CutConnection();
      const log = captureLog();
      await enqueue("fault@dn.vn");
      cut.cut = true;
      const w = worker({ db: t.db.withPlugin(cut), pollMs: 5, log: log.log });
      w.start();
      try {
        await waitFor(() => log.lines.filter((l) => l.msg === "outbox tick failed").length >= 2, "two failed ticks");
        cut.cut = false;
        await waitFor(() => smtp.messages.length === 1, "the message sent once the database is back");
      } finally {
        await w.stop();
      }
      assert.deepEqual((await statuses()).map((r) => r.status), ["sent"]);
    });

    test("a database fault after a send is logged; the tick ends normally and the row comes back with its lease", async () => {
      const cut = new CutConnection();
      const log = captureLog();
      const real = createMailer({ smtpUrl: smtp.url, mailDir: "", from: "p@test.vn", messageIdDomain: "test.vn" });
      const mailer: Mailer = {
        async send(email, opts) {
          await real.send(email, opts);
          cut.cut = true;
        },
        close: () => real.close(),
      };
      await enqueue("unrecorded@dn.vn");
      const w = worker({ db: t.db.withPlugin(cut), mailer, log: log.log });
      assert.equal(await w.tick(), 1);
      assert.ok(log.has("could not record that the email was sent"), JSON.stringify(log.lines));
      cut.cut = false;
      assert.deepEqual((await statuses()).map((r) => r.status), ["sending"]);
    });
  });

  test("outboxStats: queue depth, failed count and the age of the oldest pending message", async () => {
    assert.deepEqual(await outboxStats(t.db), { pending: 0, failed: 0, oldestPendingAgeSeconds: null });
    smtp.rejectRecipients.add("bounce@dn.vn");
    await enqueue("bounce@dn.vn");
    await worker().tick();
    await enqueue("wait1@dn.vn");
    await enqueue("wait2@dn.vn");
    await t.db.updateTable("outbox_emails").set({ created_at: sql`now() - interval '90 seconds'` }).where("to_address", "=", "wait1@dn.vn").execute();
    const stats = await outboxStats(t.db);
    assert.equal(stats.pending, 2);
    assert.equal(stats.failed, 1);
    assert.ok(stats.oldestPendingAgeSeconds !== null && stats.oldestPendingAgeSeconds >= 89 && stats.oldestPendingAgeSeconds <= 100, String(stats.oldestPendingAgeSeconds));
  });

  test("recipients are masked for the admin page", () => {
    assert.equal(maskAddress("nguyenvana@dn.vn"), "ng•••@dn.vn");
    assert.equal(maskAddress("abc@dn.vn"), "a•••@dn.vn");
    assert.equal(maskAddress("a@dn.vn"), "•••@dn.vn");
  });
});
