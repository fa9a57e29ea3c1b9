import type { ServerBuild } from "@remix-run/node";
import { matchRoutes } from "@remix-run/react";
import type { NextFunction, Request, Response } from "express";
import { logger } from "./logger.server.ts";
import { redactUrl } from "./redact.server.ts";
import { requestScopes, type RequestScope } from "~/platform/http/request-scope.server.ts";

/**
 * The label of a request in logs and metrics: the id of the Remix route that answers it (`routes/applications.$id`),
 * never the URL, so the number of label values is the number of routes. Single-fetch data requests (`/x.data`) and
 * lazy route discovery (`/__manifest`) are labelled like the page they serve.
 */
export function routeLabeller(build: Pick<ServerBuild, "routes">): (pathname: string) => string {
  type Node = { id: string; path?: string; index?: boolean; caseSensitive?: boolean; children?: Node[] };
  const nodes = new Map<string, Node>();
  for (const r of Object.values(build.routes)) {
    nodes.set(r.id, { id: r.id, path: r.path, index: r.index, caseSensitive: r.caseSensitive });
  }
  const roots: Node[] = [];
  for (const r of Object.values(build.routes)) {
    const node = nodes.get(r.id)!;
    const parent = r.parentId ? nodes.get(r.parentId) : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  // matchRoutes needs `index` to be literally true or absent on each route object.
  const clean = (n: Node): Parameters<typeof matchRoutes>[0][number] =>
    n.index
      ? { id: n.id, path: n.path, index: true, caseSensitive: n.caseSensitive }
      : { id: n.id, path: n.path, caseSensitive: n.caseSensitive, children: n.children?.map(clean) };
  const tree = roots.map(clean);
  return (pathname) => {
    if (pathname === "/__manifest") return "remix:manifest";
    let path = pathname;
    if (path === "/_root.data") path = "/";
    else if (path.endsWith(".data")) path = path.slice(0, -".data".length);
    let matches: ReturnType<typeof matchRoutes>;
    try {
      matches = matchRoutes(tree, path);
    } catch {
      matches = null;
    }
    return matches?.at(-1)?.route.id ?? "unmatched";
  };
}

/** Responses that never reach Remix: the probes by name, static files, refusals by the middleware in front. */
const PROBES = new Set(["/healthz", "/readyz", "/metrics"]);

export interface FinishedRequest {
  method: string;
  route: string;
  status: number;
  seconds: number;
}

/** Marks a request that Remix answers (registered just before the Remix handler). */
export function reachedRemix(_req: Request, res: Response, next: NextFunction): void {
  res.locals.remixRoute = true;
  next();
}

/**
 * One log line per request, with the route, the status, the time, the signed-in user and the number of database
 * statements; the URL with its query values redacted. Health probes and metric scrapes that succeed are logged at
 * debug (one every few seconds per load balancer would drown the rest). Runs the rest of the request inside a scope so
 * that code deep in a loader can name the user (noteSignedInUser) and the database client can count (noteQuery).
 */
export function observeRequests(build: Pick<ServerBuild, "routes">, onFinish?: (r: FinishedRequest) => void) {
  const label = routeLabeller(build);
  return (req: Request, res: Response, next: NextFunction) => {
    const scope: RequestScope = { requestId: String(res.locals.requestId ?? ""), queries: 0 };
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = res.locals.remixRoute
        ? label(req.path)
        : PROBES.has(req.path)
          ? req.path
          : req.path.startsWith("/build/") || res.statusCode < 400
            ? "static"
            : "refused";
      onFinish?.({ method: req.method, route, status: res.statusCode, seconds });
      if (route === "static") return;
      const line = {
        requestId: scope.requestId,
        method: req.method,
        url: redactUrl(req.originalUrl),
        route,
        status: res.statusCode,
        ms: Math.round(seconds * 1000),
        queries: scope.queries,
        ...(scope.userId ? { userId: scope.userId } : {}),
      };
      const log = logger();
      if (res.statusCode >= 500) log.warn(line, "request");
      else if (PROBES.has(route) && res.statusCode < 400) log.debug(line, "request");
      else log.info(line, "request");
    });
    requestScopes().run(scope, next);
  };
}
