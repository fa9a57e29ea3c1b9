import path from "node:path";
import { loadConfig } from "../app/platform/config.server.ts";
import { BackupError, restoreEmbedded } from "../app/platform/db/embedded-backup.server.ts";

const c = loadConfig();
if (c.DATABASE_URL) {
  console.error("DATABASE_URL is set: restore a PostgreSQL server with psql or pg_restore (docs/operations/build-and-backup.md).");
  process.exit(2);
}
if (!process.argv[2]) {
  console.error("Usage: npm run db:restore FILE   (a file written by npm run db:backup)");
  process.exit(2);
}
try {
  const r = await restoreEmbedded(c.pgliteDir, path.resolve(process.argv[2]));
  console.log(`Restored ${r.file} into ${c.pgliteDir}: ${r.users} users, ${r.auditEvents} audit events, ${r.emails} emails.`);
  if (r.keptAside) console.log(`The database that was there is kept in ${r.keptAside} (delete it once the restore is checked).`);
  console.log("Check the audit trail with npm run audit:verify, then start the portal.");
} catch (e) {
  console.error(e instanceof BackupError ? e.message : e);
  process.exit(1);
}
