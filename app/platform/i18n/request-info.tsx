import { createContext, useContext } from "react";
import type { Locale } from "~/platform/db/db-types.ts";

export interface RequestInfo {
  requestId: string;
  /**
   * The addresses of the page's texts (i18n.server.ts pageTextsFiles: root's, then its routes'), read back from the
   * page's script tags in the browser.
   */
  textsSrcs: readonly string[];
  /** The address of the file that names every route's texts file (i18n.server.ts textsIndexFile). */
  textsIndexSrc: string;
  /**
   * The visitor's language from the language cookie (server) or the page's lang attribute (browser), for the pages
   * rendered without the root loader's data (the root loader itself failed).
   */
  locale: Locale;
}

export const RequestInfoContext = createContext<RequestInfo>({ requestId: "", textsSrcs: [], textsIndexSrc: "", locale: "vi" });

export function useRequestInfo(): RequestInfo {
  return useContext(RequestInfoContext);
}

/** The attribute that marks the script tags that load the page's texts (root Layout), which the browser's entry reads back. */
export const TEXTS_SCRIPT_ATTRIBUTE = "data-portal-texts";
/** The attribute of the link (a prefetch) to the file that names every route's texts file (messages-store.ts). */
export const TEXTS_INDEX_ATTRIBUTE = "data-portal-texts-index";
