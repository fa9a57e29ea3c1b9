import { sql, type Kysely } from "kysely";

// PGlite runs one statement per query through Kysely, so each statement is its own entry.
const statements = [
  `alter table applications add column search_text text not null default ''`,
  `alter table applications add column sector text`,
  `alter table applications add column sla_remaining_days int`,
  `alter table applications add column overdue_notified_for timestamptz`,
  `alter table applications add column due_soon_notified_for timestamptz`,
  `alter table applications add column province_recommendation text`,
  `alter table applications add column province_summary text`,
  `alter table applications add column decision_number text`,
  `alter table applications add column decision_date text`,
  `alter table applications add column decision_reasons jsonb`,
  `alter table applications add column decision_note text`,
  `create index applications_province_queue on applications (province_code, status, due_at, id) where current_version > 0`,
  `create index applications_national_queue on applications (status, due_at, id) where status in ('forwarded', 'in_ministry_review', 'returned_to_province', 'recognised', 'rejected', 'revoked')`,
  `create index applications_assignee on applications (assigned_to, status) where assigned_to is not null`,
  `create table criterion_verdicts (
    application_id uuid not null references applications(id),
    stage text not null check (stage in ('province', 'ministry')),
    criterion_key text not null,
    verdict text not null check (verdict in ('met', 'not_met', 'needs_information')),
    note text not null default '',
    version int not null,
    reviewer_id uuid not null references users(id),
    updated_at timestamptz not null default now(),
    primary key (application_id, stage, criterion_key)
  )`,
  `create table internal_notes (
    id int generated always as identity primary key,
    application_id uuid not null references applications(id),
    author_id uuid not null references users(id),
    body text not null,
    created_at timestamptz not null default now()
  )`,
  `create index internal_notes_application on internal_notes (application_id, id)`,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
