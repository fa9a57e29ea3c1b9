/**
 * The PostgreSQL extensions the migrations create (db/migrations/2026-12-04T1000_flat_queues.ts: pg_trgm, whose index
 * serves the queues' search). PGlite ships them as separate bundles that must be registered every time a database is
 * opened, not only when it is created: a data directory with pg_trgm installed, opened without it, fails on every write
 * to applications ("could not access file pg_trgm"). Every PGlite.create in the project passes these.
 */
export async function pgliteExtensions() {
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  return { pg_trgm };
}
