import type { User } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import { recordAudit } from "~/platform/db/audit.server.ts";
import { DEFAULT_SETTINGS, invalidateReferenceData, settingValue } from "~/features/reference/reference.server.ts";
import { DEADLINE_FIELDS, DEADLINE_MAX_DAYS, DEADLINE_MIN_DAYS, DEADLINE_SETTINGS, type DeadlineField, type DeadlineSetting } from "./deadline-settings.ts";

// Each deadline is read where it is computed (settingNumber in the application and review features), so a change
// applies to what is submitted, forwarded or sent back afterwards; a due date already set is never recomputed.

export interface DeadlineRow {
  key: DeadlineSetting;
  field: DeadlineField;
  days: number;
  defaultDays: number;
}

function asDays(value: unknown, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

export async function listDeadlines(): Promise<DeadlineRow[]> {
  return Promise.all(
    DEADLINE_SETTINGS.map(async (key) => {
      const defaultDays = Number(DEFAULT_SETTINGS[key]);
      return { key, field: DEADLINE_FIELDS[key], days: asDays(await settingValue(key), defaultDays), defaultDays };
    }),
  );
}

/**
 * Sets the deadlines that changed, each with its audit event ("settings.deadline_changed", from/to), in one
 * transaction; the in-memory settings are reloaded once it committed. Returns the keys that changed.
 */
export async function changeDeadlines(admin: User, days: Record<DeadlineSetting, number>, requestId: string): Promise<DeadlineSetting[]> {
  const changed = await db()
    .transaction()
    .execute(async (trx) => {
      const rows = await trx.selectFrom("settings").select(["key", "value"]).where("key", "in", [...DEADLINE_SETTINGS]).forUpdate().execute();
      const current = new Map(rows.map((r) => [r.key, r.value as unknown]));
      const done: DeadlineSetting[] = [];
      for (const key of DEADLINE_SETTINGS) {
        const to = days[key];
        if (!Number.isInteger(to) || to < DEADLINE_MIN_DAYS || to > DEADLINE_MAX_DAYS) throw new RangeError(`${key}: ${to}`);
        const from = asDays(current.has(key) ? current.get(key) : DEFAULT_SETTINGS[key], Number(DEFAULT_SETTINGS[key]));
        if (from === to) continue;
        await trx
          .insertInto("settings")
          .values({ key, value: JSON.stringify(to) })
          .onConflict((oc) => oc.column("key").doUpdateSet({ value: JSON.stringify(to), updated_at: new Date() }))
          .execute();
        await recordAudit(trx, {
          actorUserId: admin.id,
          actorRole: admin.role,
          provinceCode: null,
          action: "settings.deadline_changed",
          entityType: "setting",
          entityId: key,
          data: { key, from, to },
          requestId,
        });
        done.push(key);
      }
      return done;
    });
  invalidateReferenceData();
  return changed;
}
