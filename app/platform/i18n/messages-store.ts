import type { Locale } from "~/platform/db/db-types.ts";

/**
 * The UI texts travel outside the route data. The server registers both dictionaries here (i18n.server.ts); each
 * HTML page carries its language's dictionary once, in an inline script written before the app's scripts run
 * (entry.server.tsx, root Layout). Loader responses, and so every client-side navigation, no longer repeat ~40 KB of
 * texts, and the server no longer encodes them on every request.
 */
declare global {
  var __PORTAL_MESSAGES__: Partial<Record<Locale, Record<string, string>>> | undefined;
}

export function messagesOf(locale: Locale): Record<string, string> {
  return globalThis.__PORTAL_MESSAGES__?.[locale] ?? {};
}
