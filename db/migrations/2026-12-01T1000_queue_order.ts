import { sql, type Kysely } from "kysely";

// The queues sort by coalesce(due_at, far future), id. An index on due_at alone cannot serve that order, so every
// page sorted the whole view (10,000+ rows for a big province). These indexes hold the very expression the queries
// sort by (app/features/review/review.server.ts writes the same literal), so a page is an ordered index scan at any depth.
const DUE = `coalesce(due_at, '9999-12-31T00:00:00.000Z'::timestamptz)`;
const NATIONAL = `status in ('forwarded', 'in_ministry_review', 'returned_to_province', 'recognised', 'rejected', 'revoked')`;

const statements = [
  `create index applications_province_queue_due on applications (province_code, status, ${DUE}, id) where current_version > 0`,
  // Views that span several statuses (e.g. "forwarded or decided") walk the province's applications in due order.
  `create index applications_province_due on applications (province_code, ${DUE}, id) where current_version > 0`,
  `create index applications_national_queue_due on applications (status, ${DUE}, id) where ${NATIONAL}`,
  `create index applications_national_due on applications (${DUE}, id) where ${NATIONAL}`,
  `drop index applications_province_queue`,
  `drop index applications_national_queue`,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
