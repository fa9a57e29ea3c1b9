// Longer than 400 lines: every table of the schema in one interface (Kysely's Database).
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export type Role = "enterprise" | "province_reviewer" | "ministry_reviewer" | "admin";
export const ROLES: readonly Role[] = ["enterprise", "province_reviewer", "ministry_reviewer", "admin"];
export type Locale = "vi" | "en";
export type UserStatus = "active" | "invited" | "deactivated";
export type TokenPurpose = "verify_email" | "reset_password" | "invite";
export type OutboxStatus = "pending" | "sending" | "sent" | "failed";

export interface ProvinceTable {
  code: string;
  name_vi: string;
  short_name_vi: string;
  name_ascii: string;
  kind: string;
}

export interface OldProvinceTable {
  code: string;
  name_vi: string;
  name_ascii: string;
  successor_code: string;
}

export interface PillarTable {
  code: string;
  name_vi: string;
  name_en: string;
  position: number;
}

export interface SectorTable {
  code: string;
  pillar_code: string | null;
  name_vi: string;
  name_en: string;
  position: number;
}

export interface OwnershipTypeTable {
  code: string;
  name_vi: string;
  name_en: string;
  position: number;
}

export interface CriteriaSetTable {
  id: Generated<number>;
  version: string;
  title_vi: string;
  title_en: string;
  legal_basis: string;
  effective_from: string;
  is_current: boolean;
  created_at: Generated<Date>;
}

export interface CriteriaGroupTable {
  id: Generated<number>;
  criteria_set_id: number;
  code: string;
  position: number;
  title_vi: string;
  title_en: string;
}

export interface CriteriaItemTable {
  id: Generated<number>;
  criteria_group_id: number;
  key: string;
  position: number;
  text_vi: string;
  text_en: string;
  evidence_vi: string;
  evidence_en: string;
  evidence_required: boolean;
  sources: Json<string[]>;
}

export interface UserTable {
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string | null;
  role: Role;
  province_code: string | null;
  locale: Generated<Locale>;
  status: Generated<UserStatus>;
  email_verified_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SessionTable {
  id_hash: string;
  user_id: string;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
  second_factor_pending: Generated<boolean>;
}

export interface UserTokenTable {
  id: Generated<number>;
  user_id: string;
  purpose: TokenPurpose;
  token_hash: string;
  expires_at: Timestamp;
  used_at: Date | null;
  created_at: Generated<Date>;
}

export interface AuthThrottleTable {
  key: string;
  failures: number;
  last_failure_at: Timestamp;
}

export interface OutboxEmailTable {
  id: Generated<number>;
  to_address: string;
  locale: Locale;
  template: string;
  subject: string;
  text_body: string;
  html_body: string;
  status: Generated<OutboxStatus>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  locked_until: Date | null;
  last_error: string | null;
  created_at: Generated<Date>;
  sent_at: Date | null;
  user_id: string | null;
  application_id: string | null;
  sealed_body: string | null;
  message_id: Generated<string>;
  claimed_by: string | null;
  waiting_for_server: Generated<boolean>;
  give_up_at: Generated<Date>;
  carries_link: Generated<boolean>;
}

export interface AuditEventTable {
  id: Generated<number>;
  actor_user_id: string | null;
  actor_role: string | null;
  province_code: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  from_state: string | null;
  to_state: string | null;
  reason: string | null;
  data: Json<Record<string, unknown>> | null;
  request_id: string | null;
  created_at: Generated<Date>;
}

/** One link of the audit hash chain per audit event (written by a trigger at commit; see db/migrations/…_audit_chain.ts). */
export interface AuditChainTable {
  seq: number;
  event_id: number;
  prev_hash: string;
  hash: string;
}

export interface AuditChainHeadTable {
  singleton: Generated<boolean>;
  seq: number;
  hash: string;
}

export interface SettingTable {
  key: string;
  value: Json<unknown>;
  updated_at: Generated<Date>;
}

export type ApplicationStatus =
  | "draft"
  | "submitted"
  | "in_provincial_review"
  | "changes_requested"
  | "resubmitted"
  | "forwarded"
  | "in_ministry_review"
  | "returned_to_province"
  | "recognised"
  | "rejected"
  | "withdrawn"
  | "revoked";

export type SectionKey = "platform" | "criteria" | "documents" | "contact" | "declaration";
export type SectionState = "not_started" | "in_progress" | "completed";
export type Assessment = "meets" | "partly" | "not_met";

export interface PlatformAnswers {
  name?: string;
  shortDescription?: string;
  longDescription?: string;
  pillar?: string;
  sector?: string;
  ownershipType?: string;
  publicUrl?: string;
  launchDate?: string;
  usersCount?: string;
  usersAsOf?: string;
  usersMethod?: string;
  dataInVietnam?: "yes" | "no";
  dataCentreProvider?: string;
  securityLevel?: string;
  securityDecisionNumber?: string;
  securityDecisionDate?: string;
}

export interface CriterionAnswer {
  assessment?: Assessment;
  explanation?: string;
  links?: string[];
}

export interface ContactAnswers {
  name?: string;
  title?: string;
  email?: string;
  phone?: string;
}

export interface DeclarationAnswers {
  accepted?: boolean;
  name?: string;
  acceptedAt?: string;
}

export interface Answers {
  platform?: PlatformAnswers;
  criteria?: Record<string, CriterionAnswer>;
  contact?: ContactAnswers;
  declaration?: DeclarationAnswers;
}

export interface EnterpriseTable {
  id: Generated<string>;
  tax_code: string;
  legal_name: string;
  english_name: string | null;
  province_code: string;
  address: string;
  representative_name: string;
  representative_title: string;
  phone: string;
  website: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  verification_status: Generated<VerificationStatus>;
  verification_reason: string | null;
  verification_decided_at: Date | null;
  verification_decided_by: string | null;
  verification_province_code: string | null;
}

export interface EnterpriseMemberTable {
  enterprise_id: string;
  user_id: string;
  role: "owner" | "member";
  created_at: Generated<Date>;
}

export interface EnterpriseInvitationTable {
  id: Generated<number>;
  enterprise_id: string;
  email: string;
  role: "owner" | "member";
  token_hash: string;
  invited_by: string;
  expires_at: Timestamp;
  accepted_at: Date | null;
  accepted_by: string | null;
  created_at: Generated<Date>;
}

export interface ApplicationTable {
  id: Generated<string>;
  enterprise_id: string;
  criteria_set_id: number;
  status: Generated<ApplicationStatus>;
  lock_version: Generated<number>;
  province_code: string | null;
  reference: string | null;
  platform_name: Generated<string>;
  platform_url: Generated<string>;
  answers: ColumnType<Answers, string | undefined, string>;
  reopened: ColumnType<string[], string | undefined, string>;
  current_version: Generated<number>;
  assigned_to: string | null;
  due_at: Date | null;
  created_by: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  submitted_at: Date | null;
  decided_at: Date | null;
  search_text: Generated<string>;
  sector: string | null;
  sla_remaining_days: number | null;
  overdue_notified_for: Date | null;
  due_soon_notified_for: Date | null;
  province_recommendation: string | null;
  province_summary: string | null;
  decision_number: string | null;
  decision_date: string | null;
  decision_reasons: ColumnType<string[] | null, string | null, string | null>;
  decision_note: string | null;
  reached_ministry_at: Date | null;
  revocation_number: string | null;
  revocation_date: string | null;
  revocation_reason: string | null;
}

export type Verdict = "met" | "not_met" | "needs_information";
export type ReviewStage = "province" | "ministry";

export interface CriterionVerdictTable {
  application_id: string;
  stage: ReviewStage;
  criterion_key: string;
  verdict: Verdict;
  note: string;
  version: number;
  reviewer_id: string;
  updated_at: Generated<Date>;
}

export interface InternalNoteTable {
  id: Generated<number>;
  application_id: string;
  author_id: string;
  body: string;
  created_at: Generated<Date>;
}

export interface ApplicationVersionTable {
  application_id: string;
  version: number;
  answers: ColumnType<Answers, string, string>;
  attachment_ids: ColumnType<string[], string, string>;
  submitted_by: string;
  submitted_at: Generated<Date>;
}

export interface AttachmentTable {
  id: Generated<string>;
  application_id: string;
  slot: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  /** Null once the bytes are gone: only for a removed file that no submitted version holds. */
  blob_id: string | null;
  uploaded_by: string;
  created_at: Generated<Date>;
  frozen: Generated<boolean>;
  deleted_at: Date | null;
}

/** The bytes of one stored file, in chunks; staged until an attachment claims it. */
export interface FileBlobTable {
  id: Generated<string>;
  staged: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface FileChunkTable {
  blob_id: string;
  seq: number;
  /** At most 256 KiB. PGlite returns a Uint8Array, pg a Buffer. */
  bytes: Uint8Array;
}

export interface ReferenceCounterTable {
  province_code: string;
  day: string;
  last_value: number;
}

export interface ChangeRequestTable {
  id: Generated<number>;
  application_id: string;
  version: number;
  requested_by: string;
  message: Generated<string>;
  reply_by: string;
  created_at: Generated<Date>;
  resolved_at: Date | null;
}

export interface ChangeRequestItemTable {
  change_request_id: number;
  target: string;
  note: string;
  addressed_at: Date | null;
}

/** An enterprise's claim of its tax code (docs/decisions/010-enterprise-verification-and-disputes.md). */
export type VerificationStatus = "unverified" | "verified" | "not_verified" | "disputed" | "refused";
/** The statuses of the one record that holds a tax code; "disputed" and "refused" records do not hold it. */
export const HOLDING_STATUSES: readonly VerificationStatus[] = ["unverified", "verified", "not_verified"];

export interface EnterpriseDocumentTable {
  id: Generated<string>;
  enterprise_id: string;
  kind: "business_registration";
  file_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  blob_id: string;
  uploaded_by: string;
  created_at: Generated<Date>;
}

export interface TaxCodeDisputeTable {
  id: Generated<string>;
  tax_code: string;
  province_code: string;
  claimant_enterprise_id: string;
  holder_enterprise_id: string;
  statement: string;
  evidence_document_id: string;
  filed_by: string;
  created_at: Generated<Date>;
  resolved_at: Date | null;
  resolved_by: string | null;
  winner_enterprise_id: string | null;
  resolution_reason: string | null;
}

export interface Database {
  enterprises: EnterpriseTable;
  enterprise_members: EnterpriseMemberTable;
  enterprise_invitations: EnterpriseInvitationTable;
  applications: ApplicationTable;
  application_versions: ApplicationVersionTable;
  attachments: AttachmentTable;
  reference_counters: ReferenceCounterTable;
  change_requests: ChangeRequestTable;
  change_request_items: ChangeRequestItemTable;
  criterion_verdicts: CriterionVerdictTable;
  internal_notes: InternalNoteTable;
  provinces: ProvinceTable;
  old_provinces: OldProvinceTable;
  pillars: PillarTable;
  sectors: SectorTable;
  ownership_types: OwnershipTypeTable;
  criteria_sets: CriteriaSetTable;
  criteria_groups: CriteriaGroupTable;
  criteria_items: CriteriaItemTable;
  users: UserTable;
  sessions: SessionTable;
  user_tokens: UserTokenTable;
  auth_throttle: AuthThrottleTable;
  outbox_emails: OutboxEmailTable;
  audit_events: AuditEventTable;
  settings: SettingTable;
  audit_chain: AuditChainTable;
  audit_chain_head: AuditChainHeadTable;
  file_blobs: FileBlobTable;
  file_chunks: FileChunkTable;
  user_totp: UserTotpTable;
  recovery_codes: RecoveryCodeTable;
  rate_limits: RateLimitTable;
  enterprise_documents: EnterpriseDocumentTable;
  tax_code_disputes: TaxCodeDisputeTable;
}

export type User = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;
export type OutboxEmail = Selectable<OutboxEmailTable>;
export type Enterprise = Selectable<EnterpriseTable>;
export type Application = Selectable<ApplicationTable>;

export interface UserTotpTable {
  user_id: string;
  secret_sealed: string | null;
  pending_secret_sealed: string | null;
  enabled_at: Date | null;
  last_used_step: number | null;
  created_at: Generated<Date>;
}

export interface RecoveryCodeTable {
  id: Generated<number>;
  user_id: string;
  code_hash: string;
  used_at: Date | null;
  created_at: Generated<Date>;
}

export interface RateLimitTable {
  key: string;
  hits: number;
  window_started_at: Timestamp;
}
