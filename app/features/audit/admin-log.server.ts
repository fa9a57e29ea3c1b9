import { sql } from "kysely";
import type { Role } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { isTextKey } from "~/platform/i18n/messages-store.ts";
import { auditActionLabel } from "./labels.server.ts";

/** The roles whose actions the administrators' log lists (a role added for administration joins this list). */
export const ADMIN_ROLES = ["admin"] as const satisfies readonly Role[];
export const ADMIN_LOG_PAGE_SIZE = 50;
/** The most rows one download of the log holds. */
export const ADMIN_LOG_EXPORT_CAP = 50_000;
export const ADMIN_LOG_EXPORT_BATCH = 1000;

export interface AdminLogFilters {
  action?: string;
  actor?: string;
  /** YYYY-MM-DD, Vietnam time, inclusive. */
  from?: string;
  to?: string;
}

function adminLogBase(f: AdminLogFilters) {
  let q = db().selectFrom("audit_events").where("audit_events.actor_role", "in", [...ADMIN_ROLES]);
  if (f.action) q = q.where("audit_events.action", "=", f.action);
  if (f.actor) q = q.where("audit_events.actor_user_id", "=", f.actor);
  // A day is Vietnam's day: from its midnight there to the next.
  if (f.from) q = q.where("audit_events.created_at", ">=", sql<Date>`(${f.from}::date)::timestamp at time zone 'Asia/Ho_Chi_Minh'`);
  if (f.to) q = q.where("audit_events.created_at", "<", sql<Date>`(${f.to}::date + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh'`);
  return q;
}

/** One page of the administrators' log, newest first, continuing below event `before` (keyset on the event id). */
export async function listAdminLog(f: AdminLogFilters, opts: { before?: number; limit?: number } = {}) {
  const limit = opts.limit ?? ADMIN_LOG_PAGE_SIZE;
  const rows = await adminLogBase(f)
    .leftJoin("users as actor", "actor.id", "audit_events.actor_user_id")
    .leftJoin("users as subject", (join) => join.on(sql<boolean>`audit_events.entity_type = 'user' and subject.id::text = audit_events.entity_id`))
    .select([
      "audit_events.id",
      "audit_events.created_at",
      "audit_events.action",
      "audit_events.actor_role",
      "audit_events.entity_type",
      "audit_events.entity_id",
      "audit_events.from_state",
      "audit_events.to_state",
      "audit_events.reason",
      "audit_events.data",
      "actor.name as actor_name",
      "actor.email as actor_email",
      "subject.name as subject_name",
      "subject.email as subject_email",
    ])
    .$if(opts.before !== undefined, (q) => q.where("audit_events.id", "<", opts.before!))
    .orderBy("audit_events.id", "desc")
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  return { rows: page, next: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
}

export type AdminLogRow = Awaited<ReturnType<typeof listAdminLog>>["rows"][number];

/** The actions the log holds (for its filter list). */
export async function listAdminLogActions(): Promise<string[]> {
  const rows = await db().selectFrom("audit_events").select("action").distinct().where("actor_role", "in", [...ADMIN_ROLES]).orderBy("action").execute();
  return rows.map((r) => r.action);
}

/** The accounts that can appear as actors of the log (administrators, active or not). */
export function listAdminActors() {
  return db().selectFrom("users").select(["id", "name", "email"]).where("role", "in", [...ADMIN_ROLES]).orderBy("name").orderBy("email").execute();
}

function dataDetails(t: Translate, data: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(data)) {
    if (k === "role" && typeof v === "string") {
      const key = `role.${v}`;
      out.push(t("audit.detail.role", { role: isTextKey(key) ? t(key) : v }));
    } else out.push(`${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
  }
  return out;
}

function stateLabel(t: Translate, state: string): string {
  const key = `status.${state}`;
  return isTextKey(key) ? t(key) : state;
}

/** A row of the log as the page and the downloads show it (translated; everything is the administrators' to see). */
export function adminLogLine(t: Translate, r: AdminLogRow) {
  const details: string[] = [];
  if (r.from_state && r.to_state) details.push(t("audit.detail.state", { from: stateLabel(t, r.from_state), to: stateLabel(t, r.to_state) }));
  if (r.reason) details.push(t("audit.detail.reason", { reason: r.reason }));
  if (r.data) details.push(...dataDetails(t, r.data));
  const roleKey = `role.${r.actor_role}`;
  return {
    key: `e${r.id}`,
    id: r.id,
    at: r.created_at,
    actor: r.actor_name ? `${r.actor_name} <${r.actor_email}>` : t("audit.system"),
    role: isTextKey(roleKey) ? t(roleKey) : (r.actor_role ?? ""),
    action: auditActionLabel(t, r.action),
    subject: r.subject_email ? `${r.subject_name} <${r.subject_email}>` : `${r.entity_type} ${r.entity_id}`,
    details,
  };
}
