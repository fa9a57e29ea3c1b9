import { randomUUID } from "node:crypto";
import type { Locale, Role, User } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import { config } from "~/platform/config.server.ts";
import {
  resetPasswordMessage,
  signupExistingMessage,
  verifyEmailMessage,
} from "~/platform/mail/email-templates.server.ts";
import { dummyPasswordHash, hashPassword, verifyPassword } from "./password.server.ts";
import { tokenLink as link } from "~/platform/security/tokens.server.ts";
import { recordAudit } from "~/platform/db/audit.server.ts";
import { enqueueEmail, enqueueEmailWithReceipt } from "~/platform/mail/outbox.server.ts";
import { deleteOtherSessions, deleteUserSessions, forgetUserSessions } from "./session.server.ts";
import {
  activateInvitedUser,
  consumeUserToken,
  createUser,
  findUserByEmail,
  issueUserToken,
  markEmailVerified,
  setUserPassword,
} from "./user.server.ts";

export { EmailLimitedError } from "~/platform/mail/outbox.server.ts";

/**
 * What a "check your email" page is given to ask about its message (outbox message_id). When nothing was queued (an
 * unknown address, a limit) it is a random id that matches nothing, so the page and its address look the same.
 */
export type EmailReceipt = string;

/**
 * Signs up an enterprise user. An address that already has an account gets a notice instead, so the
 * page the visitor sees never tells whether an account exists: either way one email goes to the address, and the
 * receipt can tell whether it bounced.
 */
export async function signUpEnterprise(input: { email: string; name: string; password: string; locale: Locale; requestId: string; ip: string }): Promise<EmailReceipt> {
  const requestedBy = { kind: "confirmation", ip: input.ip } as const;
  const passwordHash = await hashPassword(input.password);
  const queued = await db()
    .transaction()
    .execute(async (trx) => {
      const existing = await findUserByEmail(input.email, trx);
      if (existing) {
        return enqueueEmailWithReceipt(trx, {
          to: existing.email,
          locale: existing.locale,
          userId: existing.id,
          email: signupExistingMessage(existing.locale, { name: existing.name, url: `${config().publicUrl}/forgot-password` }),
          requestedBy,
        });
      }
      const user = await createUser(trx, {
        email: input.email,
        name: input.name,
        role: "enterprise",
        passwordHash,
        locale: input.locale,
      });
      const token = await issueUserToken(trx, user.id, "verify_email");
      const receipt = await enqueueEmailWithReceipt(trx, {
        to: user.email,
        locale: user.locale,
        userId: user.id,
        email: verifyEmailMessage(user.locale, { name: user.name, url: link("/verify-email", token) }),
        requestedBy,
      });
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        action: "user.signup",
        entityType: "user",
        entityId: user.id,
        requestId: input.requestId,
      });
      return receipt;
    });
  return queued?.messageId ?? randomUUID();
}

/** The templates whose bounce the sign-up "check your email" page may report (one of them goes to any address). */
export const SIGNUP_TEMPLATES = ["verify_email", "signup_existing"] as const;

export async function resendVerification(user: User, ip: string): Promise<void> {
  await db()
    .transaction()
    .execute(async (trx) => {
      const token = await issueUserToken(trx, user.id, "verify_email");
      await enqueueEmail(trx, {
        to: user.email,
        locale: user.locale,
        userId: user.id,
        email: verifyEmailMessage(user.locale, { name: user.name, url: link("/verify-email", token) }),
        requestedBy: { kind: "confirmation", ip },
      });
    });
}

export async function verifyEmailToken(token: string, requestId: string): Promise<boolean> {
  const userId = await db()
    .transaction()
    .execute(async (trx) => {
      const user = await consumeUserToken(trx, token, "verify_email");
      if (!user) return null;
      await markEmailVerified(trx, user.id);
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        action: "user.email_verified",
        entityType: "user",
        entityId: user.id,
        requestId,
      });
      return user.id;
    });
  if (userId) forgetUserSessions(userId);
  return userId !== null;
}

export type CredentialCheck = { ok: true; user: User } | { ok: false; reason: "credentials" | "unverified"; user?: User };

/** Same work whether or not the account exists, so timing does not reveal it. */
export async function checkCredentials(email: string, password: string): Promise<CredentialCheck> {
  const user = await findUserByEmail(email);
  const valid = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), password);
  if (!user || !valid || !user.password_hash || user.status !== "active") return { ok: false, reason: "credentials" };
  if (!user.email_verified_at) return { ok: false, reason: "unverified", user };
  return { ok: true, user };
}

/**
 * Past the limits (per address and per requesting IP), or for an address without an active account, nothing is sent;
 * the visitor sees the same page and gets a receipt of the same shape.
 */
export async function requestPasswordReset(email: string, ip: string): Promise<EmailReceipt> {
  const queued = await db()
    .transaction()
    .execute(async (trx) => {
      const user = await findUserByEmail(email, trx);
      if (!user || user.status !== "active") return null;
      const token = await issueUserToken(trx, user.id, "reset_password");
      return enqueueEmailWithReceipt(trx, {
        to: user.email,
        locale: user.locale,
        userId: user.id,
        email: resetPasswordMessage(user.locale, { name: user.name, url: link("/reset-password", token) }),
        requestedBy: { kind: "reset", ip },
      });
    });
  return queued?.messageId ?? randomUUID();
}

/** Uses the token once, sets the password, confirms the address (the link proved it) and ends all sessions. */
export async function resetPasswordWithToken(token: string, password: string, requestId: string): Promise<boolean> {
  const passwordHash = await hashPassword(password);
  const userId = await db()
    .transaction()
    .execute(async (trx) => {
      const user = await consumeUserToken(trx, token, "reset_password");
      if (!user || user.status !== "active") return null;
      await setUserPassword(trx, user.id, passwordHash);
      await markEmailVerified(trx, user.id);
      await deleteUserSessions(trx, user.id);
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        action: "user.password_reset",
        entityType: "user",
        entityId: user.id,
        requestId,
      });
      return user.id;
    });
  if (userId) forgetUserSessions(userId);
  return userId !== null;
}

export class EmailTakenError extends Error {}

export async function acceptInvite(token: string, password: string, requestId: string): Promise<boolean> {
  const passwordHash = await hashPassword(password);
  return db()
    .transaction()
    .execute(async (trx) => {
      const user = await consumeUserToken(trx, token, "invite");
      if (!user || user.status !== "invited") return false;
      await activateInvitedUser(trx, user.id, passwordHash);
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        action: "user.invite_accepted",
        entityType: "user",
        entityId: user.id,
        requestId,
      });
      return true;
    });
}

/** For `npm run user:create`: creates an active, confirmed account of any role. */
export async function createUserDirect(input: {
  email: string;
  name: string;
  role: Role;
  provinceCode: string | null;
} & ({ password: string } | { passwordHash: string })): Promise<User> {
  // Seeds and tests that create many accounts with one password hash it once (argon2 costs ~45 ms of CPU each time).
  const passwordHash = "passwordHash" in input ? input.passwordHash : await hashPassword(input.password);
  return db()
    .transaction()
    .execute(async (trx) => {
      if (await findUserByEmail(input.email, trx)) throw new EmailTakenError();
      const user = await createUser(trx, { ...input, passwordHash, emailVerified: true });
      await recordAudit(trx, {
        actorUserId: null,
        actorRole: "cli",
        provinceCode: user.province_code,
        action: "user.created",
        entityType: "user",
        entityId: user.id,
        data: { role: user.role },
      });
      return user;
    });
}

/**
 * A signed-in password change: the current password first, then the new one; every other session of the account ends
 * (someone who knew the old password may be signed in elsewhere). False when the current password is wrong.
 */
export async function changePassword(
  user: User,
  input: { currentPassword: string; newPassword: string; keepSessionIdHash: string },
  requestId: string,
): Promise<boolean> {
  if (!user.password_hash || !(await verifyPassword(user.password_hash, input.currentPassword))) return false;
  const passwordHash = await hashPassword(input.newPassword);
  await db()
    .transaction()
    .execute(async (trx) => {
      await setUserPassword(trx, user.id, passwordHash);
      const ended = await deleteOtherSessions(trx, user.id, input.keepSessionIdHash);
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        action: "user.password_changed",
        entityType: "user",
        entityId: user.id,
        data: { otherSessionsEnded: ended },
        requestId,
      });
    });
  forgetUserSessions(user.id);
  return true;
}

/** "Sign out of the other sessions". */
export async function endOtherSessions(user: User, keepSessionIdHash: string, requestId: string): Promise<number> {
  const ended = await db()
    .transaction()
    .execute(async (trx) => {
      const ended = await deleteOtherSessions(trx, user.id, keepSessionIdHash);
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        action: "user.other_sessions_ended",
        entityType: "user",
        entityId: user.id,
        data: { ended },
        requestId,
      });
      return ended;
    });
  forgetUserSessions(user.id);
  return ended;
}
