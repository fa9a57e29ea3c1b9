import type { Kysely, Transaction } from "kysely";
import type { Database, User } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import { now, nowMs } from "~/platform/time/clock.ts";
import { hashToken, newToken } from "~/platform/security/tokens.server.ts";

type Executor = Kysely<Database> | Transaction<Database>;

export interface SessionPolicy {
  idleSeconds: number;
  absoluteSeconds: number;
}

/** Between the password and the second factor: long enough to open the app and type a code. */
export const PENDING_SESSION_SECONDS = 10 * 60;

export async function createSession(
  userId: string,
  policy: SessionPolicy,
  meta: { ip?: string | null; userAgent?: string | null } = {},
  opts: { secondFactorPending?: boolean } = {},
): Promise<string> {
  const token = newToken();
  const lifetime = opts.secondFactorPending ? Math.min(PENDING_SESSION_SECONDS, policy.absoluteSeconds) : policy.absoluteSeconds;
  await db()
    .insertInto("sessions")
    .values({
      id_hash: hashToken(token),
      user_id: userId,
      created_at: now(),
      last_seen_at: now(),
      expires_at: new Date(nowMs() + lifetime * 1000),
      ip: meta.ip ?? null,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
      second_factor_pending: opts.secondFactorPending ?? false,
    })
    .execute();
  return token;
}

export interface SessionState {
  user: User;
  /** Signed in with the password only; the second factor is still to come. */
  secondFactorPending: boolean;
  idHash: string;
}

/** The session's active user and slides its idle timer; expired sessions are deleted. */
export async function getSession(token: string, policy: SessionPolicy): Promise<SessionState | undefined> {
  const idHash = hashToken(token);
  const row = await db()
    .updateTable("sessions")
    .set({ last_seen_at: now() })
    .where("id_hash", "=", idHash)
    .where("expires_at", ">", now())
    .where("last_seen_at", ">", new Date(nowMs() - policy.idleSeconds * 1000))
    .returning(["user_id", "second_factor_pending"])
    .executeTakeFirst();
  if (!row) {
    await db().deleteFrom("sessions").where("id_hash", "=", idHash).execute();
    return undefined;
  }
  const user = await db()
    .selectFrom("users")
    .selectAll()
    .where("id", "=", row.user_id)
    .where("status", "=", "active")
    .executeTakeFirst();
  if (!user) {
    await db().deleteFrom("sessions").where("id_hash", "=", idHash).execute();
    return undefined;
  }
  return { user, secondFactorPending: row.second_factor_pending, idHash };
}

export async function deleteSession(token: string): Promise<void> {
  await db().deleteFrom("sessions").where("id_hash", "=", hashToken(token)).execute();
}

export async function deleteUserSessions(ex: Executor, userId: string): Promise<void> {
  await ex.deleteFrom("sessions").where("user_id", "=", userId).execute();
}

/** Ends every session of the user but the one in use; returns how many ended. */
export async function deleteOtherSessions(ex: Executor, userId: string, keepIdHash: string): Promise<number> {
  const rows = await ex.deleteFrom("sessions").where("user_id", "=", userId).where("id_hash", "!=", keepIdHash).returning("id_hash").execute();
  return rows.length;
}

/** The user's signed-in sessions that are still alive, most recently used first. */
export async function listActiveSessions(userId: string, policy: SessionPolicy, currentIdHash: string) {
  const rows = await db()
    .selectFrom("sessions")
    .select(["id_hash", "created_at", "last_seen_at", "ip", "user_agent"])
    .where("user_id", "=", userId)
    .where("second_factor_pending", "=", false)
    .where("expires_at", ">", now())
    .where("last_seen_at", ">", new Date(nowMs() - policy.idleSeconds * 1000))
    .orderBy("last_seen_at", "desc")
    .execute();
  // The hash of a session id never leaves the server: the page only needs to know which one is this browser.
  return rows.map(({ id_hash, ...rest }) => ({ ...rest, current: id_hash === currentIdHash }));
}
