import { sql, type Kysely, type SqlBool, type Transaction } from "kysely";
import { HOLDING_STATUSES, type Database, type Enterprise, type User } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import { enterpriseInviteMessage } from "~/platform/mail/email-templates.server.ts";
import { hashToken, newToken, tokenLink } from "~/platform/security/tokens.server.ts";
import { refreshSearchText } from "~/features/application/queries.server.ts";
import { claimStagedBlobs } from "~/platform/db/file-store.server.ts";
import { recordAudit } from "~/platform/db/audit.server.ts";
import { EmailLimitedError, enqueueEmail } from "~/platform/mail/outbox.server.ts";
import { normaliseEmail } from "~/features/account/user.server.ts";
import { getMembership } from "~/features/account/membership.server.ts";
import { notifyDisputeFiled } from "./verification.server.ts";

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

export class TaxCodeTakenError extends Error {}
export class AlreadyMemberError extends Error {}

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

export interface DisputeInput {
  /** Why the tax code belongs to this enterprise. */
  statement: string;
  /** Its business registration certificate (already checked by the upload parser). */
  evidence: { fileName: string; contentType: string; blobId: string; sizeBytes: number; sha256: string };
}

/**
 * One record holds a tax code: a colleague joins it through an invitation. Someone else who names a held tax code is
 * not refused: with `dispute` (a statement and the business registration certificate) the new record is "disputed" and
 * the province of the holder decides; without it, TaxCodeTakenError lets the form offer that choice.
 */
export async function createEnterprise(user: User, input: EnterpriseInput, requestId: string, dispute?: DisputeInput): Promise<Enterprise> {
  return db()
    .transaction()
    .execute(async (trx) => {
      if (await getMembership(user.id, trx)) throw new AlreadyMemberError();
      let holder = await holderOf(trx, input.taxCode);
      if (!holder) {
        const enterprise = await trx
          .insertInto("enterprises")
          .values({ ...columns(input), created_by: user.id })
          // The partial unique index's own predicate, as literals, so PostgreSQL can match the index to it.
          .onConflict((oc) => oc.column("tax_code").where(HOLDING_PREDICATE).doNothing())
          .returningAll()
          .executeTakeFirst();
        if (enterprise) {
          await addOwner(trx, user, enterprise, requestId);
          return enterprise;
        }
        // Someone registered it in the meantime.
        holder = await holderOf(trx, input.taxCode);
        if (!holder) throw new TaxCodeTakenError();
      }
      if (!dispute) throw new TaxCodeTakenError();
      const enterprise = await trx
        .insertInto("enterprises")
        .values({ ...columns(input), created_by: user.id, verification_status: "disputed" })
        .returningAll()
        .executeTakeFirstOrThrow();
      await addOwner(trx, user, enterprise, requestId);
      await claimStagedBlobs(trx, [dispute.evidence.blobId]);
      const document = await trx
        .insertInto("enterprise_documents")
        .values({
          enterprise_id: enterprise.id,
          kind: "business_registration",
          file_name: dispute.evidence.fileName,
          content_type: dispute.evidence.contentType,
          size_bytes: dispute.evidence.sizeBytes,
          sha256: dispute.evidence.sha256,
          blob_id: dispute.evidence.blobId,
          uploaded_by: user.id,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const filed = await trx
        .insertInto("tax_code_disputes")
        .values({
          tax_code: enterprise.tax_code,
          province_code: holder.province_code,
          claimant_enterprise_id: enterprise.id,
          holder_enterprise_id: holder.id,
          statement: dispute.statement,
          evidence_document_id: document.id,
          filed_by: user.id,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        provinceCode: holder.province_code,
        action: "enterprise.dispute_filed",
        entityType: "enterprise",
        entityId: enterprise.id,
        reason: dispute.statement,
        data: { disputeId: filed.id, holder: holder.id, taxCode: enterprise.tax_code, evidence: { name: dispute.evidence.fileName, sha256: dispute.evidence.sha256 } },
        requestId,
      });
      await notifyDisputeFiled(trx, { disputeId: filed.id, claimant: enterprise, holder });
      return enterprise;
    });
}

const HOLDING_PREDICATE = sql<SqlBool>`verification_status in (${sql.join(HOLDING_STATUSES.map((s) => sql.lit(s)))})`;

function holderOf(ex: Executor, taxCode: string) {
  return ex.selectFrom("enterprises").selectAll().where("tax_code", "=", taxCode).where("verification_status", "in", [...HOLDING_STATUSES]).executeTakeFirst();
}

async function addOwner(trx: Transaction<Database>, user: User, enterprise: Enterprise, requestId: string) {
  await trx.insertInto("enterprise_members").values({ enterprise_id: enterprise.id, user_id: user.id, role: "owner" }).execute();
  await recordAudit(trx, {
    actorUserId: user.id,
    actorRole: user.role,
    provinceCode: enterprise.province_code,
    action: "enterprise.created",
    entityType: "enterprise",
    entityId: enterprise.id,
    data: { verification: enterprise.verification_status },
    requestId,
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
