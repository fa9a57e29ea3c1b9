import { sql, type Kysely } from "kysely";

// An index on every foreign key (test/schema-hygiene.test.ts finds any without one): without it each delete or key
// change on the parent, and each join or lookup by it, scans the child table. Mostly-empty columns get a partial index.
const indexes: [table: string, column: string, partial?: true][] = [
  ["application_versions", "submitted_by"],
  ["applications", "created_by"],
  ["applications", "criteria_set_id"],
  ["attachments", "uploaded_by"],
  ["audit_events", "actor_user_id", true],
  ["change_requests", "application_id"],
  ["change_requests", "requested_by"],
  ["criterion_verdicts", "reviewer_id"],
  ["enterprise_documents", "uploaded_by"],
  ["enterprise_invitations", "accepted_by", true],
  ["enterprise_invitations", "enterprise_id"],
  ["enterprise_invitations", "invited_by"],
  ["enterprises", "created_by"],
  ["enterprises", "province_code"],
  ["enterprises", "verification_decided_by", true],
  ["enterprises", "verification_province_code", true],
  ["internal_notes", "author_id"],
  ["old_provinces", "successor_code"],
  ["outbox_emails", "user_id", true],
  ["sectors", "pillar_code"],
  ["tax_code_disputes", "evidence_document_id", true],
  ["tax_code_disputes", "filed_by"],
  ["tax_code_disputes", "holder_enterprise_id"],
  ["tax_code_disputes", "resolved_by", true],
  ["tax_code_disputes", "winner_enterprise_id", true],
  ["users", "province_code", true],
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, column, partial] of indexes) {
    await sql.raw(`create index if not exists ${table}_${column}_fk on ${table} (${column})${partial ? ` where ${column} is not null` : ""}`).execute(db);
  }
}
