import fs from "node:fs/promises";
import path from "node:path";
import nodemailer, { type Transporter } from "nodemailer";
import type { OutboxEmail } from "./db-types.ts";
import type { DB } from "./db.server.ts";
import { claimDueEmails, databaseNow, emailContent, markEmailFailed, markEmailRetry, markEmailSent } from "~/models/outbox.server.ts";

export interface MailerOptions {
  smtpUrl?: string;
  mailDir: string;
  from: string;
  messageIdDomain: string;
}

export interface Mailer {
  send(email: OutboxEmail): Promise<void>;
  close(): void;
}

export function createMailer(opts: MailerOptions): Mailer {
  const transport: Transporter = opts.smtpUrl
    ? nodemailer.createTransport(smtpOptions(opts.smtpUrl))
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });

  return {
    async send(email) {
      const content = emailContent(email);
      const info = await transport.sendMail({
        from: opts.from,
        to: email.to_address,
        subject: email.subject,
        text: content.text,
        html: content.html,
        messageId: `<outbox-${email.id}@${opts.messageIdDomain}>`,
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
    maxConnections: 4,
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

export const RETRY_WINDOW_SECONDS = 26 * 3600;

export function defaultRetryDelaySeconds(attempt: number): number {
  return Math.min(30 * 2 ** Math.max(0, attempt - 1), 3600);
}

export interface WorkerOptions {
  db: DB;
  mailer: Mailer;
  batchSize?: number;
  leaseSeconds?: number;
  pollMs?: number;
  retryDelaySeconds?: (attempt: number) => number;
  /** Work that queues emails on a clock (deadline notices), run about once a minute before sending. */
  periodic?: () => Promise<unknown>;
  periodicMs?: number;
  log?: { info: (o: object, m?: string) => void; warn: (o: object, m?: string) => void; error: (o: object, m?: string) => void };
}

export interface OutboxWorker {
  /** Sends what is due now; returns how many messages it handled. */
  tick(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

export function createOutboxWorker(opts: WorkerOptions): OutboxWorker {
  const batchSize = opts.batchSize ?? 10;
  const leaseSeconds = opts.leaseSeconds ?? 120;
  const pollMs = opts.pollMs ?? 2000;
  const retryDelay = opts.retryDelaySeconds ?? defaultRetryDelaySeconds;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = true;

  async function handle(email: OutboxEmail): Promise<void> {
    try {
      await opts.mailer.send(email);
      await markEmailSent(opts.db, email.id);
      opts.log?.info({ emailId: email.id, template: email.template }, "email sent");
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const ageSeconds = (Date.now() - new Date(email.created_at).getTime()) / 1000;
      if (isPermanentFailure(error) || ageSeconds > RETRY_WINDOW_SECONDS) {
        await markEmailFailed(opts.db, email.id, message);
        opts.log?.error({ emailId: email.id, err: message }, "email failed permanently");
      } else {
        await markEmailRetry(opts.db, email.id, retryDelay(email.attempts), message);
        opts.log?.warn({ emailId: email.id, attempt: email.attempts, err: message }, "email will be retried");
      }
    }
  }

  async function tick(): Promise<number> {
    // Only what was due when the tick began: a message retried during this tick waits for the next one.
    const dueBy = await databaseNow(opts.db);
    let handled = 0;
    for (;;) {
      const batch = await claimDueEmails(opts.db, batchSize, leaseSeconds, dueBy);
      await Promise.allSettled(batch.map(handle));
      handled += batch.length;
      if (batch.length < batchSize) return handled;
    }
  }

  let lastPeriodic = 0;
  async function periodicThenTick() {
    if (opts.periodic && Date.now() - lastPeriodic >= (opts.periodicMs ?? 60_000)) {
      lastPeriodic = Date.now();
      await opts.periodic().catch((error) => opts.log?.error({ err: String(error) }, "periodic job failed"));
    }
    return tick();
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      running = periodicThenTick()
        .catch((error) => opts.log?.error({ err: String(error) }, "outbox tick failed"))
        .finally(schedule);
    }, pollMs);
  }

  return {
    tick,
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
