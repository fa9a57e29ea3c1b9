import { sql, type Kysely } from "kysely";

// One active application per platform of an enterprise: a second submission for the same (normalised) address, while
// one is under review or recognised, is refused. The statuses are ACTIVE_APPLICATION_STATUSES of app/features/application/workflow.ts
// as of this migration (test/schema-hygiene.test.ts compares them); drafts and ended applications are not counted.
// Should existing data hold such duplicates, this fails with PostgreSQL's "could not create unique index" naming the
// key: the operator withdraws one of the two before migrating.
const statement = `create unique index applications_one_active_per_platform on applications (enterprise_id, platform_url)
  where platform_url <> '' and status in ('submitted', 'in_provincial_review', 'changes_requested', 'resubmitted',
    'forwarded', 'in_ministry_review', 'returned_to_province', 'recognised')`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(statement).execute(db);
}
