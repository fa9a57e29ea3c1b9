import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { isLocale } from "./platform/i18n/i18n.ts";
import { markTextsLoaded } from "./platform/i18n/messages-store.ts";
import { RequestInfoContext, TEXTS_INDEX_ATTRIBUTE, TEXTS_SCRIPT_ATTRIBUTE } from "./platform/i18n/request-info.tsx";

const requestId = document.querySelector<HTMLMetaElement>('meta[name="request-id"]')?.content ?? "";
const textsScripts = [...document.querySelectorAll<HTMLScriptElement>(`script[${TEXTS_SCRIPT_ATTRIBUTE}]`)];
const textsSrcs = textsScripts.map((s) => s.getAttribute("src") ?? "");
const textsIndexSrc = document.querySelector(`link[${TEXTS_INDEX_ATTRIBUTE}]`)?.getAttribute("href") ?? "";
const lang = document.documentElement.lang;

function hydrate() {
  // The document carries the texts of the routes it matched (the server chose its files by them): no route of it
  // waits for a file (useT), not even one with no file of its own.
  const matched = Object.keys((window as { __remixRouteModules?: Record<string, unknown> }).__remixRouteModules ?? {});
  markTextsLoaded(isLocale(lang) ? lang : "vi", matched);
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <RequestInfoContext.Provider value={{ requestId, textsSrcs, textsIndexSrc, locale: isLocale(lang) ? lang : "vi" }}>
          <RemixBrowser />
        </RequestInfoContext.Provider>
      </StrictMode>,
    );
  });
}

// The texts come in deferred scripts (root Layout: root's, then the route's). Remix's module script is async and may
// run before them, so hydration waits for the texts: for each script's load (or error) event, or the document's
// events that follow the deferred scripts, whichever comes first. Decisions 023, 026.
let started = false;
const start = () => {
  if (started) return;
  started = true;
  hydrate();
};
// Each texts file marks its group loaded (messages-store.ts); "<lang> *" is the file with every text.
const loaded = Object.keys(globalThis.__PORTAL_TEXTS__ ?? {}).filter((k) => k.startsWith(`${lang} `));
if (document.readyState === "complete" || loaded.length >= textsScripts.length || loaded.includes(`${lang} *`)) start();
else {
  let waiting = textsScripts.length;
  const one = () => {
    if (--waiting <= 0) start();
  };
  if (waiting === 0) start();
  for (const script of textsScripts) {
    script.addEventListener("load", one, { once: true });
    script.addEventListener("error", one, { once: true });
  }
  document.addEventListener("DOMContentLoaded", start, { once: true });
  window.addEventListener("load", start, { once: true });
}
