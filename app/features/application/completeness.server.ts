import type {
Application,SectionKey,
SectionState
} from "~/platform/db/db-types.ts";

import { criteriaItems, type CriteriaGroup } from "./criteria.server.ts";
import { type AttachmentSummary } from "./files.server.ts";
import { CONTACT_FIELDS, DOCUMENT_SLOTS, PLATFORM_FIELDS, SECTIONS, type ContactField, type DocumentKind, type DocumentSlot, type PlatformField } from "./limits.server.ts";

// ---------- completeness ----------

/** What blocks submission; `target` is typed per section, so pages name it with typed keys ("platform.<field>"). */
export type MissingItem =
  | { section: "platform"; target: PlatformField; key: string }
  | { section: "criteria"; target: string; key: "criteria.answer" | "criteria.evidence" }
  | { section: "documents"; target: DocumentSlot; kind: DocumentKind; key: string }
  | { section: "contact"; target: ContactField; key: string }
  | { section: "declaration"; target: "accepted"; key: string };

/** Everything that blocks submission, in task-list order. */
export function missingForSubmission(app: Pick<Application, "answers">, groups: CriteriaGroup[], files: Pick<AttachmentSummary, "slot">[]): MissingItem[] {
  const missing: MissingItem[] = [];
  const a = app.answers;
  for (const field of PLATFORM_FIELDS) {
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
    if (d.required && !slots.has(d.slot)) missing.push({ section: "documents", target: d.slot, kind: d.kind, key: `documents.${d.slot}` });
  }
  for (const field of CONTACT_FIELDS) {
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
