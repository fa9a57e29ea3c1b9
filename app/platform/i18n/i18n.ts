import type { Locale } from "~/platform/db/db-types.ts";
import type { TextKey } from "./messages.server.ts";

export const LOCALES: readonly Locale[] = ["vi", "en"];
export const DEFAULT_LOCALE: Locale = "vi";

export function isLocale(value: unknown): value is Locale {
  return value === "vi" || value === "en";
}

export type { TextKey };

/** Only keys of the dictionary compile: a misspelt key is a type error, not a key shown on the page. */
export type Translate = (key: TextKey, params?: Record<string, string | number>) => string;

/** The BCP 47 tag Intl writes a locale's numbers and dates with. */
export function intlLocale(locale: Locale): "vi-VN" | "en-GB" {
  return locale === "vi" ? "vi-VN" : "en-GB";
}

const pluralRules = new Map<Locale, Intl.PluralRules>();
const numberFormats = new Map<Locale, Intl.NumberFormat>();

function pluralRule(locale: Locale): Intl.PluralRules {
  let rule = pluralRules.get(locale);
  if (!rule) pluralRules.set(locale, (rule = new Intl.PluralRules(locale)));
  return rule;
}

function numberFormat(locale: Locale): Intl.NumberFormat {
  let format = numberFormats.get(locale);
  if (!format) numberFormats.set(locale, (format = new Intl.NumberFormat(intlLocale(locale))));
  return format;
}

/**
 * `t(key, params)`: the message with its `{name}` placeholders filled in.
 *
 * Plurals: a message that counts things is a family of keys, one per plural category of the language
 * (`"queue.count#one": "{count} application"`, `"queue.count#other": "{count} applications"`); `t("queue.count",
 * { count })` picks the form with Intl.PluralRules and writes the count in the language's digits (1,234 / 1.234).
 * Vietnamese has one form ("#other"); the types make English give "#one" for every family (messages/plural.ts).
 */
export function makeTranslate(messages: Record<string, string>, locale: Locale): Translate {
  return (key, params) => {
    const count = params?.count;
    const plural = messages[key] === undefined && typeof count === "number";
    const template = plural ? (messages[`${key}#${pluralRule(locale).select(count)}`] ?? messages[`${key}#other`] ?? key) : (messages[key] ?? key);
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      return plural && name === "count" ? numberFormat(locale).format(value as number) : String(value);
    });
  };
}
