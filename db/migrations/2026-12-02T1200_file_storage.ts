import { sql, type Kysely } from "kysely";

// File bytes leave the attachments row (one bytea of up to 10 MiB, which PGlite had to hold whole in memory, twice)
// for 256 KiB chunks written while the upload streams in (docs/decisions/009-file-storage-in-chunks.md).
// A blob is "staged" from its first chunk until an attachment claims it; staged blobs of a request that never
// finished are swept. An attachment points at its blob; deleting the blob clears the pointer, and the two checks
// make the database itself refuse to lose the bytes of a live or submitted file, or to keep the bytes of a removed
// draft file.
const CHUNK = 256 * 1024;

const statements = [
  `create table file_blobs (
    id uuid primary key default gen_random_uuid(),
    staged boolean not null default true,
    created_at timestamptz not null default now()
  )`,
  `create index file_blobs_staged on file_blobs (created_at) where staged`,
  `create table file_chunks (
    blob_id uuid not null references file_blobs(id) on delete cascade,
    seq int not null check (seq >= 0),
    bytes bytea not null check (octet_length(bytes) between 1 and ${CHUNK}),
    primary key (blob_id, seq)
  )`,
  // Uploads are mostly compressed already (PDF, JPEG, PNG, OOXML): out of line, without a compression attempt.
  `alter table file_chunks alter column bytes set storage external`,
  // On a server, autovacuum makes deleted chunks' space reusable; by default it waits for 20 % of a table to be dead,
  // which for a large file table is gigabytes. (PGlite has no autovacuum: the app vacuums after deleting.)
  `alter table file_chunks set (autovacuum_vacuum_scale_factor = 0.01, toast.autovacuum_vacuum_scale_factor = 0.01)`,
  `alter table attachments add column blob_id uuid unique references file_blobs(id) on delete set null`,

  // Existing bytes move into chunks (the blob takes the attachment's id); those of removed draft files are dropped.
  `insert into file_blobs (id, staged, created_at) select id, false, created_at from attachments where deleted_at is null or frozen`,
  `insert into file_chunks (blob_id, seq, bytes)
     select a.id, s.seq, substring(a.content from s.seq * ${CHUNK} + 1 for ${CHUNK})
       from attachments a
       cross join lateral generate_series(0, (octet_length(a.content) - 1) / ${CHUNK}) as s(seq)
      where a.deleted_at is null or a.frozen`,
  `update attachments set blob_id = id where deleted_at is null or frozen`,
  // Clear the old values before dropping the column, so their space becomes reusable instead of staying in the rows.
  `alter table attachments alter column content drop not null`,
  `update attachments set content = null`,
  `alter table attachments drop column content`,

  `alter table attachments add constraint attachments_bytes_kept
     check (blob_id is not null or (deleted_at is not null and not frozen))`,
  `alter table attachments add constraint attachments_removed_draft_files_hold_no_bytes
     check (deleted_at is null or frozen or blob_id is null)`,
  // What an enterprise stores: every attachment that still has bytes, live or submitted.
  `create index attachments_stored on attachments (application_id) where blob_id is not null`,
  `create index applications_enterprise_drafts on applications (enterprise_id) where status = 'draft'`,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
