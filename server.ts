import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { openDatabase } from "./app/server/bootstrap.server.ts";
import { loadRemixBuild } from "./app/platform/db/compiled.server.ts";
import { ConfigError, loadConfig, type Config } from "./app/platform/config.server.ts";
import { DatabaseLockedError, setDb, type DbHandle } from "./app/platform/db/db.server.ts";
import { RuntimeRoleError } from "./app/platform/db/db-roles.server.ts";
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, seedDemoAccounts } from "./app/seeds/demo.server.ts";
import { seedDemoCatalogue } from "./app/seeds/demo-catalogue.server.ts";
import { seedDemoApplications, seedDemoWorkflow } from "./app/seeds/demo-data.server.ts";
import { logger } from "./app/platform/ops/logger.server.ts";
import { createMailer, createOutboxWorker, type OutboxWorker } from "./app/platform/mail/mailer.server.ts";
import { createApp } from "./app/platform/http/http-app.server.ts";
import { installCrashHandlers, startupFailureLine } from "./app/platform/ops/process-guards.server.ts";
import { GracefulShutdown, shutdownTimes } from "./app/platform/ops/shutdown.server.ts";
import { runScheduledJobs } from "./app/server/scheduled-jobs.server.ts";

const log = logger();
installCrashHandlers(log);

/** Resolves once listening; a port in use (or any listen failure) rejects instead of throwing from an event. */
function listen(app: ReturnType<typeof createApp>, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once("error", reject);
    server.once("listening", () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

function printDemoAccounts(c: Config, accounts: { email: string; role: string; provinceCode?: string }[]) {
  const lines = accounts.map((a) => `  ${a.role.padEnd(18)} ${a.email}${a.provinceCode ? ` (province ${a.provinceCode})` : ""}`);
  console.log(`\nDemo accounts (password for all: ${DEMO_PASSWORD}):\n${lines.join("\n")}`);
  console.log(
    `Staff accounts also give a code (two-step verification). Demo authenticator secret, published: ${DEMO_TOTP_SECRET}\n` +
      "  (add it to any authenticator app as a time-based key; the code page of a demo account also shows the current code)",
  );
  console.log(`Public catalogue (no sign-in): ${c.publicUrl}/platforms · statistics: ${c.publicUrl}/statistics`);
  if (c.devMailbox) console.log(`Emails are not sent: read them at ${c.publicUrl}/dev/mailbox (from this machine only)`);
}

function printMode(c: Config, address: AddressInfo) {
  const where = `${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  if (c.mode === "production") {
    console.log(`\nProduction mode: listening on ${where}`);
    return;
  }
  const local = address.address === "127.0.0.1" || address.address === "::1";
  console.log(
    `\nDEMO MODE, not for production: demo accounts with a published password, emails shown in the browser` +
      `${c.DATABASE_URL ? "" : ", embedded database without durability guarantees"}.\n` +
      `Listening on ${where}${local ? " (this machine only)" : ": REACHABLE FROM THE NETWORK because HOST is set"}. ` +
      `A production start needs NODE_ENV=production with DATABASE_URL and SMTP_URL (or PORTAL_MODE=production); see README.`,
  );
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
    if (e instanceof DatabaseLockedError || e instanceof RuntimeRoleError) {
      console.error(e.message);
      process.exit(1);
    }
    exitIfExpected(e, c);
    throw e;
  }
  setDb(handle);
  const demo = c.seedDemo ? await seedDemoAccounts(handle.db) : [];
  if (c.seedDemo) {
    await seedDemoApplications();
    await seedDemoWorkflow();
    await seedDemoCatalogue();
  }

  let worker: OutboxWorker | undefined;
  if (c.RUN_WORKER) {
    const mailer = createMailer({
      smtpUrl: c.SMTP_URL,
      mailDir: c.mailDir,
      from: c.MAIL_FROM,
      messageIdDomain: new URL(c.publicUrl).hostname,
    });
    worker = createOutboxWorker({ db: handle.db, mailer, log, pollMs: c.OUTBOX_POLL_MS, periodic: () => runScheduledJobs(handle.db) });
  }

  const build = await loadRemixBuild();
  const shutdown = new GracefulShutdown({ log, ...shutdownTimes(c), stopWorker: async () => worker?.stop(), closeDatabase: () => handle.close() });
  shutdown.onSignals();
  const app = createApp(c, handle, build, shutdown);
  let server: Server;
  try {
    server = await listen(app, c.PORT, c.HOST);
  } catch (e) {
    exitIfExpected(e, c);
    throw e;
  }
  shutdown.track(server);
  // Only once listening: a refused second start must not claim emails.
  worker?.start();
  server.keepAliveTimeout = 65_000;
  const address = server.address() as AddressInfo;
  log.info({ port: address.port, host: c.HOST, mode: c.mode, database: handle.kind, worker: Boolean(worker) }, "listening");
  printMode(c, address);
  console.log(`\nPortal: ${c.publicUrl}  (database: ${handle.kind === "pglite" ? `embedded, ${c.pgliteDir}` : "PostgreSQL"})`);
  if (demo.length > 0) printDemoAccounts(c, demo);
}

/** A port in use or a database out of reach is the operator's to fix: one line and exit 1, not a stack trace. */
function exitIfExpected(e: unknown, c: Config) {
  const line = startupFailureLine(e, { databaseUrl: c.DATABASE_URL, port: c.PORT, host: c.HOST });
  if (!line) return;
  console.error(line);
  process.exit(1);
}

main().catch((e) => {
  log.fatal({ err: e instanceof Error ? e.stack : String(e) }, "start-up failed");
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
