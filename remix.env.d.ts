/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />

// react-dom ships this entry (see app/platform/http/render-html.server.ts) but @types/react-dom 18 does not name it.
declare module "react-dom/server.browser" {
  export { renderToReadableStream } from "react-dom/server";
}
