import { sql, type Kysely, type Transaction } from "kysely";
import type { Database, Locale, OutboxEmail } from "~/platform/db/db-types.ts";
import { seal, unseal } from "~/platform/security/secret-box.server.ts";
import { carriesToken, withoutTokens } from "~/platform/security/tokens.server.ts";
import { recordAudit } from "~/platform/db/audit.server.ts";
import { takeEmailAllowance, type EmailKind } from "~/platform/security/throttle.server.ts";

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
  return (await enqueueEmailWithReceipt(trx, input))?.id ?? null;
}

/** As enqueueEmail, with the message's random id: the receipt a "check your email" page can ask about (bounces). */
export async function enqueueEmailWithReceipt(trx: Executor, input: EnqueueInput): Promise<{ id: number; messageId: string } | null> {
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
      carries_link: carriesSecret,
      user_id: input.userId ?? null,
      application_id: input.applicationId ?? null,
    })
    .returning(["id", "message_id"])
    .executeTakeFirstOrThrow();
  return { id: row.id, messageId: row.message_id };
}

/** What is actually sent: the sealed body when there is one (throws SealedValueError under another key). */
export function emailContent(email: Pick<OutboxEmail, "text_body" | "html_body" | "sealed_body">): { text: string; html: string } {
  if (!email.sealed_body) return { text: email.text_body, html: email.html_body };
  return JSON.parse(unseal(SEALED_BODY, email.sealed_body)) as { text: string; html: string };
}

// How long a message is retried after it was queued (or retried by an administrator) before a transient failure is
// final. The column's default in the migration says the same.
const RETRY_WINDOW = sql<Date>`now() + interval '26 hours'`;

export interface ClaimOptions {
  limit: number;
  leaseSeconds: number;
  /** The worker that will send them; only it renews, settles or hands back the claims. */
  workerId: string;
  /** Due by this database time (databaseNow), or by now. */
  dueBy?: string;
  /** Also messages deferred because the server was unreachable, due or not: a probe of whether it is back. */
  includeWaiting?: boolean;
}

/**
 * Claims messages to send now. A claimed row is 'sending' with a short lease that its worker renews while it lives;
 * if the worker dies the lease runs out and another worker takes the row again (at-least-once: a message the server
 * had accepted just before the crash goes out twice, with the same Message-ID so receivers can drop the repeat).
 */
export async function claimEmails(db: Kysely<Database>, opts: ClaimOptions): Promise<OutboxEmail[]> {
  const dueBy = opts.dueBy ? sql<Date>`${opts.dueBy}::timestamptz` : sql<Date>`now()`;
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom("outbox_emails")
      .select("id")
      .where((eb) =>
        eb.or([
          eb.and([eb("status", "=", "pending"), eb("next_attempt_at", "<=", dueBy)]),
          ...(opts.includeWaiting ? [eb.and([eb("status", "=", "pending"), eb("waiting_for_server", "=", true)])] : []),
          eb.and([eb("status", "=", "sending"), eb("locked_until", "<", sql<Date>`now()`)]),
        ]),
      )
      .orderBy("next_attempt_at")
      .limit(opts.limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (due.length === 0) return [];
    return trx
      .updateTable("outbox_emails")
      .set({
        status: "sending",
        attempts: sql`attempts + 1`,
        claimed_by: opts.workerId,
        locked_until: sql`now() + make_interval(secs => ${opts.leaseSeconds})`,
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

/** Extends the leases of everything this worker is sending. */
export async function renewLeases(db: Kysely<Database>, workerId: string, leaseSeconds: number): Promise<void> {
  await db
    .updateTable("outbox_emails")
    .set({ locked_until: sql`now() + make_interval(secs => ${leaseSeconds})` })
    .where("claimed_by", "=", workerId)
    .where("status", "=", "sending")
    .execute();
}

/**
 * Gives claims back untried (a stopping worker): due again at once for any worker, and the attempt the claim counted
 * is taken back. `ids` limits it to those rows; without it, everything this worker still holds.
 */
export async function unclaimEmails(db: Kysely<Database>, workerId: string, ids?: number[]): Promise<number> {
  if (ids && ids.length === 0) return 0;
  let query = db
    .updateTable("outbox_emails")
    .set({ status: "pending", claimed_by: null, locked_until: null, attempts: sql`greatest(attempts - 1, 0)` })
    .where("claimed_by", "=", workerId)
    .where("status", "=", "sending");
  if (ids) query = query.where("id", "in", ids);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** A message the server accepted is sent, whoever holds its claim now. */
export async function markEmailSent(db: Kysely<Database>, id: number): Promise<void> {
  await db
    .updateTable("outbox_emails")
    .set({ status: "sent", sent_at: sql`now()`, locked_until: null, claimed_by: null, last_error: null, sealed_body: null, waiting_for_server: false })
    .where("id", "=", id)
    .execute();
}

/**
 * A transient failure: due again after `delaySeconds`, or failed for good past the message's retry window. Only the
 * worker holding the claim settles it (a claim taken over by another worker is that worker's to settle). Returns the
 * new status, or null when the claim was no longer this worker's.
 */
export async function markEmailRetry(
  db: Kysely<Database>,
  claim: { id: number; workerId: string },
  opts: { delaySeconds: number; error: string; waitingForServer: boolean },
): Promise<"pending" | "failed" | null> {
  const givingUp = sql<boolean>`give_up_at <= now()`;
  const row = await db
    .updateTable("outbox_emails")
    .set({
      status: sql`case when ${givingUp} then 'failed' else 'pending' end`,
      sealed_body: sql`case when ${givingUp} then null else sealed_body end`,
      waiting_for_server: sql`${opts.waitingForServer} and not ${givingUp}`,
      claimed_by: null,
      locked_until: null,
      last_error: opts.error.slice(0, 1000),
      next_attempt_at: sql`now() + make_interval(secs => ${opts.delaySeconds})`,
    })
    .where("id", "=", claim.id)
    .where("claimed_by", "=", claim.workerId)
    .where("status", "=", "sending")
    .returning("status")
    .executeTakeFirst();
  return (row?.status as "pending" | "failed" | undefined) ?? null;
}

export async function markEmailFailed(db: Kysely<Database>, claim: { id: number; workerId: string }, error: string): Promise<void> {
  await db
    .updateTable("outbox_emails")
    .set({ status: "failed", claimed_by: null, locked_until: null, last_error: error.slice(0, 1000), sealed_body: null, waiting_for_server: false })
    .where("id", "=", claim.id)
    .where("claimed_by", "=", claim.workerId)
    .where("status", "=", "sending")
    .execute();
}

/** The mail server answered: messages deferred only because it could not be reached are due now. */
export async function releaseWaitingEmails(db: Kysely<Database>): Promise<number> {
  const result = await db
    .updateTable("outbox_emails")
    .set({ next_attempt_at: sql`now()`, waiting_for_server: false })
    .where("status", "=", "pending")
    .where("waiting_for_server", "=", true)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export interface OutboxStats {
  /** Not yet sent and not failed for good (waiting, deferred or being sent). */
  pending: number;
  failed: number;
  /** Seconds since the oldest of those was queued; null when none is pending. */
  oldestPendingAgeSeconds: number | null;
}

/** Queue depth for the admin page and /metrics. Two index scans (outbox_due, outbox_failed). */
export async function outboxStats(db: Kysely<Database>): Promise<OutboxStats> {
  const { rows } = await sql<{ pending: number | string; failed: number | string; oldest: number | string | null }>`
    select (select count(*) from outbox_emails where status in ('pending', 'sending'))::int as pending,
           (select count(*) from outbox_emails where status = 'failed')::int as failed,
           (select extract(epoch from now() - min(created_at))::int from outbox_emails where status in ('pending', 'sending')) as oldest
  `.execute(db);
  const row = rows[0]!;
  return { pending: Number(row.pending), failed: Number(row.failed), oldestPendingAgeSeconds: row.oldest === null ? null : Number(row.oldest) };
}

/** "ng•••@dn.vn": enough to recognise an address on a shared screen, not to read it off. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf("@");
  if (at < 0) return "•••";
  const local = address.slice(0, at);
  const shown = local.length <= 1 ? 0 : local.length <= 3 ? 1 : 2;
  return `${local.slice(0, shown)}•••${address.slice(at)}`;
}

export interface AdminOutboxRow {
  id: number;
  to: string;
  template: string;
  status: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date;
  createdAt: Date;
  /** Can be queued again (a message whose link was erased cannot). */
  retryable: boolean;
}

/** The waiting messages (next due first) and the failed ones (latest first) for the admin page, each capped. */
export async function listOutboxForAdmin(db: Kysely<Database>, limit = 50): Promise<{ pending: AdminOutboxRow[]; failed: AdminOutboxRow[] }> {
  const columns = ["id", "to_address", "template", "status", "attempts", "last_error", "next_attempt_at", "created_at", "carries_link"] as const;
  const [pending, failed] = await Promise.all([
    db.selectFrom("outbox_emails").select(columns).where("status", "in", ["pending", "sending"]).orderBy("next_attempt_at").limit(limit).execute(),
    db.selectFrom("outbox_emails").select(columns).where("status", "=", "failed").orderBy("id", "desc").limit(limit).execute(),
  ]);
  const shape = (r: (typeof pending)[number]): AdminOutboxRow => ({
    id: r.id,
    to: maskAddress(r.to_address),
    template: r.template,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at,
    retryable: r.status === "failed" && !r.carries_link,
  });
  return { pending: pending.map(shape), failed: failed.map(shape) };
}

/**
 * Queues failed messages again with a fresh retry window (all retryable failed ones when `id` is omitted). Messages
 * whose link was erased are left failed. Returns the ids queued again.
 */
export async function retryFailedEmails(trx: Executor, id?: number): Promise<number[]> {
  let query = trx
    .updateTable("outbox_emails")
    .set({ status: "pending", attempts: 0, next_attempt_at: sql`now()`, give_up_at: RETRY_WINDOW, waiting_for_server: false })
    .where("status", "=", "failed")
    .where("carries_link", "=", false);
  if (id !== undefined) query = query.where("id", "=", id);
  return (await query.returning("id").execute()).map((r) => r.id);
}

/** An administrator's retry (one message, or every retryable failed one), with its audit event. Returns how many. */
export async function retryEmailsAsAdmin(
  db: Kysely<Database>,
  admin: { id: string; role: string },
  requestId: string,
  id?: number,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const ids = await retryFailedEmails(trx, id);
    if (ids.length === 0) return 0;
    await recordAudit(trx, {
      actorUserId: admin.id,
      actorRole: admin.role,
      action: id === undefined ? "email.retried_all" : "email.retried",
      entityType: id === undefined ? "outbox" : "outbox_email",
      entityId: id === undefined ? "failed" : String(id),
      fromState: "failed",
      toState: "pending",
      data: { ids },
      requestId,
    });
    return ids.length;
  });
}

export type DeliveryState = "pending" | "sent" | "failed";

/**
 * What became of the message a "check your email" page was given as its receipt, if it went to `to` and is one of
 * `templates`; null for anything else (an unknown or mistyped receipt looks like a message still on its way).
 */
export async function deliveryState(db: Kysely<Database>, receipt: string, to: string, templates: readonly string[]): Promise<DeliveryState | null> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(receipt)) return null;
  const row = await db
    .selectFrom("outbox_emails")
    .select(["status", "to_address"])
    .where("message_id", "=", receipt.toLowerCase())
    .where("template", "in", [...templates])
    .executeTakeFirst();
  if (!row || row.to_address.toLowerCase() !== to.toLowerCase()) return null;
  return row.status === "sending" ? "pending" : row.status;
}

/** The latest `template` email to this user, when the receiving server refused it for good (and nothing newer went). */
export async function lastEmailBounced(db: Kysely<Database>, userId: string, template: string): Promise<boolean> {
  const row = await db
    .selectFrom("outbox_emails")
    .select("status")
    .where("user_id", "=", userId)
    .where("template", "=", template)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.status === "failed";
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
