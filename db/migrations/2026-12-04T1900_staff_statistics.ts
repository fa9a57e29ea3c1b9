import { sql, type Kysely } from "kysely";

// Issue 12, staff statistics (app/features/statistics/queries.server.ts): every figure of a period is read from the
// application events of that period, nationally or for one province. Two ranges on the event time, for
// applications only: one for the whole country, one per province (province_code first, as the province's page asks).
// The step durations look up each event's previous event by the existing audit_entity (entity_type, entity_id, id).

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    `create index audit_application_period on audit_events (created_at) where entity_type = 'application'`,
    `create index audit_application_province_period on audit_events (province_code, created_at) where entity_type = 'application'`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
