import { openDatabase } from "../app/server/bootstrap.server.ts";
import { loadConfig } from "../app/platform/config.server.ts";
import { setDb } from "../app/platform/db/db.server.ts";
import { logger } from "../app/platform/ops/logger.server.ts";
import { createMailer, createOutboxWorker } from "../app/platform/mail/mailer.server.ts";
import { installCrashHandlers, startupFailureLine } from "../app/platform/ops/process-guards.server.ts";
import { GracefulShutdown, shutdownTimes } from "../app/platform/ops/shutdown.server.ts";
import { runScheduledJobs } from "../app/server/scheduled-jobs.server.ts";

installCrashHandlers(logger());
const c = loadConfig();
if (!c.DATABASE_URL) {
  console.error("The stand-alone worker needs DATABASE_URL: with the embedded database the web process runs the worker itself.");
  process.exit(1);
}
const handle = await openDatabase(c).catch((e: unknown) => {
  const line = startupFailureLine(e, { databaseUrl: c.DATABASE_URL });
  if (!line) throw e;
  console.error(line);
  process.exit(1);
});
setDb(handle);
const worker = createOutboxWorker({
  db: handle.db,
  mailer: createMailer({ smtpUrl: c.SMTP_URL, mailDir: c.mailDir, from: c.MAIL_FROM, messageIdDomain: new URL(c.publicUrl).hostname }),
  log: logger(),
  periodic: () => runScheduledJobs(handle.db),
});
worker.start();
logger().info("outbox worker started");
// No listener to drain: the worker stops between messages, then the database closes, within SHUTDOWN_TIMEOUT_MS.
new GracefulShutdown({
  log: logger(),
  graceMs: 0,
  timeoutMs: shutdownTimes(c).timeoutMs,
  stopWorker: () => worker.stop(),
  closeDatabase: () => handle.close(),
}).onSignals();
