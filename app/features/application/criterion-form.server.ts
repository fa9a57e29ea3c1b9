import { z } from "zod";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { cleanText, field, isWebUrl } from "~/platform/forms/input.server.ts";

/**
 * The criterion self-assessment form. Kept in a server module: a zod schema in a route module drags zod
 * (~450 KB) into the browser bundle with the classic compiler.
 */

export const MAX_LINKS = 10;
const MAX_LINK_LENGTH = 2000;

/** With `complete` false ("save and come back later") empty fields pass, but what was typed must be well-formed. */
export const criterionSchema = (t: Translate, complete: boolean) =>
  z.object({
    assessment: field
      .choice(t("crit.error.assessment"), ["meets", "partly", "not_met"], { required: complete })
      .transform((v) => v || undefined),
    explanation: field.text(t, t("crit.explanation"), { max: 5000, required: complete, requiredMessage: t("crit.error.explanation") }),
    links: z
      .string()
      .optional()
      .transform((v) =>
        (v ?? "")
          .split(/\r?\n|\r/)
          .map(cleanText)
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
  return isWebUrl(value, MAX_LINK_LENGTH);
}
