import { sql, type Kysely } from "kysely";

// PGlite runs one statement per query through Kysely, so each statement is its own entry.
const statements = [
  `create table enterprises (
    id uuid primary key default gen_random_uuid(),
    tax_code text not null unique check (tax_code ~ '^[0-9]{10}(-[0-9]{3})?$'),
    legal_name text not null,
    english_name text,
    province_code text not null references provinces(code),
    address text not null,
    representative_name text not null,
    representative_title text not null,
    phone text not null check (phone ~ '^\\+84[0-9]{9,10}$'),
    website text,
    created_by uuid references users(id),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create table enterprise_members (
    enterprise_id uuid not null references enterprises(id),
    user_id uuid not null unique references users(id),
    role text not null check (role in ('owner', 'member')),
    created_at timestamptz not null default now(),
    primary key (enterprise_id, user_id)
  )`,
  `create table enterprise_invitations (
    id int generated always as identity primary key,
    enterprise_id uuid not null references enterprises(id),
    email text not null,
    role text not null check (role in ('owner', 'member')),
    token_hash text not null unique,
    invited_by uuid not null references users(id),
    expires_at timestamptz not null,
    accepted_at timestamptz,
    accepted_by uuid references users(id),
    created_at timestamptz not null default now()
  )`,
  `create table applications (
    id uuid primary key default gen_random_uuid(),
    enterprise_id uuid not null references enterprises(id),
    criteria_set_id int not null references criteria_sets(id),
    status text not null default 'draft' check (status in (
      'draft', 'submitted', 'in_provincial_review', 'changes_requested', 'resubmitted', 'forwarded',
      'in_ministry_review', 'returned_to_province', 'recognised', 'rejected', 'withdrawn', 'revoked')),
    lock_version int not null default 0,
    province_code text references provinces(code),
    reference text unique,
    platform_name text not null default '',
    platform_url text not null default '',
    answers jsonb not null default '{}',
    reopened jsonb not null default '[]',
    current_version int not null default 0,
    assigned_to uuid references users(id),
    due_at timestamptz,
    created_by uuid not null references users(id),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    submitted_at timestamptz,
    decided_at timestamptz
  )`,
  `create index applications_enterprise on applications (enterprise_id, created_at desc)`,
  `create table application_versions (
    application_id uuid not null references applications(id),
    version int not null,
    answers jsonb not null,
    attachment_ids jsonb not null,
    submitted_by uuid not null references users(id),
    submitted_at timestamptz not null default now(),
    primary key (application_id, version)
  )`,
  `create table attachments (
    id uuid primary key default gen_random_uuid(),
    application_id uuid not null references applications(id),
    slot text not null,
    file_name text not null,
    content_type text not null,
    size_bytes int not null check (size_bytes > 0),
    sha256 text not null,
    content bytea not null,
    uploaded_by uuid not null references users(id),
    created_at timestamptz not null default now(),
    frozen boolean not null default false,
    deleted_at timestamptz
  )`,
  `create index attachments_application on attachments (application_id) where deleted_at is null`,
  `create table reference_counters (
    province_code text not null,
    day text not null,
    last_value int not null,
    primary key (province_code, day)
  )`,
  `create table change_requests (
    id int generated always as identity primary key,
    application_id uuid not null references applications(id),
    version int not null,
    requested_by uuid not null references users(id),
    message text not null default '',
    reply_by text not null check (reply_by ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
    created_at timestamptz not null default now(),
    resolved_at timestamptz
  )`,
  `create table change_request_items (
    change_request_id int not null references change_requests(id),
    target text not null,
    note text not null,
    primary key (change_request_id, target)
  )`,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
