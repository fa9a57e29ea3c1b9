/**
 * A message that counts things is a family of keys "<key>#<plural category>" (see makeTranslate in ../i18n.ts).
 * Vietnamese has one category ("#other"); English also needs "#one", and these types make sure every family has it.
 */
export type PluralFamily<K> = K extends `${infer Base}#other` ? Base : never;

/** An area's English texts: every Vietnamese key, plus the singular of each plural family. */
export type EnglishOf<V> = Record<keyof V | `${PluralFamily<keyof V>}#one`, string>;
