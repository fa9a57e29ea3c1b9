import { sql, type Kysely } from "kysely";

const DUE = `coalesce(due_at, '9999-12-31T00:00:00.000Z'::timestamptz)`;

// PGlite runs one statement per query through Kysely, so each statement is its own entry.
const statements = [
  // The ministry may see an application once it reached the ministry, whatever happens after (a withdrawal included):
  // recorded once, never derived from the current status.
  `alter table applications add column reached_ministry_at timestamptz`,
  `update applications a set reached_ministry_at = (
     select min(e.created_at) from audit_events e
     where e.entity_type = 'application' and e.entity_id = a.id::text and e.action = 'application.forward')`,
  `update applications set reached_ministry_at = updated_at
     where reached_ministry_at is null and status in ('forwarded', 'in_ministry_review', 'returned_to_province', 'recognised', 'revoked')`,
  // The revocation is its own decision, with its own number, date and (public) reason.
  `alter table applications add column revocation_number text`,
  `alter table applications add column revocation_date text`,
  `alter table applications add column revocation_reason text`,
  `update applications set revocation_reason = decision_note where status = 'revoked'`,
  // A reopened part the enterprise has saved again since the request (the task list stops saying "needs changes").
  `alter table change_request_items add column addressed_at timestamptz`,
  // The national queue is now scoped by reached_ministry_at instead of a list of statuses.
  `create index applications_ministry_queue_due on applications (status, ${DUE}, id) where reached_ministry_at is not null`,
  `create index applications_ministry_due on applications (${DUE}, id) where reached_ministry_at is not null`,
  `drop index applications_national_queue_due`,
  `drop index applications_national_due`,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
