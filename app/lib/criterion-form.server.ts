import { z } from "zod";
import type { Translate } from "./i18n.ts";

/**
 * The criterion self-assessment form. Kept in a server module: a zod schema in a route module drags zod
 * (~450 KB) into the browser bundle with the classic compiler.
 */

export const MAX_LINKS = 10;
const MAX_LINK_LENGTH = 2000;

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** With `complete` false ("save and come back later") empty fields pass, but what was typed must be well-formed. */
export const criterionSchema = (t: Translate, complete: boolean) =>
  z.object({
    assessment: z
      .string()
      .optional()
      .transform((v) => v ?? "")
      .refine((v) => (v === "" ? !complete : ["meets", "partly", "not_met"].includes(v)), t("crit.error.assessment"))
      .transform((v) => (v === "" ? undefined : (v as "meets" | "partly" | "not_met"))),
    explanation: z
      .string()
      .optional()
      .transform((v) => (v ?? "").trim())
      .superRefine((v, ctx) => {
        const label = t("crit.explanation");
        if (!v && complete) ctx.addIssue({ code: "custom", message: t("crit.error.explanation") });
        else if (v.length > 5000) ctx.addIssue({ code: "custom", message: t("error.tooLong", { field: label, max: 5000 }) });
        else if (CONTROL_CHARS.test(v)) ctx.addIssue({ code: "custom", message: t("error.invalidText", { field: label }) });
      }),
    links: z
      .string()
      .optional()
      .transform((v) =>
        (v ?? "")
          .split(/\r?\n|\r/)
          .map((l) => l.trim())
          .filter(Boolean),
      )
      .superRefine((links, ctx) => {
        if (links.length > MAX_LINKS) {
          ctx.addIssue({ code: "custom", message: t("crit.error.tooManyLinks", { max: MAX_LINKS }) });
          return;
        }
        const bad = links.findIndex((l) => !isWebLink(l));
        if (bad >= 0) ctx.addIssue({ code: "custom", message: t("crit.error.link", { line: bad + 1 }) });
      }),
  });

export function isWebLink(value: string): boolean {
  if (value.length > MAX_LINK_LENGTH || /[\s\p{C}]/u.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.hostname.includes(".") && !url.username && !url.password;
  } catch {
    return false;
  }
}

