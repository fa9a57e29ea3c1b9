import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Consecutive failures per key (sign-in, second-factor codes). A key's count starts again once
 * THROTTLE_WINDOW_SECONDS have passed since its last failure.
 */
export const THROTTLE_WINDOW_SECONDS = 15 * 60;

export interface FailureCount {
  failures: number;
  /** Seconds until the count expires. */
  retryAfterSeconds: number;
  /** Seconds since the last failure. */
  sinceLastSeconds: number;
}

export async function failureCount(key: string): Promise<FailureCount> {
  const row = await db()
    .selectFrom("auth_throttle")
    .select([
      "failures",
      sql<number>`greatest(0, ceil(extract(epoch from last_failure_at + make_interval(secs => ${THROTTLE_WINDOW_SECONDS}) - now())))::int`.as(
        "retry_after",
      ),
      sql<number>`greatest(0, floor(extract(epoch from now() - last_failure_at)))::int`.as("since_last"),
    ])
    .where("key", "=", key)
    .executeTakeFirst();
  if (!row || row.retry_after <= 0) return { failures: 0, retryAfterSeconds: 0, sinceLastSeconds: 0 };
  return { failures: row.failures, retryAfterSeconds: row.retry_after, sinceLastSeconds: row.since_last };
}

export async function recordFailure(key: string): Promise<void> {
  await db()
    .insertInto("auth_throttle")
    .values({ key, failures: 1, last_failure_at: sql<Date>`now()` })
    .onConflict((oc) =>
      oc.column("key").doUpdateSet({
        failures: sql`case when auth_throttle.last_failure_at < now() - make_interval(secs => ${THROTTLE_WINDOW_SECONDS}) then 1 else auth_throttle.failures + 1 end`,
        last_failure_at: sql`now()`,
      }),
    )
    .execute();
}

export async function clearFailures(keys: string[]): Promise<void> {
  await db().deleteFrom("auth_throttle").where("key", "in", keys).execute();
}

// ---------------------------------------------------------------------------------------------------------------
// Sign-in (docs/decisions/013-sign-in-limits.md)
// ---------------------------------------------------------------------------------------------------------------

/** Wrong passwords for one account from one address before that pair is locked for the window. */
export const ACCOUNT_IP_LIMIT = 10;
/** Wrong passwords from one address (any accounts) before that address is slowed down. */
export const IP_SLOW_AFTER = 50;
/** The longest an address is made to wait between two attempts. */
export const IP_MAX_DELAY_SECONDS = 60;
/** Wrong passwords from a browser that has signed in to the account before, before it loses that trust. */
export const DEVICE_LIMIT = 10;

/** Seconds an address past IP_SLOW_AFTER waits after its latest failure: 1, 2, 4 … up to IP_MAX_DELAY_SECONDS. */
export function ipDelaySeconds(failures: number): number {
  if (failures < IP_SLOW_AFTER) return 0;
  return Math.min(IP_MAX_DELAY_SECONDS, 2 ** Math.min(failures - IP_SLOW_AFTER, 10));
}

export interface LoginAttempt {
  email: string;
  ip: string;
  /** The id of a device cookie that proves this browser signed in to this account before (checked by the caller). */
  trustedDevice: string | null;
}

function loginKeys(a: LoginAttempt) {
  return {
    accountIp: `login:acct-ip:${a.email.trim().toLowerCase()}|${a.ip}`,
    ip: `login:ip:${a.ip}`,
    device: a.trustedDevice ? `login:device:${a.trustedDevice}` : null,
  };
}

export type LoginGate = { ok: true; trusted: boolean } | { ok: false; retryAfterSeconds: number; reason: "account" | "address" };

/**
 * Whether the password of this attempt may be checked at all. A refused attempt is not checked and not counted, so
 * an attacker gains no guess by sending it. A browser that signed in to this account before is judged by its own
 * failures only: a password sprayer on the same office network neither locks it out nor slows it down.
 */
export async function loginGate(a: LoginAttempt): Promise<LoginGate> {
  const keys = loginKeys(a);
  if (keys.device && (await failureCount(keys.device)).failures < DEVICE_LIMIT) return { ok: true, trusted: true };
  const [acct, byIp] = await Promise.all([failureCount(keys.accountIp), failureCount(keys.ip)]);
  if (acct.failures >= ACCOUNT_IP_LIMIT) return { ok: false, retryAfterSeconds: acct.retryAfterSeconds, reason: "account" };
  const wait = ipDelaySeconds(byIp.failures) - byIp.sinceLastSeconds;
  if (wait > 0) return { ok: false, retryAfterSeconds: wait, reason: "address" };
  return { ok: true, trusted: false };
}

export async function recordLoginFailure(a: LoginAttempt, gate: { trusted: boolean }): Promise<void> {
  const keys = loginKeys(a);
  if (gate.trusted && keys.device) return recordFailure(keys.device);
  await recordFailure(keys.accountIp);
  await recordFailure(keys.ip);
}

export async function recordLoginSuccess(a: LoginAttempt): Promise<void> {
  const keys = loginKeys(a);
  await clearFailures([keys.accountIp, ...(keys.device ? [keys.device] : [])]);
}

// ---------------------------------------------------------------------------------------------------------------
// Second-factor codes
// ---------------------------------------------------------------------------------------------------------------

/** Wrong codes (TOTP or recovery) for one account before the code step is closed for the window. */
export const CODE_LIMIT = 5;

const codeKey = (userId: string) => `2fa:user:${userId}`;

export async function codeRetryAfter(userId: string): Promise<number> {
  const count = await failureCount(codeKey(userId));
  return count.failures >= CODE_LIMIT ? count.retryAfterSeconds : 0;
}

export const recordCodeFailure = (userId: string) => recordFailure(codeKey(userId));
export const clearCodeFailures = (userId: string) => clearFailures([codeKey(userId)]);

// ---------------------------------------------------------------------------------------------------------------
// Emails a visitor can make the portal send (docs/decisions/008-tokens-in-outbox.md)
// ---------------------------------------------------------------------------------------------------------------

export type EmailKind = "reset" | "confirmation" | "invitation";

export const EMAIL_LIMIT_WINDOW_SECONDS = 3600;
/** Per window: messages of one kind to one address, and from one requesting address. */
export const EMAIL_LIMITS: Record<EmailKind, { perRecipient: number; perIp: number }> = {
  reset: { perRecipient: 3, perIp: 20 },
  confirmation: { perRecipient: 3, perIp: 40 },
  invitation: { perRecipient: 3, perIp: 50 },
};

/** Counts one hit in a fixed window and returns the window's count, this hit included. */
async function hit(ex: Executor, key: string, windowSeconds: number): Promise<number> {
  const expired = sql<boolean>`rate_limits.window_started_at <= now() - make_interval(secs => ${windowSeconds})`;
  const row = await ex
    .insertInto("rate_limits")
    .values({ key, hits: 1, window_started_at: sql<Date>`now()` })
    .onConflict((oc) =>
      oc.column("key").doUpdateSet({
        hits: sql`case when ${expired} then 1 else rate_limits.hits + 1 end`,
        window_started_at: sql`case when ${expired} then now() else rate_limits.window_started_at end`,
      }),
    )
    .returning("hits")
    .executeTakeFirstOrThrow();
  return row.hits;
}

/** Takes one message of `kind` from both allowances; false means the message must not be sent. */
export async function takeEmailAllowance(ex: Executor, kind: EmailKind, recipient: string, ip: string): Promise<boolean> {
  const limits = EMAIL_LIMITS[kind];
  const toCount = await hit(ex, `mail:${kind}:to:${recipient.trim().toLowerCase()}`, EMAIL_LIMIT_WINDOW_SECONDS);
  const ipCount = await hit(ex, `mail:${kind}:ip:${ip}`, EMAIL_LIMIT_WINDOW_SECONDS);
  return toCount <= limits.perRecipient && ipCount <= limits.perIp;
}
