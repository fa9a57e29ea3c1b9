import { sql, type Kysely } from "kysely";

// The public catalogue searches accent-insensitively and sorts by name. Folding 10,000 descriptions per request with
// translate() costs ~0.7 s, so the folded text is a stored generated column (kept right by PostgreSQL on every update).
// A frozen copy of app/platform/db/search-text.ts: a migration must not change when app code does.
const ACCENTED = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ";
const FOLDED = "aaaaaaaaaaaaaaaaadeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyy";
const fold = (expr: string) => `translate(lower(normalize(${expr}, NFC)), '${ACCENTED}', '${FOLDED}')`;

// PGlite runs one statement per query through Kysely, so each statement is its own entry.
const statements = [
  `alter table applications add column catalogue_name text generated always as (${fold("platform_name")}) stored`,
  `alter table applications add column catalogue_text text generated always as (${fold(
    `platform_name || ' ' || coalesce(answers #>> '{platform,shortDescription}', '')`,
  )}) stored`,
  `create index applications_catalogue_name on applications (catalogue_name, id) where status = 'recognised'`,
  `create index applications_catalogue_newest on applications (decision_date desc, id) where status = 'recognised'`,
  `create index audit_application_actions on audit_events (action, created_at) where entity_type = 'application'`,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
