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

export interface SettingTable {
  key: string;
  value: Json<unknown>;
  updated_at: Generated<Date>;
}

export interface Database {
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
}

export type User = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;
export type OutboxEmail = Selectable<OutboxEmailTable>;
