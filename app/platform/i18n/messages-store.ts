import type { Locale } from "~/platform/db/db-types.ts";
import type { TextKey } from "./messages.server.ts";
import { TEXTS_INDEX_ATTRIBUTE } from "./request-info.tsx";

/**
 * The UI texts travel outside the route data. The server registers both dictionaries here (i18n.server.ts); each
 * HTML page loads the texts its client code can ask for from immutable files named by their content hash: root's
 * (header, footer, error pages) and its route's (`/texts/vi.root.<hash>.js`, `/texts/vi.review._index.<hash>.js`),
 * deferred scripts in the root Layout that run before hydration (entry.client.tsx). A client-side navigation to
 * another route loads that route's file first (useT suspends, see textsReady). Decisions 023, 026.
 */
declare global {
  var __PORTAL_MESSAGES__: Partial<Record<Locale, Record<string, string>>> | undefined;
  /** The groups loaded, as `"<locale> <group>"`; `"<locale> *"` when every text of the language is there. */
  var __PORTAL_TEXTS__: Record<string, 1> | undefined;
  /** Root's texts file names each route's: route id → address, per language. */
  var __PORTAL_TEXT_FILES__: Partial<Record<Locale, Record<string, string>>> | undefined;
}

const loading = new Map<string, Promise<void>>();

function loadScript(src: string): Promise<void> {
  let promise = loading.get(src);
  if (!promise) {
    promise = new Promise<void>((resolve) => {
      const script = document.createElement("script");
      script.src = src;
      // A file that does not come is given up on: the page then shows keys rather than waiting for ever.
      const done = () => {
        script.remove();
        resolve();
      };
      script.addEventListener("load", done, { once: true });
      script.addEventListener("error", () => {
        console.error(`texts file failed to load: ${src}`);
        done();
      }, { once: true });
      document.head.append(script);
    });
    loading.set(src, promise);
  }
  return promise;
}

/** Marks these routes' texts as loaded: the document carried them (entry.client.tsx), or their files came. */
export function markTextsLoaded(locale: Locale, routeIds: readonly string[]) {
  for (const id of routeIds) (globalThis.__PORTAL_TEXTS__ ||= {})[`${locale} ${id}`] = 1;
}

/**
 * In the browser: undefined when the texts of these routes (a page's matches) are loaded, else a promise that loads
 * them. On the server every text is there. A route with no file of its own (no texts beyond root's) needs nothing.
 */
export function textsReady(locale: Locale, routeIds: readonly string[]): Promise<void> | undefined {
  if (typeof document === "undefined") return undefined;
  const loaded = globalThis.__PORTAL_TEXTS__ ?? {};
  if (loaded[`${locale} *`]) return undefined;
  const pending = routeIds.filter((id) => id !== "root" && !loaded[`${locale} ${id}`]);
  if (pending.length === 0) return undefined;
  const files = globalThis.__PORTAL_TEXT_FILES__?.[locale];
  if (!files) {
    // The names of the routes' files come in a file of their own (prefetched by the root Layout's link).
    const index = document.querySelector(`link[${TEXTS_INDEX_ATTRIBUTE}]`)?.getAttribute("href");
    if (!index) return undefined;
    return loadScript(index).then(() => {
      // An index that failed names no file: the page then shows keys rather than waiting for ever.
      (globalThis.__PORTAL_TEXT_FILES__ ||= {})[locale] ||= {};
      return textsReady(locale, routeIds);
    });
  }
  return Promise.all(pending.map((id) => (files[id] === undefined ? undefined : loadScript(files[id])))).then(() => {
    // A file that failed counts as loaded too, for the same reason.
    markTextsLoaded(locale, pending);
  });
}

/**
 * This language's dictionary as far as it has arrived (in the browser: the texts files run so far add to it; the
 * object stays the same, so a translator made before a route's file came reads its texts too).
 */
export function messagesOf(locale: Locale): Record<string, string> {
  return ((globalThis.__PORTAL_MESSAGES__ ||= {})[locale] ||= {});
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
