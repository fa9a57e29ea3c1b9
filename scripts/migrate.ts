import { migrateAsOwner } from "../app/server/bootstrap.server.ts";
import { loadConfig } from "../app/platform/config.server.ts";

// Runs as the owner role: MIGRATION_DATABASE_URL when set (then DATABASE_URL names the runtime role to grant).
try {
  const result = await migrateAsOwner(loadConfig());
  console.log(result.applied.length > 0 ? `Applied: ${result.applied.join(", ")}` : "No migration was pending.");
  if (result.runtimeRole)
    console.log(`Runtime role "${result.runtimeRole.name}" ${result.runtimeRole.created ? "created and " : ""}granted (audit_events: select, insert).`);
  console.log("Database is up to date.");
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
