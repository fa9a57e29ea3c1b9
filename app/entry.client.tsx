import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { isLocale } from "./platform/i18n/i18n.ts";
import { RequestInfoContext } from "./platform/i18n/request-info.tsx";

const requestId = document.querySelector<HTMLMetaElement>('meta[name="request-id"]')?.content ?? "";
const lang = document.documentElement.lang;

startTransition(() => {
  hydrateRoot(
    document,
    <StrictMode>
      <RequestInfoContext.Provider value={{ nonce: "", requestId, messagesScript: "", locale: isLocale(lang) ? lang : "vi" }}>
        <RemixBrowser />
      </RequestInfoContext.Provider>
    </StrictMode>,
  );
});
