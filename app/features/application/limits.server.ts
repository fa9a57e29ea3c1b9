import type {
Assessment,SectionKey
} from "~/platform/db/db-types.ts";

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
