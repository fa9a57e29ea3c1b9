import { sql } from "kysely";
import { openPostgres } from "~/platform/db/db.server.ts";

export const LOCAL_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test";

export const NO_POSTGRES =
  "needs a PostgreSQL server: set DATABASE_URL, or run one on 127.0.0.1:5432 (user postgres, trust auth, database test)";

/** DATABASE_URL when set, otherwise the local test server if it answers within a second, otherwise undefined. */
export async function postgresForTests(): Promise<string | undefined> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const probe = await openPostgres(LOCAL_POSTGRES_URL, { max: 1, timeouts: { connectMs: 1000, queryMs: 1000 } });
  try {
    await sql`select 1`.execute(probe.db);
    return LOCAL_POSTGRES_URL;
  } catch {
    return undefined;
  } finally {
    await probe.close();
  }
}
