import { openDatabase } from "../app/lib/bootstrap.server.ts";
import { loadConfig } from "../app/lib/config.server.ts";

try {
  const handle = await openDatabase(loadConfig());
  console.log("Database is up to date.");
  await handle.close();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
