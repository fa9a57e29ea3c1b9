import type { DB } from "~/platform/db/db.server.ts";
import { runDeadlineChecks } from "~/features/review/deadlines.server.ts";
import { runDailyDigests } from "~/features/application/digest.server.ts";

/**
 * The work the outbox worker runs on a clock (its `periodic`, about once a minute): deadline notices, then the
 * reviewers' daily digests, one after the other (each job decides itself whether anything is due, so running it often is harmless). One
 * job failing does not keep the other from running; the first failure is rethrown for the worker's log.
 */
export async function runScheduledJobs(db: DB): Promise<void> {
  const failures: unknown[] = [];
  for (const job of [runDeadlineChecks, runDailyDigests]) {
    try {
      await job(db);
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
}
