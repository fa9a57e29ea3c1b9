import fs from "node:fs/promises";
import path from "node:path";
import nodemailer, { type Transporter } from "nodemailer";
import type { OutboxEmail } from "~/platform/db/db-types.ts";
import type { DB } from "~/platform/db/db.server.ts";
import { randomUUID } from "node:crypto";
import {
  claimEmails,
  databaseNow,
  emailContent,
  markEmailFailed,
  markEmailRetry,
  markEmailSent,
  releaseWaitingEmails,
  renewLeases,
  unclaimEmails,
} from "./outbox.server.ts";

export interface MailerOptions {
  smtpUrl?: string;
  mailDir: string;
  from: string;
  messageIdDomain: string;
}

export interface Mailer {
  /** Sends one message; `signal` abandons it (its connection is closed and the send rejects). */
  send(email: OutboxEmail, opts?: { signal?: AbortSignal }): Promise<void>;
  close(): void;
}

/** SMTP connections one mailer keeps, and so the messages one worker has in flight (and claimed) at once. */
export const SMTP_CONNECTIONS = 4;

export function createMailer(opts: MailerOptions): Mailer {
  const transport: Transporter = opts.smtpUrl
    ? nodemailer.createTransport(smtpOptions(opts.smtpUrl))
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });

  return {
    async send(email, sendOpts) {
      const content = emailContent(email);
      const info = await transport.sendMail({
        signal: sendOpts?.signal,
        from: opts.from,
        to: email.to_address,
        subject: email.subject,
        text: content.text,
        html: content.html,
        messageId: `<${email.message_id}@${opts.messageIdDomain}>`,
        headers: { "Content-Language": email.locale, "Auto-Submitted": "auto-generated" },
      });
      if (!opts.smtpUrl) {
        await fs.mkdir(opts.mailDir, { recursive: true });
        const file = deliveredFile(opts.mailDir, email.id);
        await fs.writeFile(`${file}.eml`, (info as unknown as { message: Buffer }).message);
        // The text as delivered, for the demo's mailbox page: the database keeps messages without their tokens.
        const delivered: DeliveredEmail = { to: email.to_address, subject: email.subject, text: content.text };
        await fs.writeFile(`${file}.json`, JSON.stringify(delivered));
      }
    },
    close() {
      transport.close();
    },
  };
}

export interface DeliveredEmail {
  to: string;
  subject: string;
  text: string;
}

function deliveredFile(mailDir: string, id: number): string {
  return path.join(mailDir, String(id).padStart(8, "0"));
}

/** A message as the local mail delivery (no SMTP_URL) wrote it, if it was delivered there. */
export async function readDeliveredEmail(mailDir: string, id: number): Promise<DeliveredEmail | null> {
  try {
    return JSON.parse(await fs.readFile(`${deliveredFile(mailDir, id)}.json`, "utf8")) as DeliveredEmail;
  } catch {
    return null;
  }
}

/** smtp(s)://user:pass@host:port?ignoreTLS=true with short timeouts, so a slow server never holds a worker for long. */
export function smtpOptions(smtpUrl: string) {
  const url = new URL(smtpUrl);
  const secure = url.protocol === "smtps:";
  const flag = (name: string) => url.searchParams.get(name) === "true";
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    ignoreTLS: flag("ignoreTLS"),
    requireTLS: flag("requireTLS"),
    // One worker sends a batch at once over a few reused connections: a backlog (demo data, a mail server back after
    // an outage) drains in seconds, so a sign-up confirmation queued behind it is not held up.
    pool: true,
    maxConnections: SMTP_CONNECTIONS,
    idleTimeout: 1_000,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  };
}

/** 5xx SMTP replies are permanent; everything else (refused connection, timeout, 4xx) is worth retrying. */
export function isPermanentFailure(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

const UNREACHABLE_CODES = new Set(["ECONNECTION", "ETIMEDOUT", "ESOCKET", "EDNS", "ETLS", "ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * The mail server could not be reached or would not talk (connection refused, reset or timed out, DNS, TLS, 421
 * "service not available"): a failure of the server, not of the message, so the message is due again as soon as the
 * server answers.
 */
export function isServerUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; responseCode?: unknown };
  return e.responseCode === 421 || (typeof e.code === "string" && UNREACHABLE_CODES.has(e.code));
}

/** Backoff for a message's own transient failures (4xx on its recipient, a body that cannot be opened): 30 s
 * doubling to 15 minutes. Failures of the server itself are retried by the probe instead. */
export function defaultRetryDelaySeconds(attempt: number): number {
  return Math.min(30 * 2 ** Math.max(0, attempt - 1), MAX_RETRY_DELAY_SECONDS);
}
export const MAX_RETRY_DELAY_SECONDS = 15 * 60;

type Log = { info: (o: object, m?: string) => void; warn: (o: object, m?: string) => void; error: (o: object, m?: string) => void };

export interface WorkerOptions {
  db: DB;
  mailer: Mailer;
  /** Messages sent at once; the worker claims no more rows than it is sending. */
  concurrency?: number;
  /** A claim's lease; renewed every third of it while the worker lives, so a dead worker's claims return within it. */
  leaseSeconds?: number;
  pollMs?: number;
  /** While the mail server is unreachable, one message is tried this often (and nothing else). */
  probeSeconds?: number;
  /** How long stop() lets sends in progress finish before abandoning them. */
  stopGraceMs?: number;
  retryDelaySeconds?: (attempt: number) => number;
  /** Work that queues emails on a clock (deadline notices), run about once a minute before sending. */
  periodic?: () => Promise<unknown>;
  periodicMs?: number;
  /** Milliseconds; the probe and periodic timers read it (tests move it). */
  now?: () => number;
  log?: Log;
}

export interface OutboxWorker {
  /** This worker's claim id (outbox_emails.claimed_by). */
  readonly id: string;
  /** Sends what is due now; returns how many messages it handled. */
  tick(): Promise<number>;
  /** Extends the leases of the rows being sent; runs on a timer during a tick. */
  renewLeases(): Promise<void>;
  start(): void;
  /**
   * Stops claiming at once, lets the sends in progress finish (abandoning them after stopGraceMs), hands every row
   * this worker still holds back to the queue, and resolves. Never rejects.
   */
  stop(): Promise<void>;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

export function createOutboxWorker(opts: WorkerOptions): OutboxWorker {
  const id = randomUUID();
  const { db, mailer } = opts;
  const concurrency = opts.concurrency ?? SMTP_CONNECTIONS;
  const leaseSeconds = opts.leaseSeconds ?? 30;
  const pollMs = opts.pollMs ?? 2000;
  const probeMs = (opts.probeSeconds ?? 10) * 1000;
  const stopGraceMs = opts.stopGraceMs ?? 5000;
  const retryDelay = opts.retryDelaySeconds ?? defaultRetryDelaySeconds;
  const now = opts.now ?? Date.now;
  const log: Log = opts.log ?? { info() {}, warn() {}, error() {} };

  let timer: NodeJS.Timeout | undefined;
  let loop: Promise<unknown> = Promise.resolve();
  let started = false;
  let stopping = false;
  let aborting = false;
  let abandon = new AbortController();
  const ticks = new Set<Promise<unknown>>();
  // The mail server's state as this worker last saw it: unreachable since serverDownAt, last tried at lastProbeAt.
  let serverDownAt: number | null = null;
  let lastProbeAt = 0;
  let successes = 0;

  /** A database write after a send: a fault is logged and the lease brings the row back (at-least-once). */
  async function record(email: OutboxEmail, what: string, write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (error) {
      log.error({ emailId: email.id, err: error }, `could not record that the email was ${what}; it will be taken again when its lease ends`);
    }
  }

  async function handle(email: OutboxEmail, tick: { released: boolean }): Promise<void> {
    const successesBefore = successes;
    try {
      await mailer.send(email, { signal: abandon.signal });
    } catch (error) {
      await settleFailure(email, error, successes > successesBefore);
      return;
    }
    successes++;
    await record(email, "sent", () => markEmailSent(db, email.id));
    log.info({ emailId: email.id, template: email.template }, "email sent");
    if (serverDownAt !== null) {
      log.info({ downForSeconds: Math.round((now() - serverDownAt) / 1000) }, "mail server reachable again");
      serverDownAt = null;
    }
    if (!tick.released) {
      tick.released = true;
      await record(email, "sent (releasing deferred messages)", async () => {
        const released = await releaseWaitingEmails(db);
        if (released > 0) log.info({ released }, "messages deferred while the mail server was unreachable are due now");
      });
    }
  }

  async function settleFailure(email: OutboxEmail, error: unknown, othersWentMeanwhile: boolean): Promise<void> {
    const message = errorText(error);
    const claim = { id: email.id, workerId: id };
    if (aborting) {
      await record(email, "handed back", () => unclaimEmails(db, id, [email.id]));
      log.warn({ emailId: email.id, err: message }, "email send abandoned by a stopping worker; handed back");
      return;
    }
    if (isPermanentFailure(error)) {
      serverDownAt = null;
      await record(email, "failed", () => markEmailFailed(db, claim, message));
      log.error({ emailId: email.id, template: email.template, err: message }, "email failed permanently");
      return;
    }
    // An unreachable server while other messages went through at the same time is this message's problem.
    const serverDown = isServerUnavailable(error) && !othersWentMeanwhile;
    if (serverDown && serverDownAt === null) {
      serverDownAt = now();
      lastProbeAt = now();
      log.warn({ err: message, probeSeconds: probeMs / 1000 }, "mail server unreachable: sending paused, one message is tried every probeSeconds");
    } else if (!serverDown) {
      serverDownAt = null;
    }
    await record(email, "deferred", async () => {
      const status = await markEmailRetry(db, claim, { delaySeconds: retryDelay(email.attempts), error: message, waitingForServer: serverDown });
      if (status === "failed") log.error({ emailId: email.id, template: email.template, err: message }, "email failed: retry window over");
      else log.warn({ emailId: email.id, attempt: email.attempts, err: message }, "email will be retried");
    });
  }

  async function renew(): Promise<void> {
    try {
      await renewLeases(db, id, leaseSeconds);
    } catch (error) {
      log.error({ err: error }, "could not renew the outbox leases");
    }
  }

  /**
   * Claims and sends, keeping no more rows claimed than are being sent, until nothing claimable is left (or `limit`
   * messages were taken). Claims nothing once the server looks unreachable, except the one message of a probe.
   */
  async function drain(claim: { dueBy?: string; includeWaiting?: boolean; limit?: number; probe?: boolean }): Promise<number> {
    const tick = { released: false };
    const sending = new Set<Promise<void>>();
    const renewal = setInterval(() => void renew(), (leaseSeconds * 1000) / 3);
    renewal.unref();
    let handled = 0;
    let more = true;
    const room = () => Math.min(concurrency - sending.size, (claim.limit ?? Infinity) - handled);
    try {
      for (;;) {
        while (more && !stopping && (claim.probe || serverDownAt === null) && room() > 0) {
          const want = room();
          const batch = await claimEmails(db, { limit: want, leaseSeconds, workerId: id, dueBy: claim.dueBy, includeWaiting: claim.includeWaiting });
          if (stopping) {
            // Claimed while stop() began: back at once, untried.
            await unclaimEmails(
              db,
              id,
              batch.map((e) => e.id),
            );
            break;
          }
          if (batch.length < want) more = false;
          for (const email of batch) {
            const sent: Promise<void> = handle(email, tick).finally(() => sending.delete(sent));
            sending.add(sent);
            handled++;
          }
        }
        if (sending.size === 0) return handled;
        await Promise.race(sending);
      }
    } finally {
      await Promise.allSettled(sending);
      clearInterval(renewal);
    }
  }

  async function runTick(): Promise<number> {
    let handled = 0;
    if (serverDownAt !== null) {
      if (now() - lastProbeAt < probeMs) return 0;
      lastProbeAt = now();
      handled = await drain({ includeWaiting: true, limit: 1, probe: true });
      if (handled === 0) serverDownAt = null;
      if (serverDownAt !== null) return handled;
    }
    // Only what was due when the tick began: a message retried during this tick waits for the next one.
    const dueBy = await databaseNow(db);
    return handled + (await drain({ dueBy }));
  }

  function tick(): Promise<number> {
    if (stopping) return Promise.resolve(0);
    const run = runTick();
    ticks.add(run);
    void run.catch(() => {}).finally(() => ticks.delete(run));
    return run;
  }

  let lastPeriodic: number | null = null;
  async function periodicThenTick() {
    if (opts.periodic && (lastPeriodic === null || now() - lastPeriodic >= (opts.periodicMs ?? 60_000))) {
      lastPeriodic = now();
      await opts.periodic().catch((error) => log.error({ err: error }, "periodic job failed"));
    }
    return tick();
  }

  // The loop's one error handler: a failed tick (the database cut off, a query refused) is logged and the loop goes
  // on; the tick itself has already waited for its sends.
  function schedule() {
    if (stopping || !started) return;
    timer = setTimeout(() => {
      loop = periodicThenTick()
        .catch((error) => log.error({ err: error }, "outbox tick failed"))
        .finally(schedule);
    }, pollMs);
  }

  return {
    id,
    tick,
    renewLeases: renew,
    start() {
      if (started) return;
      started = true;
      stopping = false;
      aborting = false;
      abandon = new AbortController();
      schedule();
    },
    async stop() {
      stopping = true;
      started = false;
      if (timer) clearTimeout(timer);
      const settled = Promise.allSettled([loop, ...ticks]);
      const finished = await Promise.race([settled.then(() => true), sleep(stopGraceMs).then(() => false)]);
      if (!finished) {
        aborting = true;
        log.warn({ graceMs: stopGraceMs }, "outbox worker stopping: abandoning the sends still in progress");
        abandon.abort();
        await Promise.race([settled, sleep(2000)]);
      }
      // Whatever is still claimed (a send whose outcome could not be recorded): back to the queue now rather than
      // when the lease ends. Bounded, so a hung database cannot hold up a shutdown.
      const handBack = unclaimEmails(db, id).then(
        (handedBack) => {
          if (handedBack > 0) log.warn({ handedBack }, "outbox worker stopped: unsent claims handed back");
        },
        (error) => log.error({ err: error }, "outbox worker stopped: could not hand back its claims; their leases will end"),
      );
      await Promise.race([handBack, sleep(2000)]);
    },
  };
}
