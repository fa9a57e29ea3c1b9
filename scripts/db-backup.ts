import path from "node:path";
import { loadConfig } from "../app/platform/config.server.ts";
import { backupEmbedded, BackupError } from "../app/platform/db/embedded-backup.server.ts";

const c = loadConfig();
if (c.DATABASE_URL) {
  console.error("DATABASE_URL is set: back up a PostgreSQL server with pg_dump (docs/operations/build-and-backup.md).");
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const file = path.resolve(process.argv[2] ?? path.join(c.DATA_DIR, "backups", `pglite-${stamp}.tar.gz`));
try {
  const r = await backupEmbedded(c.pgliteDir, file);
  console.log(`Backed up ${c.pgliteDir} to ${r.file} (${(r.bytes / 1024 / 1024).toFixed(1)} MiB: ${r.users} users, ${r.auditEvents} audit events, ${r.emails} emails).`);
  console.log(
    c.DATA_ENCRYPTION_KEY
      ? "The backup does not hold DATA_ENCRYPTION_KEY: keep that key too, separately."
      : `The backup does not hold the encryption key ${path.join(c.DATA_DIR, "encryption.key")}: keep a copy of it too, separately.`,
  );
} catch (e) {
  console.error(e instanceof BackupError ? e.message : e);
  process.exit(1);
}
