import type { Translate } from "~/platform/i18n/i18n.ts";
import { isTextKey } from "~/platform/i18n/i18n.server.ts";
import type { Locale } from "~/platform/db/db-types.ts";
import { criteriaItems, type CriteriaGroup } from "./criteria.server.ts";
import { CONTACT_FIELDS, DOCUMENT_SLOTS, PLATFORM_FIELDS } from "./limits.server.ts";
import { localised } from "~/platform/i18n/localised.ts";

/** Human labels for flattened answer paths and file slots, for change lists. */
export function answerLabels(t: Translate, locale: Locale, groups: CriteriaGroup[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const key of PLATFORM_FIELDS) labels[`platform.${key}`] = `${t("section.platform")}: ${t(`platform.${key}`)}`;
  for (const key of CONTACT_FIELDS) labels[`contact.${key}`] = `${t("section.contact")}: ${t(`contact.${key}`)}`;
  for (const item of criteriaItems(groups)) {
    const text = localised(item, "text", locale);
    labels[`criteria.${item.key}.assessment`] = text;
    labels[`criteria.${item.key}.explanation`] = text;
    labels[`criteria.${item.key}.links`] = text;
    labels[`criterion:${item.key}`] = text;
  }
  for (const d of DOCUMENT_SLOTS) labels[d.slot] = t(`doc.${d.kind}`);
  return labels;
}

/**
 * What a change request points at, in words: the criterion's text, or the section's name. Targets are stored strings;
 * one this version does not know reads as itself.
 */
export function changeTargetLabel(t: Translate, locale: Locale, items: readonly { key: string; text_vi: string; text_en: string }[], target: string): string {
  if (target.startsWith("criterion:")) {
    const item = items.find((i) => `criterion:${i.key}` === target);
    return item ? localised(item, "text", locale) : target;
  }
  const key = `app.changes.target.${target}`;
  return isTextKey(key) ? t(key) : target;
}
