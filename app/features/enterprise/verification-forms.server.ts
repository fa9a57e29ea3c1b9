import { z } from "zod";
import { field } from "~/platform/forms/input.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";

/** The enterprise verification step of a provincial review, and the settling of a tax code dispute. */
export const verificationSchemas = {
  verify: (t: Translate) =>
    z
      .object({
        verification: field.choice(t("error.verification.choose"), ["verified", "not_verified"]),
        verificationReason: field.text(t, t("review.verification.reason"), { max: 2000, required: false }),
      })
      .superRefine((v, ctx) => {
        if (v.verification === "not_verified" && !v.verificationReason)
          ctx.addIssue({ code: "custom", path: ["verificationReason"], message: t("error.verification.reason") });
      }),
  resolve: (t: Translate) =>
    z.object({
      winner: field.choice(t("dispute.error.winner"), ["holder", "claimant"]),
      reason: field.text(t, t("dispute.reason"), { max: 2000, requiredMessage: t("dispute.error.reason") }),
    }),
};
