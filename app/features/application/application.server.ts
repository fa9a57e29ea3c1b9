import { sql, type Kysely, type Transaction } from "kysely";
import type {
  Answers,
  Application,
  ApplicationStatus,
  Assessment,
  CriterionAnswer,
  Database,
  SectionKey,
  SectionState,
  User,
} from "~/platform/db/db-types.ts";
import { db, type Executor } from "~/platform/db/db.server.ts";
import { isUniqueViolation } from "~/platform/db/db-faults.server.ts";
import { isUuid } from "~/platform/forms/input.server.ts";
import { ACCENTED, FOLDED } from "~/platform/db/search-text.ts";
import { addWorkingDays, vietnamDate } from "~/platform/time/working-days.ts";
import { canEditCriterion, canEditSection, canEditSlot } from "~/features/application/editable.ts";
import { ACTIVE_APPLICATION_STATUSES, AWAITING_PROVINCE, canTransition, isEditable, isMinistryStage, WORKFLOW, type WorkflowAction } from "~/features/application/workflow.ts";
import { emailsFor, timelineFor, type Audience, type EmailEntry, type TimelineEntry } from "~/features/application/disclosure.server.ts";

import { ConflictError, ForbiddenTransitionError, NotEditableError, NotFoundError } from "~/platform/errors.ts";
import { recordAudit } from "~/platform/db/audit.server.ts";
import { getMembership } from "~/features/account/membership.server.ts";
import { queueWorkflowNotices } from "./notifications.server.ts";
import { BlobGoneError, claimStagedBlobs, databaseFileStore, deleteBlobs, reclaimFileSpace, stageBytes, storedBlobSizes } from "~/platform/db/file-store.server.ts";



export const SECTIONS: readonly SectionKey[] = ["platform", "criteria", "documents", "contact", "declaration"];
export const DOCUMENT_SLOTS = [
  { slot: "doc:business_registration", required: true },
  { slot: "doc:technical_description", required: true },
  { slot: "doc:security_approval", required: true },
  { slot: "doc:data_protection_plan", required: true },
  { slot: "doc:other", required: false },
] as const;
export const ASSESSMENTS: readonly Assessment[] = ["meets", "partly", "not_met"];
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_FILES_PER_APPLICATION = 30;
export const MAX_BYTES_PER_APPLICATION = 150 * 1024 * 1024;
/** Defaults; the settings "storage.enterprise_max_bytes" and "drafts.enterprise_max_open" override them. */
export const MAX_BYTES_PER_ENTERPRISE = 1024 * 1024 * 1024;
export const MAX_OPEN_DRAFTS_PER_ENTERPRISE = 5;

/** The enterprise already has an application under review or recognised for this platform address. */
export class PlatformTakenError extends Error {
  constructor(public holder: { id: string; reference: string | null; platform_name: string } | null) {
    super("The enterprise already has an active application for this platform");
  }
}
export class IncompleteError extends Error {
  constructor(public missing: MissingItem[]) {
    super("The application is incomplete");
  }
}

// ---------- criteria ----------

export interface CriteriaItem {
  key: string;
  text_vi: string;
  text_en: string;
  evidence_vi: string;
  evidence_en: string;
  evidence_required: boolean;
}
export interface CriteriaGroup {
  code: string;
  title_vi: string;
  title_en: string;
  items: CriteriaItem[];
}

export async function getCriteria(criteriaSetId: number, ex: Executor = db()): Promise<CriteriaGroup[]> {
  const rows = await ex
    .selectFrom("criteria_items")
    .innerJoin("criteria_groups", "criteria_groups.id", "criteria_items.criteria_group_id")
    .select([
      "criteria_groups.code as group_code",
      "criteria_groups.title_vi as group_title_vi",
      "criteria_groups.title_en as group_title_en",
      "criteria_items.key",
      "criteria_items.text_vi",
      "criteria_items.text_en",
      "criteria_items.evidence_vi",
      "criteria_items.evidence_en",
      "criteria_items.evidence_required",
    ])
    .where("criteria_groups.criteria_set_id", "=", criteriaSetId)
    .orderBy("criteria_groups.position")
    .orderBy("criteria_items.position")
    .execute();
  const groups: CriteriaGroup[] = [];
  for (const r of rows) {
    let g = groups.at(-1);
    if (!g || g.code !== r.group_code) {
      g = { code: r.group_code, title_vi: r.group_title_vi, title_en: r.group_title_en, items: [] };
      groups.push(g);
    }
    g.items.push({
      key: r.key,
      text_vi: r.text_vi,
      text_en: r.text_en,
      evidence_vi: r.evidence_vi,
      evidence_en: r.evidence_en,
      evidence_required: r.evidence_required,
    });
  }
  return groups;
}

export function criteriaItems(groups: CriteriaGroup[]): CriteriaItem[] {
  return groups.flatMap((g) => g.items);
}

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

/** The application's audit events as the audience may know them (see app/features/application/disclosure.server.ts). */
export async function listTimeline(applicationId: string, audience: Audience): Promise<TimelineEntry[]> {
  const rows = await db()
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
    .where("audit_events.entity_type", "=", "application")
    .where("audit_events.entity_id", "=", applicationId)
    .orderBy("audit_events.id")
    .execute();
  return timelineFor(audience, rows);
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

// ---------- drafting ----------

export class DraftLimitError extends Error {
  constructor(public max: number) {
    super(`The enterprise already has ${max} open drafts`);
  }
}

/** A new draft, unless the enterprise already has its maximum of open (never submitted) drafts. */
export async function createDraft(user: User, enterpriseId: string, requestId: string): Promise<Application> {
  return db()
    .transaction()
    .execute(async (trx) => {
      // Locked so that two requests at once cannot both create the last allowed draft.
      await trx.selectFrom("enterprises").select("id").where("id", "=", enterpriseId).forNoKeyUpdate().executeTakeFirst();
      const max = await settingNumber("drafts.enterprise_max_open", MAX_OPEN_DRAFTS_PER_ENTERPRISE, trx);
      const open = await trx
        .selectFrom("applications")
        .select(sql<number>`count(*)::int`.as("n"))
        .where("enterprise_id", "=", enterpriseId)
        .where("status", "=", "draft")
        .executeTakeFirstOrThrow();
      if (Number(open.n) >= max) throw new DraftLimitError(max);
      const set = await trx.selectFrom("criteria_sets").select("id").where("is_current", "=", true).executeTakeFirstOrThrow();
      const app = await trx
        .insertInto("applications")
        .values({ enterprise_id: enterpriseId, criteria_set_id: set.id, created_by: user.id })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        action: "application.created",
        entityType: "application",
        entityId: app.id,
        toState: "draft",
        requestId,
      });
      return app;
    });
}

async function lockForEdit(trx: Transaction<Database>, applicationId: string): Promise<Application> {
  const app = await trx.selectFrom("applications").selectAll().where("id", "=", applicationId).forUpdate().executeTakeFirst();
  if (!app) throw new NotFoundError();
  if (!isEditable(app.status)) throw new NotEditableError();
  return app;
}

/** The enterprise saved a reopened part again: it no longer reads "needs changes" (see needsChanges in app/features/application/editable.ts). */
async function markAddressed(trx: Transaction<Database>, app: Application, target: string) {
  if (app.status !== "changes_requested") return;
  await trx
    .updateTable("change_request_items")
    .set({ addressed_at: sql`now()` })
    .where("target", "=", target)
    .where("addressed_at", "is", null)
    .where("change_request_id", "in", (eb) =>
      eb.selectFrom("change_requests").select("id").where("application_id", "=", app.id).where("resolved_at", "is", null),
    )
    .execute();
}

type SectionData = {
  platform: NonNullable<Answers["platform"]>;
  contact: NonNullable<Answers["contact"]>;
  declaration: NonNullable<Answers["declaration"]>;
};

export async function saveSection<S extends keyof SectionData>(
  user: User,
  applicationId: string,
  section: S,
  value: SectionData[S],
  requestId: string,
): Promise<void> {
  await db()
    .transaction()
    .execute(async (trx) => {
      const app = await lockForEdit(trx, applicationId);
      if (!canEditSection(app, section)) throw new NotEditableError();
      const answers: Answers = { ...app.answers, [section]: value };
      const platform = answers.platform ?? {};
      await trx
        .updateTable("applications")
        .set({
          answers: JSON.stringify(answers),
          platform_name: platform.name ?? "",
          platform_url: normaliseUrl(platform.publicUrl ?? ""),
          sector: platform.sector ?? null,
          updated_at: sql`now()`,
        })
        .where("id", "=", app.id)
        .execute();
      if (section === "platform") await refreshSearchText(trx, { applicationId: app.id });
      await markAddressed(trx, app, `section:${section}`);
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        action: `application.section_saved`,
        entityType: "application",
        entityId: app.id,
        data: { section },
        requestId,
      });
    });
}

export async function saveCriterion(user: User, applicationId: string, key: string, answer: CriterionAnswer, requestId: string) {
  await db()
    .transaction()
    .execute(async (trx) => {
      const app = await lockForEdit(trx, applicationId);
      if (!canEditCriterion(app, key)) throw new NotEditableError();
      const criteria = { ...(app.answers.criteria ?? {}), [key]: answer };
      const answers: Answers = { ...app.answers, criteria };
      await trx
        .updateTable("applications")
        .set({ answers: JSON.stringify(answers), updated_at: sql`now()` })
        .where("id", "=", app.id)
        .execute();
      await markAddressed(trx, app, `criterion:${key}`);
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        action: "application.criterion_saved",
        entityType: "application",
        entityId: app.id,
        data: { key },
        requestId,
      });
    });
}

// ---------- attachments ----------

export function listAttachments(applicationId: string, ex: Executor = db()) {
  return ex
    .selectFrom("attachments")
    .select(["id", "slot", "file_name", "content_type", "size_bytes", "sha256", "created_at", "frozen"])
    .where("application_id", "=", applicationId)
    .where("deleted_at", "is", null)
    .orderBy("created_at")
    .execute();
}

export type AttachmentSummary = Awaited<ReturnType<typeof listAttachments>>[number];

export interface StorageUsage {
  /** Live files of this application and their bytes: what its per-application limits count. */
  files: number;
  bytes: number;
  /** Everything the enterprise stores, in all its applications, submitted versions included. */
  enterpriseBytes: number;
  enterpriseMaxBytes: number;
}

export async function attachmentUsage(applicationId: string, ex: Executor = db()): Promise<StorageUsage> {
  const row = await ex
    .selectFrom("attachments")
    .select([sql<number>`count(*)::int`.as("files"), sql<number>`coalesce(sum(size_bytes), 0)::bigint`.as("bytes")])
    .where("application_id", "=", applicationId)
    .where("deleted_at", "is", null)
    .executeTakeFirstOrThrow();
  const app = await ex.selectFrom("applications").select("enterprise_id").where("id", "=", applicationId).executeTakeFirst();
  return {
    files: Number(row.files),
    bytes: Number(row.bytes),
    enterpriseBytes: app ? await enterpriseStoredBytes(app.enterprise_id, ex) : 0,
    enterpriseMaxBytes: await settingNumber("storage.enterprise_max_bytes", MAX_BYTES_PER_ENTERPRISE, ex),
  };
}

/** Bytes of every file of the enterprise that still has bytes: live ones, and removed ones a submitted version holds. */
export async function enterpriseStoredBytes(enterpriseId: string, ex: Executor = db()): Promise<number> {
  const row = await ex
    .selectFrom("attachments")
    .innerJoin("applications", "applications.id", "attachments.application_id")
    .select(sql<number>`coalesce(sum(attachments.size_bytes), 0)::bigint`.as("bytes"))
    .where("applications.enterprise_id", "=", enterpriseId)
    .where("attachments.blob_id", "is not", null)
    .executeTakeFirstOrThrow();
  return Number(row.bytes);
}

export class QuotaError extends Error {
  constructor(
    public kind: "files" | "bytes" | "enterprise",
    public usage?: StorageUsage,
  ) {
    super(`Attachment quota exceeded: ${kind}`);
  }
}

/** A file to attach: staged by an upload (parseUpload), or bytes in memory (demo data, tests), staged here. */
export type NewAttachment =
  | { fileName: string; contentType: string; blobId: string; sizeBytes: number; sha256: string }
  | { fileName: string; contentType: string; content: Uint8Array; sha256?: string };

export function addAttachments(user: User, applicationId: string, slot: string, files: NewAttachment[], requestId: string) {
  return addAttachmentsToSlots(
    user,
    applicationId,
    files.map((f) => ({ ...f, slot })),
    requestId,
  );
}

/**
 * Records files in one transaction, all or none: editing rights per slot, the application's limits and the
 * enterprise's byte quota (checked under a lock of the enterprise, so two uploads at once cannot both slip under
 * it), sizes taken from the bytes really stored. Staged bytes that are not recorded are discarded.
 */
export async function addAttachmentsToSlots(user: User, applicationId: string, files: (NewAttachment & { slot: string })[], requestId: string) {
  if (files.length === 0) return;
  const staged: { slot: string; fileName: string; contentType: string; blobId: string; sizeBytes: number; sha256: string }[] = [];
  try {
    for (const f of files) {
      if ("content" in f) {
        const s = await stageBytes(f.content);
        staged.push({ slot: f.slot, fileName: f.fileName, contentType: f.contentType, ...s });
      } else staged.push(f);
    }
    await db()
      .transaction()
      .execute(async (trx) => {
        const app = await lockForEdit(trx, applicationId);
        if (staged.some((f) => !canEditSlot(app, f.slot))) throw new NotEditableError();
        // Serialises the quota checks of one enterprise; "no key" so that rows referencing it are not held up.
        await trx.selectFrom("enterprises").select("id").where("id", "=", app.enterprise_id).forNoKeyUpdate().executeTakeFirst();
        const stored = await storedBlobSizes(trx, staged.map((f) => f.blobId));
        if (staged.some((f) => stored.get(f.blobId) !== f.sizeBytes)) throw new BlobGoneError();
        const adding = staged.reduce((n, f) => n + f.sizeBytes, 0);
        const usage = await attachmentUsage(app.id, trx);
        if (usage.files + staged.length > MAX_FILES_PER_APPLICATION) throw new QuotaError("files", usage);
        if (usage.bytes + adding > MAX_BYTES_PER_APPLICATION) throw new QuotaError("bytes", usage);
        if (usage.enterpriseBytes + adding > usage.enterpriseMaxBytes) throw new QuotaError("enterprise", usage);
        await claimStagedBlobs(trx, staged.map((f) => f.blobId));
        for (const f of staged) {
          await trx
            .insertInto("attachments")
            .values({
              application_id: app.id,
              slot: f.slot,
              file_name: f.fileName,
              content_type: f.contentType,
              size_bytes: f.sizeBytes,
              sha256: f.sha256,
              blob_id: f.blobId,
              uploaded_by: user.id,
            })
            .execute();
        }
        await trx.updateTable("applications").set({ updated_at: sql`now()` }).where("id", "=", app.id).execute();
        if (staged.some((f) => f.slot.startsWith("doc:"))) await markAddressed(trx, app, "section:documents");
        for (const slot of new Set(staged.map((f) => f.slot))) {
          await recordAudit(trx, {
            actorUserId: user.id,
            actorRole: user.role,
            action: "application.files_added",
            entityType: "application",
            entityId: app.id,
            data: { slot, files: staged.filter((f) => f.slot === slot).map((f) => ({ name: f.fileName, sha256: f.sha256 })) },
            requestId,
          });
        }
      });
  } catch (e) {
    await databaseFileStore.discard(staged.map((f) => f.blobId));
    throw e;
  }
}

/**
 * Removing a file that no submitted version holds deletes its bytes; a file of a submitted version (frozen) keeps
 * them, because that version still shows it. The row stays, marked removed, for the record.
 */
export async function removeAttachment(user: User, applicationId: string, attachmentId: string, requestId: string) {
  if (!isUuid(attachmentId)) throw new NotFoundError();
  const freed = await db()
    .transaction()
    .execute(async (trx) => {
      const app = await lockForEdit(trx, applicationId);
      const file = await trx
        .selectFrom("attachments")
        .select(["id", "slot", "file_name", "frozen", "blob_id"])
        .where("id", "=", attachmentId)
        .where("application_id", "=", app.id)
        .where("deleted_at", "is", null)
        .executeTakeFirst();
      if (!file) throw new NotFoundError();
      if (!canEditSlot(app, file.slot)) throw new NotEditableError();
      // One statement clears the pointer with the removal: the table's checks hold after every statement.
      await trx
        .updateTable("attachments")
        .set({ deleted_at: sql`now()`, ...(file.frozen ? {} : { blob_id: null }) })
        .where("id", "=", file.id)
        .execute();
      const freed = file.frozen ? 0 : await deleteBlobs(trx, [file.blob_id]);
      await trx.updateTable("applications").set({ updated_at: sql`now()` }).where("id", "=", app.id).execute();
      if (file.slot.startsWith("doc:")) await markAddressed(trx, app, "section:documents");
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        action: "application.file_removed",
        entityType: "application",
        entityId: app.id,
        data: { slot: file.slot, name: file.file_name, bytesDeleted: !file.frozen },
        requestId,
      });
      return freed;
    });
  if (freed > 0) await reclaimFileSpace();
}

/** Files uploaded since the last submitted version, when the application can no longer be submitted (withdrawn): their bytes go. */
async function deleteUnsubmittedFiles(trx: Transaction<Database>, applicationId: string) {
  const rows = await trx
    .selectFrom("attachments")
    .select(["id", "blob_id"])
    .where("application_id", "=", applicationId)
    .where("deleted_at", "is", null)
    .where("frozen", "=", false)
    .execute();
  if (rows.length === 0) return;
  await trx
    .updateTable("attachments")
    .set({ deleted_at: sql`now()`, blob_id: null })
    .where(
      "id",
      "in",
      rows.map((r) => r.id),
    )
    .execute();
  await deleteBlobs(
    trx,
    rows.map((r) => r.blob_id),
  );
}

// ---------- completeness ----------

export interface MissingItem {
  section: SectionKey;
  target: string;
  key: string;
}

const REQUIRED_PLATFORM_FIELDS = [
  "name",
  "shortDescription",
  "longDescription",
  "pillar",
  "sector",
  "ownershipType",
  "publicUrl",
  "launchDate",
  "usersCount",
  "usersAsOf",
  "usersMethod",
  "dataInVietnam",
  "dataCentreProvider",
  "securityLevel",
  "securityDecisionNumber",
  "securityDecisionDate",
] as const;

/** Everything that blocks submission, in task-list order. */
export function missingForSubmission(app: Pick<Application, "answers">, groups: CriteriaGroup[], files: Pick<AttachmentSummary, "slot">[]): MissingItem[] {
  const missing: MissingItem[] = [];
  const a = app.answers;
  for (const field of REQUIRED_PLATFORM_FIELDS) {
    if (!a.platform?.[field]) missing.push({ section: "platform", target: field, key: `platform.${field}` });
  }
  const slots = new Set(files.map((f) => f.slot));
  for (const item of criteriaItems(groups)) {
    const answer = a.criteria?.[item.key];
    if (!answer?.assessment || !answer.explanation) {
      missing.push({ section: "criteria", target: item.key, key: "criteria.answer" });
      continue;
    }
    const hasEvidence = (answer.links?.length ?? 0) > 0 || slots.has(`criterion:${item.key}`);
    if (item.evidence_required && answer.assessment !== "not_met" && !hasEvidence)
      missing.push({ section: "criteria", target: item.key, key: "criteria.evidence" });
  }
  for (const d of DOCUMENT_SLOTS) {
    if (d.required && !slots.has(d.slot)) missing.push({ section: "documents", target: d.slot, key: `documents.${d.slot}` });
  }
  for (const field of ["name", "title", "email", "phone"] as const) {
    if (!a.contact?.[field]) missing.push({ section: "contact", target: field, key: `contact.${field}` });
  }
  if (!a.declaration?.accepted) missing.push({ section: "declaration", target: "accepted", key: "declaration.accepted" });
  return missing;
}

/** Section progress is derived from the answers and files, never stored. */
export function sectionStates(
  app: Pick<Application, "answers">,
  groups: CriteriaGroup[],
  files: Pick<AttachmentSummary, "slot">[],
): Record<SectionKey, SectionState> {
  const missing = missingForSubmission(app, groups, files);
  const started: Record<SectionKey, boolean> = {
    platform: Object.values(app.answers.platform ?? {}).some(Boolean),
    criteria: Object.keys(app.answers.criteria ?? {}).length > 0 || files.some((f) => f.slot.startsWith("criterion:")),
    documents: files.some((f) => f.slot.startsWith("doc:")),
    contact: Object.values(app.answers.contact ?? {}).some(Boolean),
    declaration: Boolean(app.answers.declaration?.accepted),
  };
  const states = {} as Record<SectionKey, SectionState>;
  for (const section of SECTIONS) {
    states[section] = !missing.some((m) => m.section === section) ? "completed" : started[section] ? "in_progress" : "not_started";
  }
  return states;
}

// ---------- workflow ----------

export interface TransitionInput {
  applicationId: string;
  actor: User;
  action: WorkflowAction;
  /** The lock_version the actor was looking at; a mismatch answers 409. */
  expectedLockVersion?: number;
  reason?: string | null;
  data?: Record<string, unknown>;
  requestId: string;
  /** Extra checks and column updates inside the transaction, after the state check. */
  apply?: (trx: Transaction<Database>, app: Application) => Promise<Partial<Record<string, unknown>> | void>;
  /** Records beyond the table's notices that must commit with the change (e.g. the assignment email). */
  after?: (trx: Transaction<Database>, app: Application) => Promise<void>;
}

/**
 * The one place an application changes state: checks actor, scope, state and version; audits; and queues the emails
 * NOTICES (app/features/application/workflow.ts) names for the action, all in one transaction. Routes call the commands that wrap it.
 */
export async function transition(input: TransitionInput): Promise<Application> {
  const { actor, action } = input;
  return db()
    .transaction()
    .execute(async (trx) => {
      const app = await trx.selectFrom("applications").selectAll().where("id", "=", input.applicationId).forUpdate().executeTakeFirst();
      if (!app || !(await inScope(trx, actor, app))) throw new NotFoundError();
      if (input.expectedLockVersion !== undefined && app.lock_version !== input.expectedLockVersion)
        throw new ConflictError({ status: app.status, lockVersion: app.lock_version });
      if (!canTransition(action, app.status, actor.role)) {
        if (WORKFLOW[action].role !== actor.role) throw new ForbiddenTransitionError();
        throw new ConflictError({ status: app.status, lockVersion: app.lock_version });
      }
      const rule = WORKFLOW[action];
      const extra = (await input.apply?.(trx, app)) ?? {};
      const to = rule.toWhenAssigned && (await hasActiveProvincialAssignee(trx, app)) ? rule.toWhenAssigned : rule.to;
      const updated = await trx
        .updateTable("applications")
        .set({
          ...extra,
          status: to,
          lock_version: sql`lock_version + 1`,
          updated_at: sql`now()`,
          ...(["recognised", "rejected"].includes(to) || (to === "withdrawn" && app.status !== "recognised") ? { decided_at: sql`now()` } : {}),
          ...(isMinistryStage(to) && !app.reached_ministry_at ? { reached_ministry_at: sql`now()` } : {}),
        })
        .where("id", "=", app.id)
        .where("lock_version", "=", app.lock_version)
        .returningAll()
        .executeTakeFirst();
      if (!updated) throw new ConflictError({ status: app.status, lockVersion: app.lock_version });
      if (to === "withdrawn") await deleteUnsubmittedFiles(trx, app.id);
      await recordAudit(trx, {
        actorUserId: actor.id,
        actorRole: actor.role,
        provinceCode: updated.province_code,
        action: `application.${action}`,
        entityType: "application",
        entityId: app.id,
        fromState: app.status,
        toState: to,
        reason: input.reason ?? null,
        data: input.data,
        requestId: input.requestId,
      });
      await queueWorkflowNotices(trx, { action, before: app, app: updated, actor, reason: input.reason ?? null });
      await input.after?.(trx, updated);
      return updated;
    });
}

/** The application's assignee is still an active reviewer of its province (so work can go straight back to them). */
async function hasActiveProvincialAssignee(trx: Executor, app: Application): Promise<boolean> {
  if (!app.assigned_to || !app.province_code) return false;
  const row = await trx
    .selectFrom("users")
    .select("id")
    .where("id", "=", app.assigned_to)
    .where("role", "=", "province_reviewer")
    .where("province_code", "=", app.province_code)
    .where("status", "=", "active")
    .executeTakeFirst();
  return Boolean(row);
}

async function inScope(trx: Executor, actor: User, app: Application): Promise<boolean> {
  if (actor.role === "enterprise") {
    const m = await trx
      .selectFrom("enterprise_members")
      .select("user_id")
      .where("user_id", "=", actor.id)
      .where("enterprise_id", "=", app.enterprise_id)
      .executeTakeFirst();
    return Boolean(m);
  }
  return canViewApplication(actor, app, trx);
}

/** Province code, Vietnamese date and a daily sequence: short enough to read over the phone, e.g. 79-261123-0042. */
export async function nextReference(trx: Executor, provinceCode: string, at: Date): Promise<string> {
  const day = vietnamDate(at).slice(2).replace(/-/g, "");
  const row = await trx
    .insertInto("reference_counters")
    .values({ province_code: provinceCode, day, last_value: 1 })
    .onConflict((oc) => oc.columns(["province_code", "day"]).doUpdateSet({ last_value: sql`reference_counters.last_value + 1` }))
    .returning("last_value")
    .executeTakeFirstOrThrow();
  return `${provinceCode}-${day}-${String(row.last_value).padStart(4, "0")}`;
}

export async function settingNumber(key: string, fallback: number, ex: Executor = db()): Promise<number> {
  const row = await ex.selectFrom("settings").select("value").where("key", "=", key).executeTakeFirst();
  const n = Number(row?.value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

async function freezeVersion(trx: Transaction<Database>, app: Application, user: User, version: number) {
  const files = await listAttachments(app.id, trx);
  await trx
    .insertInto("application_versions")
    .values({
      application_id: app.id,
      version,
      answers: JSON.stringify(app.answers),
      attachment_ids: JSON.stringify(files.map((f) => f.id)),
      submitted_by: user.id,
    })
    .execute();
  await trx.updateTable("attachments").set({ frozen: true }).where("application_id", "=", app.id).where("deleted_at", "is", null).execute();
  return files;
}

/**
 * Submits (or resubmits) the draft: completeness check, reference number, frozen version, deadline, audit
 * and emails, all in one transaction. A second submit of the same draft finds it no longer a draft.
 */
export async function submitApplication(user: User, applicationId: string, opts: { requestId: string }): Promise<Application> {
  const current = await getApplicationForMember(user, applicationId);
  if (!current) throw new NotFoundError();
  const resubmission = current.status === "changes_requested";
  return submitTransition(user, applicationId, resubmission, opts).catch(async (e: unknown) => {
    // Two drafts of one platform submitted at the same moment: both pass the check, the unique index stops the second.
    if (isUniqueViolation(e, "applications_one_active_per_platform")) throw new PlatformTakenError((await findActiveHolder(current)) ?? null);
    throw e;
  });
}

/** Another application of the enterprise that holds the same platform address (under review or recognised). */
export function findActiveHolder(app: Pick<Application, "id" | "enterprise_id" | "platform_url">, ex: Executor = db()) {
  if (!app.platform_url) return Promise.resolve(undefined);
  return ex
    .selectFrom("applications")
    .select(["id", "reference", "platform_name"])
    .where("enterprise_id", "=", app.enterprise_id)
    .where("platform_url", "=", app.platform_url)
    .where("id", "!=", app.id)
    .where("status", "in", ACTIVE_APPLICATION_STATUSES)
    .executeTakeFirst();
}

function submitTransition(user: User, applicationId: string, resubmission: boolean, opts: { requestId: string }) {
  return transition({
    applicationId,
    actor: user,
    action: resubmission ? "resubmit" : "submit",
    requestId: opts.requestId,
    apply: async (trx, app) => {
      const groups = await getCriteria(app.criteria_set_id, trx);
      const missing = missingForSubmission(app, groups, await listAttachments(app.id, trx));
      if (missing.length > 0) throw new IncompleteError(missing);
      if (!resubmission) {
        const holder = await findActiveHolder(app, trx);
        if (holder) throw new PlatformTakenError(holder);
      }
      const enterprise = await trx.selectFrom("enterprises").select("province_code").where("id", "=", app.enterprise_id).executeTakeFirstOrThrow();
      const now = new Date();
      const version = app.current_version + 1;
      await freezeVersion(trx, app, user, version);
      const days = await settingNumber("sla.province.working_days", 10, trx);
      if (resubmission) {
        await trx.updateTable("change_requests").set({ resolved_at: sql`now()` }).where("application_id", "=", app.id).where("resolved_at", "is", null).execute();
        // The review clock paused while the enterprise had the application; it resumes with what was left.
        return {
          current_version: version,
          reopened: JSON.stringify([]),
          due_at: addWorkingDays(now, app.sla_remaining_days ?? days),
          sla_remaining_days: null,
        };
      }
      return {
        current_version: version,
        province_code: enterprise.province_code,
        reference: await nextReference(trx, enterprise.province_code, now),
        submitted_at: now,
        due_at: addWorkingDays(now, days),
      };
    },
    after: async (trx, app) => {
      if (!resubmission) await refreshSearchText(trx, { applicationId: app.id });
    },
  });
}

/** The enterprise withdraws its application (a draft, or one under review at any stage). */
export function withdrawApplication(user: User, applicationId: string, input: { lockVersion: number }, requestId: string) {
  return transition({ applicationId, actor: user, action: "withdraw", expectedLockVersion: input.lockVersion, requestId });
}

/** The enterprise withdraws its recognised platform from the catalogue (the page stays, answering 410). */
export function withdrawListing(user: User, applicationId: string, input: { lockVersion: number }, requestId: string) {
  return transition({ applicationId, actor: user, action: "withdraw_listing", expectedLockVersion: input.lockVersion, requestId });
}

export function listAttachmentsByIds(applicationId: string, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as AttachmentSummary[]);
  return db()
    .selectFrom("attachments")
    .select(["id", "slot", "file_name", "content_type", "size_bytes", "sha256", "created_at", "frozen"])
    .where("application_id", "=", applicationId)
    .where("id", "in", ids)
    .orderBy("created_at")
    .execute();
}
