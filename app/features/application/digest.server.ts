import type { Transaction } from "kysely";
import type { Database } from "~/platform/db/db-types.ts";
import type { DB } from "~/platform/db/db.server.ts";
import { config } from "~/platform/config.server.ts";
import { digestMessage, emailText, mailDate } from "~/platform/mail/email-templates.server.ts";
import { enqueueEmail } from "~/platform/mail/outbox.server.ts";
import { now as clockNow } from "~/platform/time/clock.ts";
import { vietnamDate } from "~/platform/time/working-days.ts";
import { settingValue } from "~/features/reference/reference.server.ts";
import type { NoticeTemplate } from "./workflow.ts";

type Trx = Transaction<Database>;

/**
 * The daily digest (issue 12). A reviewer chooses (account page, users.new_application_notices) how they hear about
 * new and resubmitted applications: each at once, or in one email a day. For a reviewer who chose the digest, the
 * workflow's notices below are recorded as digest_items in the transition's transaction instead of an email; once a
 * day, at DIGEST_HOUR_SETTING o'clock in Vietnam, the worker's periodic job turns each reviewer's waiting items into
 * one outbox email and marks them sent in the same transaction: a crash loses nothing and sends nothing twice.
 * Deadline and assignment notices are not workflow notices of this list: they always come at once.
 */
export const DIGESTIBLE: ReadonlySet<NoticeTemplate> = new Set<NoticeTemplate>(["reviewer_new_application", "reviewer_resubmitted", "ministry_new_application"]);
export type DigestTemplate = "reviewer_new_application" | "reviewer_resubmitted" | "ministry_new_application";

/** The local hour (0–23, Asia/Ho_Chi_Minh) at which the day's digest is sent; a setting, 8 by default. */
export const DIGEST_HOUR_SETTING = "notices.digest.local_hour";
const DEFAULT_HOUR = 8;
const VIETNAM_OFFSET_MS = 7 * 3600 * 1000;

export function isDigestible(template: NoticeTemplate): template is DigestTemplate {
  return DIGESTIBLE.has(template);
}

/** Of these staff accounts, those who chose the daily digest. */
export async function digestReaders(trx: Trx, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await trx.selectFrom("users").select("id").where("id", "in", userIds).where("new_application_notices", "=", "digest").execute();
  return new Set(rows.map((r) => r.id));
}

/** A notice kept for the reviewer's next digest instead of an email now (inside the transition's transaction). */
export async function recordDigestItem(trx: Trx, item: { userId: string; applicationId: string; template: DigestTemplate; path: string }): Promise<void> {
  await trx
    .insertInto("digest_items")
    .values({ user_id: item.userId, application_id: item.applicationId, template: item.template, path: item.path, created_at: clockNow() })
    .execute();
}

export async function digestHour(): Promise<number> {
  const v = Number(await settingValue(DIGEST_HOUR_SETTING));
  return Number.isInteger(v) && v >= 0 && v <= 23 ? v : DEFAULT_HOUR;
}

/**
 * The latest digest time at or before `now`: today at the hour in Vietnam once it has come, else yesterday's.
 * Items recorded before it belong to the digest due at it.
 */
export function digestCutoff(now: Date, hour: number): Date {
  const today = vietnamDate(now);
  const at = new Date(Date.parse(`${today}T00:00:00Z`) - VIETNAM_OFFSET_MS + hour * 3600 * 1000);
  return at.getTime() <= now.getTime() ? at : new Date(at.getTime() - 24 * 3600 * 1000);
}

interface PendingItem {
  id: number;
  template: string;
  path: string;
  created_at: Date;
  reference: string | null;
  platform_name: string;
  legal_name: string;
}

function itemLines(locale: "vi" | "en", items: PendingItem[]): string {
  const base = config().publicUrl;
  return items
    .map((i) => {
      const kind = emailText(locale, (isDigestible(i.template as NoticeTemplate) ? `digest.item.${i.template}` : "digest.item.reviewer_new_application") as `digest.item.${DigestTemplate}`);
      return `- ${kind}: ${i.reference ?? ""} – ${i.platform_name} (${i.legal_name}), ${mailDate(i.created_at, locale)}\n  ${base}${i.path}`;
    })
    .join("\n");
}

/**
 * Sends every reviewer's digest due by `now` (the clock): each reviewer's items recorded before the latest digest time
 * become one email, queued in the outbox with the items marked sent in the same transaction. Run it as often as you
 * like (the worker's periodic job runs it every minute): items already sent are never sent again, items recorded
 * after the digest time wait for the next day's. A deactivated reviewer's items are closed without an email.
 * Reviewers are claimed one at a time (their users row, SKIP LOCKED) so two workers never send the same digest.
 */
export async function runDailyDigests(db: DB, now = clockNow()): Promise<{ emails: number; items: number }> {
  const cutoff = digestCutoff(now, await digestHour());
  let emails = 0;
  let items = 0;
  const skipped = new Set<string>();
  for (;;) {
    const done = await db.transaction().execute(async (trx) => {
      const user = await trx
        .selectFrom("users")
        .select(["id", "name", "email", "locale", "role", "status"])
        .where("id", "in", (eb) => eb.selectFrom("digest_items").select("user_id").where("sent_at", "is", null).where("created_at", "<", cutoff))
        .$if(skipped.size > 0, (qb) => qb.where("id", "not in", [...skipped]))
        .orderBy("id")
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!user) return null;
      const pending = await trx
        .selectFrom("digest_items")
        .innerJoin("applications", "applications.id", "digest_items.application_id")
        .innerJoin("enterprises", "enterprises.id", "applications.enterprise_id")
        .select(["digest_items.id", "digest_items.template", "digest_items.path", "digest_items.created_at", "applications.reference", "applications.platform_name", "enterprises.legal_name"])
        .where("digest_items.user_id", "=", user.id)
        .where("digest_items.sent_at", "is", null)
        .where("digest_items.created_at", "<", cutoff)
        .orderBy("digest_items.id")
        .execute();
      if (pending.length === 0) {
        skipped.add(user.id);
        return { emails: 0, items: 0 };
      }
      let emailId: number | null = null;
      if (user.status === "active") {
        const queue = user.role === "ministry_reviewer" ? "/ministry" : "/review";
        emailId = await enqueueEmail(trx, {
          to: user.email,
          locale: user.locale,
          userId: user.id,
          email: digestMessage(user.locale, {
            name: user.name,
            date: mailDate(cutoff, user.locale),
            count: pending.length,
            items: itemLines(user.locale, pending),
            url: `${config().publicUrl}${queue}`,
          }),
        });
      }
      await trx
        .updateTable("digest_items")
        .set({ sent_at: now, outbox_email_id: emailId })
        .where(
          "id",
          "in",
          pending.map((p) => p.id),
        )
        .execute();
      return { emails: emailId === null ? 0 : 1, items: pending.length };
    });
    if (!done) break;
    emails += done.emails;
    items += done.items;
  }
  return { emails, items };
}
