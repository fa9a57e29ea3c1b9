import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Settings shared by playwright.config.ts, the SMTP sink, the app launcher and the specs.
 * The config is evaluated in the runner and in every worker, so nothing here may be random.
 */
export const E2E_DIR = path.dirname(fileURLToPath(import.meta.url));
export const ROOT_DIR = path.resolve(E2E_DIR, "..");
/** Mail and database of the run; E2E_RUN_DIR moves them (e.g. to run two suites side by side with other ports). */
export const RUN_DIR = process.env.E2E_RUN_DIR ? path.resolve(process.env.E2E_RUN_DIR) : path.join(E2E_DIR, ".run");
export const MAIL_DIR = path.join(RUN_DIR, "mail");
export const DATA_DIR = path.join(RUN_DIR, "data");

export const PORT = Number(process.env.E2E_PORT ?? 3210);
export const SMTP_PORT = Number(process.env.E2E_SMTP_PORT ?? 2526);
export const BASE_URL = `http://localhost:${PORT}`;
