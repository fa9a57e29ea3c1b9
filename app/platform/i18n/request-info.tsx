import { createContext, useContext } from "react";
import type { Locale } from "~/platform/db/db-types.ts";

export interface RequestInfo {
  nonce: string;
  requestId: string;
  /** Server only: the inline script with the page's texts (i18n.server.ts messagesScript). */
  messagesScript: string;
  /**
   * The visitor's language from the language cookie (server) or the page's lang attribute (browser), for the pages
   * rendered without the root loader's data (the root loader itself failed).
   */
  locale: Locale;
}

export const RequestInfoContext = createContext<RequestInfo>({ nonce: "", requestId: "", messagesScript: "", locale: "vi" });

export function useRequestInfo(): RequestInfo {
  return useContext(RequestInfoContext);
}
