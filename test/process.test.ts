import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";

function env(dataDir: string, port: number): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), NODE_ENV: "production", LOG_LEVEL: "warn" };
  delete e.DATABASE_URL;
  delete e.SMTP_URL;
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
// and SIGTERM must stop the server cleanly so the command then works.
test("one process per embedded database; SIGTERM drains and releases it; user:create works", { timeout: 120_000 }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-proc-"));
  const port = 3900 + Math.floor(Math.random() * 90);
  const server = spawn(process.execPath, ["--import", "tsx", "server.ts"], { env: env(dataDir, port), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  server.stdout.on("data", (d) => (output += d));
  server.stderr.on("data", (d) => (output += d));
  try {
    await waitFor(`http://127.0.0.1:${port}/healthz`, 90_000);
    assert.match(output, /doanhnghiep@demo\.nentangso\.vn/, "demo accounts are printed");
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
  } finally {
    server.kill("SIGKILL");
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test("invalid configuration stops start-up with a clear message", () => {
  const r = spawnSync(process.execPath, ["--import", "tsx", "server.ts"], {
    env: { ...process.env, PORT: "not-a-port", DATABASE_URL: "mysql://nope" },
    encoding: "utf8",
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /PORT/);
  assert.match(r.stderr, /DATABASE_URL must start with postgres/);
});
