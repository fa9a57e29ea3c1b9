import type { ApplicationStatus } from "~/platform/db/db-types.ts";
import {
  AWAITING_MINISTRY,
  AWAITING_PROVINCE,
  FINAL_STATES,
  IN_PROGRESS_STATUSES,
  STAFF_TURN_STATUSES,
  WORKFLOW,
  type WorkflowAction,
} from "~/features/application/workflow.ts";
import { HOLIDAY_YEARS, isWorkingDay } from "~/platform/time/working-days.ts";

/**
 * What the staff statistics count, every set derived from the workflow table (app/features/application/workflow.ts),
 * so a new status or action lands in the right figure without a list here to update.
 */
const ACTIONS = Object.keys(WORKFLOW) as WorkflowAction[];

/** In progress and the enterprise has the next move (the deadline is paused): "waiting on the enterprise". */
export const ENTERPRISE_TURN_STATUSES: readonly ApplicationStatus[] = IN_PROGRESS_STATUSES.filter((s) => !STAFF_TURN_STATUSES.includes(s));

/** The steps whose durations are measured: every status an application in progress can be in. */
export const STEP_STATUSES: readonly ApplicationStatus[] = IN_PROGRESS_STATUSES;

/** Outcomes of a decision: final states an application in progress can reach (a revocation comes after a decision). */
export const DECIDED_OUTCOMES: readonly ApplicationStatus[] = FINAL_STATES.filter((s) =>
  ACTIONS.some((a) => WORKFLOW[a].to === s && WORKFLOW[a].from.some((f) => IN_PROGRESS_STATUSES.includes(f)))
);

/** The action that turns a draft into a received application. */
export const RECEIVE_ACTIONS: readonly WorkflowAction[] = ACTIONS.filter((a) => WORKFLOW[a].from.includes("draft") && !FINAL_STATES.includes(WORKFLOW[a].to));

/** A reviewer takes an application waiting for their stage (the start of a review). */
export const TAKE_ACTIONS: readonly WorkflowAction[] = ACTIONS.filter((a) =>
  WORKFLOW[a].from.every((s) => AWAITING_PROVINCE.includes(s) || AWAITING_MINISTRY.includes(s))
);

/**
 * A reviewer's decision that ends their review: from a status under review (not one waiting to be taken) to the next
 * stage or a final state. Asking the enterprise for changes pauses the deadline instead, so it is not one.
 */
export const REVIEW_DECISION_ACTIONS: readonly WorkflowAction[] = ACTIONS.filter((a) => {
  const r = WORKFLOW[a];
  return (
    r.role !== "enterprise" &&
    r.from.every((s) => STAFF_TURN_STATUSES.includes(s) && !AWAITING_PROVINCE.includes(s) && !AWAITING_MINISTRY.includes(s)) &&
    (STAFF_TURN_STATUSES.includes(r.to) || FINAL_STATES.includes(r.to))
  );
});

/** The audit action of a workflow action (transition() records `application.<action>`). */
export const auditAction = (a: WorkflowAction): string => `application.${a}`;

/** Reassigning an application under review is audited outside the workflow (app/features/review/commands.server.ts). */
export const REASSIGN_AUDIT_ACTION = "application.assigned";

export interface Period {
  /** Vietnam calendar dates YYYY-MM-DD, both included. */
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;

/** The moments the period covers: from its first Vietnam midnight up to (not including) the one after its last day. */
export function periodBounds(p: Period): { start: Date; end: Date } {
  return {
    start: new Date(`${p.from}T00:00:00+07:00`),
    end: new Date(new Date(`${p.to}T00:00:00+07:00`).getTime() + DAY_MS),
  };
}

/** The first day of the month of `today` (the default period is the month so far). */
export function monthStart(today: string): string {
  return `${today.slice(0, 8)}01`;
}

function addDays(isoDate: string, days: number): string {
  return new Date(new Date(`${isoDate}T00:00:00Z`).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The working-day calendar as SQL can join it: from `start`, day by day up to `end`, the number of working days up to
 * and including each day. workingDaysBetween(a, b) is then ord(day of a + whole days from a to b) − ord(day of a).
 * The calendar starts with the first year of holiday data (earlier only when asked for an earlier period).
 */
export function workingDayOrdinals(end: string, periodFrom: string): { start: string; ordinals: number[] } {
  const dataStart = `${HOLIDAY_YEARS[0] ?? Number(end.slice(0, 4))}-01-01`;
  const start = periodFrom < dataStart ? addDays(periodFrom, -366) : dataStart;
  const ordinals: number[] = [];
  let n = 0;
  for (let d = start; d <= end; d = addDays(d, 1)) {
    if (isWorkingDay(d)) n++;
    ordinals.push(n);
  }
  return { start, ordinals };
}
