import { sql, type Kysely, type Transaction } from "kysely";
import type { Database, Enterprise, User } from "~/lib/db-types.ts";
import { db } from "~/lib/db.server.ts";
import { enterpriseInviteMessage } from "~/lib/email-templates.server.ts";
import { hashToken, newToken, tokenLink } from "~/lib/tokens.server.ts";
import { refreshSearchText } from "./application.server.ts";
import { recordAudit } from "./audit.server.ts";
import { EmailLimitedError, enqueueEmail } from "./outbox.server.ts";
import { normaliseEmail } from "./user.server.ts";

type Executor = Kysely<Database> | Transaction<Database>;

export interface EnterpriseInput {
  taxCode: string;
  legalName: string;
  englishName: string | null;
  provinceCode: string;
  address: string;
  representativeName: string;
  representativeTitle: string;
  phone: string;
  website: string | null;
}

export interface Membership {
  enterprise: Enterprise;
  role: "owner" | "member";
}

export class TaxCodeTakenError extends Error {}
export class AlreadyMemberError extends Error {}

export async function getMembership(userId: string, ex: Executor = db()): Promise<Membership | undefined> {
  const row = await ex
    .selectFrom("enterprise_members")
    .innerJoin("enterprises", "enterprises.id", "enterprise_members.enterprise_id")
    .selectAll("enterprises")
    .select("enterprise_members.role as member_role")
    .where("enterprise_members.user_id", "=", userId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { member_role, ...enterprise } = row;
  return { enterprise, role: member_role };
}

function columns(input: EnterpriseInput) {
  return {
    tax_code: input.taxCode,
    legal_name: input.legalName,
    english_name: input.englishName,
    province_code: input.provinceCode,
    address: input.address,
    representative_name: input.representativeName,
    representative_title: input.representativeTitle,
    phone: input.phone,
    website: input.website,
  };
}

/** One enterprise per tax code: a colleague joins through an invitation instead of registering it again. */
export async function createEnterprise(user: User, input: EnterpriseInput, requestId: string): Promise<Enterprise> {
  return db()
    .transaction()
    .execute(async (trx) => {
      if (await getMembership(user.id, trx)) throw new AlreadyMemberError();
      const existing = await trx.selectFrom("enterprises").select("id").where("tax_code", "=", input.taxCode).executeTakeFirst();
      if (existing) throw new TaxCodeTakenError();
      const enterprise = await trx
        .insertInto("enterprises")
        .values({ ...columns(input), created_by: user.id })
        .onConflict((oc) => oc.column("tax_code").doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!enterprise) throw new TaxCodeTakenError();
      await trx.insertInto("enterprise_members").values({ enterprise_id: enterprise.id, user_id: user.id, role: "owner" }).execute();
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        provinceCode: enterprise.province_code,
        action: "enterprise.created",
        entityType: "enterprise",
        entityId: enterprise.id,
        requestId,
      });
      return enterprise;
    });
}

export async function updateEnterprise(user: User, enterpriseId: string, input: Omit<EnterpriseInput, "taxCode">, requestId: string) {
  await db()
    .transaction()
    .execute(async (trx) => {
      const { tax_code: _taxCode, ...rest } = columns({ ...input, taxCode: "" });
      await trx.updateTable("enterprises").set({ ...rest, updated_at: sql`now()` }).where("id", "=", enterpriseId).execute();
      await refreshSearchText(trx, { enterpriseId });
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        provinceCode: input.provinceCode,
        action: "enterprise.updated",
        entityType: "enterprise",
        entityId: enterpriseId,
        requestId,
      });
    });
}

export function listMembers(enterpriseId: string) {
  return db()
    .selectFrom("enterprise_members")
    .innerJoin("users", "users.id", "enterprise_members.user_id")
    .select(["users.id", "users.email", "users.name", "enterprise_members.role", "enterprise_members.created_at"])
    .where("enterprise_members.enterprise_id", "=", enterpriseId)
    .orderBy("enterprise_members.created_at")
    .execute();
}

export function listPendingInvitations(enterpriseId: string) {
  return db()
    .selectFrom("enterprise_invitations")
    .select(["id", "email", "role", "expires_at", "created_at"])
    .where("enterprise_id", "=", enterpriseId)
    .where("accepted_at", "is", null)
    .where("expires_at", ">", sql<Date>`now()`)
    .orderBy("created_at")
    .execute();
}

export async function inviteMember(
  owner: User,
  enterprise: Enterprise,
  input: { email: string; role: "owner" | "member" },
  requestId: string,
  ip: string,
): Promise<void> {
  const token = newToken();
  await db()
    .transaction()
    .execute(async (trx) => {
      await trx
        .insertInto("enterprise_invitations")
        .values({
          enterprise_id: enterprise.id,
          email: normaliseEmail(input.email),
          role: input.role,
          token_hash: hashToken(token),
          invited_by: owner.id,
          expires_at: sql<Date>`now() + interval '7 days'`,
        })
        .execute();
      const sent = await enqueueEmail(trx, {
        to: normaliseEmail(input.email),
        locale: owner.locale,
        email: enterpriseInviteMessage(owner.locale, {
          inviter: owner.name,
          enterprise: enterprise.legal_name,
          url: tokenLink("/enterprise/join", token),
        }),
        requestedBy: { kind: "invitation", ip },
      });
      if (sent === null) throw new EmailLimitedError();
      await recordAudit(trx, {
        actorUserId: owner.id,
        actorRole: owner.role,
        action: "enterprise.member_invited",
        entityType: "enterprise",
        entityId: enterprise.id,
        data: { email: normaliseEmail(input.email), role: input.role },
        requestId,
      });
    });
}

export function findEnterpriseInvitation(token: string) {
  return db()
    .selectFrom("enterprise_invitations")
    .innerJoin("enterprises", "enterprises.id", "enterprise_invitations.enterprise_id")
    .select(["enterprise_invitations.id", "enterprise_invitations.email", "enterprise_invitations.role", "enterprises.legal_name", "enterprises.id as enterprise_id"])
    .where("token_hash", "=", hashToken(token))
    .where("accepted_at", "is", null)
    .where("expires_at", ">", sql<Date>`now()`)
    .executeTakeFirst();
}

/** The invitation is for one address: only the account with that address can accept it. */
export async function acceptEnterpriseInvitation(user: User, token: string, requestId: string): Promise<boolean> {
  return db()
    .transaction()
    .execute(async (trx) => {
      if (await getMembership(user.id, trx)) throw new AlreadyMemberError();
      const invitation = await trx
        .updateTable("enterprise_invitations")
        .set({ accepted_at: sql`now()`, accepted_by: user.id })
        .where("token_hash", "=", hashToken(token))
        .where("accepted_at", "is", null)
        .where("expires_at", ">", sql<Date>`now()`)
        .where("email", "=", normaliseEmail(user.email))
        .returning(["enterprise_id", "role"])
        .executeTakeFirst();
      if (!invitation) return false;
      await trx.insertInto("enterprise_members").values({ enterprise_id: invitation.enterprise_id, user_id: user.id, role: invitation.role }).execute();
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        action: "enterprise.member_joined",
        entityType: "enterprise",
        entityId: invitation.enterprise_id,
        requestId,
      });
      return true;
    });
}

export async function removeMember(owner: User, enterpriseId: string, userId: string, requestId: string): Promise<boolean> {
  if (owner.id === userId) return false;
  return db()
    .transaction()
    .execute(async (trx) => {
      const removed = await trx
        .deleteFrom("enterprise_members")
        .where("enterprise_id", "=", enterpriseId)
        .where("user_id", "=", userId)
        .returning("user_id")
        .executeTakeFirst();
      if (!removed) return false;
      await recordAudit(trx, {
        actorUserId: owner.id,
        actorRole: owner.role,
        action: "enterprise.member_removed",
        entityType: "enterprise",
        entityId: enterpriseId,
        data: { userId },
        requestId,
      });
      return true;
    });
}

export function getEnterprise(id: string) {
  return db().selectFrom("enterprises").selectAll().where("id", "=", id).executeTakeFirst();
}
