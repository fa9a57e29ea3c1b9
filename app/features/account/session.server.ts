import type { Kysely, Transaction } from "kysely";
import type { Database, User } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import { now, nowMs } from "~/platform/time/clock.ts";
import { hashToken, newToken } from "~/platform/security/tokens.server.ts";
import { sessionCache, type CachedSession } from "./session-cache.server.ts";

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
  // A full session is a finished sign-in; the step between the password and the code is not.
  if (!opts.secondFactorPending) await db().updateTable("users").set({ last_sign_in_at: now() }).where("id", "=", userId).execute();
  return token;
}

export interface SessionState {
  user: User;
  /** Signed in with the password only; the second factor is still to come. */
  secondFactorPending: boolean;
  idHash: string;
}

/** Activity is recorded at most this often: a page view within a minute of the last record writes nothing. */
export const SLIDE_SECONDS = 60;

/**
 * The session and its active user in one statement; the same statement slides the idle timer when the last record is
 * a minute old or more (a data-modifying WITH runs whether or not the select reads it).
 */
async function readSession(idHash: string, policy: SessionPolicy): Promise<CachedSession | undefined> {
  const at = now();
  const row = await db()
    .with("found", (qb) =>
      qb
        .selectFrom("sessions")
        .innerJoin("users", "users.id", "sessions.user_id")
        .selectAll("users")
        .select(["sessions.id_hash", "sessions.second_factor_pending", "sessions.expires_at as session_expires_at", "sessions.last_seen_at as session_last_seen_at"])
        .where("sessions.id_hash", "=", idHash)
        .where("sessions.expires_at", ">", at)
        .where("sessions.last_seen_at", ">", new Date(at.getTime() - policy.idleSeconds * 1000))
        .where("users.status", "=", "active"),
    )
    .with("slid", (qb) =>
      qb
        .updateTable("sessions")
        .set({ last_seen_at: at })
        .where("id_hash", "in", (sub) => sub.selectFrom("found").select("found.id_hash").where("found.session_last_seen_at", "<=", new Date(at.getTime() - SLIDE_SECONDS * 1000)))
        .returning("id_hash"),
    )
    .selectFrom("found")
    .selectAll()
    .executeTakeFirst();
  if (!row) return undefined;
  const { id_hash: _idHash, second_factor_pending, session_expires_at, session_last_seen_at, ...user } = row;
  const lastSeen = new Date(session_last_seen_at).getTime();
  return {
    user,
    secondFactorPending: second_factor_pending,
    expiresAtMs: new Date(session_expires_at).getTime(),
    lastSeenMs: lastSeen <= at.getTime() - SLIDE_SECONDS * 1000 ? at.getTime() : lastSeen,
  };
}

/** Slides a cached session's idle timer; false when the row is gone or no longer valid (ended by another process). */
async function slide(idHash: string, policy: SessionPolicy): Promise<boolean> {
  const at = now();
  const row = await db()
    .updateTable("sessions")
    .set({ last_seen_at: at })
    .where("id_hash", "=", idHash)
    .where("expires_at", ">", at)
    .where("last_seen_at", ">", new Date(at.getTime() - policy.idleSeconds * 1000))
    .returning("id_hash")
    .executeTakeFirst();
  return row !== undefined;
}

const SLIDING = new WeakMap<CachedSession, Promise<boolean>>();

async function refuse(idHash: string): Promise<undefined> {
  sessionCache(db()).forgetSession(idHash);
  await db().deleteFrom("sessions").where("id_hash", "=", idHash).execute();
  return undefined;
}

/**
 * The session's active user; expired sessions are deleted. A session read in the last SESSION_CACHE_SECONDS comes from
 * memory (docs/decisions/024), checked against the clock here: it costs no query, but one write a minute.
 */
export async function getSession(token: string, policy: SessionPolicy): Promise<SessionState | undefined> {
  const idHash = hashToken(token);
  const cache = sessionCache(db());
  const cached = cache.get(idHash);
  const found = await (cached ?? cache.fill(idHash, () => readSession(idHash, policy)));
  if (!found) return refuse(idHash);
  if (cached) {
    const at = nowMs();
    if (found.expiresAtMs <= at || found.lastSeenMs <= at - policy.idleSeconds * 1000) return refuse(idHash);
    if (found.lastSeenMs <= at - SLIDE_SECONDS * 1000) {
      // The root's loader and the page's run at once: one write for both.
      let pending = SLIDING.get(found);
      if (!pending) {
        pending = slide(idHash, policy).then((ok) => {
          if (ok) found.lastSeenMs = at;
          return ok;
        });
        SLIDING.set(found, pending);
        void pending.finally(() => SLIDING.delete(found)).catch(() => {});
      }
      if (!(await pending)) return refuse(idHash);
    }
  }
  return { user: { ...found.user }, secondFactorPending: found.secondFactorPending, idHash };
}

/**
 * Drops what this process remembers of the user's sessions: call it after any change to the user or their sessions
 * has committed (sign-out, password, status, role, province).
 */
export function forgetUserSessions(userId: string): void {
  sessionCache(db()).forgetUser(userId);
}

export async function deleteSession(token: string): Promise<void> {
  const idHash = hashToken(token);
  await db().deleteFrom("sessions").where("id_hash", "=", idHash).execute();
  sessionCache(db()).forgetSession(idHash);
}

/** Inside the caller's transaction: the caller calls forgetUserSessions once it committed. */
export async function deleteUserSessions(ex: Executor, userId: string): Promise<void> {
  await ex.deleteFrom("sessions").where("user_id", "=", userId).execute();
}

/** Ends every session of the user but the one in use; returns how many ended. The caller then calls forgetUserSessions. */
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
