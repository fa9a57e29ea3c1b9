import type { Selectable, Insertable, Updateable } from "kysely";
import type {
  ApplicationsTable,
  CriterionVerdictsTable,
  EnterprisesTable,
  OutboxEmailsTable,
  UsersTable,
  UserTokensTable,
} from "./schema.ts";

// The tables are generated from the migrations (app/platform/db/schema.ts, npm run db:types); this file holds what the
// catalogue cannot say (the shapes of JSON answers) and the names the application gives to column types.
export type * from "./schema.ts";

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type OutboxEmail = Selectable<OutboxEmailsTable>;
export type Enterprise = Selectable<EnterprisesTable>;
export type Application = Selectable<ApplicationsTable>;
export type ApplicationUpdate = Updateable<ApplicationsTable>;

// The values of these come from the migrations' check constraints.
export type Role = User["role"];
export const ROLES: readonly Role[] = ["enterprise", "province_reviewer", "ministry_reviewer", "admin"];
export type Locale = User["locale"];
export type UserStatus = User["status"];
export type TokenPurpose = Selectable<UserTokensTable>["purpose"];
export type OutboxStatus = OutboxEmail["status"];
export type ApplicationStatus = Application["status"];
export type Verdict = Selectable<CriterionVerdictsTable>["verdict"];
export type ReviewStage = Selectable<CriterionVerdictsTable>["stage"];
/** An enterprise's claim of its tax code (docs/decisions/010-enterprise-verification-and-disputes.md). */
export type VerificationStatus = Enterprise["verification_status"];
/** The statuses of the one record that holds a tax code; "disputed" and "refused" records do not hold it. */
export const HOLDING_STATUSES: readonly VerificationStatus[] = ["unverified", "verified", "not_verified"];

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
