import { sql } from "kysely";
import type {
Application,User
} from "~/platform/db/db-types.ts";
import { db, type Executor } from "~/platform/db/db.server.ts";
import { isUniqueViolation } from "~/platform/db/db-faults.server.ts";
import { addWorkingDays } from "~/platform/time/working-days.ts";
import { ACTIVE_APPLICATION_STATUSES } from "./workflow.ts";

import { NotFoundError } from "~/platform/errors.ts";

import { missingForSubmission } from "./completeness.server.ts";
import { getCriteria } from "./criteria.server.ts";
import { IncompleteError, PlatformTakenError } from "./errors.server.ts";
import { listAttachments } from "./files.server.ts";
import { getApplicationForMember, refreshSearchText } from "./queries.server.ts";
import { freezeVersion, nextReference, settingNumber, transition } from "./transition.server.ts";
import { now as clockNow } from "~/platform/time/clock.ts";

/**
 * Submits (or resubmits) the draft: completeness check, reference number, frozen version, deadline, audit
 * and emails, all in one transaction. A second submit of the same draft finds it no longer a draft.
 */
export async function submitApplication(user: User, applicationId: string, opts: { requestId: string }): Promise<Application> {
  const current = await getApplicationForMember(user, applicationId);
  if (!current) throw new NotFoundError();
  const resubmission = current.status === "changes_requested";
  return submitTransition(user, applicationId, resubmission, opts).catch(async (e: unknown) => {
    // Two drafts of one platform submitted at the same moment: both pass the check, the unique index stops the second.
    if (isUniqueViolation(e, "applications_one_active_per_platform")) throw new PlatformTakenError((await findActiveHolder(current)) ?? null);
    throw e;
  });
}

/** Another application of the enterprise that holds the same platform address (under review or recognised). */
export function findActiveHolder(app: Pick<Application, "id" | "enterprise_id" | "platform_url">, ex: Executor = db()) {
  if (!app.platform_url) return Promise.resolve(undefined);
  return ex
    .selectFrom("applications")
    .select(["id", "reference", "platform_name"])
    .where("enterprise_id", "=", app.enterprise_id)
    .where("platform_url", "=", app.platform_url)
    .where("id", "!=", app.id)
    .where("status", "in", ACTIVE_APPLICATION_STATUSES)
    .executeTakeFirst();
}

function submitTransition(user: User, applicationId: string, resubmission: boolean, opts: { requestId: string }) {
  return transition({
    applicationId,
    actor: user,
    action: resubmission ? "resubmit" : "submit",
    requestId: opts.requestId,
    apply: async (trx, app) => {
      const groups = await getCriteria(app.criteria_set_id, trx);
      const missing = missingForSubmission(app, groups, await listAttachments(app.id, trx));
      if (missing.length > 0) throw new IncompleteError(missing);
      if (!resubmission) {
        const holder = await findActiveHolder(app, trx);
        if (holder) throw new PlatformTakenError(holder);
      }
      const enterprise = await trx.selectFrom("enterprises").select("province_code").where("id", "=", app.enterprise_id).executeTakeFirstOrThrow();
      const now = clockNow();
      const version = app.current_version + 1;
      await freezeVersion(trx, app, user, version);
      const days = await settingNumber("sla.province.working_days", 10, trx);
      if (resubmission) {
        await trx.updateTable("change_requests").set({ resolved_at: sql`now()` }).where("application_id", "=", app.id).where("resolved_at", "is", null).execute();
        // The review clock paused while the enterprise had the application; it resumes with what was left.
        return {
          current_version: version,
          reopened: JSON.stringify([]),
          due_at: addWorkingDays(now, app.sla_remaining_days ?? days),
          sla_remaining_days: null,
        };
      }
      return {
        current_version: version,
        province_code: enterprise.province_code,
        reference: await nextReference(trx, enterprise.province_code, now),
        submitted_at: now,
        due_at: addWorkingDays(now, days),
      };
    },
    after: async (trx, app) => {
      if (!resubmission) await refreshSearchText(trx, { applicationId: app.id });
    },
  });
}

/** The enterprise withdraws its application (a draft, or one under review at any stage). */
export function withdrawApplication(user: User, applicationId: string, input: { lockVersion: number }, requestId: string) {
  return transition({ applicationId, actor: user, action: "withdraw", expectedLockVersion: input.lockVersion, requestId });
}

/** The enterprise withdraws its recognised platform from the catalogue (the page stays, answering 410). */
export function withdrawListing(user: User, applicationId: string, input: { lockVersion: number }, requestId: string) {
  return transition({ applicationId, actor: user, action: "withdraw_listing", expectedLockVersion: input.lockVersion, requestId });
}
