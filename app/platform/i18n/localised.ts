import type { Locale } from "~/platform/db/db-types.ts";

/** The fields of a row stored once per language: "name" when the row has both `name_vi` and `name_en`. */
export type LocalisedField<R> = {
  [K in keyof R & string]: K extends `${infer F}_vi` ? (`${F}_en` extends keyof R ? F : never) : never;
}[keyof R & string];

/**
 * A row's field in the reader's language: `localised(item, "text", locale)` reads `text_vi` or `text_en`. The one way
 * pages and messages pick a stored translation, so a field that lacks one of its languages does not compile.
 */
export function localised<R extends object, F extends LocalisedField<R>>(row: R, field: F, locale: Locale): R[`${F}_vi` & keyof R] | R[`${F}_en` & keyof R] {
  const key = `${field}_${locale}` as const;
  return row[key as (`${F}_vi` | `${F}_en`) & keyof R];
}
