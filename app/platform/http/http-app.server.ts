import { randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import { sql } from "kysely";
import type { Config } from "~/platform/config.server.ts";
import type { DbHandle } from "~/platform/db/db.server.ts";
import { devMailboxAllowed } from "~/platform/mail/dev-mailbox.server.ts";
import { logger } from "~/platform/ops/logger.server.ts";
import { faultSummary, isDatabaseUnavailable } from "~/platform/db/db-faults.server.ts";
import { deadlineProbe, DeadlineExceeded, type Lifecycle } from "~/platform/ops/readiness.server.ts";
import { createMetrics } from "~/platform/ops/metrics.server.ts";
import { redactUrl } from "~/platform/ops/redact.server.ts";
import { observeRequests, reachedRemix } from "~/platform/ops/request-log.server.ts";
import { forwardedClientIp } from "./client-ip.server.ts";
import { contentSecurityPolicy } from "./csp.server.ts";
import { requestGuards } from "./request-guards.server.ts";
import { createResponseCache, type ViewerResolver } from "./response-cache.server.ts";
import { currentRequestScope, requestScopes, serverTiming } from "./request-scope.server.ts";
import { buildFiles, publicFile } from "./static-files.server.ts";
import { serveTexts } from "./texts.server.ts";
import { RETRY_AFTER_SECONDS, UNAVAILABLE_TEXT, withDatabaseFaultsAs503 } from "./unavailable.server.ts";

const log = logger();

export const MAX_FORM_BYTES = 4 * 1024 * 1024;
export const MAX_MULTIPART_BYTES = 160 * 1024 * 1024;

/**
 * Pages whose URL carries a live token (reset, invitation, email confirmation, joining an enterprise) or that show
 * one (the developer mailbox): no browser or proxy may keep a copy. test/deploy-http.test.ts checks this list against
 * every route that reads a token from its URL.
 */
export const NO_STORE_PATHS = ["/reset-password", "/invite", "/verify-email", "/enterprise/join", "/dev/mailbox"] as const;

/** The page itself, its single-fetch data request (`.data`) and, for a prefix such as /dev/mailbox, the pages under it. */
export function isNoStorePath(pathname: string): boolean {
  return NO_STORE_PATHS.some((p) => pathname === p || pathname === `${p}.data` || pathname.startsWith(`${p}/`));
}

/** Refuses state-changing requests that a browser says come from another site. */
export function isCrossSite(req: Request, publicUrl: string): boolean {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return false;
  const site = req.get("Sec-Fetch-Site");
  if (site && site !== "same-origin" && site !== "none") return true;
  const origin = req.get("Origin");
  if (!origin) return false;
  if (origin === "null") return true;
  const own = new Set([new URL(publicUrl).origin, `${req.protocol}://${req.get("Host")}`]);
  return !own.has(origin);
}

/** The files of public/ served at the root, by name (public/build is served under /build). */
export const PUBLIC_FILES = ["favicon.ico", "favicon.svg"] as const;

/**
 * Headers of what Remix answers, set as the headers go out: the request's Server-Timing (database time, render time),
 * and the default Content-Security-Policy only when the response brought none of its own (a document brings one with
 * its scripts' hashes, a file download a sandbox); Remix appends its headers, so the default is taken off first.
 */
function remixHeaders(_req: Request, res: Response, next: NextFunction): void {
  const scope = currentRequestScope();
  res.removeHeader("Content-Security-Policy");
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: unknown[]) {
    if (!res.hasHeader("Content-Security-Policy")) res.setHeader("Content-Security-Policy", contentSecurityPolicy());
    if (scope) res.setHeader("Server-Timing", serverTiming(scope));
    return (writeHead as (...a: unknown[]) => Response).apply(this, args);
  } as Response["writeHead"];
  next();
}

/** The request id a client or proxy sent (when it looks like one), else a new one. */
function requestIdOf(req: IncomingMessage): string {
  const sent = req.headers["x-request-id"];
  return typeof sent === "string" && /^[\w-]{8,64}$/.test(sent) ? sent : randomUUID();
}

/** The headers every response carries, set first (before Express, or by its first middleware). */
function baseHeaders(c: Config, req: IncomingMessage, res: ServerResponse, requestId: string): void {
  res.setHeader("X-Request-Id", requestId);
  // Documents replace it with one naming their inline scripts' hashes (entry.server.tsx).
  res.setHeader("Content-Security-Policy", contentSecurityPolicy());
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  if (c.publicUrl.startsWith("https://")) res.setHeader("Strict-Transport-Security", "max-age=31536000");
  const url = (req as Partial<Request>).path ?? (req.url ?? "/").split("?")[0]!;
  if (/(^|;\s*)(__Host-)?sid=/.test(req.headers.cookie ?? "") || isNoStorePath(url)) res.setHeader("Cache-Control", "no-store");
}

/** The portal as node:http serves it: a request listener, and `listen` as Express's (a node:http server around it). */
export interface PortalApp {
  (req: IncomingMessage, res: ServerResponse): void;
  listen(port: number, host?: string, onListening?: () => void): http.Server;
  /** The Express stack behind the early answers. */
  express: express.Express;
}

/**
 * The portal's HTTP handler. A response-cache hit is answered at the node:http level, before the Express stack
 * (docs/decisions/027): with the same headers, request id, log line, metric and session check as through Express;
 * everything else, a miss included, goes through Express, which reuses what the early look-up found.
 */
export function createApp(c: Config, handle: DbHandle, build: ServerBuild, lifecycle: Lifecycle = { draining: false }): PortalApp {
  const metrics = createMetrics(c, handle);
  const observer = observeRequests(build, metrics.observe);
  // Pages rendered once and served again while their data versions stand (docs/decisions/025). The viewer comes
  // from the build's entry module (app/entry.server.tsx), which may use the account feature.
  const responseCache = createResponseCache({
    db: handle.db,
    viewer: (build.entry.module as { responseCacheViewer?: ViewerResolver }).responseCacheViewer,
    maxEntries: c.RESPONSE_CACHE_ENTRIES,
    maxBytes: Math.round(c.RESPONSE_CACHE_MB * 1024 * 1024),
    devMailbox: (req) => devMailboxAllowed(c, req.socket.remoteAddress, forwardedClientIp(req, c.TRUST_PROXY)),
    publicUrl: c.publicUrl,
    changes: handle.changes,
  });
  const app = expressApp(c, handle, build, lifecycle, { metrics, observer, responseCache });
  const portal = (req: IncomingMessage, res: ServerResponse) => {
    if (!responseCache.takesEarly(req)) return app(req, res);
    const requestId = requestIdOf(req);
    const locals: Record<string, unknown> = { requestId };
    // Express keeps res.locals when it takes the request over.
    (res as ServerResponse & { locals: Record<string, unknown> }).locals = locals;
    const scope = observer.begin(req, res as ServerResponse & { locals: Record<string, unknown> });
    requestScopes().run(scope, () =>
      responseCache.answerEarly(
        req,
        res,
        () => {
          baseHeaders(c, req, res, requestId);
          locals.remixRoute = true; // the log line and the metric name the page's route, as Remix would have answered it
        },
        () => app(req, res),
      ),
    );
  };
  return Object.assign(portal, {
    listen: (port: number, host?: string, onListening?: () => void) => http.createServer(portal).listen(port, host, onListening),
    express: app,
  });
}

interface Shared {
  metrics: ReturnType<typeof createMetrics>;
  observer: ReturnType<typeof observeRequests>;
  responseCache: ReturnType<typeof createResponseCache>;
}

function expressApp(c: Config, handle: DbHandle, build: ServerBuild, lifecycle: Lifecycle, { metrics, observer, responseCache }: Shared): express.Express {
  const app = express();
  app.disable("x-powered-by");
  if (c.TRUST_PROXY > 0) app.set("trust proxy", c.TRUST_PROXY);

  app.use((req: Request, res: Response, next: NextFunction) => {
    const requestId = typeof res.locals.requestId === "string" ? res.locals.requestId : requestIdOf(req);
    res.locals.requestId = requestId;
    baseHeaders(c, req, res, requestId);
    next();
  });
  app.use(observer);

  app.use(requestGuards(build));

  app.use((req, res, next) => {
    if (isCrossSite(req, c.publicUrl)) {
      log.warn({ requestId: res.locals.requestId, origin: req.get("Origin"), path: req.path }, "cross-site request refused");
      res.status(403).type("text/plain").send("Cross-site request refused / Yêu cầu từ trang khác bị từ chối");
      return;
    }
    next();
  });

  app.use((req, res, next) => {
    const length = Number(req.get("Content-Length") ?? "0");
    const limit = req.is("multipart/form-data") ? MAX_MULTIPART_BYTES : MAX_FORM_BYTES;
    if (length > limit) {
      // Refuse before reading the body, and close: the client may still be sending it.
      res.set("Connection", "close").status(413).type("text/plain").send("Payload Too Large / Dữ liệu gửi lên quá lớn");
      return;
    }
    next();
  });

  app.get("/healthz", (_req, res) => {
    res.set("Cache-Control", "no-store").json({ status: "ok" });
  });
  const readiness = deadlineProbe(async () => {
    await sql`select 1`.execute(handle.db);
  });
  app.get("/readyz", async (_req, res) => {
    res.set("Cache-Control", "no-store");
    if (lifecycle.draining) {
      res.status(503).json({ status: "shutting-down" });
      return;
    }
    try {
      // Only what this instance needs to serve: a separate worker being behind is a metric (outboxStats), not a
      // reason to take web instances out of the load balancer.
      await readiness();
      res.json({ status: "ready", database: "ok" });
    } catch (e) {
      const status = e instanceof DeadlineExceeded ? "database-timeout" : "database-unavailable";
      log.warn({ status, fault: faultSummary(e) }, "not ready");
      res.status(503).json({ status });
    }
  });

  app.get("/metrics", (req, res, next) => void metrics.handler(req, res).catch(next));

  // Static files only under their own paths, precompressed at build time; pages never look at the disk for them.
  app.use("/build", buildFiles(path.resolve("public/build")));
  for (const name of PUBLIC_FILES) app.get(`/${name}`, publicFile(path.resolve("public", name)));
  app.use(compression());
  app.get("/texts/:file", serveTexts);
  app.all(
    "*",
    reachedRemix,
    responseCache.middleware,
    remixHeaders,
    createRequestHandler({
      build: withDatabaseFaultsAs503(build),
      mode: c.NODE_ENV === "production" ? "production" : "development",
      getLoadContext: (req, res) => ({
        requestId: res.locals.requestId,
        ip: req.ip ?? "unknown",
        devMailbox: devMailboxAllowed(c, req.socket.remoteAddress, req.ip),
      }),
    }),
  );
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (isDatabaseUnavailable(err)) {
      log.warn({ requestId: res.locals.requestId, fault: faultSummary(err) }, "database unavailable: answered 503");
      if (!res.headersSent) res.status(503).set("Retry-After", String(RETRY_AFTER_SECONDS)).type("text/plain").send(`${UNAVAILABLE_TEXT}. Request id: ${res.locals.requestId}`);
      return;
    }
    log.error({ requestId: res.locals.requestId, url: redactUrl(req.originalUrl), err }, "unhandled error");
    if (!res.headersSent) res.status(500).type("text/plain").send(`Lỗi hệ thống / Server error. Request id: ${res.locals.requestId}`);
  });
  return app;
}

