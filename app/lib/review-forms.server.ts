import { z } from "zod";
import type { Translate } from "./i18n.ts";
import { vietnamDate } from "./working-days.ts";
import { REJECTION_REASONS } from "~/models/review.server.ts";

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

const lockVersion = z.coerce.number().int().min(0);

function text(t: Translate, label: string, max: number, required = true) {
  return z
    .string()
    .optional()
    .transform((v) => (v ?? "").trim())
    .superRefine((v, ctx) => {
      if (!v && required) ctx.addIssue({ code: "custom", message: t("error.required", { field: label.toLowerCase() }) });
      else if (v.length > max) ctx.addIssue({ code: "custom", message: t("error.tooLong", { field: label, max }) });
      else if (CONTROL_CHARS.test(v)) ctx.addIssue({ code: "custom", message: t("error.invalidText", { field: label }) });
    });
}

function isoDate(t: Translate, label: string, rule: "past" | "future", required = true) {
  return z
    .string()
    .optional()
    .transform((v) => (v ?? "").trim())
    .superRefine((v, ctx) => {
      if (!v && !required) return;
      if (!v) return void ctx.addIssue({ code: "custom", message: t("error.required", { field: label.toLowerCase() }) });
      const d = new Date(`${v}T00:00:00Z`);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v)
        return void ctx.addIssue({ code: "custom", message: t("error.date") });
      const today = vietnamDate(new Date());
      if (rule === "future" && v <= today) ctx.addIssue({ code: "custom", message: t("error.replyByPast") });
      if (rule === "past" && v > today) ctx.addIssue({ code: "custom", message: t("error.dateFuture", { field: label }) });
    });
}

/** One schema per review form; each is a factory so no zod value sits at module level of a route. */
export const reviewSchemas = {
  assign: () => z.object({ lockVersion, assigneeId: z.string().uuid().or(z.literal("")).optional() }),
  verdict: (t: Translate, keys: string[]) =>
    z.object({
      lockVersion,
      criterionKey: z.string().refine((k) => keys.includes(k)),
      verdict: z.enum(["met", "not_met", "needs_information"], { error: t("error.verdict") }),
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
      recommendation: z.enum(["recognise", "reject"], { error: t("error.choose", { field: t("review.recommendation").toLowerCase() }) }),
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
