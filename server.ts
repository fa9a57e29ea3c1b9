import { randomBytes, randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import { openDatabase } from "./app/lib/bootstrap.server.ts";
import { ConfigError, loadConfig, type Config } from "./app/lib/config.server.ts";
import { DatabaseLockedError, setDb, type DbHandle } from "./app/lib/db.server.ts";
import { DEMO_PASSWORD, seedDemoAccounts } from "./app/lib/demo.server.ts";
import { logger } from "./app/lib/logger.server.ts";
import { createMailer, createOutboxWorker, type OutboxWorker } from "./app/lib/mailer.server.ts";
import { oldestOverdueEmailAgeSeconds } from "./app/models/outbox.server.ts";
import { sql } from "kysely";

const log = logger();

function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
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

function createApp(c: Config, handle: DbHandle, build: ServerBuild): express.Express {
  const app = express();
  app.disable("x-powered-by");
  if (c.TRUST_PROXY) app.set("trust proxy", true);

  app.use((req: Request, res: Response, next: NextFunction) => {
    const requestId = (req.get("X-Request-Id") ?? "").match(/^[\w-]{8,64}$/) ? req.get("X-Request-Id")! : randomUUID();
    const nonce = randomBytes(16).toString("base64");
    res.locals.requestId = requestId;
    res.locals.nonce = nonce;
    res.set({
      "X-Request-Id": requestId,
      "Content-Security-Policy": contentSecurityPolicy(nonce),
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "strict-origin-when-cross-origin",
      "X-Frame-Options": "DENY",
      "Cross-Origin-Opener-Policy": "same-origin",
      "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    });
    if (c.publicUrl.startsWith("https://")) res.set("Strict-Transport-Security", "max-age=31536000");
    if (/(^|;\s*)sid=/.test(req.get("Cookie") ?? "")) res.set("Cache-Control", "no-store");
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (req.path.startsWith("/build/")) return;
      log.info({ requestId, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms) }, "request");
    });
    next();
  });

  app.use((req, res, next) => {
    if (isCrossSite(req, c.publicUrl)) {
      log.warn({ requestId: res.locals.requestId, origin: req.get("Origin"), path: req.path }, "cross-site request refused");
      res.status(403).type("text/plain").send("Cross-site request refused / Yêu cầu từ trang khác bị từ chối");
      return;
    }
    next();
  });

  app.get("/healthz", (_req, res) => {
    res.set("Cache-Control", "no-store").json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    res.set("Cache-Control", "no-store");
    try {
      await sql`select 1`.execute(handle.db);
      const outboxLagSeconds = await oldestOverdueEmailAgeSeconds(handle.db);
      const stuck = outboxLagSeconds > 15 * 60;
      res.status(stuck ? 503 : 200).json({ status: stuck ? "outbox-stuck" : "ready", database: "ok", outboxLagSeconds });
    } catch {
      res.status(503).json({ status: "database-unavailable" });
    }
  });

  app.use(compression());
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: c.NODE_ENV === "production" ? "production" : "development",
      getLoadContext: (req, res) => ({ requestId: res.locals.requestId, nonce: res.locals.nonce, ip: req.ip ?? "unknown" }),
    }),
  );
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    log.error({ requestId: res.locals.requestId, err: String(err) }, "unhandled error");
    if (!res.headersSent) res.status(500).type("text/plain").send(`Lỗi hệ thống / Server error. Request id: ${res.locals.requestId}`);
  });
  return app;
}

function printDemoAccounts(c: Config, accounts: { email: string; role: string; provinceCode?: string }[]) {
  const lines = accounts.map((a) => `  ${a.role.padEnd(18)} ${a.email}${a.provinceCode ? ` (province ${a.provinceCode})` : ""}`);
  console.log(`\nDemo accounts (password for all: ${DEMO_PASSWORD}):\n${lines.join("\n")}`);
  if (c.devMailbox) console.log(`Emails are not sent: read them at ${c.publicUrl}/dev/mailbox`);
}

async function main() {
  let c: Config;
  try {
    c = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  let handle: DbHandle;
  try {
    handle = await openDatabase(c);
  } catch (e) {
    if (e instanceof DatabaseLockedError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  setDb(handle);
  const seedDemo = handle.kind === "pglite" || c.SEED_DEMO;
  const demo = seedDemo ? await seedDemoAccounts(handle.db) : [];

  let worker: OutboxWorker | undefined;
  if (c.RUN_WORKER) {
    const mailer = createMailer({
      smtpUrl: c.SMTP_URL,
      mailDir: c.mailDir,
      from: c.MAIL_FROM,
      messageIdDomain: new URL(c.publicUrl).hostname,
    });
    worker = createOutboxWorker({ db: handle.db, mailer, log, pollMs: 1000 });
    worker.start();
  }

  // @ts-expect-error the build exists only after `remix build`
  const build = (await import("./build/index.js")) as ServerBuild;
  const app = createApp(c, handle, build);
  const server: Server = app.listen(c.PORT, c.HOST, () => {
    log.info({ port: c.PORT, database: handle.kind, worker: Boolean(worker) }, "listening");
    console.log(`\nPortal: ${c.publicUrl}  (database: ${handle.kind === "pglite" ? `embedded, ${c.pgliteDir}` : "PostgreSQL"})`);
    if (demo.length > 0) printDemoAccounts(c, demo);
  });
  server.keepAliveTimeout = 65_000;

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close(async () => {
      await worker?.stop();
      await handle.close();
      log.info("stopped");
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((e) => {
  log.fatal({ err: e instanceof Error ? e.stack : String(e) }, "start-up failed");
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
