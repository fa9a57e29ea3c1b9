import { createContext, useContext } from "react";
import type { Locale } from "~/platform/db/db-types.ts";

export interface RequestInfo {
  requestId: string;
  /** The address of the page's texts (i18n.server.ts textsFile), read back from the page's script tag in the browser. */
  textsSrc: string;
  /**
   * The visitor's language from the language cookie (server) or the page's lang attribute (browser), for the pages
   * rendered without the root loader's data (the root loader itself failed).
   */
  locale: Locale;
}

export const RequestInfoContext = createContext<RequestInfo>({ requestId: "", textsSrc: "", locale: "vi" });

export function useRequestInfo(): RequestInfo {
  return useContext(RequestInfoContext);
}

/** The id of the script tag that loads the page's texts (root Layout), which the browser's entry reads back. */
export const TEXTS_SCRIPT_ID = "portal-texts";
