import { createHash, randomBytes } from "node:crypto";
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database, User } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import { seal, unseal } from "~/platform/security/secret-box.server.ts";
import { newTotpSecret, normaliseCode, totpCodeStep } from "./totp.server.ts";
import { recordAudit } from "~/platform/db/audit.server.ts";

type Executor = Kysely<Database> | Transaction<Database>;

/** Staff roles must sign in with a second factor (ASVS L2 for administrative access). */
export function needsSecondFactor(user: Pick<User, "role">): boolean {
  return user.role !== "enterprise";
}

const SECRET = "totp-secret";
export const RECOVERY_CODE_COUNT = 10;

const hashCode = (code: string) => createHash("sha256").update(normaliseCode(code)).digest("hex");

/** 80 random bits as 16 base32 letters in groups of four: easy to write down, impossible to guess. */
function newRecoveryCode(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  const bytes = randomBytes(16);
  const letters = [...bytes].map((b) => alphabet[b & 31]).join("");
  return letters.replace(/(.{4})(?!$)/g, "$1-");
}

export async function hasSecondFactor(userId: string, ex: Executor = db()): Promise<boolean> {
  const row = await ex.selectFrom("user_totp").select("user_id").where("user_id", "=", userId).where("enabled_at", "is not", null).executeTakeFirst();
  return Boolean(row);
}

export async function secondFactorStatus(userId: string): Promise<{ enrolled: boolean; enrolledAt: Date | null; recoveryCodesLeft: number }> {
  const [totp, codes] = await Promise.all([
    db().selectFrom("user_totp").select("enabled_at").where("user_id", "=", userId).executeTakeFirst(),
    db()
      .selectFrom("recovery_codes")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("user_id", "=", userId)
      .where("used_at", "is", null)
      .executeTakeFirstOrThrow(),
  ]);
  return { enrolled: Boolean(totp?.enabled_at), enrolledAt: totp?.enabled_at ?? null, recoveryCodesLeft: Number(codes.n) };
}

/**
 * The secret being enrolled, the same one on every visit until it is confirmed (the QR code does not change under a
 * person who is scanning it). Null once the account has a second factor: enrolling again would let a password alone
 * replace it.
 */
export async function enrolmentSecret(userId: string): Promise<string | null> {
  await db()
    .insertInto("user_totp")
    .values({ user_id: userId, pending_secret_sealed: seal(SECRET, newTotpSecret()) })
    .onConflict((oc) => oc.column("user_id").doNothing())
    .execute();
  const row = await db().selectFrom("user_totp").select(["enabled_at", "pending_secret_sealed"]).where("user_id", "=", userId).executeTakeFirstOrThrow();
  if (row.enabled_at) return null;
  try {
    if (row.pending_secret_sealed) return unseal(SECRET, row.pending_secret_sealed);
  } catch {
    // Sealed under an earlier key: start the enrolment again.
  }
  const secret = newTotpSecret();
  await db().updateTable("user_totp").set({ pending_secret_sealed: seal(SECRET, secret) }).where("user_id", "=", userId).where("enabled_at", "is", null).execute();
  return secret;
}

async function replaceRecoveryCodes(trx: Executor, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await trx.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
  await trx
    .insertInto("recovery_codes")
    .values(codes.map((c) => ({ user_id: userId, code_hash: hashCode(c) })))
    .execute();
  return codes;
}

export type EnrolmentResult = { ok: true; recoveryCodes: string[] } | { ok: false; reason: "code" | "enrolled" };

/** Confirms the pending secret with a code from the app; returns the recovery codes, to be shown once. */
export async function confirmEnrolment(user: User, code: string, requestId: string): Promise<EnrolmentResult> {
  return db()
    .transaction()
    .execute(async (trx) => {
      const row = await trx.selectFrom("user_totp").selectAll().where("user_id", "=", user.id).forUpdate().executeTakeFirst();
      if (row?.enabled_at) return { ok: false, reason: "enrolled" } as const;
      if (!row?.pending_secret_sealed) return { ok: false, reason: "code" } as const;
      const step = totpCodeStep(unseal(SECRET, row.pending_secret_sealed), normaliseCode(code));
      if (step === null) return { ok: false, reason: "code" } as const;
      await trx
        .updateTable("user_totp")
        .set({ secret_sealed: row.pending_secret_sealed, pending_secret_sealed: null, enabled_at: sql`now()`, last_used_step: step })
        .where("user_id", "=", user.id)
        .execute();
      const recoveryCodes = await replaceRecoveryCodes(trx, user.id);
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        action: "user.second_factor_enrolled",
        entityType: "user",
        entityId: user.id,
        requestId,
      });
      return { ok: true, recoveryCodes } as const;
    });
}

/** For seeding and tests: an account enrolled with a known secret, without recovery codes. */
export async function enrolSecondFactorDirect(ex: Executor, userId: string, secret: string): Promise<void> {
  const sealed = seal(SECRET, secret);
  await ex
    .insertInto("user_totp")
    .values({ user_id: userId, secret_sealed: sealed, enabled_at: sql<Date>`now()` })
    .onConflict((oc) => oc.column("user_id").doUpdateSet({ secret_sealed: sealed, pending_secret_sealed: null, enabled_at: sql`now()`, last_used_step: null }))
    .execute();
}

/** The enrolled secret, for the demo aid (demo.server.ts). */
export async function enrolledSecret(userId: string): Promise<string | null> {
  const row = await db().selectFrom("user_totp").select("secret_sealed").where("user_id", "=", userId).executeTakeFirst();
  if (!row?.secret_sealed) return null;
  try {
    return unseal(SECRET, row.secret_sealed);
  } catch {
    return null;
  }
}

export type SecondFactorUsed = "totp" | "recovery";

/**
 * Checks a code from the app or a recovery code. Each TOTP code works once (the step it belongs to must be later than
 * the last one used) and each recovery code works once; both are decided by one conditional update, so two requests
 * racing with the same code cannot both win.
 */
export async function verifySecondFactor(
  user: User,
  input: string,
  requestId: string,
  opts: { allowReuse?: (secret: string) => boolean } = {},
): Promise<SecondFactorUsed | null> {
  const code = normaliseCode(input);
  if (/^\d{6}$/.test(code)) {
    const secret = await enrolledSecret(user.id);
    if (!secret) return null;
    const step = totpCodeStep(secret, code);
    if (step === null) return null;
    if (opts.allowReuse?.(secret)) return "totp";
    const used = await db()
      .updateTable("user_totp")
      .set({ last_used_step: step })
      .where("user_id", "=", user.id)
      .where("enabled_at", "is not", null)
      .where((eb) => eb.or([eb("last_used_step", "is", null), eb("last_used_step", "<", step)]))
      .returning("user_id")
      .executeTakeFirst();
    return used ? "totp" : null;
  }
  if (!/^[a-z2-7]{16}$/.test(code)) return null;
  return db()
    .transaction()
    .execute(async (trx) => {
      const used = await trx
        .updateTable("recovery_codes")
        .set({ used_at: sql`now()` })
        .where("user_id", "=", user.id)
        .where("code_hash", "=", hashCode(code))
        .where("used_at", "is", null)
        .returning("id")
        .executeTakeFirst();
      if (!used) return null;
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        action: "user.recovery_code_used",
        entityType: "user",
        entityId: user.id,
        requestId,
      });
      return "recovery" as const;
    });
}

/** New recovery codes (the old ones stop working), after a fresh code from the app. */
export async function regenerateRecoveryCodes(user: User, requestId: string): Promise<string[]> {
  return db()
    .transaction()
    .execute(async (trx) => {
      const codes = await replaceRecoveryCodes(trx, user.id);
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        action: "user.recovery_codes_regenerated",
        entityType: "user",
        entityId: user.id,
        requestId,
      });
      return codes;
    });
}
