import { sql, type Kysely } from "kysely";

// An enterprise's claim of a tax code is unverified until its province verifies it (docs/decisions/010). Several
// enterprise records may name one tax code: at most one "holds" it (unverified, verified or not verified); later
// claimants are "disputed" until the province decides, and the one that loses is "refused".
const HOLDING = `('unverified', 'verified', 'not_verified')`;

// PGlite runs one statement per query through Kysely, so each statement is its own entry.
const statements = [
  `alter table enterprises add column verification_status text not null default 'unverified'
    check (verification_status in ('unverified', 'verified', 'not_verified', 'disputed', 'refused'))`,
  `alter table enterprises add column verification_reason text`,
  `alter table enterprises add column verification_decided_at timestamptz`,
  `alter table enterprises add column verification_decided_by uuid references users(id)`,
  `alter table enterprises add column verification_province_code text references provinces(code)`,
  `alter table enterprises drop constraint enterprises_tax_code_key`,
  `create unique index enterprises_tax_code_holder on enterprises (tax_code) where verification_status in ${HOLDING}`,
  `create index enterprises_tax_code on enterprises (tax_code)`,
  // Enterprises already past a provincial review were checked by that province (the certificate was a required
  // document): they stay in the catalogue.
  `update enterprises set verification_status = 'verified', verification_decided_at = now(),
      verification_province_code = province_code
    where exists (select 1 from applications a where a.enterprise_id = enterprises.id
      and (a.status in ('forwarded', 'in_ministry_review', 'returned_to_province', 'recognised', 'revoked')
        or (a.status = 'withdrawn' and a.decision_number is not null)))`,
  `create table enterprise_documents (
    id uuid primary key default gen_random_uuid(),
    enterprise_id uuid not null references enterprises(id),
    kind text not null check (kind in ('business_registration')),
    file_name text not null,
    content_type text not null,
    size_bytes int not null check (size_bytes > 0),
    sha256 text not null,
    blob_id uuid not null unique references file_blobs(id),
    uploaded_by uuid not null references users(id),
    created_at timestamptz not null default now()
  )`,
  `create index enterprise_documents_enterprise on enterprise_documents (enterprise_id)`,
  `create table tax_code_disputes (
    id uuid primary key default gen_random_uuid(),
    tax_code text not null,
    province_code text not null references provinces(code),
    claimant_enterprise_id uuid not null unique references enterprises(id),
    holder_enterprise_id uuid not null references enterprises(id),
    statement text not null,
    evidence_document_id uuid not null references enterprise_documents(id),
    filed_by uuid not null references users(id),
    created_at timestamptz not null default now(),
    resolved_at timestamptz,
    resolved_by uuid references users(id),
    winner_enterprise_id uuid references enterprises(id),
    resolution_reason text,
    check ((resolved_at is null) = (winner_enterprise_id is null))
  )`,
  `create index tax_code_disputes_open on tax_code_disputes (province_code, created_at) where resolved_at is null`,
  `create index tax_code_disputes_tax_code on tax_code_disputes (tax_code)`,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
