import { z } from "zod";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { field } from "~/platform/forms/input.server.ts";
import { RECOMMENDATIONS, REJECTION_REASONS } from "./commands.server.ts";

const lockVersion = field.wholeNumber();
export const DECLARATIONS = ["none", "conflict"] as const;

function text(t: Translate, label: string, max: number, required = true) {
  return field.text(t, label, { max, required });
}

function isoDate(t: Translate, label: string, rule: "past" | "future", required = true) {
  return field.date(t, label, { rule, required, futureMessage: t("error.replyByPast") });
}

/** One schema per review form; each is a factory so no zod value sits at module level of a route. */
export const reviewSchemas = {
  assign: () => z.object({ lockVersion, assigneeId: field.uuid("Not a user id", { required: false }) }),
  /** A take carries the taker's declaration about conflicts of interest with the enterprise (conflicts.server.ts). */
  take: (t: Translate) =>
    z
      .object({
        lockVersion,
        declaration: field.choice(t("error.declaration"), DECLARATIONS),
        conflictReason: text(t, t("review.conflictReason"), 1000, false),
      })
      .superRefine((v, ctx) => {
        if (v.declaration === "conflict" && !v.conflictReason) ctx.addIssue({ code: "custom", path: ["conflictReason"], message: t("error.conflictReason") });
      }),
  /** An assignee (assigned by a colleague, so without a take) declares a conflict afterwards: the reason is required. */
  declareConflict: (t: Translate) => z.object({ conflictReason: field.text(t, t("review.conflictReason"), { max: 1000, required: true, requiredMessage: t("error.conflictReason") }) }),
  verdict: (t: Translate, keys: string[]) =>
    z.object({
      lockVersion,
      criterionKey: field.choice("Not a criterion of this application", keys),
      verdict: field.choice(t("error.verdict"), ["met", "not_met", "needs_information"]),
      note: text(t, t("review.verdictNote"), 5000, false),
    }),
  note: (t: Translate) => z.object({ body: text(t, t("review.note"), 10_000) }),
  requestChanges: (t: Translate) =>
    // An empty deadline takes the default (the setting's working days), so it is not required here.
    z.object({ lockVersion, replyBy: isoDate(t, t("review.replyBy"), "future", false), message: text(t, t("review.message"), 5000, false) }),
  reject: (t: Translate) =>
    z.object({
      lockVersion,
      reasons: z.array(z.enum(REJECTION_REASONS)).min(1, t("error.reasons")),
      note: text(t, t("review.rejectNote"), 5000),
    }),
  forward: (t: Translate) =>
    z.object({
      lockVersion,
      recommendation: field.choice(t("error.choose", { field: t("review.recommendation").toLowerCase() }), RECOMMENDATIONS),
      summary: text(t, t("review.summary"), 10_000),
    }),
  returnToProvince: (t: Translate) => z.object({ lockVersion, note: text(t, t("review.returnNote"), 5000) }),
  recognise: (t: Translate) =>
    z.object({
      lockVersion,
      decisionNumber: text(t, t("review.decisionNumber"), 100),
      decisionDate: isoDate(t, t("review.decisionDate"), "past"),
    }),
  changeNote: (t: Translate, label: string) => text(t, label, 5000),
  revoke: (t: Translate) =>
    z.object({
      lockVersion,
      decisionNumber: text(t, t("revoke.decisionNumber"), 100),
      decisionDate: isoDate(t, t("revoke.decisionDate"), "past"),
      reason: text(t, t("revoke.reason"), 5000),
    }),
};
