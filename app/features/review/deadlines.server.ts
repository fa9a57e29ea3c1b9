import { sql } from "kysely";
import { STAFF_TURN_STATUSES } from "~/features/application/workflow.ts";
import type { DB } from "~/platform/db/db.server.ts";
import { addWorkingDays } from "~/platform/time/working-days.ts";
import { notifyDueSoon, notifyOverdue, notifyReviewersOverdue } from "./review-notifications.server.ts";
import { now as clockNow } from "~/platform/time/clock.ts";

const ACTIVE = STAFF_TURN_STATUSES;
export const APOLOGY_EXTENSION_WORKING_DAYS = 5;

/** The date promised to the enterprise: the deadline, or after an apology the extended one. */
export function expectedDate(dueAt: Date, overdueNotifiedFor: Date | null): Date {
  return overdueNotifiedFor && overdueNotifiedFor.getTime() === dueAt.getTime() ? addWorkingDays(dueAt, APOLOGY_EXTENSION_WORKING_DAYS) : dueAt;
}

/**
 * Once per deadline: reviewers hear a day before it; once it has passed, the enterprise gets an apology with a new
 * date and the reviewers an overdue notice (both claimed by overdue_notified_for, so once per application and due
 * date). Rows are claimed with SKIP LOCKED so several workers never send the same notice twice. `now` is the clock.
 */
export async function runDeadlineChecks(db: DB, now = clockNow()): Promise<{ dueSoon: number; overdue: number }> {
  let dueSoon = 0;
  let overdue = 0;
  for (;;) {
    const handled = await db.transaction().execute(async (trx) => {
      const app = await trx
        .selectFrom("applications")
        .selectAll()
        .where("status", "in", [...ACTIVE])
        .where("due_at", "<", now)
        .where((eb) => eb.or([eb("overdue_notified_for", "is", null), eb("overdue_notified_for", "!=", eb.ref("due_at"))]))
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!app) return false;
      await trx.updateTable("applications").set({ overdue_notified_for: app.due_at }).where("id", "=", app.id).execute();
      const newDate = addWorkingDays(app.due_at!, APOLOGY_EXTENSION_WORKING_DAYS);
      await notifyOverdue(trx, app, newDate);
      await notifyReviewersOverdue(trx, app, newDate);
      return true;
    });
    if (!handled) break;
    overdue++;
  }
  for (;;) {
    const handled = await db.transaction().execute(async (trx) => {
      const app = await trx
        .selectFrom("applications")
        .selectAll()
        .where("status", "in", [...ACTIVE])
        .where("due_at", ">=", now)
        .where("due_at", "<", sql<Date>`${now}::timestamptz + interval '1 day'`)
        .where((eb) => eb.or([eb("due_soon_notified_for", "is", null), eb("due_soon_notified_for", "!=", eb.ref("due_at"))]))
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!app) return false;
      await trx.updateTable("applications").set({ due_soon_notified_for: app.due_at }).where("id", "=", app.id).execute();
      await notifyDueSoon(trx, app);
      return true;
    });
    if (!handled) break;
    dueSoon++;
  }
  return { dueSoon, overdue };
}
