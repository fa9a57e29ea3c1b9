import { openDatabase } from "../app/lib/bootstrap.server.ts";
import { loadConfig } from "../app/lib/config.server.ts";
import { setDb } from "../app/lib/db.server.ts";
import { logger } from "../app/lib/logger.server.ts";
import { createMailer, createOutboxWorker } from "../app/lib/mailer.server.ts";
import { runDeadlineChecks } from "../app/models/deadlines.server.ts";

const c = loadConfig();
if (!c.DATABASE_URL) {
  console.error("The stand-alone worker needs DATABASE_URL: with the embedded database the web process runs the worker itself.");
  process.exit(1);
}
const handle = await openDatabase(c);
setDb(handle);
const worker = createOutboxWorker({
  db: handle.db,
  mailer: createMailer({ smtpUrl: c.SMTP_URL, mailDir: c.mailDir, from: c.MAIL_FROM, messageIdDomain: new URL(c.publicUrl).hostname }),
  log: logger(),
  periodic: () => runDeadlineChecks(handle.db),
});
worker.start();
logger().info("outbox worker started");
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, async () => {
    await worker.stop();
    await handle.close();
    process.exit(0);
  });
}
