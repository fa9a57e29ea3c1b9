import { z } from "zod";
import { field } from "~/platform/forms/input.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";

/**
 * The enterprise profile and tax-code dispute forms. A server module: a zod schema in a route module drags zod into
 * the browser bundle.
 */

/** A required single-line text whose "required" message is written out in full (labels must not be lower-cased). */
const requiredText = (t: Translate, label: string, requiredMessage: string, max: number) =>
  field.text(t, label, { max, singleLine: true, requiredMessage });

const taxCodeField = (t: Translate) =>
  field.taxCode({
    required: t("enterprise.error.taxCodeRequired"),
    format: t("enterprise.error.taxCodeFormat"),
    checksum: t("enterprise.error.taxCodeChecksum"),
  });

const phoneField = (t: Translate) =>
  field.phone(t, t("enterprise.field.phone"), { requiredMessage: t("enterprise.error.phoneRequired"), message: t("enterprise.error.phoneInvalid") });

/** An optional text: a field missing from the post counts as left empty. */
const optionalText = (t: Translate, label: string, max: number) => field.text(t, label, { max, singleLine: true, required: false });

const websiteField = (t: Translate) =>
  field
    .url(t, t("enterprise.short.website"), { max: 500, required: false, message: t("enterprise.error.websiteInvalid") })
    .transform((v) => v || null);

/** In page order, so the error summary lists problems in the order the fields appear. */
const profileFields = (t: Translate, provinceCodes: string[]) => ({
  legalName: requiredText(t, t("enterprise.short.legalName"), t("enterprise.error.legalNameRequired"), 300),
  englishName: optionalText(t, t("enterprise.short.englishName"), 300).transform((v) => v || null),
  address: requiredText(t, t("enterprise.short.address"), t("enterprise.error.addressRequired"), 500),
  provinceCode: field.choice(t("enterprise.error.provinceRequired"), provinceCodes),
  representativeName: requiredText(t, t("enterprise.short.representativeName"), t("enterprise.error.representativeNameRequired"), 200),
  representativeTitle: requiredText(t, t("enterprise.short.representativeTitle"), t("enterprise.error.representativeTitleRequired"), 200),
  phone: phoneField(t),
  website: websiteField(t),
});

export const enterpriseSchemas = {
  /** The details owners may change; the tax code is fixed once the profile exists. */
  profile: (t: Translate, provinceCodes: string[]) => z.object(profileFields(t, provinceCodes)),

  /** A new enterprise: the profile with its tax code after the names. */
  create: (t: Translate, provinceCodes: string[]) => {
    const { legalName, englishName, ...rest } = profileFields(t, provinceCodes);
    return z.object({ legalName, englishName, taxCode: taxCodeField(t), ...rest });
  },

  /** A second claimant of a tax code files a dispute: a statement and its business registration certificate. */
  dispute: (t: Translate) =>
    z.object({
      dispute: z.literal("yes", { error: t("dispute.error.confirm") }),
      statement: field.text(t, t("dispute.statement"), { max: 2000, requiredMessage: t("dispute.error.statement") }),
    }),
};
