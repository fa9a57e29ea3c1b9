import type { User } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import { recordAudit } from "~/platform/db/audit.server.ts";
import { ForbiddenTransitionError } from "~/platform/errors.ts";

/**
 * How a reviewer hears about new and resubmitted applications (issue 12): each at once, or in one daily digest
 * (app/features/application/digest.server.ts). Deadline and assignment notices always come at once.
 */
export const NOTICE_PREFERENCES = ["immediate", "digest"] as const;
export type NoticePreference = (typeof NOTICE_PREFERENCES)[number];

export function choosesNotices(user: Pick<User, "role">): boolean {
  return user.role === "province_reviewer" || user.role === "ministry_reviewer";
}

/** Read from the database, not the session's cached user: the page shows what was just saved. */
export async function getNoticePreference(user: User): Promise<NoticePreference> {
  const row = await db().selectFrom("users").select("new_application_notices").where("id", "=", user.id).executeTakeFirstOrThrow();
  return row.new_application_notices;
}

export async function setNoticePreference(user: User, preference: NoticePreference, requestId: string): Promise<void> {
  if (!choosesNotices(user)) throw new ForbiddenTransitionError();
  await db()
    .transaction()
    .execute(async (trx) => {
      const before = await trx.selectFrom("users").select("new_application_notices").where("id", "=", user.id).forUpdate().executeTakeFirstOrThrow();
      if (before.new_application_notices === preference) return;
      await trx.updateTable("users").set({ new_application_notices: preference }).where("id", "=", user.id).execute();
      await recordAudit(trx, {
        actorUserId: user.id,
        actorRole: user.role,
        provinceCode: user.province_code,
        action: "user.notice_preference",
        entityType: "user",
        entityId: user.id,
        data: { from: before.new_application_notices, to: preference },
        requestId,
      });
    });
}
