import { sql } from "kysely";
import { db } from "~/lib/db.server.ts";

/**
 * Consecutive failed sign-ins per key. The per account+IP key stops guessing one account from one place;
 * the per-IP key (with a higher limit) stops spraying many accounts. A victim signing in from another
 * address is never blocked by an attacker's failures.
 */
export const THROTTLE_WINDOW_SECONDS = 15 * 60;

export async function failureCount(key: string): Promise<{ failures: number; retryAfterSeconds: number }> {
  const row = await db()
    .selectFrom("auth_throttle")
    .select([
      "failures",
      sql<number>`greatest(0, ceil(extract(epoch from last_failure_at + make_interval(secs => ${THROTTLE_WINDOW_SECONDS}) - now())))::int`.as(
        "retry_after",
      ),
    ])
    .where("key", "=", key)
    .executeTakeFirst();
  if (!row || row.retry_after <= 0) return { failures: 0, retryAfterSeconds: 0 };
  return { failures: row.failures, retryAfterSeconds: row.retry_after };
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

export const ACCOUNT_IP_LIMIT = 10;
export const IP_LIMIT = 100;

function loginKeys(email: string, ip: string) {
  return { accountIp: `login:acct-ip:${email.trim().toLowerCase()}|${ip}`, ip: `login:ip:${ip}` };
}

/** Seconds to wait before another sign-in attempt is allowed, or 0. */
export async function loginRetryAfter(email: string, ip: string): Promise<number> {
  const keys = loginKeys(email, ip);
  const [acct, byIp] = await Promise.all([failureCount(keys.accountIp), failureCount(keys.ip)]);
  if (acct.failures >= ACCOUNT_IP_LIMIT) return acct.retryAfterSeconds;
  if (byIp.failures >= IP_LIMIT) return byIp.retryAfterSeconds;
  return 0;
}

export async function recordLoginFailure(email: string, ip: string): Promise<void> {
  const keys = loginKeys(email, ip);
  await recordFailure(keys.accountIp);
  await recordFailure(keys.ip);
}

export async function recordLoginSuccess(email: string, ip: string): Promise<void> {
  await clearFailures([loginKeys(email, ip).accountIp]);
}
