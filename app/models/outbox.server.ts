import { sql, type Kysely, type Transaction } from "kysely";
import type { Database, Locale, OutboxEmail } from "~/lib/db-types.ts";
import { seal, unseal } from "~/lib/secret-box.server.ts";
import { carriesToken, withoutTokens } from "~/lib/tokens.server.ts";
import { takeEmailAllowance, type EmailKind } from "./throttle.server.ts";

type Executor = Kysely<Database> | Transaction<Database>;

export interface RenderedEmail {
  template: string;
  subject: string;
  text: string;
  html: string;
}

export interface EnqueueInput {
  to: string;
  locale: Locale;
  email: RenderedEmail;
  userId?: string | null;
  applicationId?: string | null;
  /** A message a visitor's request causes: it counts against that kind's limits and is dropped past them. */
  requestedBy?: { kind: EmailKind; ip: string };
}

export class UnlimitedTokenEmailError extends Error {}

/** A limit on emails refused a message whose sender must be told (an invitation): roll the change back. */
export class EmailLimitedError extends Error {}

const SEALED_BODY = "outbox-body";

/**
 * Call inside the transaction of the change that causes the email: both commit or neither does. Returns the message's
 * id, or null when the requester's limits dropped it (the caller shows the same page either way).
 *
 * A message that carries a live link (tokens.server.ts tokenLink) is stored sealed: text_body and html_body keep it
 * without the token, the full body is encrypted with a key outside the database and erased once sent. Such a message
 * is always one a visitor asked for, so it must say who asked (requestedBy) and cannot escape the limits.
 */
export async function enqueueEmail(trx: Executor, input: EnqueueInput): Promise<number | null> {
  const { text, html } = input.email;
  const carriesSecret = carriesToken(text) || carriesToken(html);
  if (carriesSecret && !input.requestedBy) {
    throw new UnlimitedTokenEmailError(`The ${input.email.template} email carries a live link: pass requestedBy so its limits apply.`);
  }
  if (input.requestedBy && !(await takeEmailAllowance(trx, input.requestedBy.kind, input.to, input.requestedBy.ip))) return null;
  const row = await trx
    .insertInto("outbox_emails")
    .values({
      to_address: input.to,
      locale: input.locale,
      template: input.email.template,
      subject: input.email.subject,
      text_body: carriesSecret ? withoutTokens(text) : text,
      html_body: carriesSecret ? withoutTokens(html) : html,
      sealed_body: carriesSecret ? seal(SEALED_BODY, JSON.stringify({ text, html })) : null,
      user_id: input.userId ?? null,
      application_id: input.applicationId ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** What is actually sent: the sealed body when there is one (throws SealedValueError under another key). */
export function emailContent(email: Pick<OutboxEmail, "text_body" | "html_body" | "sealed_body">): { text: string; html: string } {
  if (!email.sealed_body) return { text: email.text_body, html: email.html_body };
  return JSON.parse(unseal(SEALED_BODY, email.sealed_body)) as { text: string; html: string };
}

/**
 * Claims due messages. A row stays 'sending' with a lease; if the worker dies mid-send the lease
 * expires and another worker takes it again (at-least-once; the stable Message-ID lets servers drop repeats).
 */
export async function claimDueEmails(
  db: Kysely<Database>,
  limit: number,
  leaseSeconds: number,
  dueBy: string,
): Promise<OutboxEmail[]> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom("outbox_emails")
      .select("id")
      .where((eb) =>
        eb.or([
          eb.and([eb("status", "=", "pending"), eb("next_attempt_at", "<=", sql<Date>`${dueBy}::timestamptz`)]),
          eb.and([eb("status", "=", "sending"), eb("locked_until", "<", sql<Date>`now()`)]),
        ]),
      )
      .orderBy("next_attempt_at")
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (due.length === 0) return [];
    return trx
      .updateTable("outbox_emails")
      .set({
        status: "sending",
        attempts: sql`attempts + 1`,
        locked_until: sql`now() + make_interval(secs => ${leaseSeconds})`,
      })
      .where(
        "id",
        "in",
        due.map((d) => d.id),
      )
      .returningAll()
      .execute();
  });
}

export async function markEmailSent(db: Kysely<Database>, id: number): Promise<void> {
  await db
    .updateTable("outbox_emails")
    .set({ status: "sent", sent_at: sql`now()`, locked_until: null, last_error: null, sealed_body: null })
    .where("id", "=", id)
    .execute();
}

export async function markEmailRetry(db: Kysely<Database>, id: number, delaySeconds: number, error: string): Promise<void> {
  await db
    .updateTable("outbox_emails")
    .set({
      status: "pending",
      locked_until: null,
      last_error: error.slice(0, 1000),
      next_attempt_at: sql`now() + make_interval(secs => ${delaySeconds})`,
    })
    .where("id", "=", id)
    .execute();
}

export async function markEmailFailed(db: Kysely<Database>, id: number, error: string): Promise<void> {
  await db
    .updateTable("outbox_emails")
    .set({ status: "failed", locked_until: null, last_error: error.slice(0, 1000), sealed_body: null })
    .where("id", "=", id)
    .execute();
}

export function listRecentEmails(db: Kysely<Database>, limit = 100) {
  return db
    .selectFrom("outbox_emails")
    .select(["id", "to_address", "subject", "status", "created_at", "sent_at", "attempts", "last_error"])
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

export function getEmail(db: Kysely<Database>, id: number) {
  return db.selectFrom("outbox_emails").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The database clock to the microsecond, as text: a JS Date would drop the microseconds, and a message queued in
 * the same millisecond just before a tick would then look not yet due. */
export async function databaseNow(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ now: string }>`select to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as now`.execute(db);
  return rows[0]!.now;
}

/** For /readyz: the oldest message that should have gone out by now. */
export async function oldestOverdueEmailAgeSeconds(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom("outbox_emails")
    .select(sql<number>`coalesce(extract(epoch from now() - min(next_attempt_at)), 0)::int`.as("age"))
    .where("status", "in", ["pending", "sending"])
    .where("next_attempt_at", "<=", sql<Date>`now()`)
    .executeTakeFirstOrThrow();
  return Number(row.age);
}

/**
 * Queue depth for /metrics: messages waiting or being sent, messages given up on, and how long the oldest waiting
 * one has been queued (null when none waits).
 */
export async function outboxStats(db: Kysely<Database>): Promise<{ pending: number; failed: number; oldestPendingAgeSeconds: number | null }> {
  const row = await db
    .selectFrom("outbox_emails")
    .select([
      sql<number>`count(*) filter (where status in ('pending', 'sending'))::int`.as("pending"),
      sql<number>`count(*) filter (where status = 'failed')::int`.as("failed"),
      sql<number | null>`extract(epoch from now() - min(created_at) filter (where status in ('pending', 'sending')))::float8`.as("age"),
    ])
    .where("status", "in", ["pending", "sending", "failed"])
    .executeTakeFirstOrThrow();
  return { pending: Number(row.pending), failed: Number(row.failed), oldestPendingAgeSeconds: row.age === null ? null : Math.max(0, Number(row.age)) };
}
