import { sql, type Kysely } from "kysely";

// Issue 8, items 7 and 8: a second factor for staff, sealed token emails, limits on outgoing account emails.
const statements = [
  // TOTP (RFC 6238). Secrets are sealed with the application key (app/platform/security/secret-box.server.ts), never stored plain.
  `
    create table user_totp (
        user_id uuid primary key references users(id) on delete cascade,
        secret_sealed text,
        pending_secret_sealed text,
        enabled_at timestamptz,
        last_used_step int,
        created_at timestamptz not null default now(),
        check ((enabled_at is null) = (secret_sealed is null))
      )
  `,
  `
    create table recovery_codes (
        id int generated always as identity primary key,
        user_id uuid not null references users(id) on delete cascade,
        code_hash text not null unique,
        used_at timestamptz,
        created_at timestamptz not null default now()
      )
  `,
  `create index recovery_codes_user on recovery_codes (user_id) where used_at is null`,
  // A staff session is "pending" between the password and the second factor: it opens no page but the next step.
  `alter table sessions add column second_factor_pending boolean not null default false`,
  `create index sessions_user on sessions (user_id)`,
  // Staff signed in before this migration did so without a second factor.
  `delete from sessions where user_id in (select id from users where role <> 'enterprise')`,
  // Fixed-window counters (limits on emails a visitor can make the portal send).
  `
    create table rate_limits (
        key text primary key,
        hits int not null,
        window_started_at timestamptz not null
      )
  `,
  // The full body of a message that carries a live link, sealed; text_body/html_body keep a copy without the token.
  `alter table outbox_emails add column sealed_body text`,
  // Links already stored in clear: remove their tokens. An unsent one would now go out with a dead link, so it fails
  // with a reason (the person asks again; the limits below allow it).
  `
    update outbox_emails
       set status = 'failed', locked_until = null,
           last_error = 'The link was removed from the stored message when tokens stopped being stored in clear; request a new one.'
     where status in ('pending', 'sending') and text_body ~ '[?&;]token=[A-Za-z0-9_%-]'
  `,
  `
    update outbox_emails
       set text_body = regexp_replace(text_body, '([?&;]token=)[A-Za-z0-9_%-]+', '\\1REMOVED', 'g'),
           html_body = regexp_replace(html_body, '([?&;]token=)[A-Za-z0-9_%-]+', '\\1REMOVED', 'g')
     where text_body ~ '[?&;]token=[A-Za-z0-9_%-]' or html_body ~ '[?&;]token=[A-Za-z0-9_%-]'
  `,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
