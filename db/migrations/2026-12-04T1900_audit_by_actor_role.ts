import { sql, type Kysely } from "kysely";

// Issue 12: the administrators' log (app/features/audit/admin-log.server.ts) lists the events of the administrator
// roles newest first, a page at a time (keyset on id): one index range per role instead of a scan of the whole
// audit trail, which holds every reviewer's and enterprise's event too. Its action filter list reads the same range.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index audit_events_actor_role on audit_events (actor_role, id)`.execute(db);
}

