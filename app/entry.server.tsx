import type { AppLoadContext, EntryContext, HandleDataRequestFunction, HandleErrorFunction } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { getUser } from "./features/account/auth.server.ts";
import type { CacheViewer } from "./platform/http/response-cache.server.ts";
import { isLocale } from "./platform/i18n/i18n.ts";
import { getLocale, messagesScript } from "./platform/i18n/i18n.server.ts";
import { logger } from "./platform/ops/logger.server.ts";
import { redactUrl } from "./platform/ops/redact.server.ts";
import { renderHtml } from "./platform/http/render-html.server.ts";
import { RequestInfoContext } from "./platform/i18n/request-info.tsx";
import { RETRY_AFTER_SECONDS } from "./platform/http/unavailable.server.ts";

export const streamTimeout = 5000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const { nonce, requestId } = loadContext;
  const rootLocale = (remixContext.staticHandlerContext.loaderData?.root as { locale?: unknown } | undefined)?.locale;
  const locale = isLocale(rootLocale) ? rootLocale : await getLocale(request);
  const script = messagesScript(locale);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), streamTimeout + 1000);
  let shellRendered = false;
  const body = await renderHtml(
    <RequestInfoContext.Provider value={{ nonce, requestId, messagesScript: script, locale }}>
      <RemixServer context={remixContext} url={request.url} abortDelay={streamTimeout} nonce={nonce} />
    </RequestInfoContext.Provider>,
    {
      nonce,
      signal: abort.signal,
      waitForAll: isbot(request.headers.get("user-agent") ?? ""),
      onError(error) {
        responseStatusCode = 500;
        if (shellRendered) logger().error({ requestId, url: redactUrl(request.url), err: error }, "render error");
      },
    },
  ).finally(() => {
    shellRendered = true;
  });
  void body.allReady.finally(() => clearTimeout(timer));
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  if (responseStatusCode === 503) retryLater(responseHeaders);
  return new Response(body, { headers: responseHeaders, status: responseStatusCode });
}

/** A 503 (the database out of reach, see unavailable.server.ts) tells the browser when to try again. */
function retryLater(headers: Headers) {
  headers.set("Retry-After", String(RETRY_AFTER_SECONDS));
}

export const handleDataRequest: HandleDataRequestFunction = (response) => {
  if (response.status === 503) retryLater(response.headers);
  return response;
};

export const handleError: HandleErrorFunction = (error, { request, context }) => {
  if (request.signal.aborted) return;
  if (error instanceof Response) return;
  // A 4xx the router answers itself (405 for a method a route has no handler for, 404, 400): the visitor's mistake.
  if (isRouteErrorResponse(error) && error.status < 500) return;
  logger().error({ requestId: (context as AppLoadContext).requestId, url: redactUrl(request.url), err: error }, "request failed");
};

/** Who the response cache (app/platform/http/response-cache.server.ts) keys a page for: the loaders' own session lookup. */
export async function responseCacheViewer(request: Request): Promise<CacheViewer | null> {
  const user = await getUser(request);
  return user ? { userId: user.id, role: user.role, provinceCode: user.province_code, email: user.email, name: user.name } : null;
}
