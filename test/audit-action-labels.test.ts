import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { WORKFLOW } from "~/features/application/workflow.ts";
import { auditActionLabel } from "~/features/audit/labels.server.ts";
import { VERIFICATION_OUTCOMES } from "~/features/enterprise/verification.server.ts";
import { makeTranslate } from "~/platform/i18n/i18n.ts";
import { MESSAGES } from "~/platform/i18n/messages.server.ts";

const hasText = (key: string) => Object.hasOwn(MESSAGES.vi, key) || Object.hasOwn(MESSAGES.vi, `${key}#other`);

/**
 * Every action the code records in the audit trail has a label in both languages, so the audit reader and the admin
 * log never show a raw code. The actions are read from the sources: the `action:` of every recordAudit(...) call
 * under app/. A literal (or each literal of a ternary) is taken as is; an action computed from a value must be one of
 * the expansions below; any other computed action fails the test until it is added here with what it can be.
 */
const APP = join(import.meta.dirname, "..", "app");

/** Computed actions, as written in the sources, and every action each can be. */
const COMPUTED: Record<string, readonly string[]> = {
  // app/features/application/transition.server.ts: every workflow action (transition() callers pass a WorkflowAction).
  "`application.${action}`": Object.keys(WORKFLOW).map((a) => `application.${a}`),
  // app/features/enterprise/verification.server.ts
  "`enterprise.${input.outcome}`": VERIFICATION_OUTCOMES.map((o) => `enterprise.${o}`),
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(join(dir, d.name)) : /\.tsx?$/.test(d.name) ? [join(dir, d.name)] : []
  );
}

/** The text of a call from its opening parenthesis to the matching one (strings and templates skipped). */
function callText(src: string, open: number, where: string): string {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const c = src[i]!;
    if (c === "/" && src[i + 1] === "/") {
      i = src.indexOf("\n", i);
      continue;
    }
    if (c === "/" && src[i + 1] === "*") {
      i = src.indexOf("*/", i) + 1;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      for (i++; i < src.length && src[i] !== c; i++) if (src[i] === "\\") i++;
      continue;
    }
    if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return src.slice(open, i + 1);
  }
  throw new Error(`${where}: a recordAudit( the test cannot read`);
}

function recordedActions(): { actions: Map<string, string>; unknown: string[] } {
  const actions = new Map<string, string>();
  const unknown: string[] = [];
  for (const file of sources(APP)) {
    const src = readFileSync(file, "utf8");
    const where = relative(APP, file);
    for (const m of src.matchAll(/\brecordAudit\(/g)) {
      if (/export async function recordAudit/.test(src.slice(Math.max(0, m.index - 40), m.index + 12))) continue;
      const call = callText(src, m.index + "recordAudit".length, where);
      const found = [...call.matchAll(/\baction:\s*([^,\n]+)/g)].map((a) => a[1]!.trim());
      if (found.length === 0) unknown.push(`${where}: a recordAudit call without an action:`);
      for (const expr of found) {
        // A ternary's condition may compare with a literal: only its branches are actions.
        const branches = expr.includes("?") ? expr.slice(expr.indexOf("?")) : expr;
        const literals = [...branches.matchAll(/"([^"]+)"|`([^`$]+)`/g)].map((l) => l[1] ?? l[2]!);
        const expanded = COMPUTED[expr] ?? (literals.length > 0 && !/\$\{/.test(expr) ? literals : undefined);
        if (!expanded) unknown.push(`${where}: action: ${expr}`);
        for (const a of expanded ?? []) actions.set(a, where);
      }
    }
  }
  return { actions, unknown };
}

test("the audit actions are all found in the sources", () => {
  const { actions, unknown } = recordedActions();
  assert.deepEqual(unknown, [], "a computed action: add what it can be to COMPUTED");
  // The scan sees the known recorders (a regression in the scan would otherwise pass everything).
  for (const a of ["user.invited", "application.submit", "application.assigned", "enterprise.not_verified", "email.retried_all", "tax_code_dispute.resolved"])
    assert.ok(actions.has(a), a);
});

test("every recorded audit action has a Vietnamese and an English label", () => {
  const { actions } = recordedActions();
  const vi = makeTranslate(MESSAGES.vi, "vi");
  const en = makeTranslate(MESSAGES.en, "en");
  const missing = [...actions].filter(([a]) => !hasText(`audit.action.${a}`) && !hasText(`timeline.${a}`)).map(([a, f]) => `${a} (${f})`);
  assert.deepEqual(missing, [], "add audit.action.<action> to app/platform/i18n/messages/audit.ts");
  for (const a of actions.keys()) {
    assert.notEqual(auditActionLabel(vi, a), a, a);
    assert.notEqual(auditActionLabel(en, a), a, a);
    assert.notEqual(auditActionLabel(vi, a), auditActionLabel(en, a), `${a}: an English text in Vietnamese?`);
  }
});
