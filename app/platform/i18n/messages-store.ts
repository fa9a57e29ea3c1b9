import type { Locale } from "~/platform/db/db-types.ts";
import type { TextKey } from "./messages.server.ts";

/**
 * The UI texts travel outside the route data. The server registers both dictionaries here (i18n.server.ts); each
 * HTML page loads its language's dictionary from an immutable file named by its content hash (`/texts/vi.<hash>.js`,
 * a deferred script in the root Layout that runs before hydration, see entry.client.tsx). Loader responses, and so
 * every client-side navigation, do not repeat ~50 KB of texts, and neither does each page. Decision 023.
 */
declare global {
  var __PORTAL_MESSAGES__: Partial<Record<Locale, Record<string, string>>> | undefined;
}

/** Whether this language's texts have arrived (in the browser: whether the texts script has run). */
export function hasMessages(locale: Locale): boolean {
  return globalThis.__PORTAL_MESSAGES__?.[locale] !== undefined;
}

export function messagesOf(locale: Locale): Record<string, string> {
  return globalThis.__PORTAL_MESSAGES__?.[locale] ?? {};
}

/**
 * Whether a string built from stored data (an audit action, a reason code read back from the database) names a text,
 * by itself or as a plural family. Keys written in code need no such check: `t()` takes only TextKey.
 */
export function isTextKey(key: string): key is TextKey {
  if (key.includes("#")) return false;
  const dictionaries = Object.values(globalThis.__PORTAL_MESSAGES__ ?? {});
  return dictionaries.some((m) => Object.hasOwn(m, key) || Object.hasOwn(m, `${key}#other`));
}

/** The key when the dictionary has it, else `fallback`: for keys that really come from data, never from code. */
export function textKeyOr(key: string, fallback: TextKey): TextKey {
  return isTextKey(key) ? key : fallback;
}
