/**
 * Starts the portal for the end-to-end tests: wipes e2e/.run/data (a fresh embedded database every run),
 * then runs server.ts in this same process, so signals from Playwright reach its graceful shutdown.
 * All settings come from the environment that playwright.config.ts passes.
 */
import fs from "node:fs";
import { DATA_DIR } from "./env.ts";

fs.rmSync(DATA_DIR, { recursive: true, force: true });
fs.mkdirSync(DATA_DIR, { recursive: true });

await import("../server.ts");
