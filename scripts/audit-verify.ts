import fs from "node:fs";
import { parseArgs } from "node:util";
import { openDatabase } from "../app/server/bootstrap.server.ts";
import { loadConfig } from "../app/platform/config.server.ts";
import { openPostgres } from "../app/platform/db/db.server.ts";
import { verifyAuditChain } from "../app/platform/db/audit.server.ts";

const usage = `Usage: npm run audit:verify [-- --anchor <link>:<hash>]
Walks the audit hash chain and reports the first broken link. --anchor checks that a link noted down earlier
(outside the database) still has its hash, which also catches a chain recomputed from that link on.`;

const fail = (message: string): never => {
  console.error(`${message}\n${usage}`);
  process.exit(2);
};
let values: { anchor?: string };
try {
  values = parseArgs({ options: { anchor: { type: "string" } } }).values;
} catch (e) {
  fail((e as Error).message);
}
const anchorMatch = values!.anchor === undefined ? undefined : /^(\d+):([0-9a-f]{64})$/.exec(values!.anchor) ?? fail("--anchor must be <link number>:<64 hex digits>");
const anchor = anchorMatch ? { seq: Number(anchorMatch[1]), hash: anchorMatch[2]! } : undefined;

const c = loadConfig();
if (!c.DATABASE_URL && !fs.existsSync(c.pgliteDir)) {
  console.error(`No embedded database in ${c.pgliteDir} (and DATABASE_URL is not set).`);
  process.exit(1);
}
// Reading is enough: on PostgreSQL the runtime role (DATABASE_URL) may select the chain.
const handle = c.DATABASE_URL ? await openPostgres(c.DATABASE_URL, { max: 1 }) : await openDatabase(c);
try {
  const report = await verifyAuditChain(handle.db, { anchor });
  if (report.ok) {
    console.log(`Audit chain intact: ${report.events} events. Head: ${report.head.seq}:${report.head.hash}`);
    console.log("Keep that head somewhere outside the database; pass it later as --anchor to detect a rewritten chain.");
  } else {
    const where = report.seq === null ? "" : ` at link ${report.seq}`;
    console.error(`Audit chain BROKEN${where}: ${report.problem}. The ${report.events} links before it are intact.`);
    process.exitCode = 1;
  }
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
} finally {
  await handle.close();
}
