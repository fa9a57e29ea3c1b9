/**
 * Starts the portal for the end-to-end tests: wipes e2e/.run/data (a fresh embedded database every run),
 * then runs the compiled server (build/server.js, from `npm run build`) in this same process, so signals from
 * Playwright reach its graceful shutdown.
 * All settings come from the environment that playwright.config.ts passes.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { DATA_DIR } from "./env.ts";

fs.rmSync(DATA_DIR, { recursive: true, force: true });
fs.mkdirSync(DATA_DIR, { recursive: true });

await import(pathToFileURL(path.resolve("build/server.js")).href);
