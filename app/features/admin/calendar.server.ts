import { sql } from "kysely";
import type { User } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import { recordAudit } from "~/platform/db/audit.server.ts";
import { NotFoundError } from "~/platform/errors.ts";
import { loadWorkingCalendar, type CalendarKind } from "~/features/reference/calendar.server.ts";

/** The date is already in the calendar (remove it first to change it). */
export class DayTakenError extends Error {}

export interface NewCalendarDay {
  day: string;
  kind: CalendarKind;
  nameVi: string;
  nameEn: string;
}

/**
 * Adds a non-working weekday or a make-up working day, with its audit event, then puts the edited calendar in force:
 * deadlines computed from now on use it; due dates already set are not recomputed (docs/decisions/030).
 */
export async function addCalendarDay(admin: User, input: NewCalendarDay, requestId: string): Promise<void> {
  const year = Number(input.day.slice(0, 4));
  await db()
    .transaction()
    .execute(async (trx) => {
      await trx.insertInto("calendar_years").values({ year }).onConflict((oc) => oc.column("year").doNothing()).execute();
      const taken = await trx.selectFrom("calendar_days").select("year").where("day", "=", sql<Date>`${input.day}::date`).forUpdate().executeTakeFirst();
      if (taken) throw new DayTakenError();
      await trx
        .insertInto("calendar_days")
        .values({ day: sql<Date>`${input.day}::date`, year, kind: input.kind, name_vi: input.nameVi, name_en: input.nameEn, basis: null })
        .execute();
      await recordAudit(trx, {
        actorUserId: admin.id,
        actorRole: admin.role,
        provinceCode: null,
        action: "calendar.day_added",
        entityType: "calendar_day",
        entityId: input.day,
        data: { day: input.day, kind: input.kind, name_vi: input.nameVi, name_en: input.nameEn },
        requestId,
      });
    });
  await loadWorkingCalendar(db());
}

/** Removes a day from the calendar (it becomes an ordinary weekday or weekend day again), with its audit event. */
export async function removeCalendarDay(admin: User, day: string, requestId: string): Promise<void> {
  await db()
    .transaction()
    .execute(async (trx) => {
      const gone = await trx
        .deleteFrom("calendar_days")
        .where("day", "=", sql<Date>`${day}::date`)
        .returning(["kind", "name_vi", "name_en"])
        .executeTakeFirst();
      if (!gone) throw new NotFoundError();
      await recordAudit(trx, {
        actorUserId: admin.id,
        actorRole: admin.role,
        provinceCode: null,
        action: "calendar.day_removed",
        entityType: "calendar_day",
        entityId: day,
        data: { day, kind: gone.kind, name_vi: gone.name_vi, name_en: gone.name_en },
        requestId,
      });
    });
  await loadWorkingCalendar(db());
}
