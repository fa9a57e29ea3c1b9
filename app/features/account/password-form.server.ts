import { z } from "zod";
import { field } from "~/platform/forms/input.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { passwordProblem } from "./password.server.ts";

/** The "choose a password" form used by sign-up, password reset and invitations. */
export const newPasswordSchema = (t: Translate) =>
  z
    .object({ token: z.string().max(200), password: field.password(t), passwordConfirm: z.string().optional() })
    .superRefine((v, ctx) => {
      const issue = passwordIssue(t, v.password);
      if (issue) ctx.addIssue({ code: "custom", path: ["password"], message: issue });
      else if (v.password !== v.passwordConfirm)
        ctx.addIssue({ code: "custom", path: ["passwordConfirm"], message: t("error.passwordMismatch") });
    });

export function passwordIssue(t: Translate, password: string): string | null {
  const problem = passwordProblem(password);
  if (problem === "too_short") return t("error.passwordTooShort");
  if (problem === "too_long") return t("error.passwordTooLong");
  if (problem === "common") return t("error.passwordCommon");
  return null;
}
