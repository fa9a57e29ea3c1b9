import { createHash } from "node:crypto";
import { secureCookies } from "~/platform/http/cookies.server.ts";
import { createCookie } from "@remix-run/node";
import type { Locale } from "~/platform/db/db-types.ts";
import { DEFAULT_LOCALE, isLocale, makeTranslate, type Translate } from "./i18n.ts";
import { MESSAGES, type MessageKey, type TextKey } from "./messages.server.ts";

export const langCookie = createCookie("lang", {
  path: "/",
  sameSite: "lax",
  httpOnly: true,
  maxAge: 60 * 60 * 24 * 365,
  secure: secureCookies(),
});

export async function getLocale(request: Request): Promise<Locale> {
  const value = await langCookie.parse(request.headers.get("Cookie"));
  return isLocale(value) ? value : DEFAULT_LOCALE;
}

globalThis.__PORTAL_MESSAGES__ = MESSAGES;

export interface TextsFile {
  /** The address pages load it from: `/texts/<locale>.<hash>.js`, the hash that of the content. */
  src: string;
  hash: string;
  body: string;
}

const files = new Map<Locale, TextsFile>();

/**
 * The script that gives the browser this language's texts (see messages-store.ts), built once per language. Served as
 * an immutable file named by its content hash (texts.server.ts), so a browser fetches it once per deploy, not with
 * every page. Decision 023.
 */
export function textsFile(locale: Locale): TextsFile {
  let file = files.get(locale);
  if (!file) {
    const json = JSON.stringify(MESSAGES[locale]).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
    const body = `(globalThis.__PORTAL_MESSAGES__ ||= {})[${JSON.stringify(locale)}] = ${json};\n`;
    const hash = createHash("sha256").update(body).digest("hex").slice(0, 16);
    file = { src: `/texts/${locale}.${hash}.js`, hash, body };
    files.set(locale, file);
  }
  return file;
}

export function translator(locale: Locale): Translate {
  return makeTranslate(MESSAGES[locale], locale);
}

export async function getTranslator(request: Request): Promise<{ locale: Locale; t: Translate }> {
  const locale = await getLocale(request);
  return { locale, t: translator(locale) };
}

export type { MessageKey, TextKey };
// Server code checks data-built keys through this module, which has registered the dictionaries above.
export { isTextKey, textKeyOr } from "./messages-store.ts";
