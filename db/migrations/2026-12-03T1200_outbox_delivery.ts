import { sql, type Kysely } from "kysely";

// The outbox after an outage and after a crash (docs/decisions/017).
const statements = [
  // The Message-ID of the message, random: ids derived from the row id repeat after a restore or on another database.
  `alter table outbox_emails add column message_id uuid not null default gen_random_uuid()`,
  `create unique index outbox_message_id on outbox_emails (message_id)`,
  // Which worker holds a row in 'sending': only that worker renews, settles or hands back its claim.
  `alter table outbox_emails add column claimed_by uuid`,
  `create index outbox_claimed on outbox_emails (claimed_by) where status = 'sending'`,
  // Deferred because the mail server could not be reached (not because of this message): due again as soon as any
  // send succeeds.
  `alter table outbox_emails add column waiting_for_server boolean not null default false`,
  `create index outbox_waiting on outbox_emails (next_attempt_at) where status = 'pending' and waiting_for_server`,
  // Past this a transient failure is final; an administrator's retry moves it on.
  `alter table outbox_emails add column give_up_at timestamptz not null default now() + interval '26 hours'`,
  `update outbox_emails set give_up_at = created_at + interval '26 hours'`,
  `create index outbox_failed on outbox_emails (id) where status = 'failed'`,
  // Its link's token was stored only sealed, and the sealed copy is erased once the message fails: such a message
  // cannot be sent again (the person asks for a new link).
  `alter table outbox_emails add column carries_link boolean not null default false`,
  `update outbox_emails set carries_link = true where sealed_body is not null or text_body ~ '[?&;]token=REMOVED'`,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
