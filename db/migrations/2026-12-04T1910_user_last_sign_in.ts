import { sql, type Kysely } from "kysely";

// When each account last finished signing in (password, and the second factor for staff): the admin's user list
// filters on it. Sessions cannot tell, since signing out deletes them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table users add column last_sign_in_at timestamptz`.execute(db);
  await sql`create index users_by_role_email on users (role, lower(email))`.execute(db);
}
