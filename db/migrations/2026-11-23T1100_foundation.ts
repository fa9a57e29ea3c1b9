import { sql, type Kysely } from "kysely";

// PGlite runs one statement per query through Kysely, so each statement is its own entry.
const statements = [
  `
    create table provinces (
        code text primary key check (code ~ '^[0-9]{2}$'),
        name_vi text not null,
        short_name_vi text not null,
        name_ascii text not null,
        kind text not null
      )
  `,
  `
    create table old_provinces (
        code text primary key check (code ~ '^[0-9]{2}$'),
        name_vi text not null,
        name_ascii text not null,
        successor_code text not null references provinces(code)
      )
  `,
  `
    create table pillars (
        code text primary key,
        name_vi text not null,
        name_en text not null,
        position int not null
      )
  `,
  `
    create table sectors (
        code text primary key,
        pillar_code text references pillars(code),
        name_vi text not null,
        name_en text not null,
        position int not null
      )
  `,
  `
    create table ownership_types (
        code text primary key,
        name_vi text not null,
        name_en text not null,
        position int not null
      )
  `,
  `
    create table criteria_sets (
        id int generated always as identity primary key,
        version text not null unique,
        title_vi text not null,
        title_en text not null,
        legal_basis text not null,
        effective_from text not null check (effective_from ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
        is_current boolean not null default false,
        created_at timestamptz not null default now()
      )
  `,
  `
    create unique index criteria_sets_one_current on criteria_sets (is_current) where is_current
  `,
  `
    create table criteria_groups (
        id int generated always as identity primary key,
        criteria_set_id int not null references criteria_sets(id),
        code text not null,
        position int not null,
        title_vi text not null,
        title_en text not null,
        unique (criteria_set_id, code)
      )
  `,
  `
    create table criteria_items (
        id int generated always as identity primary key,
        criteria_group_id int not null references criteria_groups(id),
        key text not null,
        position int not null,
        text_vi text not null,
        text_en text not null,
        evidence_vi text not null,
        evidence_en text not null,
        evidence_required boolean not null default true,
        sources jsonb not null default '[]',
        unique (criteria_group_id, key)
      )
  `,
  `
    create table users (
        id uuid primary key default gen_random_uuid(),
        email text not null,
        name text not null,
        password_hash text,
        role text not null check (role in ('enterprise', 'province_reviewer', 'ministry_reviewer', 'admin')),
        province_code text references provinces(code),
        locale text not null default 'vi' check (locale in ('vi', 'en')),
        status text not null default 'active' check (status in ('active', 'invited', 'deactivated')),
        email_verified_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        check ((role = 'province_reviewer') = (province_code is not null))
      )
  `,
  `
    create unique index users_email_key on users (lower(email))
  `,
  `
    create table sessions (
        id_hash text primary key,
        user_id uuid not null references users(id) on delete cascade,
        created_at timestamptz not null default now(),
        last_seen_at timestamptz not null default now(),
        expires_at timestamptz not null,
        ip text,
        user_agent text
      )
  `,
  `
    create index sessions_user_id on sessions (user_id)
  `,
  `
    create table user_tokens (
        id int generated always as identity primary key,
        user_id uuid not null references users(id) on delete cascade,
        purpose text not null check (purpose in ('verify_email', 'reset_password', 'invite')),
        token_hash text not null unique,
        expires_at timestamptz not null,
        used_at timestamptz,
        created_at timestamptz not null default now()
      )
  `,
  `
    create index user_tokens_user on user_tokens (user_id, purpose)
  `,
  `
    create table auth_throttle (
        key text primary key,
        failures int not null,
        last_failure_at timestamptz not null
      )
  `,
  `
    create table outbox_emails (
        id int generated always as identity primary key,
        to_address text not null,
        locale text not null check (locale in ('vi', 'en')),
        template text not null,
        subject text not null,
        text_body text not null,
        html_body text not null,
        status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed')),
        attempts int not null default 0,
        next_attempt_at timestamptz not null default now(),
        locked_until timestamptz,
        last_error text,
        created_at timestamptz not null default now(),
        sent_at timestamptz,
        user_id uuid references users(id),
        application_id uuid
      )
  `,
  `
    create index outbox_due on outbox_emails (next_attempt_at) where status in ('pending', 'sending')
  `,
  `
    create index outbox_application on outbox_emails (application_id) where application_id is not null
  `,
  `
    create table audit_events (
        id int generated always as identity primary key,
        actor_user_id uuid references users(id),
        actor_role text,
        province_code text,
        action text not null,
        entity_type text not null,
        entity_id text not null,
        from_state text,
        to_state text,
        reason text,
        data jsonb,
        request_id text,
        created_at timestamptz not null default now()
      )
  `,
  `
    create index audit_entity on audit_events (entity_type, entity_id, id)
  `,
  `
    create function audit_events_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_events is append-only';
      end;
      $$
  `,
  `
    create trigger audit_events_no_update before update or delete on audit_events
        for each row execute function audit_events_append_only()
  `,
  `
    create trigger audit_events_no_truncate before truncate on audit_events
        for each statement execute function audit_events_append_only()
  `,
  `
    create table settings (
        key text primary key,
        value jsonb not null,
        updated_at timestamptz not null default now()
      )
  `,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
