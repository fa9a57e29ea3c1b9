import type { Transaction } from "kysely";
import type { Database, Locale, User } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import { recordAudit } from "~/platform/db/audit.server.ts";
import { NotFoundError } from "~/platform/errors.ts";
import { inviteMessage } from "~/platform/mail/email-templates.server.ts";
import { EmailLimitedError, enqueueEmail } from "~/platform/mail/outbox.server.ts";
import { tokenLink as link } from "~/platform/security/tokens.server.ts";
import { now } from "~/platform/time/clock.ts";
import { EmailTakenError } from "~/features/account/account.server.ts";
import { deleteUserSessions, forgetUserSessions } from "~/features/account/session.server.ts";
import { createUser, findUserByEmail, issueUserToken, setUserStatus } from "~/features/account/user.server.ts";
import { isStaffRole, type StaffRole } from "./staff-roles.ts";

/** A new invitation link (earlier ones stop working) by email; the address's email limits apply. */
async function sendInvitation(trx: Transaction<Database>, user: User, ip: string): Promise<void> {
  const token = await issueUserToken(trx, user.id, "invite");
  const sent = await enqueueEmail(trx, {
    to: user.email,
    locale: user.locale,
    userId: user.id,
    email: inviteMessage(user.locale, { name: user.name, role: user.role, url: link("/invite", token) }),
    requestedBy: { kind: "invitation", ip },
  });
  if (sent === null) throw new EmailLimitedError();
}

/** An admin acting on their own account, or on an enterprise account, which is not theirs to manage. */
export class NotManageableError extends Error {}

export async function inviteStaff(
  admin: User,
  input: { email: string; name: string; role: StaffRole; provinceCode: string | null; locale: Locale },
  requestId: string,
  ip: string,
): Promise<User> {
  return db()
    .transaction()
    .execute(async (trx) => {
      if (await findUserByEmail(input.email, trx)) throw new EmailTakenError();
      const user = await createUser(trx, {
        email: input.email,
        name: input.name,
        role: input.role,
        provinceCode: input.provinceCode,
        passwordHash: null,
        status: "invited",
        locale: input.locale,
      });
      await sendInvitation(trx, user, ip);
      await recordAudit(trx, {
        actorUserId: admin.id,
        actorRole: admin.role,
        provinceCode: user.province_code,
        action: "user.invited",
        entityType: "user",
        entityId: user.id,
        data: { role: user.role },
        requestId,
      });
      return user;
    });
}

/**
 * A new invitation link for someone who has not accepted yet: the earlier link stops working (one live token per
 * purpose), and the email counts against the address's limits like the first one.
 */
export async function resendInvitation(admin: User, userId: string, requestId: string, ip: string): Promise<void> {
  await db()
    .transaction()
    .execute(async (trx) => {
      const user = await trx.selectFrom("users").selectAll().where("id", "=", userId).forUpdate().executeTakeFirst();
      if (!user) throw new NotFoundError();
      if (user.status !== "invited" || !isStaffRole(user.role)) throw new NotManageableError();
      await sendInvitation(trx, user, ip);
      await recordAudit(trx, {
        actorUserId: admin.id,
        actorRole: admin.role,
        provinceCode: user.province_code,
        action: "user.invitation_resent",
        entityType: "user",
        entityId: user.id,
        requestId,
      });
    });
}

/**
 * Moves a staff member to another role or province. Their sessions end (their rights changed: the next sign-in, with
 * its second factor, gives the new ones); applications assigned to them stay assigned, and a province's page shows
 * an assignee who left it as nobody. Returns false when nothing changed.
 */
export async function changeStaffRole(admin: User, userId: string, to: { role: StaffRole; provinceCode: string | null }, requestId: string): Promise<boolean> {
  const provinceCode = to.role === "province_reviewer" ? to.provinceCode : null;
  const changed = await db()
    .transaction()
    .execute(async (trx) => {
      const target = await trx.selectFrom("users").select(["id", "role", "province_code"]).where("id", "=", userId).forUpdate().executeTakeFirst();
      if (!target) throw new NotFoundError();
      if (target.id === admin.id || !isStaffRole(target.role)) throw new NotManageableError();
      if (target.role === to.role && target.province_code === provinceCode) return false;
      await trx.updateTable("users").set({ role: to.role, province_code: provinceCode, updated_at: now() }).where("id", "=", userId).execute();
      await deleteUserSessions(trx, userId);
      await recordAudit(trx, {
        actorUserId: admin.id,
        actorRole: admin.role,
        provinceCode: provinceCode ?? target.province_code,
        action: "user.role_changed",
        entityType: "user",
        entityId: userId,
        data: { fromRole: target.role, toRole: to.role, fromProvince: target.province_code, toProvince: provinceCode },
        requestId,
      });
      return true;
    });
  forgetUserSessions(userId);
  return changed;
}

export async function changeUserStatus(admin: User, userId: string, status: "active" | "deactivated", requestId: string) {
  await db()
    .transaction()
    .execute(async (trx) => {
      const target = await trx.selectFrom("users").select(["id", "status", "province_code"]).where("id", "=", userId).executeTakeFirst();
      if (!target || target.id === admin.id || target.status === "invited" || target.status === status) return;
      await setUserStatus(trx, userId, status);
      if (status === "deactivated") await deleteUserSessions(trx, userId);
      await recordAudit(trx, {
        actorUserId: admin.id,
        actorRole: admin.role,
        provinceCode: target.province_code,
        action: status === "deactivated" ? "user.deactivated" : "user.reactivated",
        entityType: "user",
        entityId: userId,
        fromState: target.status,
        toState: status,
        requestId,
      });
    });
  forgetUserSessions(userId);
}
