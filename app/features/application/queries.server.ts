import { sql } from "kysely";
import type {
Application,User
} from "~/platform/db/db-types.ts";
import { db, type Executor } from "~/platform/db/db.server.ts";
import { isUuid } from "~/platform/forms/input.server.ts";
import { ACCENTED, FOLDED } from "~/platform/db/search-text.ts";
import { ACTIVE_APPLICATION_STATUSES, AWAITING_PROVINCE } from "./workflow.ts";
import { emailsFor, timelineFor, type Audience, type EmailEntry, type TimelineEntry } from "./disclosure.server.ts";

import { getMembership } from "~/features/account/membership.server.ts";

// ---------- reading ----------

export function listApplicationsForEnterprise(enterpriseId: string) {
  return db()
    .selectFrom("applications")
    .select(["id", "status", "reference", "platform_name", "created_at", "updated_at", "submitted_at", "current_version"])
    .where("enterprise_id", "=", enterpriseId)
    .orderBy("created_at", "desc")
    .execute();
}

/** The application if the user's enterprise owns it; otherwise undefined (callers answer 404). */
export async function getApplicationForMember(user: User, applicationId: string): Promise<Application | undefined> {
  if (!isUuid(applicationId) || user.role !== "enterprise") return undefined;
  return db()
    .selectFrom("applications")
    .innerJoin("enterprise_members", "enterprise_members.enterprise_id", "applications.enterprise_id")
    .selectAll("applications")
    .where("applications.id", "=", applicationId)
    .where("enterprise_members.user_id", "=", user.id)
    .executeTakeFirst();
}

/**
 * Whether a user may see an application at all: its enterprise; its province's reviewers once submitted; the ministry
 * once it reached the ministry (for good: a later withdrawal or return does not hide it), and, read-only, while it
 * waits in a province that has no active reviewer (the ministry's "unstaffed provinces" view).
 */
export async function canViewApplication(
  user: User,
  app: Pick<Application, "enterprise_id" | "province_code" | "status" | "current_version" | "reached_ministry_at">,
  ex: Executor = db(),
) {
  switch (user.role) {
    case "enterprise": {
      const m = await getMembership(user.id, ex);
      return m?.enterprise.id === app.enterprise_id;
    }
    case "province_reviewer":
      return app.current_version > 0 && app.province_code === user.province_code;
    case "ministry_reviewer":
      if (app.current_version === 0) return false;
      if (app.reached_ministry_at !== null) return true;
      return AWAITING_PROVINCE.includes(app.status) && app.province_code !== null && !(await isProvinceStaffed(app.province_code, ex));
    case "admin":
      return false;
  }
}

/** Whether a province has at least one active reviewer (an application sent there reaches somebody). */
export async function isProvinceStaffed(provinceCode: string, ex: Executor = db()): Promise<boolean> {
  const row = await ex
    .selectFrom("users")
    .select("id")
    .where("role", "=", "province_reviewer")
    .where("province_code", "=", provinceCode)
    .where("status", "=", "active")
    .limit(1)
    .executeTakeFirst();
  return Boolean(row);
}

export function getApplication(id: string, ex: Executor = db()) {
  if (!isUuid(id)) return Promise.resolve(undefined);
  return ex.selectFrom("applications").selectAll().where("id", "=", id).executeTakeFirst();
}

export function listVersions(applicationId: string) {
  return db()
    .selectFrom("application_versions")
    .select(["version", "submitted_at", "submitted_by"])
    .where("application_id", "=", applicationId)
    .orderBy("version")
    .execute();
}

export function getVersion(applicationId: string, version: number) {
  return db()
    .selectFrom("application_versions")
    .selectAll()
    .where("application_id", "=", applicationId)
    .where("version", "=", version)
    .executeTakeFirst();
}

/** Every audit event of one application, oldest first, with its data and the acting person's name. */
export function listApplicationAuditEvents(applicationId: string) {
  return db()
    .selectFrom("audit_events")
    .leftJoin("users", "users.id", "audit_events.actor_user_id")
    .select([
      "audit_events.id",
      "audit_events.action",
      "audit_events.actor_role",
      "audit_events.from_state",
      "audit_events.to_state",
      "audit_events.reason",
      "audit_events.data",
      "audit_events.created_at",
      "users.name as actor_name",
    ])
    .where("audit_events.entity_type", "=", "application")
    .where("audit_events.entity_id", "=", applicationId)
    .orderBy("audit_events.id")
    .execute();
}

/** The application's audit events as the audience may know them (see app/features/application/disclosure.server.ts). */
export async function listTimeline(applicationId: string, audience: Audience): Promise<TimelineEntry[]> {
  return timelineFor(audience, await listApplicationAuditEvents(applicationId));
}

/** Emails about an application as the audience may know them: the enterprise never sees staff addresses. */
export async function listApplicationEmails(applicationId: string, audience: Audience): Promise<EmailEntry[]> {
  const rows = await db()
    .selectFrom("outbox_emails")
    .leftJoin("users as recipient", "recipient.id", "outbox_emails.user_id")
    .select([
      "outbox_emails.id",
      "outbox_emails.to_address",
      "outbox_emails.subject",
      "outbox_emails.status",
      "outbox_emails.created_at",
      "outbox_emails.sent_at",
      "recipient.role as recipient_role",
      (eb) =>
        eb
          .selectFrom("users as staff")
          .select("staff.role")
          .where(sql<boolean>`lower(staff.email) = lower(outbox_emails.to_address)`)
          .where("staff.role", "!=", "enterprise")
          .limit(1)
          .as("address_role"),
    ])
    .where("outbox_emails.application_id", "=", applicationId)
    .orderBy("outbox_emails.id")
    .execute();
  return emailsFor(audience, rows);
}

export async function openChangeRequest(applicationId: string) {
  const request = await db()
    .selectFrom("change_requests")
    .selectAll()
    .where("application_id", "=", applicationId)
    .where("resolved_at", "is", null)
    .orderBy("id", "desc")
    .executeTakeFirst();
  if (!request) return undefined;
  const items = await db()
    .selectFrom("change_request_items")
    .select(["target", "note", "addressed_at"])
    .where("change_request_id", "=", request.id)
    .execute();
  return { ...request, items };
}

export function listChangeRequests(applicationId: string) {
  return db()
    .selectFrom("change_requests")
    .leftJoin("change_request_items", "change_request_items.change_request_id", "change_requests.id")
    .select([
      "change_requests.id",
      "change_requests.version",
      "change_requests.message",
      "change_requests.reply_by",
      "change_requests.created_at",
      "change_requests.resolved_at",
      "change_request_items.target",
      "change_request_items.note",
    ])
    .where("change_requests.application_id", "=", applicationId)
    .orderBy("change_requests.id")
    .execute();
}

/** Open or recognised applications of the same enterprise with the same platform name or URL. */
/** Other open or recognised applications of the enterprise for a platform of the same name (a warning, not a block). */
export function findSimilarApplications(app: Pick<Application, "id" | "enterprise_id" | "platform_name" | "platform_url">) {
  const name = app.platform_name.trim().toLowerCase();
  if (!name) return Promise.resolve([]);
  return db()
    .selectFrom("applications")
    .select(["id", "reference", "platform_name", "status"])
    .where("enterprise_id", "=", app.enterprise_id)
    .where("id", "!=", app.id)
    .where("status", "in", ACTIVE_APPLICATION_STATUSES)
    .where(sql<string>`lower(trim(platform_name))`, "=", name)
    .where("platform_url", "!=", app.platform_url)
    .execute();
}

export function normaliseUrl(url: string): string {
  return url.trim().toLowerCase().replace(/^https?:\/\//, "").replace(/^www\./, "").replace(/\/+$/, "");
}

/** Keeps the accent-folded text that queue search matches (reference, enterprise, tax code, platform). */
export async function refreshSearchText(ex: Executor, where: { applicationId?: string; enterpriseId?: string }) {
  await ex
    .updateTable("applications")
    .from("enterprises")
    .set({
      search_text: sql`translate(lower(coalesce(applications.reference, '') || ' ' || enterprises.legal_name || ' ' || enterprises.tax_code || ' ' || applications.platform_name), ${ACCENTED}, ${FOLDED})`,
    })
    .whereRef("enterprises.id", "=", "applications.enterprise_id")
    .$if(Boolean(where.applicationId), (qb) => qb.where("applications.id", "=", where.applicationId!))
    .$if(Boolean(where.enterpriseId), (qb) => qb.where("applications.enterprise_id", "=", where.enterpriseId!))
    .execute();
}
