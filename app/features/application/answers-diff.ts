import type { Answers } from "~/platform/db/db-types.ts";

/** Flattens answers into "section.field" → text, so two versions can be compared field by field. */
export function flattenAnswers(answers: Answers): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(answers.platform ?? {})) out.set(`platform.${key}`, String(value ?? ""));
  for (const [key, value] of Object.entries(answers.criteria ?? {})) {
    out.set(`criteria.${key}.assessment`, value.assessment ?? "");
    out.set(`criteria.${key}.explanation`, value.explanation ?? "");
    out.set(`criteria.${key}.links`, (value.links ?? []).join("\n"));
  }
  for (const [key, value] of Object.entries(answers.contact ?? {})) out.set(`contact.${key}`, String(value ?? ""));
  return out;
}

export interface AnswerChange {
  path: string;
  before: string;
  after: string;
}

export function diffAnswers(before: Answers, after: Answers): AnswerChange[] {
  const a = flattenAnswers(before);
  const b = flattenAnswers(after);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths
    .map((path) => ({ path, before: a.get(path) ?? "", after: b.get(path) ?? "" }))
    .filter((c) => c.before !== c.after);
}

export function diffFiles<T extends { id: string; slot: string; file_name: string }>(before: T[], after: T[]) {
  const beforeIds = new Set(before.map((f) => f.id));
  const afterIds = new Set(after.map((f) => f.id));
  return { added: after.filter((f) => !beforeIds.has(f.id)), removed: before.filter((f) => !afterIds.has(f.id)) };
}
