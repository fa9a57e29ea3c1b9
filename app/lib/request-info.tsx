import { createContext, useContext } from "react";

export interface RequestInfo {
  nonce: string;
  requestId: string;
}

export const RequestInfoContext = createContext<RequestInfo>({ nonce: "", requestId: "" });

export function useRequestInfo(): RequestInfo {
  return useContext(RequestInfoContext);
}
