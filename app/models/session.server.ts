import { sql } from "kysely";
import type { Kysely, Transaction } from "kysely";
import type { Database, User } from "~/lib/db-types.ts";
import { db } from "~/lib/db.server.ts";
import { hashToken, newToken } from "~/lib/tokens.server.ts";

type Executor = Kysely<Database> | Transaction<Database>;

export interface SessionPolicy {
  idleSeconds: number;
  absoluteSeconds: number;
}

export async function createSession(
  userId: string,
  policy: SessionPolicy,
  meta: { ip?: string | null; userAgent?: string | null } = {},
): Promise<string> {
  const token = newToken();
  await db()
    .insertInto("sessions")
    .values({
      id_hash: hashToken(token),
      user_id: userId,
      expires_at: sql<Date>`now() + make_interval(secs => ${policy.absoluteSeconds})`,
      ip: meta.ip ?? null,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return token;
}

/** Returns the session's active user and slides its idle timer; expired sessions are deleted. */
export async function getSessionUser(token: string, policy: SessionPolicy): Promise<User | undefined> {
  const idHash = hashToken(token);
  const row = await db()
    .updateTable("sessions")
    .set({ last_seen_at: sql`now()` })
    .where("id_hash", "=", idHash)
    .where("expires_at", ">", sql<Date>`now()`)
    .where("last_seen_at", ">", sql<Date>`now() - make_interval(secs => ${policy.idleSeconds})`)
    .returning("user_id")
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
  if (!user) await db().deleteFrom("sessions").where("id_hash", "=", idHash).execute();
  return user;
}

export async function deleteSession(token: string): Promise<void> {
  await db().deleteFrom("sessions").where("id_hash", "=", hashToken(token)).execute();
}

export async function deleteUserSessions(ex: Executor, userId: string): Promise<void> {
  await ex.deleteFrom("sessions").where("user_id", "=", userId).execute();
}
