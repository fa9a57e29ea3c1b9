import type { Translate } from "~/platform/i18n/i18n.ts";
import type { Locale } from "~/platform/db/db-types.ts";
import { criteriaItems, type CriteriaGroup } from "./criteria.server.ts";
import { DOCUMENT_SLOTS } from "./limits.server.ts";

/** Human labels for flattened answer paths and file slots, for change lists. */
export function answerLabels(t: Translate, locale: Locale, groups: CriteriaGroup[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const key of [
    "name", "shortDescription", "longDescription", "pillar", "sector", "ownershipType", "publicUrl", "launchDate", "usersCount",
    "usersAsOf", "usersMethod", "dataInVietnam", "dataCentreProvider", "securityLevel", "securityDecisionNumber", "securityDecisionDate",
  ]) labels[`platform.${key}`] = `${t("section.platform")}: ${t(`platform.${key}`)}`;
  for (const key of ["name", "title", "email", "phone"]) labels[`contact.${key}`] = `${t("section.contact")}: ${t(`contact.${key}`)}`;
  for (const item of criteriaItems(groups)) {
    const text = locale === "vi" ? item.text_vi : item.text_en;
    labels[`criteria.${item.key}.assessment`] = text;
    labels[`criteria.${item.key}.explanation`] = text;
    labels[`criteria.${item.key}.links`] = text;
    labels[`criterion:${item.key}`] = text;
  }
  for (const d of DOCUMENT_SLOTS) labels[d.slot] = t(d.slot.replace(":", "."));
  return labels;
}
