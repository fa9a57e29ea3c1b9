import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
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
  /** The address pages load it from: `/texts/<locale>.<group>.<hash>.js`, the hash that of the content. */
  src: string;
  hash: string;
  body: string;
}

/** Which keys each group of texts carries: build/texts.json (scripts/texts-split.ts, decision 026). */
interface TextsPlan {
  groups: Record<string, string[]>;
}

let plan: TextsPlan | undefined;

/** Without a build (a test that renders from the sources), root carries every text: each page has all it may ask for. */
function textsPlan(): TextsPlan {
  if (!plan) {
    try {
      plan = JSON.parse(fs.readFileSync(path.resolve("build/texts.json"), "utf8")) as TextsPlan;
    } catch {
      plan = { groups: { root: [...new Set([...Object.keys(MESSAGES.vi), ...Object.keys(MESSAGES.en)])] } };
    }
  }
  return plan;
}

/** The group's part of a file name: a route id without `routes/` (`review._index`, `applications.$id.check`). */
function groupSlug(group: string): string {
  return group.replace(/^routes\//, "");
}

function scriptOf(locale: Locale, assignments: string): { body: string; hash: string } {
  const body = `(function(g,l){${assignments}})(globalThis,${JSON.stringify(locale)});\n`;
  return { body, hash: createHash("sha256").update(body).digest("hex").slice(0, 16) };
}

function json(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

const files = new Map<string, TextsFile>();

/**
 * The script that gives the browser one group of a language's texts (see messages-store.ts): it adds them to the
 * language's dictionary and marks the group loaded. Served as an immutable file named by its content hash (texts.server.ts), so a
 * browser fetches it once per deploy. Undefined for a group with no texts. Decisions 023, 026.
 */
export function textsFile(locale: Locale, group = "root"): TextsFile | undefined {
  const id = `${locale} ${group}`;
  let file = files.get(id);
  if (!file) {
    const keys = textsPlan().groups[group];
    if (!keys) return undefined;
    const messages: Record<string, string> = MESSAGES[locale];
    // The plan has both languages' keys: English has plural forms ("#one") that Vietnamese does not.
    const texts = Object.fromEntries(keys.filter((k) => messages[k] !== undefined).map((k) => [k, messages[k]]));
    const assignments = `Object.assign((g.__PORTAL_MESSAGES__||={})[l]||={},${json(texts)});(g.__PORTAL_TEXTS__||={})[l+" "+${JSON.stringify(group)}]=1;`;
    const { body, hash } = scriptOf(locale, assignments);
    file = { src: `/texts/${locale}.${groupSlug(group)}.${hash}.js`, hash, body };
    files.set(id, file);
  }
  return file;
}

const indexes = new Map<Locale, TextsFile>();

/**
 * The script that names every route's texts file, for the routes a visitor reaches by client-side navigation
 * (messages-store.ts textsReady). A file of its own, so root's texts keep their name when a route's change; the
 * document names it (root Layout) and the browser fetches it once the page is idle.
 */
export function textsIndexFile(locale: Locale): TextsFile {
  let file = indexes.get(locale);
  if (!file) {
    const routes: Record<string, string> = {};
    for (const g of Object.keys(textsPlan().groups)) if (g !== "root") routes[g] = textsFile(locale, g)!.src;
    const { body, hash } = scriptOf(locale, `(g.__PORTAL_TEXT_FILES__||={})[l]=${json(routes)};`);
    file = { src: `/texts/${locale}.index.${hash}.js`, hash, body };
    indexes.set(locale, file);
  }
  return file;
}

/** The group named by a file name's middle part, or undefined. */
export function textsGroupOf(slug: string): string | undefined {
  return Object.keys(textsPlan().groups).find((g) => groupSlug(g) === slug);
}

/** The texts files of a page whose matched routes are `routeIds` (root first), in that order. */
export function pageTextsFiles(locale: Locale, routeIds: readonly string[]): TextsFile[] {
  const groups = ["root", ...routeIds.filter((id) => id !== "root")];
  return groups.map((g) => textsFile(locale, g)).filter((f): f is TextsFile => f !== undefined);
}

const everything = new Map<Locale, TextsFile>();

/**
 * All of a language's texts in one script, for a page cached before a deploy that names a file this build does not
 * have: it hydrates with every text and needs no other file (texts.server.ts sends it with no-cache).
 */
export function allTextsFile(locale: Locale): TextsFile {
  let file = everything.get(locale);
  if (!file) {
    const { body, hash } = scriptOf(locale, `Object.assign((g.__PORTAL_MESSAGES__||={})[l]||={},${json(MESSAGES[locale])});(g.__PORTAL_TEXTS__||={})[l+" *"]=1;`);
    file = { src: `/texts/${locale}.all.${hash}.js`, hash, body };
    everything.set(locale, file);
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
