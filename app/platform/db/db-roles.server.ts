import { sql } from "kysely";
import type { DB } from "./db.server.ts";

/**
 * What the web process's role may do per table (docs/decisions/007-audit-roles-and-hash-chain.md): the audit trail
 * only grows, the chain is written by the owner's trigger, the schema's history is read-only. Every other table:
 * select, insert, update, delete (never truncate, references or trigger).
 */
const RUNTIME_TABLE_PRIVILEGES: Record<string, string> = {
  audit_events: "select, insert",
  audit_chain: "select",
  audit_chain_head: "select",
  kysely_migration: "select",
  kysely_migration_lock: "select",
};
const DEFAULT_PRIVILEGES = "select, insert, update, delete";

export class RuntimeRoleError extends Error {}

/** Creates the login role if it does not exist yet (needs CREATEROLE). Returns whether it was created. */
export async function ensureRuntimeRole(owner: DB, role: string, password: string | undefined): Promise<boolean> {
  const exists = await sql<{ n: number }>`select 1 as n from pg_roles where rolname = ${role}`.execute(owner);
  if (exists.rows.length > 0) return false;
  const statement = await sql<{ s: string }>`select ${
    password ? sql`format('create role %I login password %L', ${role}::text, ${password}::text)` : sql`format('create role %I login', ${role}::text)`
  } as s`.execute(owner);
  try {
    await sql.raw(statement.rows[0]!.s).execute(owner);
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === "42710") return false; // created meanwhile by a parallel run
    if ((e as { code?: string }).code === "42501")
      throw new RuntimeRoleError(
        `The owner role may not create the runtime role "${role}". Create it once as a superuser ` +
          `(CREATE ROLE "${role}" LOGIN PASSWORD '…'), then run npm run db:migrate again.`,
      );
    throw e;
  }
}

/** (Re)grants the runtime role exactly its privileges on every table of the current schema. Run as the owner after migrating. */
export async function grantRuntimeRole(owner: DB, role: string): Promise<void> {
  await owner.transaction().execute(async (trx) => {
    // Concurrent GRANTs on one object fail with "tuple concurrently updated": one start-up at a time.
    await sql`select pg_advisory_xact_lock(hashtext('nentangso.grant-runtime-role'))`.execute(trx);
    const schema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(trx)).rows[0]!.schema;
    const { rows } = await sql<{ table: string }>`select tablename as table from pg_tables where schemaname = ${schema} order by tablename`.execute(trx);
    const r = sql.id(role);
    await sql`grant usage on schema ${sql.id(schema)} to ${r}`.execute(trx);
    await sql`revoke all on all tables in schema ${sql.id(schema)} from ${r}`.execute(trx);
    for (const { table } of rows) {
      const privileges = RUNTIME_TABLE_PRIVILEGES[table] ?? DEFAULT_PRIVILEGES;
      await sql`grant ${sql.raw(privileges)} on table ${sql.id(schema, table)} to ${r}`.execute(trx);
    }
    await sql`revoke all on all sequences in schema ${sql.id(schema)} from ${r}`.execute(trx);
    await sql`grant usage, select on all sequences in schema ${sql.id(schema)} to ${r}`.execute(trx);
  });
}

/**
 * A production web process must not be able to rewrite the audit trail: refuses a superuser, the owner of
 * audit_events (or a member of it) and any role with UPDATE, DELETE or TRUNCATE on it.
 */
export async function assertLimitedRuntimeRole(db: DB): Promise<void> {
  const { rows } = await sql<{ role: string; superuser: boolean; owner: boolean; rewrite: boolean }>`
    select current_user as role,
      r.rolsuper as superuser,
      pg_has_role(current_user, c.relowner, 'USAGE') as owner,
      has_table_privilege(c.oid, 'UPDATE') or has_table_privilege(c.oid, 'DELETE') or has_table_privilege(c.oid, 'TRUNCATE') as rewrite
    from pg_roles r, pg_class c
    where r.rolname = current_user and c.oid = 'audit_events'::regclass
  `.execute(db);
  const row = rows[0];
  if (!row) throw new RuntimeRoleError("The audit_events table was not found: run npm run db:migrate first");
  const reasons = [
    row.superuser && "is a superuser",
    row.owner && "owns audit_events",
    !row.superuser && !row.owner && row.rewrite && "may update or delete audit_events",
  ].filter(Boolean);
  if (reasons.length > 0) {
    throw new RuntimeRoleError(
      `Refusing to start in production mode: DATABASE_URL connects as "${row.role}", which ${reasons.join(" and ")}, ` +
        `so the web process could rewrite the audit trail.\n` +
        `Run it as a runtime role: set MIGRATION_DATABASE_URL to the owner and DATABASE_URL to the runtime role ` +
        `(e.g. postgres://portal_app:…@host/db), then npm run db:migrate creates and grants it (README, "Database roles").`,
    );
  }
}
