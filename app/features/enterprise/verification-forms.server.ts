import { z } from "zod";
import { textField } from "~/platform/forms/forms.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";

/** The enterprise verification step of a provincial review, and the settling of a tax code dispute. */
export const verificationSchemas = {
  verify: (t: Translate) =>
    z
      .object({
        verification: z.enum(["verified", "not_verified"], { error: t("error.verification.choose") }),
        verificationReason: textField(t, t("review.verification.reason"), { max: 2000, required: false }),
      })
      .superRefine((v, ctx) => {
        if (v.verification === "not_verified" && !v.verificationReason)
          ctx.addIssue({ code: "custom", path: ["verificationReason"], message: t("error.verification.reason") });
      }),
  resolve: (t: Translate) =>
    z.object({
      winner: z.enum(["holder", "claimant"], { error: t("dispute.error.winner") }),
      reason: textField(t, t("dispute.reason"), { max: 2000, required: false }).pipe(z.string().min(1, t("dispute.error.reason"))),
    }),
};
