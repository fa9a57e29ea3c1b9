import type { ServerBuild } from "@remix-run/node";
import { matchRoutes } from "@remix-run/react";
import type { IncomingMessage, ServerResponse } from "node:http";
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
  // matchRoutes flattens and ranks the whole tree and compiles a pattern per route it tries, on every call: a label
  // is computed once per pathname (bounded: a flood of distinct pathnames only empties the memo).
  const memo = new Map<string, string>();
  const compute = (pathname: string): string => {
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
  return (pathname) => {
    let label = memo.get(pathname);
    if (label === undefined) {
      label = compute(pathname);
      if (memo.size >= LABEL_MEMO_SIZE) memo.clear();
      memo.set(pathname, label);
    }
    return label;
  };
}

const LABEL_MEMO_SIZE = 2000;

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

/** The pathname of a request's URL (origin form; `req.path` in Express). */
function pathnameOf(url: string | undefined): string {
  const u = url ?? "/";
  const q = u.indexOf("?");
  return q < 0 ? u : u.slice(0, q);
}

interface Observed {
  scope: RequestScope;
}
const OBSERVED = Symbol.for("nentangso.request-observed");
type ObservedRequest = IncomingMessage & { [OBSERVED]?: Observed };

export interface RequestObserver {
  /** The Express middleware: starts observing (unless `begin` already did) and runs the rest inside the request's scope. */
  (req: Request, res: Response, next: NextFunction): void;
  /**
   * Starts observing a request at the node:http level, before Express (the response cache answers hits there):
   * the log line and the metric are written when the response finishes, and the middleware later reuses this scope.
   * `res.locals` must hold the request id.
   */
  begin(req: IncomingMessage, res: ServerResponse & { locals: Record<string, unknown> }): RequestScope;
}

/**
 * One log line per request, with the route, the status, the time, the signed-in user and the number of database
 * statements; the URL with its query values redacted. Health probes and metric scrapes that succeed are logged at
 * debug (one every few seconds per load balancer would drown the rest). Runs the rest of the request inside a scope so
 * that code deep in a loader can name the user (noteSignedInUser) and the database client can count (noteQuery).
 */
export function observeRequests(build: Pick<ServerBuild, "routes">, onFinish?: (r: FinishedRequest) => void): RequestObserver {
  const label = routeLabeller(build);
  const begin = (req: ObservedRequest, res: ServerResponse & { locals: Record<string, unknown> }): RequestScope => {
    const scope: RequestScope = { requestId: String(res.locals.requestId ?? ""), queries: 0 };
    const started = process.hrtime.bigint();
    req[OBSERVED] = { scope };
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // Express's req.path once it has seen the request (relative to a mounted router that ended it), else the URL's.
      const express = req as Partial<Request>;
      const path = express.path ?? pathnameOf(req.url);
      const method = req.method ?? "GET";
      const route = res.locals.remixRoute
        ? label(path)
        : PROBES.has(path)
          ? path
          : path.startsWith("/build/") || res.statusCode < 400
            ? "static"
            : "refused";
      onFinish?.({ method, route, status: res.statusCode, seconds });
      if (route === "static") return;
      const line = {
        requestId: scope.requestId,
        method,
        url: redactUrl(express.originalUrl ?? req.url ?? "/"),
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
    return scope;
  };
  const middleware = (req: Request, res: Response, next: NextFunction) => {
    const scope = (req as ObservedRequest)[OBSERVED]?.scope ?? begin(req, res);
    requestScopes().run(scope, next);
  };
  return Object.assign(middleware, { begin });
}
