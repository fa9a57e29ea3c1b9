import { sql, type Transaction } from "kysely";
import { HOLDING_STATUSES, type Application, type Database, type Enterprise, type Locale, type User, type VerificationStatus } from "~/platform/db/db-types.ts";
import { db, type Executor } from "~/platform/db/db.server.ts";
import { config } from "~/platform/config.server.ts";
import { provincialAgencyName } from "~/features/reference/agency.ts";
import { emailText, verificationMessage, type VerificationTemplate } from "~/platform/mail/email-templates.server.ts";
import { DEFAULT_SETTINGS, getProvince, settingValue } from "~/features/reference/reference.server.ts";
import { canViewApplication } from "~/features/application/queries.server.ts";
import { ConflictError, NotFoundError } from "~/platform/errors.ts";
import { recordAudit } from "~/platform/db/audit.server.ts";
import { enqueueEmail } from "~/platform/mail/outbox.server.ts";
import { listActiveReviewersOfProvince } from "~/features/account/user.server.ts";

import { isUuid } from "~/platform/forms/input.server.ts";

/**
 * Enterprise verification (docs/decisions/010-enterprise-verification-and-disputes.md): the province checks, in its
 * first review, that the enterprise is who it says (business registration certificate, legal representative). A
 * second record naming a held tax code is a dispute the holder's province resolves. Only verified enterprises are
 * forwarded to the ministry or listed in the catalogue.
 */

export const CERTIFICATE_SLOT = "doc:business_registration";

/** What a reviewer records about an enterprise (each is audited as `enterprise.<outcome>`). */
export const VERIFICATION_OUTCOMES = ["verified", "not_verified"] as const;
export type VerificationOutcome = (typeof VERIFICATION_OUTCOMES)[number];
export type RequirementMissing = "certificate" | "representative";

/** The enterprise's tax code is disputed (or its claim was refused): the dispute decides, not a review. */
export class VerificationBlockedError extends Error {
  constructor(public status: "disputed" | "refused") {
    super(`Enterprise verification blocked: ${status}`);
  }
}
export class VerificationRequirementsError extends Error {
  constructor(public missing: RequirementMissing[]) {
    super(`Enterprise cannot be verified: ${missing.join(", ")}`);
  }
}
/** Forwarding and recognition need a verified enterprise whose tax code is not disputed. */
export class EnterpriseNotVerifiedError extends Error {
  constructor(
    public status: VerificationStatus,
    public disputed: boolean,
  ) {
    super(`Enterprise not verified (${status}${disputed ? ", disputed" : ""})`);
  }
}
export class DisputeResolvedError extends Error {}
export class WinnerWithoutCertificateError extends Error {}

export const VERIFICATION_ACTIONS = ["enterprise.verified", "enterprise.not_verified", "enterprise.refused", "enterprise.dispute_filed"] as const;

// ---------- guards used by the workflow ----------

export function openDisputesOn(ex: Executor, taxCode: string) {
  return ex.selectFrom("tax_code_disputes").select(["id", "province_code", "claimant_enterprise_id", "holder_enterprise_id"]).where("tax_code", "=", taxCode).where("resolved_at", "is", null).execute();
}

/** Inside the transaction of a forward or a recognition: throws unless the enterprise is verified and undisputed. */
export async function assertEnterpriseVerified(trx: Executor, enterpriseId: string): Promise<void> {
  const e = await trx.selectFrom("enterprises").select(["verification_status", "tax_code"]).where("id", "=", enterpriseId).executeTakeFirstOrThrow();
  const disputed = (await openDisputesOn(trx, e.tax_code)).length > 0;
  if (e.verification_status !== "verified" || disputed) throw new EnterpriseNotVerifiedError(e.verification_status, disputed);
}

async function versionHasCertificate(ex: Executor, app: Application): Promise<boolean> {
  const version = await ex
    .selectFrom("application_versions")
    .select("attachment_ids")
    .where("application_id", "=", app.id)
    .where("version", "=", app.current_version)
    .executeTakeFirst();
  const ids = version?.attachment_ids ?? [];
  if (ids.length === 0) return false;
  const row = await ex.selectFrom("attachments").select("id").where("application_id", "=", app.id).where("id", "in", ids).where("slot", "=", CERTIFICATE_SLOT).executeTakeFirst();
  return Boolean(row);
}

/** A certificate the province can look at: one filed with a dispute or one in a submitted application. */
async function hasCertificateOnFile(ex: Executor, enterprise: Enterprise): Promise<boolean> {
  if (enterprise.verification_status === "verified") return true;
  const filed = await ex.selectFrom("enterprise_documents").select("id").where("enterprise_id", "=", enterprise.id).executeTakeFirst();
  if (filed) return true;
  const submitted = await ex
    .selectFrom("attachments")
    .innerJoin("applications", "applications.id", "attachments.application_id")
    .select("attachments.id")
    .where("applications.enterprise_id", "=", enterprise.id)
    .where("attachments.slot", "=", CERTIFICATE_SLOT)
    .where("attachments.frozen", "=", true)
    .executeTakeFirst();
  return Boolean(submitted);
}

// ---------- the province's decisions ----------

/** The verification step of a provincial review: verified (certificate and representative present) or not, with a reason. */
export async function verifyEnterprise(
  user: User,
  applicationId: string,
  input: { outcome: VerificationOutcome; reason: string },
  requestId: string,
): Promise<void> {
  if (user.role !== "province_reviewer") throw new NotFoundError();
  await db()
    .transaction()
    .execute(async (trx) => {
      const app = await trx.selectFrom("applications").selectAll().where("id", "=", applicationId).executeTakeFirst();
      if (!app || !(await canViewApplication(user, app, trx))) throw new NotFoundError();
      if (app.status !== "in_provincial_review") throw new ConflictError({ status: app.status, lockVersion: app.lock_version });
      const enterprise = await trx.selectFrom("enterprises").selectAll().where("id", "=", app.enterprise_id).forUpdate().executeTakeFirstOrThrow();
      if (!HOLDING_STATUSES.includes(enterprise.verification_status))
        throw new VerificationBlockedError(enterprise.verification_status === "refused" ? "refused" : "disputed");
      if ((await openDisputesOn(trx, enterprise.tax_code)).length > 0) throw new VerificationBlockedError("disputed");
      if (input.outcome === "verified") {
        const missing: RequirementMissing[] = [];
        if (!(await versionHasCertificate(trx, app))) missing.push("certificate");
        if (!enterprise.representative_name.trim() || !enterprise.representative_title.trim()) missing.push("representative");
        if (missing.length > 0) throw new VerificationRequirementsError(missing);
      }
      await trx
        .updateTable("enterprises")
        .set({
          verification_status: input.outcome,
          verification_reason: input.outcome === "verified" ? null : input.reason,
          verification_decided_at: sql`now()`,
          verification_decided_by: user.id,
          verification_province_code: app.province_code,
        })
        .where("id", "=", enterprise.id)
        .execute();
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        provinceCode: app.province_code,
        action: `enterprise.${input.outcome}`,
        entityType: "enterprise",
        entityId: enterprise.id,
        fromState: enterprise.verification_status,
        toState: input.outcome,
        reason: input.reason || null,
        data: { applicationId: app.id, version: app.current_version },
        requestId,
      });
      if (input.outcome === "not_verified")
        await toOwners(trx, enterprise, "enterprise_not_verified", (locale) => agencyFacts(trx, app.province_code!, locale, { reason: input.reason }));
    });
}

/** The holder's province keeps the tax code with one record (verified) and refuses the other, telling it why. */
export async function resolveDispute(
  user: User,
  disputeId: string,
  input: { winner: "holder" | "claimant"; reason: string },
  requestId: string,
): Promise<void> {
  if (user.role !== "province_reviewer" || !isUuid(disputeId)) throw new NotFoundError();
  await db()
    .transaction()
    .execute(async (trx) => {
      const dispute = await trx.selectFrom("tax_code_disputes").selectAll().where("id", "=", disputeId).forUpdate().executeTakeFirst();
      if (!dispute || dispute.province_code !== user.province_code) throw new NotFoundError();
      if (dispute.resolved_at) throw new DisputeResolvedError();
      const parties = await trx
        .selectFrom("enterprises")
        .selectAll()
        .where("id", "in", [dispute.holder_enterprise_id, dispute.claimant_enterprise_id])
        .orderBy("id")
        .forUpdate()
        .execute();
      const holder = parties.find((p) => p.id === dispute.holder_enterprise_id)!;
      const claimant = parties.find((p) => p.id === dispute.claimant_enterprise_id)!;
      const [winner, loser] = input.winner === "holder" ? [holder, claimant] : [claimant, holder];
      if (!(await hasCertificateOnFile(trx, winner))) throw new WinnerWithoutCertificateError();
      const decided = { verification_decided_at: sql<Date>`now()`, verification_decided_by: user.id, verification_province_code: dispute.province_code };
      // The loser first: one record at a time may hold the tax code.
      await trx.updateTable("enterprises").set({ ...decided, verification_status: "refused", verification_reason: input.reason }).where("id", "=", loser.id).execute();
      await trx.updateTable("enterprises").set({ ...decided, verification_status: "verified", verification_reason: null }).where("id", "=", winner.id).execute();
      if (winner.id === claimant.id)
        await trx
          .updateTable("tax_code_disputes")
          .set({ holder_enterprise_id: claimant.id })
          .where("tax_code", "=", dispute.tax_code)
          .where("resolved_at", "is", null)
          .where("id", "!=", dispute.id)
          .execute();
      await trx
        .updateTable("tax_code_disputes")
        .set({ resolved_at: sql`now()`, resolved_by: user.id, winner_enterprise_id: winner.id, resolution_reason: input.reason })
        .where("id", "=", dispute.id)
        .execute();
      const audit = { actorUserId: user.id, actorRole: user.role, provinceCode: dispute.province_code, requestId };
      await recordAudit(trx, { ...audit, action: "tax_code_dispute.resolved", entityType: "tax_code_dispute", entityId: dispute.id, reason: input.reason, data: { winner: winner.id, loser: loser.id } });
      await recordAudit(trx, { ...audit, action: "enterprise.verified", entityType: "enterprise", entityId: winner.id, fromState: winner.verification_status, toState: "verified", data: { disputeId: dispute.id } });
      await recordAudit(trx, { ...audit, action: "enterprise.refused", entityType: "enterprise", entityId: loser.id, fromState: loser.verification_status, toState: "refused", reason: input.reason, data: { disputeId: dispute.id } });
      await toOwners(trx, winner, "dispute_upheld", (locale) => agencyFacts(trx, dispute.province_code, locale, { taxCode: dispute.tax_code }));
      await toOwners(trx, loser, "dispute_refused", (locale) => agencyFacts(trx, dispute.province_code, locale, { taxCode: dispute.tax_code, reason: input.reason }));
    });
}

// ---------- emails ----------

async function agencyFacts(ex: Executor, provinceCode: string, locale: Locale, extra: Record<string, string>): Promise<Record<string, string>> {
  const [province, setting] = await Promise.all([getProvince(provinceCode, ex), settingValue(`agency.province.${locale}`, ex)]);
  if (!province) throw new Error(`Unknown province ${provinceCode}`);
  const base = typeof setting === "string" ? setting : String(DEFAULT_SETTINGS[`agency.province.${locale}`]);
  return { agency: provincialAgencyName(base, province, locale), ...extra };
}

/** Decisions of the province are signed by its department; receipts of a filing by the portal. */
const SIGNED_BY_PORTAL: ReadonlySet<VerificationTemplate> = new Set(["dispute_filed_province", "dispute_filed_holder", "dispute_filed_claimant"]);

async function toOwners(
  trx: Transaction<Database>,
  enterprise: Pick<Enterprise, "id" | "legal_name" | "tax_code">,
  template: VerificationTemplate,
  facts: (locale: Locale) => Promise<Record<string, string>>,
) {
  const owners = await trx
    .selectFrom("enterprise_members")
    .innerJoin("users", "users.id", "enterprise_members.user_id")
    .select(["users.id", "users.email", "users.locale"])
    .where("enterprise_members.enterprise_id", "=", enterprise.id)
    .where("enterprise_members.role", "=", "owner")
    .where("users.status", "=", "active")
    .execute();
  for (const o of owners) {
    const p: Record<string, string> & { url: string } = { enterprise: enterprise.legal_name, taxCode: enterprise.tax_code, ...(await facts(o.locale)), url: `${config().publicUrl}/enterprise` };
    const signature = SIGNED_BY_PORTAL.has(template) || !p.agency ? emailText(o.locale, "signature.portal") : p.agency;
    const email = verificationMessage(template, o.locale, p, { to: { kind: "enterprise", name: enterprise.legal_name }, signature });
    await enqueueEmail(trx, { to: o.email, locale: o.locale, userId: o.id, email });
  }
}

/** The holder's province gets the case; both enterprises learn that it is open (neither learns who the other is). */
export async function notifyDisputeFiled(trx: Transaction<Database>, d: { disputeId: string; claimant: Enterprise; holder: Enterprise }) {
  const province = d.holder.province_code;
  for (const r of await listActiveReviewersOfProvince(province, trx)) {
    const p = { taxCode: d.claimant.tax_code, claimant: d.claimant.legal_name, holder: d.holder.legal_name, url: `${config().publicUrl}/review/disputes/${d.disputeId}` };
    const email = verificationMessage("dispute_filed_province", r.locale, p, { to: { kind: "person", name: r.name }, signature: emailText(r.locale, "signature.portal") });
    await enqueueEmail(trx, { to: r.email, locale: r.locale, userId: r.id, email });
  }
  await toOwners(trx, d.holder, "dispute_filed_holder", (locale) => agencyFacts(trx, province, locale, {}));
  await toOwners(trx, d.claimant, "dispute_filed_claimant", (locale) => agencyFacts(trx, province, locale, {}));
}
