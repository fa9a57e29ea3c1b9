import { sql, type ExpressionBuilder, type Kysely, type Transaction } from "kysely";
import type { ApplicationStatus, Database, Locale, Role, TokenPurpose, User } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import { now, nowMs } from "~/platform/time/clock.ts";
import { hashToken, newToken } from "~/platform/security/tokens.server.ts";
import { forgetUserSessions } from "./session.server.ts";

type Executor = Kysely<Database> | Transaction<Database>;

export const TOKEN_LIFETIME_SECONDS: Record<TokenPurpose, number> = {
  verify_email: 24 * 3600,
  reset_password: 3600,
  invite: 7 * 24 * 3600,
};

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function findUserByEmail(email: string, ex: Executor = db()): Promise<User | undefined> {
  return ex
    .selectFrom("users")
    .selectAll()
    .where(sql<string>`lower(email)`, "=", normaliseEmail(email))
    .executeTakeFirst();
}

export function getUserById(id: string, ex: Executor = db()): Promise<User | undefined> {
  return ex.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

export interface CreateUserInput {
  email: string;
  name: string;
  role: Role;
  passwordHash: string | null;
  provinceCode?: string | null;
  locale?: Locale;
  status?: "active" | "invited";
  emailVerified?: boolean;
}

export async function createUser(ex: Executor, input: CreateUserInput): Promise<User> {
  return ex
    .insertInto("users")
    .values({
      email: normaliseEmail(input.email),
      name: input.name,
      role: input.role,
      password_hash: input.passwordHash,
      province_code: input.role === "province_reviewer" ? (input.provinceCode ?? null) : null,
      locale: input.locale ?? "vi",
      status: input.status ?? "active",
      email_verified_at: input.emailVerified ? sql<Date>`now()` : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function setUserPassword(ex: Executor, userId: string, passwordHash: string): Promise<void> {
  await ex
    .updateTable("users")
    .set({ password_hash: passwordHash, updated_at: sql`now()` })
    .where("id", "=", userId)
    .execute();
}

export async function markEmailVerified(ex: Executor, userId: string): Promise<void> {
  await ex
    .updateTable("users")
    .set({ email_verified_at: sql`coalesce(email_verified_at, now())`, updated_at: sql`now()` })
    .where("id", "=", userId)
    .execute();
}

export async function activateInvitedUser(ex: Executor, userId: string, passwordHash: string): Promise<void> {
  await ex
    .updateTable("users")
    .set({
      password_hash: passwordHash,
      status: "active",
      email_verified_at: sql`coalesce(email_verified_at, now())`,
      updated_at: sql`now()`,
    })
    .where("id", "=", userId)
    .where("status", "=", "invited")
    .execute();
}

export async function setUserStatus(ex: Executor, userId: string, status: "active" | "deactivated"): Promise<void> {
  await ex.updateTable("users").set({ status, updated_at: sql`now()` }).where("id", "=", userId).execute();
}

export async function setUserLocale(userId: string, locale: Locale): Promise<void> {
  await db().updateTable("users").set({ locale }).where("id", "=", userId).execute();
  forgetUserSessions(userId);
}

export function listActiveReviewersOfProvince(provinceCode: string, ex: Executor = db()) {
  return ex
    .selectFrom("users")
    .select(["id", "email", "name", "locale"])
    .where("role", "=", "province_reviewer")
    .where("province_code", "=", provinceCode)
    .where("status", "=", "active")
    .execute();
}

/** Issues a single-use token; earlier unused tokens of the same purpose stop working. */
export async function issueUserToken(ex: Executor, userId: string, purpose: TokenPurpose): Promise<string> {
  const token = newToken();
  await ex
    .updateTable("user_tokens")
    .set({ used_at: sql`now()` })
    .where("user_id", "=", userId)
    .where("purpose", "=", purpose)
    .where("used_at", "is", null)
    .execute();
  await ex
    .insertInto("user_tokens")
    .values({
      user_id: userId,
      purpose,
      token_hash: hashToken(token),
      expires_at: new Date(nowMs() + TOKEN_LIFETIME_SECONDS[purpose] * 1000),
    })
    .execute();
  return token;
}

/** Finds a live token without using it (for showing a form). */
export async function peekUserToken(token: string, purpose: TokenPurpose): Promise<User | undefined> {
  return db()
    .selectFrom("user_tokens")
    .innerJoin("users", "users.id", "user_tokens.user_id")
    .selectAll("users")
    .where("user_tokens.token_hash", "=", hashToken(token))
    .where("user_tokens.purpose", "=", purpose)
    .where("user_tokens.used_at", "is", null)
    .where("user_tokens.expires_at", ">", now())
    .executeTakeFirst();
}

/** Marks the token used and returns its user; only one concurrent caller can win. */
export async function consumeUserToken(ex: Executor, token: string, purpose: TokenPurpose): Promise<User | undefined> {
  const row = await ex
    .updateTable("user_tokens")
    .set({ used_at: sql`now()` })
    .where("token_hash", "=", hashToken(token))
    .where("purpose", "=", purpose)
    .where("used_at", "is", null)
    .where("expires_at", ">", now())
    .returning("user_id")
    .executeTakeFirst();
  if (!row) return undefined;
  return getUserById(row.user_id, ex);
}

/** The condition on a query over `provinces`: no active reviewer works there (its applications reach nobody). */
export function hasNoActiveReviewer(eb: ExpressionBuilder<Database, "provinces">) {
  return eb.not(
    eb.exists(
      eb
        .selectFrom("users")
        .select("users.id")
        .where("users.role", "=", "province_reviewer")
        .where("users.status", "=", "active")
        .whereRef("users.province_code", "=", "provinces.code"),
    ),
  );
}

/** Provinces with no active reviewer, and how many submitted applications wait there (they reach nobody). */
export async function listUnstaffedProvinces(awaiting: readonly ApplicationStatus[]) {
  const rows = await db()
    .selectFrom("provinces")
    .leftJoin("applications", (join) =>
      join
        .onRef("applications.province_code", "=", "provinces.code")
        .on("applications.current_version", ">", 0)
        .on("applications.status", "in", [...awaiting]),
    )
    .select(["provinces.code", "provinces.name_vi", "provinces.name_ascii", sql<number>`count(applications.id)::int`.as("waiting")])
    .where(hasNoActiveReviewer)
    .groupBy(["provinces.code", "provinces.name_vi", "provinces.name_ascii"])
    .orderBy("provinces.code")
    .execute();
  return rows.map((r) => ({ ...r, waiting: Number(r.waiting) }));
}
