import { createContext, useContext } from "react";

export interface RequestInfo {
  nonce: string;
  requestId: string;
  /** Server only: the inline script with the page's texts (i18n.server.ts messagesScript). */
  messagesScript: string;
}

export const RequestInfoContext = createContext<RequestInfo>({ nonce: "", requestId: "", messagesScript: "" });

export function useRequestInfo(): RequestInfo {
  return useContext(RequestInfoContext);
}
