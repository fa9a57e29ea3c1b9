import { createHash, timingSafeEqual } from "node:crypto";
import type { Request, Response } from "express";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Config } from "~/platform/config.server.ts";
import type { DbHandle } from "~/platform/db/db.server.ts";
import { isLoopbackAddress } from "~/platform/mail/dev-mailbox.server.ts";
import { logger } from "./logger.server.ts";
import { deadlineProbe } from "./readiness.server.ts";
import type { FinishedRequest } from "./request-log.server.ts";
import { outboxStats } from "~/platform/mail/outbox.server.ts";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
/** How long a scrape waits for the database before it answers with what it has (portal_database_up 0). */
const DATABASE_WAIT_MS = 2000;

const PROCESS_REGISTRY = Symbol.for("nentangso.metrics.process");
type G = typeof globalThis & { [PROCESS_REGISTRY]?: Registry };

/** Node's own metrics (CPU, memory, event-loop lag, handles, GC): once per process, whatever the number of apps. */
function processRegistry(): Registry {
  const g = globalThis as G;
  if (!g[PROCESS_REGISTRY]) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    g[PROCESS_REGISTRY] = registry;
  }
  return g[PROCESS_REGISTRY];
}

export interface Metrics {
  /** Counts a finished request (observeRequests calls it). */
  observe(r: FinishedRequest): void;
  /** GET /metrics. */
  handler(req: Request, res: Response): Promise<void>;
  registry: Registry;
}

/** Requests that are not forwarded by a proxy and come from this machine's loopback address. */
export function isDirectLocalRequest(req: Pick<Request, "get"> & { socket: { remoteAddress?: string } }): boolean {
  if (!isLoopbackAddress(req.socket.remoteAddress)) return false;
  // A proxy on this machine connects from loopback for every visitor: a forwarded request is not a local one.
  return !req.get("X-Forwarded-For") && !req.get("Forwarded") && !req.get("X-Real-IP");
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? "");
  const given = digest(m?.[1] ?? "");
  return timingSafeEqual(given, digest(token)) && Boolean(m);
}

/**
 * Whether a scrape may read the metrics: 200, 401 (a token is set and the request does not bear it) or 403 (no token
 * is set and the request is not a direct one from this machine).
 */
export function metricsAccess(c: Pick<Config, "METRICS_TOKEN">, req: Parameters<typeof isDirectLocalRequest>[0]): 200 | 401 | 403 {
  if (c.METRICS_TOKEN) return bearerMatches(req.get("Authorization"), c.METRICS_TOKEN) ? 200 : 401;
  return isDirectLocalRequest(req) ? 200 : 403;
}

/**
 * The portal's metrics in Prometheus text format, one registry per app (tests start several in one process). Request
 * labels are the method, the Remix route id and the status: never a URL, so no token or id reaches a label.
 */
export function createMetrics(c: Pick<Config, "METRICS_TOKEN" | "mode" | "RUN_WORKER">, handle: Pick<DbHandle, "db" | "kind" | "poolStats">): Metrics {
  const own = new Registry();
  const registers = [own];
  const requests = new Counter({
    name: "portal_http_requests_total",
    help: "HTTP requests answered, by method, route (Remix route id, or healthz/readyz/metrics/static/refused) and status.",
    labelNames: ["method", "route", "status"] as const,
    registers,
  });
  const duration = new Histogram({
    name: "portal_http_request_duration_seconds",
    help: "Time from the request's arrival to the last byte of its response, by method and route.",
    labelNames: ["method", "route"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  new Gauge({
    name: "portal_info",
    help: "Always 1; the labels say how this instance runs.",
    labelNames: ["mode", "database", "worker"] as const,
    registers,
  }).set({ mode: c.mode, database: handle.kind, worker: c.RUN_WORKER ? "yes" : "no" }, 1);
  const databaseUp = new Gauge({ name: "portal_database_up", help: "1 if the database answered the last scrape within 2 s, else 0.", registers });
  const outboxPending = new Gauge({ name: "portal_outbox_pending_messages", help: "Emails waiting in the outbox or being sent (all instances).", registers });
  const outboxFailed = new Gauge({ name: "portal_outbox_failed_messages", help: "Emails the outbox gave up on (all instances).", registers });
  const outboxOldest = new Gauge({
    name: "portal_outbox_oldest_pending_age_seconds",
    help: "Age of the oldest email still waiting to be sent; 0 when none waits.",
    registers,
  });
  const poolMax = new Gauge({ name: "portal_db_pool_max_connections", help: "Most database connections this instance opens.", registers });
  const poolTotal = new Gauge({ name: "portal_db_pool_connections", help: "Database connections open now (PGlite: its single in-process one).", registers });
  const poolIdle = handle.poolStats ? new Gauge({ name: "portal_db_pool_idle_connections", help: "Open database connections not in use.", registers }) : null;
  const poolWaiting = handle.poolStats
    ? new Gauge({ name: "portal_db_pool_waiting_requests", help: "Queries waiting for a free database connection.", registers })
    : null;
  const registry = Registry.merge([processRegistry(), own]);

  // Concurrent scrapes share one query; a stalled database costs one connection, not one per scrape.
  const outboxFromDatabase = deadlineProbe(() => outboxStats(handle.db), DATABASE_WAIT_MS);

  async function refresh() {
    const pool = handle.poolStats?.() ?? { max: 1, total: 1, idle: null, waiting: null };
    poolMax.set(pool.max);
    poolTotal.set(pool.total);
    if (pool.idle !== null) poolIdle?.set(pool.idle);
    if (pool.waiting !== null) poolWaiting?.set(pool.waiting);
    try {
      const stats = await outboxFromDatabase();
      databaseUp.set(1);
      outboxPending.set(stats.pending);
      outboxFailed.set(stats.failed);
      outboxOldest.set(stats.oldestPendingAgeSeconds ?? 0);
    } catch (e) {
      databaseUp.set(0);
      for (const g of [outboxPending, outboxFailed, outboxOldest]) g.set(Number.NaN);
      logger().warn({ err: e }, "metrics: database unavailable");
    }
  }

  return {
    registry,
    observe(r) {
      const method = METHODS.has(r.method) ? r.method : "other";
      requests.inc({ method, route: r.route, status: String(r.status) });
      duration.observe({ method, route: r.route }, r.seconds);
    },
    async handler(req, res) {
      res.set("Cache-Control", "no-store");
      const access = metricsAccess(c, req);
      if (access === 401) {
        res.status(401).set("WWW-Authenticate", 'Bearer realm="metrics"').type("text/plain").send("Unauthorized: send Authorization: Bearer <METRICS_TOKEN>\n");
        return;
      }
      if (access === 403) {
        res.status(403).type("text/plain").send("Forbidden: /metrics answers only direct requests from this machine unless METRICS_TOKEN is set\n");
        return;
      }
      await refresh();
      const body = await registry.metrics();
      // Not res.send: it would reorder the media type's parameters.
      res.status(200).setHeader("Content-Type", registry.contentType);
      res.end(req.method === "HEAD" ? undefined : body);
    },
  };
}
