import { sql, type RawBuilder } from "kysely";
import type { ApplicationStatus } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import { IN_PROGRESS_STATUSES, STAFF_TURN_STATUSES } from "~/features/application/workflow.ts";
import { vietnamDate } from "~/platform/time/working-days.ts";
import {
  auditAction,
  DECIDED_OUTCOMES,
  ENTERPRISE_TURN_STATUSES,
  periodBounds,
  REASSIGN_AUDIT_ACTION,
  RECEIVE_ACTIONS,
  REVIEW_DECISION_ACTIONS,
  STEP_STATUSES,
  TAKE_ACTIONS,
  workingDayOrdinals,
  type Period,
} from "./rules.ts";

/**
 * The staff statistics' reads. Every figure is aggregated in SQL: the applications in progress by their status and
 * deadline now (the province queue's index on province_code, status, due date), and the application events of the
 * period (audit_application_period / audit_application_province_period, migration 2026-12-04T1900). Nothing reads
 * all rows into JavaScript; what comes back is one row per province, step or reviewer.
 *
 * `provinceCode` null is the whole country. Callers pass the scope the viewer may see (app/routes/staff.statistics.tsx).
 */

export interface ScopeQuery {
  provinceCode: string | null;
  period: Period;
  now: Date;
  /** What the period's events are as of now (periodVersion); figures of the same version are read once. */
  version?: string;
}

/**
 * The audit trail only grows, at the clock's time: a period that has ended never changes ("closed"), and one that
 * has not changes only when an event is added (the highest event id). Period figures are kept per version, in memory,
 * for the last few scopes and periods asked for; what is true now (in review, overdue, open) is always read afresh.
 */
export async function periodVersion(period: Period, now: Date): Promise<string> {
  if (periodBounds(period).end <= now) return "closed";
  const row = await db()
    .selectFrom("audit_events")
    .select(sql<number | null>`max(id)`.as("n"))
    .executeTakeFirstOrThrow();
  return `upto${Number(row.n ?? 0)}`;
}

const MAX_REMEMBERED = 200;
const remembered = new Map<string, Promise<unknown>>();

function once<T>(name: string, q: ScopeQuery, read: () => Promise<T>): Promise<T> {
  if (!q.version) return read();
  const key = `${name}|${q.provinceCode ?? "*"}|${q.period.from}|${q.period.to}|${q.version}`;
  const hit = remembered.get(key) as Promise<T> | undefined;
  if (hit) {
    remembered.delete(key);
    remembered.set(key, hit);
    return hit;
  }
  const value = read();
  remembered.set(key, value);
  value.catch(() => remembered.delete(key));
  if (remembered.size > MAX_REMEMBERED) remembered.delete(remembered.keys().next().value!);
  return value;
}

const list = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql.lit(v)),
    sql`, `
  );

export interface ProvinceCounts {
  provinceCode: string | null;
  received: number;
  inReview: number;
  waitingOnEnterprise: number;
  overdue: number;
  decided: Record<string, number>;
  /** Reviewers' decisions that carried a deadline, and how many came by it. */
  timedDecisions: number;
  onTime: number;
}

/** Now: applications in progress with staff, with the enterprise, and past their deadline; one row per province. */
async function currentCounts(q: ScopeQuery) {
  let query = db()
    .selectFrom("applications")
    .select([
      "province_code",
      sql<number>`count(*) filter (where status in (${list(STAFF_TURN_STATUSES)}))::int`.as("in_review"),
      sql<number>`count(*) filter (where status in (${list(ENTERPRISE_TURN_STATUSES)}))::int`.as("waiting"),
      sql<number>`count(*) filter (where status in (${list(STAFF_TURN_STATUSES)}) and due_at < ${q.now})::int`.as("overdue"),
    ])
    .where("current_version", ">", 0)
    .where("status", "in", [...IN_PROGRESS_STATUSES])
    .groupBy("province_code");
  if (q.provinceCode) query = query.where("province_code", "=", q.provinceCode);
  return query.execute();
}

/** The period: received, decided by outcome and the reviewers' decisions on time; one row per province. */
function periodCounts(q: ScopeQuery) {
  return once("counts", q, () => readPeriodCounts(q));
}

async function readPeriodCounts(q: ScopeQuery) {
  const { start, end } = periodBounds(q.period);
  const outcome = (s: ApplicationStatus) =>
    sql<number>`count(*) filter (where from_state in (${list(IN_PROGRESS_STATUSES)}) and to_state = ${sql.lit(s)})::int`.as(`decided_${s}`);
  const decisions = list(REVIEW_DECISION_ACTIONS.map(auditAction));
  let query = db()
    .selectFrom("audit_events")
    .select([
      "province_code",
      sql<number>`count(*) filter (where action in (${list(RECEIVE_ACTIONS.map(auditAction))}))::int`.as("received"),
      sql<number>`count(*) filter (where action in (${decisions}) and data ? 'dueAt')::int`.as("timed"),
      sql<number>`count(*) filter (where action in (${decisions}) and data ? 'dueAt' and created_at <= (data->>'dueAt')::timestamptz)::int`.as("on_time"),
      ...DECIDED_OUTCOMES.map(outcome),
    ])
    .where("entity_type", "=", "application")
    .where("created_at", ">=", start)
    .where("created_at", "<", end)
    .groupBy("province_code");
  if (q.provinceCode) query = query.where("province_code", "=", q.provinceCode);
  return (await query.execute()) as unknown as ({
    province_code: string | null;
    received: number;
    timed: number;
    on_time: number;
  } & Record<string, number>)[];
}

/** The scope's figures, one entry per province that has any (the caller adds them up for the whole country). */
/** A province's (or the scope's) figures before anything is counted. */
export function emptyCounts(provinceCode: string | null): ProvinceCounts {
  return {
    provinceCode,
    received: 0,
    inReview: 0,
    waitingOnEnterprise: 0,
    overdue: 0,
    decided: Object.fromEntries(DECIDED_OUTCOMES.map((s) => [s, 0])),
    timedDecisions: 0,
    onTime: 0,
  };
}

export async function countsByProvince(q: ScopeQuery): Promise<ProvinceCounts[]> {
  const [current, period] = await Promise.all([currentCounts(q), periodCounts(q)]);
  const byCode = new Map<string | null, ProvinceCounts>();
  const entry = (code: string | null) => {
    let e = byCode.get(code);
    if (!e) {
      e = emptyCounts(code);
      byCode.set(code, e);
    }
    return e;
  };
  for (const r of current)
    Object.assign(entry(r.province_code), {
      inReview: Number(r.in_review),
      waitingOnEnterprise: Number(r.waiting),
      overdue: Number(r.overdue),
    });
  for (const r of period) {
    const e = entry(r.province_code);
    e.received = Number(r.received);
    e.timedDecisions = Number(r.timed);
    e.onTime = Number(r.on_time);
    for (const s of DECIDED_OUTCOMES) e.decided[s] = Number(r[`decided_${s}`] ?? 0);
  }
  return [...byCode.values()];
}

export interface StepFigure {
  status: ApplicationStatus;
  /** Stays in this step that ended in the period. */
  stays: number;
  /** Median working days of those stays (the deadlines' calendar: app/platform/time/working-days.ts). */
  medianWorkingDays: number | null;
}

/**
 * How long applications stayed in each step: for every state change of the period out of a step, the time since the
 * change that brought the application into it (the previous state change, by audit_entity), in working days.
 */
export function stepDurations(q: ScopeQuery): Promise<StepFigure[]> {
  return once("steps", q, () => readStepDurations(q));
}

async function readStepDurations(q: ScopeQuery): Promise<StepFigure[]> {
  const { start, end } = periodBounds(q.period);
  const calendar = workingDayOrdinals(vietnamDate(q.now), q.period.from);
  const province: RawBuilder<unknown> = q.provinceCode ? sql`and e.province_code = ${q.provinceCode}` : sql``;
  const rows = await sql<{
    status: ApplicationStatus;
    stays: number;
    median: number | null;
  }>`
    with cal as (
      select (${calendar.start}::date + (u.i - 1)::int) as d, u.ord
      from unnest(string_to_array(${calendar.ordinals.join(",")}, ',')::int[]) with ordinality as u(ord, i)
    ),
    -- The applications that left a step in the period, then each of their state changes up to the period's end
    -- with the one before it (audit_entity: one index range per application, not one look-up per event).
    touched as (
      select distinct e.entity_id
      from audit_events e
      where e.entity_type = 'application'
        and e.created_at >= ${start} and e.created_at < ${end}
        and e.to_state is not null
        and e.from_state in (${list(STEP_STATUSES)})
        ${province}
    ),
    changes as (
      select a.from_state, a.created_at, lag(a.created_at) over (partition by a.entity_id order by a.id) as entered_at
      from touched t
      join audit_events a on a.entity_type = 'application' and a.entity_id = t.entity_id and a.to_state is not null and a.created_at < ${end}
    ),
    stays as (
      select from_state as status,
             ((entered_at at time zone 'UTC') + interval '7 hours')::date as first_day,
             floor(extract(epoch from (created_at - entered_at)) / 86400)::int as whole_days
      from changes
      where created_at >= ${start} and entered_at is not null and from_state in (${list(STEP_STATUSES)})
    )
    select s.status, count(*)::int as stays,
           percentile_cont(0.5) within group (order by c1.ord - c0.ord) as median
    from stays s
    left join cal c0 on c0.d = s.first_day
    left join cal c1 on c1.d = s.first_day + s.whole_days
    group by s.status`.execute(db());
  const byStatus = new Map(rows.rows.map((r) => [r.status, r]));
  return STEP_STATUSES.map((status) => {
    const r = byStatus.get(status);
    return {
      status,
      stays: r ? Number(r.stays) : 0,
      medianWorkingDays: r?.median == null ? null : Number(r.median),
    };
  });
}

export interface ReviewerLoad {
  id: string;
  name: string;
  /** Applications given to them in the period (taken, or assigned by a colleague). */
  assigned: number;
  /** Applications in progress assigned to them now. */
  open: number;
  /** Their decisions that ended a review in the period. */
  decided: number;
}

/** The scope's active reviewers (a province's, or the ministry's for the whole country) and their work. */
export async function reviewerWorkload(q: ScopeQuery): Promise<ReviewerLoad[]> {
  const { start, end } = periodBounds(q.period);
  let reviewers = db().selectFrom("users").select(["id", "name"]).where("status", "=", "active").orderBy("name").orderBy("id");
  reviewers = q.provinceCode
    ? reviewers.where("role", "=", "province_reviewer").where("province_code", "=", q.provinceCode)
    : reviewers.where("role", "=", "ministry_reviewer");
  const people = await reviewers.execute();
  if (people.length === 0) return [];
  const ids = people.map((p) => p.id);
  const assignedActions = [...TAKE_ACTIONS.map(auditAction), REASSIGN_AUDIT_ACTION];
  const [open, [given, decided]] = await Promise.all([
    db()
      .selectFrom("applications")
      .select(["assigned_to as id", sql<number>`count(*)::int`.as("n")])
      .where("assigned_to", "in", ids)
      .where("status", "in", [...IN_PROGRESS_STATUSES])
      .groupBy("assigned_to")
      .execute(),
    once(`workload:${ids.join(",")}`, q, () =>
      Promise.all([
        db()
          .selectFrom("audit_events")
          .select([sql<string>`data->>'assignee'`.as("id"), sql<number>`count(*)::int`.as("n")])
          .where("entity_type", "=", "application")
          .where("created_at", ">=", start)
          .where("created_at", "<", end)
          .where("action", "in", assignedActions)
          .where(sql<boolean>`data->>'assignee' in (${sql.join(ids)})`)
          .$if(Boolean(q.provinceCode), (b) => b.where("province_code", "=", q.provinceCode!))
          .groupBy(sql`data->>'assignee'`)
          .execute(),
        db()
          .selectFrom("audit_events")
          .select(["actor_user_id as id", sql<number>`count(*)::int`.as("n")])
          .where("entity_type", "=", "application")
          .where("created_at", ">=", start)
          .where("created_at", "<", end)
          .where("action", "in", REVIEW_DECISION_ACTIONS.map(auditAction))
          .where("actor_user_id", "in", ids)
          .$if(Boolean(q.provinceCode), (b) => b.where("province_code", "=", q.provinceCode!))
          .groupBy("actor_user_id")
          .execute(),
      ])
    ),
  ]);
  const count = (rows: { id: string | null; n: number }[]) => new Map(rows.map((r) => [r.id, Number(r.n)]));
  const [o, g, d] = [count(open), count(given), count(decided)];
  return people.map((p) => ({
    id: p.id,
    name: p.name,
    assigned: g.get(p.id) ?? 0,
    open: o.get(p.id) ?? 0,
    decided: d.get(p.id) ?? 0,
  }));
}
