import type {
Assessment,SectionKey
} from "~/platform/db/db-types.ts";

export const SECTIONS: readonly SectionKey[] = ["platform", "criteria", "documents", "contact", "declaration"];
const documentSlot = <K extends string>(kind: K, required: boolean) => ({ slot: `doc:${kind}` as const, kind, required });
export const DOCUMENT_SLOTS = [
  documentSlot("business_registration", true),
  documentSlot("technical_description", true),
  documentSlot("security_approval", true),
  documentSlot("data_protection_plan", true),
  documentSlot("other", false),
] as const;
/** "business_registration" for the slot "doc:business_registration": its texts are "doc.<kind>" and "docs.hint.<kind>". */
export type DocumentKind = (typeof DOCUMENT_SLOTS)[number]["kind"];
export type DocumentSlot = (typeof DOCUMENT_SLOTS)[number]["slot"];

/** The platform section's fields, all required for submission, in the form's order. */
export const PLATFORM_FIELDS = [
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
export type PlatformField = (typeof PLATFORM_FIELDS)[number];
export const CONTACT_FIELDS = ["name", "title", "email", "phone"] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];
export const ASSESSMENTS: readonly Assessment[] = ["meets", "partly", "not_met"];
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_FILES_PER_APPLICATION = 30;
export const MAX_BYTES_PER_APPLICATION = 150 * 1024 * 1024;
/** Defaults; the settings "storage.enterprise_max_bytes" and "drafts.enterprise_max_open" override them. */
export const MAX_BYTES_PER_ENTERPRISE = 1024 * 1024 * 1024;
export const MAX_OPEN_DRAFTS_PER_ENTERPRISE = 5;
