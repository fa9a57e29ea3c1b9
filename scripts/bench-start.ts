/**
 * `npm run bench:start`: how long `npm start` takes to answer /healthz on a fresh checkout (no build, no database:
 * build, initdb, migrations, reference and demo data) and on the second start (nothing to build, database there).
 * Targets (issue 9): first start ≤ 15 s, second ≤ 3 s. The checkout is a copy of the committed files in a temporary
 * folder, with this project's node_modules linked in.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-start-"));
for (const file of execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean)) {
  const from = path.join(root, file);
  if (!fs.existsSync(from)) continue;
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.copyFileSync(from, path.join(dir, file));
}
fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function timedStart(): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child: ChildProcess = spawn("npm", ["start"], { cwd: dir, env: { ...process.env, PORT: String(port) }, stdio: "ignore", detached: true });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      if (ok) return (performance.now() - started) / 1000;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    process.kill(-child.pid!, "SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

try {
  const first = await timedStart();
  const second = await timedStart();
  console.log(`first start (fresh checkout): /healthz after ${first.toFixed(1)} s (target ≤ 15 s)`);
  console.log(`second start: /healthz after ${second.toFixed(1)} s (target ≤ 3 s)`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
