import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { isLocale } from "./platform/i18n/i18n.ts";
import { hasMessages } from "./platform/i18n/messages-store.ts";
import { RequestInfoContext, TEXTS_SCRIPT_ID } from "./platform/i18n/request-info.tsx";

const requestId = document.querySelector<HTMLMetaElement>('meta[name="request-id"]')?.content ?? "";
const textsSrc = document.getElementById(TEXTS_SCRIPT_ID)?.getAttribute("src") ?? "";
const lang = document.documentElement.lang;

function hydrate() {
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <RequestInfoContext.Provider value={{ requestId, textsSrc, locale: isLocale(lang) ? lang : "vi" }}>
          <RemixBrowser />
        </RequestInfoContext.Provider>
      </StrictMode>,
    );
  });
}

// The texts come in a deferred script (root Layout). Remix's module script is async and may run before it, so
// hydration waits for the texts: for the script's load (or error) event, or the document's events that follow the
// deferred scripts, whichever comes first.
let started = false;
const start = () => {
  if (started) return;
  started = true;
  hydrate();
};
if (hasMessages(isLocale(lang) ? lang : "vi") || document.readyState === "complete") start();
else {
  const script = document.getElementById(TEXTS_SCRIPT_ID);
  script?.addEventListener("load", start, { once: true });
  script?.addEventListener("error", start, { once: true });
  document.addEventListener("DOMContentLoaded", start, { once: true });
  window.addEventListener("load", start, { once: true });
}
