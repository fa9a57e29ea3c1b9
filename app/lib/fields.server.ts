import { z } from "zod";
import type { Translate } from "./i18n.ts";
import { vietnamDate } from "./working-days.ts";
import { phoneToE164 } from "./vn-formats.ts";

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * Field validators for the application's sections. With `complete` false ("save and come back later")
 * empty fields pass, but whatever was typed must still be well-formed.
 */
export function sectionFields(t: Translate, complete: boolean) {
  function field<T = string>(label: string, check: (value: string) => string | null, convert?: (value: string) => T) {
    return z
      .string()
      .optional()
      .transform((v) => (v ?? "").trim())
      .superRefine((v, ctx) => {
        if (!v) {
          if (complete) ctx.addIssue({ code: "custom", message: t("error.required", { field: label.toLowerCase() }) });
          return;
        }
        if (CONTROL_CHARS.test(v)) {
          ctx.addIssue({ code: "custom", message: t("error.invalidText", { field: label }) });
          return;
        }
        const problem = check(v);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .transform((v) => (v && convert ? convert(v) : v) as T | string);
  }
  return {
    text: (label: string, max: number, opts: { singleLine?: boolean } = {}) =>
      field(label, (v) =>
        v.length > max
          ? t("error.tooLong", { field: label, max })
          : opts.singleLine && /[\r\n]/.test(v)
            ? t("error.invalidText", { field: label })
            : null,
      ),
    choice: (label: string, options: readonly string[]) =>
      z
        .string()
        .optional()
        .transform((v) => (v ?? "").trim())
        .superRefine((v, ctx) => {
          if (!v) {
            if (complete) ctx.addIssue({ code: "custom", message: t("error.choose", { field: label.toLowerCase() }) });
          } else if (!options.includes(v)) ctx.addIssue({ code: "custom", message: t("error.choose", { field: label.toLowerCase() }) });
        }),
    url: (label: string) =>
      field(label, (v) => {
        if (v.length > 500) return t("error.tooLong", { field: label, max: 500 });
        try {
          const u = new URL(v);
          return u.protocol === "http:" || u.protocol === "https:" ? null : t("error.url");
        } catch {
          return t("error.url");
        }
      }),
    pastDate: (label: string) =>
      field(label, (v) => {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return t("error.date");
        const d = new Date(`${v}T00:00:00Z`);
        if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v || d.getUTCFullYear() < 1990) return t("error.date");
        return v > vietnamDate(new Date()) ? t("error.dateFuture", { field: label }) : null;
      }),
    count: (label: string) =>
      field(label, (v) => (/^\d{1,12}$/.test(v.replace(/[.,\s]/g, "")) ? null : t("error.number", { field: label })), (v) => v.replace(/[.,\s]/g, "")),
    phone: (label: string) => field(label, (v) => (phoneToE164(v) ? null : t("error.phone")), (v) => phoneToE164(v) ?? v),
    email: (label: string) =>
      field(label, (v) => (v.length > 254 ? t("error.tooLong", { field: label, max: 254 }) : z.email().safeParse(v).success ? null : t("error.emailInvalid"))),
  };
}

export function isCompleteIntent(values: Record<string, string>): boolean {
  return values.intent !== "later";
}
