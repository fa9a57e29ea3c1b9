import assert from "node:assert/strict";
import { sourceEntries } from "../scripts/build.ts";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { sql } from "kysely";
import { openPglite } from "~/platform/db/db.server.ts";

function env(dataDir: string, port: number): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), NODE_ENV: "production", LOG_LEVEL: "warn" };
  delete e.DATABASE_URL;
  delete e.SMTP_URL;
  delete e.HOST;
  delete e.PORTAL_MODE;
  return e;
}

async function waitFor(url: string, ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not answer`);
}

// The embedded database belongs to one process: a command against a running server must fail loudly,
// and SIGTERM must stop the server cleanly so the command then works. The server is the compiled one (npm run build).
test("one process per embedded database; SIGTERM drains and releases it; user:create and audit:verify work; npm start again does not rebuild", { timeout: 240_000 }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-proc-"));
  const port = 3900 + Math.floor(Math.random() * 90);
  const server = spawn(process.execPath, ["build/server.js"], { env: env(dataDir, port), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  server.stdout.on("data", (d) => (output += d));
  server.stderr.on("data", (d) => (output += d));
  try {
    await waitFor(`http://127.0.0.1:${port}/healthz`, 90_000);
    assert.match(output, /doanhnghiep@demo\.nentangso\.vn/, "demo accounts are printed");
    assert.match(output, /DEMO MODE, not for production/, "the start says it is a demo");
    assert.match(output, new RegExp(`Listening on 127\\.0\\.0\\.1:${port} \\(this machine only\\)`));
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && !i.internal && i.family === "IPv4")?.address;
    if (external) assert.equal(await connects(external, port), false, `the demo is not reachable on ${external}`);
    const args = ["--import", "tsx", "scripts/user-create.ts", "--email", "canbo@so.gov.vn", "--name", "Cán bộ", "--role", "province_reviewer", "--province", "01", "--password", "mat khau that dai"];
    const locked = spawnSync(process.execPath, args, { env: env(dataDir, port), encoding: "utf8" });
    assert.notEqual(locked.status, 0);
    assert.match(locked.stderr, /already open in process/);

    const exited = new Promise<number | null>((resolve) => server.on("exit", (code) => resolve(code)));
    server.kill("SIGTERM");
    assert.equal(await exited, 0);

    const created = spawnSync(process.execPath, args, { env: env(dataDir, port), encoding: "utf8" });
    assert.equal(created.status, 0, created.stderr);
    assert.match(created.stdout, /Created province_reviewer canbo@so\.gov\.vn/);
    const bad = spawnSync(process.execPath, ["--import", "tsx", "scripts/user-create.ts", "--email", "x@y.vn", "--role", "boss"], { env: env(dataDir, port), encoding: "utf8" });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--role is not valid/);

    // The demo's audit trail (seeded through the real workflow) verifies; an event edited by the owner does not.
    const verify = () => spawnSync(process.execPath, ["--import", "tsx", "scripts/audit-verify.ts"], { env: env(dataDir, port), encoding: "utf8" });
    const intact = verify();
    assert.equal(intact.status, 0, intact.stderr);
    assert.match(intact.stdout, /Audit chain intact: \d+ events\. Head: \d+:[0-9a-f]{64}/);
    const pglite = await openPglite(path.join(dataDir, "pglite"));
    await pglite.db.transaction().execute(async (trx) => {
      await sql`alter table audit_events disable trigger audit_events_no_update`.execute(trx);
      await sql`update audit_events set reason = 'rewritten' where id = (select min(id) + 1 from audit_events)`.execute(trx);
      await sql`alter table audit_events enable trigger audit_events_no_update`.execute(trx);
    });
    await pglite.close();
    const tampered = verify();
    assert.equal(tampered.status, 1);
    assert.match(tampered.stderr, /Audit chain BROKEN at link 2: event \d+ \(link 2\) was changed after it was recorded/);

    // The README's start on an existing database with the build up to date: no rebuild (the slow part), the same build.
    const buildInfo = fs.statSync("build/build-info.json").mtimeMs;
    const sourcesBefore = new Set(sourceEntries("."));
    const again = spawn("npm", ["start"], { env: env(dataDir, port), stdio: ["ignore", "pipe", "pipe"], detached: true });
    let againOutput = "";
    again.stdout.on("data", (d) => (againOutput += d));
    again.stderr.on("data", (d) => (againOutput += d));
    try {
      await waitFor(`http://127.0.0.1:${port}/healthz`, 30_000);
      // Another test file running beside this one may touch a source meanwhile; then a rebuild is right. Otherwise not.
      const changed = sourceEntries(".").filter((line) => !sourcesBefore.has(line));
      if (changed.length === 0) {
        assert.doesNotMatch(againOutput, /Building|building/);
        assert.equal(fs.statSync("build/build-info.json").mtimeMs, buildInfo, "the build was not rewritten");
      } else console.log(`sources changed during the test (${changed.slice(0, 5).join(", ")}): the second start rebuilt, as it should`);
      assert.match(againOutput, /DEMO MODE, not for production/);
      assert.match(againOutput, /doanhnghiep@demo\.nentangso\.vn/);
    } finally {
      const stopped = new Promise((resolve) => again.on("exit", resolve));
      process.kill(-again.pid!, "SIGTERM");
      await stopped;
    }
  } finally {
    server.kill("SIGKILL");
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

test("a production start without SMTP_URL, or with demo seeding, stops with a clear message", () => {
  const production: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", DATABASE_URL: "postgres://portal_app@127.0.0.1:1/unused", LOG_LEVEL: "warn" };
  delete production.SMTP_URL;
  delete production.SEED_DEMO;
  delete production.PORTAL_MODE;
  const noSmtp = spawnSync(process.execPath, ["build/server.js"], { env: production, encoding: "utf8" });
  assert.equal(noSmtp.status, 1);
  assert.match(noSmtp.stderr, /Refusing to start in production mode/);
  assert.match(noSmtp.stderr, /SMTP_URL is required/);
  const seeded = spawnSync(process.execPath, ["build/server.js"], {
    env: { ...production, SMTP_URL: "smtp://127.0.0.1:1", SEED_DEMO: "1" },
    encoding: "utf8",
  });
  assert.equal(seeded.status, 1);
  assert.match(seeded.stderr, /SEED_DEMO: demo seeding creates accounts with a published password/);
});

test("invalid configuration stops start-up with a clear message", () => {
  const r = spawnSync(process.execPath, ["build/server.js"], {
    env: { ...process.env, PORT: "not-a-port", DATABASE_URL: "mysql://nope" },
    encoding: "utf8",
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /PORT/);
  assert.match(r.stderr, /DATABASE_URL must start with postgres/);
});
