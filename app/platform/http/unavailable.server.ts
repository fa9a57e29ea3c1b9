import type { ActionFunction, LoaderFunction, ServerBuild } from "@remix-run/node";
import { faultSummary, isDatabaseUnavailable } from "~/platform/db/db-faults.server.ts";
import { logger } from "~/platform/ops/logger.server.ts";

/** What a 503 tells browsers and load balancers: try again after this many seconds. */
export const RETRY_AFTER_SECONDS = 10;

export const UNAVAILABLE_TEXT =
  "Dịch vụ tạm thời gián đoạn, vui lòng thử lại sau ít phút / The service is temporarily unavailable, please try again in a few minutes";

/** The plain answer where no page is rendered (a download, a feed, the JSON API, a failure outside Remix). */
export function unavailableResponse(requestId: string): Response {
  return new Response(`${UNAVAILABLE_TEXT}. Request id: ${requestId}\n`, {
    status: 503,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Retry-After": String(RETRY_AFTER_SECONDS) },
  });
}

type Handler = LoaderFunction | ActionFunction;

function guard(routeId: string, kind: "loader" | "action", fn: Handler): Handler {
  return async (args) => {
    try {
      return await fn(args);
    } catch (e) {
      if (e instanceof Response || !isDatabaseUnavailable(e)) throw e;
      const requestId = String(args.context.requestId ?? "");
      logger().warn({ requestId, route: routeId, in: kind, fault: faultSummary(e) }, "database unavailable: answered 503");
      // A thrown Response is an error the router knows: the route's error boundary renders it as the 503 page
      // (error-status.ts), on the server and in the browser alike, and a resource route returns it as it is.
      throw unavailableResponse(requestId);
    }
  };
}

/**
 * The build with every loader and action answering 503 (the branded "temporarily unavailable" page, Retry-After)
 * when the database cannot be reached, instead of the 500 of a bug.
 */
export function withDatabaseFaultsAs503(build: ServerBuild): ServerBuild {
  const routes: ServerBuild["routes"] = {};
  for (const [id, route] of Object.entries(build.routes)) {
    const m = route.module;
    routes[id] =
      m.loader || m.action
        ? {
            ...route,
            module: {
              ...m,
              ...(m.loader ? { loader: guard(id, "loader", m.loader) } : {}),
              ...(m.action ? { action: guard(id, "action", m.action) } : {}),
            },
          }
        : route;
  }
  return { ...build, routes };
}
