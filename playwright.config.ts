import { defineConfig, devices } from "@playwright/test";
import { BASE_URL, DATA_DIR, PORT, SMTP_PORT } from "./e2e/env.ts";

/**
 * End-to-end tests: `npm run test:e2e` (= `npm run build && playwright test`).
 * Ports are fixed (this file is evaluated in the runner and in every worker) and can be overridden with
 * E2E_PORT and E2E_SMTP_PORT. The browser is Debian's headless Chromium (/usr/bin/chromium-headless-shell, package
 * chromium-headless-shell: a third less CPU than the full browser for the same run) unless CHROMIUM_PATH says otherwise.
 */
export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: true,
  forbidOnly: true,
  retries: 0,
  workers: Number(process.env.E2E_WORKERS ?? 2),
  reporter: "list",
  // Safety nets, not measures: npm test runs the unit tests beside these, so a step may take a few times longer.
  timeout: 60_000,
  expect: { timeout: 15_000 },
  use: {
    ...devices["Desktop Chrome"],
    baseURL: BASE_URL,
    browserName: "chromium",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium-headless-shell",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: [
    {
      // Wipes e2e/.run/mail, then writes every email it receives there as JSON.
      command: "npx tsx e2e/smtp-sink.ts",
      port: SMTP_PORT,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      // Wipes e2e/.run/data, then runs build/server.js in demo mode (fresh embedded PGlite database, demo accounts seeded).
      command: "node --import tsx e2e/app-server.ts",
      url: `${BASE_URL}/healthz`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "ignore",
      stderr: "pipe",
      env: {
        NODE_ENV: "production",
        PORTAL_MODE: "demo",
        PORT: String(PORT),
        HOST: "127.0.0.1",
        DATA_DIR,
        SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}?ignoreTLS=true`,
        PUBLIC_URL: BASE_URL,
        LOG_LEVEL: "warn",
        DATABASE_URL: "",
        RUN_WORKER: "1",
        // Emails arrive within a fifth of a second: the journeys wait for many of them.
        OUTBOX_POLL_MS: "200",
      },
    },
  ],
});
