import type { AppLoadContext, EntryContext, HandleDataRequestFunction, HandleErrorFunction } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { getUser } from "./features/account/auth.server.ts";
import type { CacheViewer } from "./platform/http/response-cache.server.ts";
import { isLocale } from "./platform/i18n/i18n.ts";
import { getLocale, pageTextsFiles, textsIndexFile } from "./platform/i18n/i18n.server.ts";
import { logger } from "./platform/ops/logger.server.ts";
import { redactUrl } from "./platform/ops/redact.server.ts";
import { contentSecurityPolicy } from "./platform/http/csp.server.ts";
import { inlineScriptHashes, renderHtml } from "./platform/http/render-html.server.ts";
import { noteRenderTime } from "./platform/http/request-scope.server.ts";
import { wholeBody } from "./platform/http/whole-response.server.ts";
import { RequestInfoContext } from "./platform/i18n/request-info.tsx";
import { RETRY_AFTER_SECONDS } from "./platform/http/unavailable.server.ts";

export const streamTimeout = 5000;

/**
 * Every document is rendered whole (all Suspense boundaries, as for bots) and sent in one piece with Content-Length;
 * its Content-Security-Policy names the hashes of the inline scripts it carries, so no nonce ties the body to one
 * response. Decision 023.
 */
export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const started = performance.now();
  const { requestId } = loadContext;
  const rootLocale = (remixContext.staticHandlerContext.loaderData?.root as { locale?: unknown } | undefined)?.locale;
  const locale = isLocale(rootLocale) ? rootLocale : await getLocale(request);
  // The texts that the client code of the matched routes can ask for (decision 026).
  const textsSrcs = pageTextsFiles(
    locale,
    remixContext.staticHandlerContext.matches.map((m) => m.route.id),
  ).map((f) => f.src);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), streamTimeout + 1000);
  let shellRendered = false;
  const html = await renderHtml(
    <RequestInfoContext.Provider value={{ requestId, textsSrcs, textsIndexSrc: textsIndexFile(locale).src, locale }}>
      <RemixServer context={remixContext} url={request.url} abortDelay={streamTimeout} />
    </RequestInfoContext.Provider>,
    {
      signal: abort.signal,
      onError(error) {
        responseStatusCode = 500;
        if (shellRendered) logger().error({ requestId, url: redactUrl(request.url), err: error }, "render error");
      },
    },
  ).finally(() => {
    shellRendered = true;
    clearTimeout(timer);
  });
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  responseHeaders.set("Content-Security-Policy", contentSecurityPolicy(inlineScriptHashes(new TextDecoder().decode(html))));
  if (responseStatusCode === 503) retryLater(responseHeaders);
  const body = await wholeBody(html, request.headers.get("Accept-Encoding"), responseHeaders);
  noteRenderTime(performance.now() - started);
  return new Response(body, { headers: responseHeaders, status: responseStatusCode });
}

/** A 503 (the database out of reach, see unavailable.server.ts) tells the browser when to try again. */
function retryLater(headers: Headers) {
  headers.set("Retry-After", String(RETRY_AFTER_SECONDS));
}

/** A data request's answer is made whole too: encoded to the end, then sent with Content-Length. */
export const handleDataRequest: HandleDataRequestFunction = async (response, { request }) => {
  if (response.status === 503) retryLater(response.headers);
  if (!response.body || (response.status >= 300 && response.status < 400)) return response;
  const started = performance.now();
  const headers = new Headers(response.headers);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const body = await wholeBody(bytes, request.headers.get("Accept-Encoding"), headers);
  noteRenderTime(performance.now() - started);
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
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
