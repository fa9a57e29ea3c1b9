import { sql } from "kysely";
import { type Application, type Enterprise, type User } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import { isUuid } from "~/platform/forms/input.server.ts";
import { getProvince } from "~/features/reference/reference.server.ts";
import { timelineFor, type Audience } from "~/features/application/disclosure.server.ts";

import { CERTIFICATE_SLOT, openDisputesOn, VERIFICATION_ACTIONS } from "./verification.server.ts";

// ---------- reading ----------


function provinceName(code: string | null) {
  return code ? getProvince(code) : Promise.resolve(undefined);
}

/** What the enterprise sees of its own claim: its state, the province's reason, and an open or decided dispute. */
export async function verificationForEnterprise(enterprise: Enterprise) {
  const disputes = await db()
    .selectFrom("tax_code_disputes")
    .innerJoin("enterprise_documents", "enterprise_documents.id", "tax_code_disputes.evidence_document_id")
    .select([
      "tax_code_disputes.id",
      "tax_code_disputes.province_code",
      "tax_code_disputes.claimant_enterprise_id",
      "tax_code_disputes.holder_enterprise_id",
      "tax_code_disputes.statement",
      "tax_code_disputes.created_at",
      "tax_code_disputes.resolved_at",
      "tax_code_disputes.winner_enterprise_id",
      "tax_code_disputes.resolution_reason",
      "enterprise_documents.file_name as evidence_name",
    ])
    .where((eb) => eb.or([eb("tax_code_disputes.claimant_enterprise_id", "=", enterprise.id), eb("tax_code_disputes.holder_enterprise_id", "=", enterprise.id)]))
    .orderBy("tax_code_disputes.created_at", "desc")
    .execute();
  const own = disputes.find((d) => d.claimant_enterprise_id === enterprise.id);
  const against = disputes.filter((d) => d.holder_enterprise_id === enterprise.id && !d.resolved_at);
  const province = await provinceName(enterprise.verification_province_code ?? own?.province_code ?? against[0]?.province_code ?? enterprise.province_code);
  return {
    status: enterprise.verification_status,
    reason: enterprise.verification_status === "not_verified" || enterprise.verification_status === "refused" ? enterprise.verification_reason : null,
    decidedAt: enterprise.verification_decided_at,
    province: province ? { name_vi: province.name_vi, name_ascii: province.name_ascii } : null,
    /** The dispute this enterprise filed (the other record is never named). */
    claim: own
      ? { filedAt: own.created_at, statement: own.statement, evidence: own.evidence_name, resolvedAt: own.resolved_at, won: own.resolved_at ? own.winner_enterprise_id === enterprise.id : null }
      : null,
    /** Open disputes of other records against this enterprise's tax code. */
    openAgainst: against.length,
  };
}

export type EnterpriseVerification = Awaited<ReturnType<typeof verificationForEnterprise>>;

/** The review page's verification step: the facts to check, the state, and what happened so far. */
export async function verificationForReview(app: Application, audience: Exclude<Audience, "enterprise">) {
  const enterprise = await db().selectFrom("enterprises").selectAll().where("id", "=", app.enterprise_id).executeTakeFirstOrThrow();
  const [disputes, history] = await Promise.all([
    openDisputesOn(db(), enterprise.tax_code),
    db()
      .selectFrom("audit_events")
      .leftJoin("users", "users.id", "audit_events.actor_user_id")
      .select([
        "audit_events.id",
        "audit_events.action",
        "audit_events.actor_role",
        "audit_events.from_state",
        "audit_events.to_state",
        "audit_events.reason",
        "audit_events.created_at",
        "users.name as actor_name",
      ])
      .where("audit_events.entity_type", "=", "enterprise")
      .where("audit_events.entity_id", "=", enterprise.id)
      .where("audit_events.action", "in", [...VERIFICATION_ACTIONS])
      .orderBy("audit_events.id")
      .execute(),
  ]);
  const dispute = disputes[0];
  return {
    status: enterprise.verification_status,
    reason: enterprise.verification_reason,
    decidedAt: enterprise.verification_decided_at,
    representative: { name: enterprise.representative_name, title: enterprise.representative_title },
    dispute: dispute ? { id: dispute.id, resolvableHere: audience === "province" && dispute.province_code === app.province_code, provinceCode: dispute.province_code } : null,
    history: timelineFor(audience, history),
  };
}

export type ReviewVerification = Awaited<ReturnType<typeof verificationForReview>>;

export function countOpenDisputes(provinceCode: string) {
  return db()
    .selectFrom("tax_code_disputes")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("province_code", "=", provinceCode)
    .where("resolved_at", "is", null)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}

/** The province's disputes: open ones first (oldest first), then the latest decided ones. */
export function listDisputes(provinceCode: string) {
  return db()
    .selectFrom("tax_code_disputes")
    .innerJoin("enterprises as holder", "holder.id", "tax_code_disputes.holder_enterprise_id")
    .innerJoin("enterprises as claimant", "claimant.id", "tax_code_disputes.claimant_enterprise_id")
    .select([
      "tax_code_disputes.id",
      "tax_code_disputes.tax_code",
      "tax_code_disputes.created_at",
      "tax_code_disputes.resolved_at",
      "tax_code_disputes.winner_enterprise_id",
      "holder.id as holder_id",
      "holder.legal_name as holder_name",
      "claimant.legal_name as claimant_name",
    ])
    .where("tax_code_disputes.province_code", "=", provinceCode)
    .orderBy(sql`tax_code_disputes.resolved_at is not null`)
    .orderBy(sql`coalesce(tax_code_disputes.resolved_at, tax_code_disputes.created_at)`, "desc")
    .limit(200)
    .execute();
}

async function partyDetails(enterpriseId: string, disputeProvince: string) {
  const [e, documents, certificates, applications] = await Promise.all([
    db().selectFrom("enterprises").selectAll().where("id", "=", enterpriseId).executeTakeFirstOrThrow(),
    db().selectFrom("enterprise_documents").select(["id", "file_name", "size_bytes", "created_at"]).where("enterprise_id", "=", enterpriseId).orderBy("created_at").execute(),
    db()
      .selectFrom("attachments")
      .innerJoin("applications", "applications.id", "attachments.application_id")
      .select(["attachments.id", "attachments.file_name", "attachments.size_bytes", "attachments.created_at", "applications.reference"])
      .where("applications.enterprise_id", "=", enterpriseId)
      .where("attachments.slot", "=", CERTIFICATE_SLOT)
      .where("attachments.frozen", "=", true)
      .orderBy("attachments.created_at")
      .execute(),
    db()
      .selectFrom("applications")
      .select(["id", "reference", "status", "province_code", "platform_name"])
      .where("enterprise_id", "=", enterpriseId)
      .where("current_version", ">", 0)
      .orderBy("submitted_at")
      .execute(),
  ]);
  return {
    id: e.id,
    legalName: e.legal_name,
    englishName: e.english_name,
    taxCode: e.tax_code,
    provinceCode: e.province_code,
    address: e.address,
    representative: `${e.representative_name} – ${e.representative_title}`,
    phone: e.phone,
    website: e.website,
    createdAt: e.created_at,
    status: e.verification_status,
    files: [
      ...documents.map((d) => ({ id: d.id, name: d.file_name, size: d.size_bytes, reference: null as string | null })),
      ...certificates.map((c) => ({ id: c.id, name: c.file_name, size: c.size_bytes, reference: c.reference })),
    ],
    applications: applications.map((a) => ({ ...a, reviewable: a.province_code === disputeProvince })),
  };
}

/** A dispute for a reviewer of its province (undefined otherwise: callers answer 404). */
export async function getDisputeForReviewer(user: User, id: string) {
  if (user.role !== "province_reviewer" || !isUuid(id)) return undefined;
  const d = await db().selectFrom("tax_code_disputes").selectAll().where("id", "=", id).where("province_code", "=", user.province_code).executeTakeFirst();
  if (!d) return undefined;
  const [holder, claimant] = await Promise.all([partyDetails(d.holder_enterprise_id, d.province_code), partyDetails(d.claimant_enterprise_id, d.province_code)]);
  return { dispute: d, holder, claimant };
}

/** A certificate of either party of a dispute, for a reviewer of the dispute's province: a filed document's bytes, or
 * the application attachment to read through the attachments model. */
export async function getDisputeFile(user: User, disputeId: string, fileId: string) {
  if (!isUuid(fileId)) return undefined;
  const found = await getDisputeForReviewer(user, disputeId);
  if (!found) return undefined;
  const parties = [found.dispute.holder_enterprise_id, found.dispute.claimant_enterprise_id];
  const document = await db()
    .selectFrom("enterprise_documents")
    .select(["file_name", "content_type", "size_bytes", "blob_id"])
    .where("id", "=", fileId)
    .where("enterprise_id", "in", parties)
    .executeTakeFirst();
  if (document) return { kind: "document" as const, ...document };
  const attachment = await db()
    .selectFrom("attachments")
    .innerJoin("applications", "applications.id", "attachments.application_id")
    .select(["attachments.id", "attachments.application_id"])
    .where("attachments.id", "=", fileId)
    .where("applications.enterprise_id", "in", parties)
    .where("attachments.slot", "=", CERTIFICATE_SLOT)
    .where("attachments.frozen", "=", true)
    .executeTakeFirst();
  return attachment ? { kind: "attachment" as const, applicationId: attachment.application_id, id: attachment.id } : undefined;
}
