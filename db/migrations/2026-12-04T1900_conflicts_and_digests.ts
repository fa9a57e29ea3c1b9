import { sql, type Kysely } from "kysely";

// Issue 12, two pieces of the reviewers' side.
// - conflict_declarations: before taking an application a reviewer declares that they have no conflict of interest
//   with its enterprise, or that they have one (with a reason). Every declaration is kept (and is an audit event); a
//   declared conflict blocks that reviewer from taking any application of that enterprise
//   (app/features/review/conflicts.server.ts).
// - users.new_application_notices: how a reviewer hears about new and resubmitted applications, each at once
//   ('immediate', what it always was) or in one daily email ('digest'). digest_items holds the notices waiting for
//   the day's email; the daily job (app/features/application/digest.server.ts) turns one reviewer's items into one
//   outbox email and marks them sent (outbox_email_id) in the same transaction.
const statements = [
  `alter table users add column new_application_notices text not null default 'immediate'
     check (new_application_notices in ('immediate', 'digest'))`,
  `create table conflict_declarations (
     id int generated always as identity primary key,
     user_id uuid not null references users (id),
     enterprise_id uuid not null references enterprises (id),
     application_id uuid not null references applications (id),
     stage text not null check (stage in ('province', 'ministry')),
     has_conflict boolean not null,
     reason text not null default '' check (length(reason) <= 1000),
     created_at timestamptz not null default now(),
     check (not has_conflict or reason <> '')
   )`,
  `create index conflict_declarations_user_enterprise on conflict_declarations (user_id, enterprise_id) where has_conflict`,
  `create index conflict_declarations_user on conflict_declarations (user_id)`,
  `create index conflict_declarations_enterprise on conflict_declarations (enterprise_id)`,
  `create index conflict_declarations_application on conflict_declarations (application_id)`,
  // The review pages show a declared conflict (no take form, colleagues left out of the assign list): cached pages of
  // the enterprise's provinces are stale after one (decision 025). Its audit event bumps the application's province
  // too; this covers every page of the enterprise's applications.
  `create trigger conflict_declarations_data_versions after insert on conflict_declarations
     referencing new table as new_rows for each statement execute function data_versions_of_enterprise()`,
  `create table digest_items (
     id int generated always as identity primary key,
     user_id uuid not null references users (id),
     application_id uuid not null references applications (id),
     template text not null,
     path text not null,
     created_at timestamptz not null,
     sent_at timestamptz,
     outbox_email_id int references outbox_emails (id)
   )`,
  `create index digest_items_pending on digest_items (user_id, created_at) where sent_at is null`,
  `create index digest_items_user on digest_items (user_id)`,
  `create index digest_items_application on digest_items (application_id)`,
  `create index digest_items_outbox on digest_items (outbox_email_id)`,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
