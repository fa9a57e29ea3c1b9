import { sql, type Kysely, type Transaction } from "kysely";
import type { Database, Locale, OutboxEmail } from "~/lib/db-types.ts";

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
}

/** Call inside the transaction of the change that causes the email: both commit or neither does. */
export async function enqueueEmail(trx: Executor, input: EnqueueInput): Promise<number> {
  const row = await trx
    .insertInto("outbox_emails")
    .values({
      to_address: input.to,
      locale: input.locale,
      template: input.email.template,
      subject: input.email.subject,
      text_body: input.email.text,
      html_body: input.email.html,
      user_id: input.userId ?? null,
      application_id: input.applicationId ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
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
    .set({ status: "sent", sent_at: sql`now()`, locked_until: null, last_error: null })
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
    .set({ status: "failed", locked_until: null, last_error: error.slice(0, 1000) })
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
