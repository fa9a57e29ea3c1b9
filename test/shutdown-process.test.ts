import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { sql } from "kysely";
import { openPostgres } from "~/platform/db/db.server.ts";
import { NO_POSTGRES, postgresForTests } from "./helpers/postgres.ts";

// One real server.ts on PostgreSQL (a schema of its own, through search_path in DATABASE_URL), started once and
// stopped with SIGTERM while a request is in flight. The embedded database would cost an initdb and the demo seeding.
const PG = await postgresForTests();

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", PORTAL_MODE: "demo", LOG_LEVEL: "info", ...extra };
  delete e.SMTP_URL;
  delete e.HOST;
  delete e.SEED_DEMO;
  delete e.MIGRATION_DATABASE_URL;
  return e;
}

interface Run {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

function start(extra: Record<string, string>): Run {
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], { env: env(extra), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exited };
}

async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** An HTTP/1.1 conversation on one socket we control: what came back so far, and whether the server closed it. */
function rawSocket(port: number) {
  const socket = net.connect(port, "127.0.0.1");
  const state = { data: "", closed: false, error: undefined as string | undefined };
  socket.setEncoding("utf8");
  socket.on("data", (d: string) => (state.data += d));
  socket.on("error", (e: NodeJS.ErrnoException) => (state.error = e.code));
  socket.on("close", () => (state.closed = true));
  return { socket, state };
}

/** One request on a new connection; resolves with the status line, headers and body, or the connection error code. */
function once(port: number, path: string): Promise<{ status?: number; head: string; body: string; error?: string }> {
  return new Promise((resolve) => {
    const { socket, state } = rawSocket(port);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    socket.on("close", () => {
      const [head = "", body = ""] = state.data.split("\r\n\r\n");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]) || undefined;
      resolve({ status, head, body, error: state.error });
    });
  });
}

test("SIGTERM: /readyz 503 at once, accepting during the grace, then refusing; the request in flight completes; exit 0", { skip: PG ? false : NO_POSTGRES, timeout: 120_000 }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-stop-"));
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const admin = await openPostgres(PG!, { max: 1 });
  await sql.raw(`create schema ${schema}`).execute(admin.db);
  const url = new URL(PG!);
  url.searchParams.set("options", `-c search_path=${schema}`);

  // Meanwhile, a start against a database that is not there: one line, exit 1.
  const unreachable = start({ DATABASE_URL: "postgres://portal@127.0.0.1:1/portal", PORT: "0", DATA_DIR: dataDir });
  const server = start({ DATABASE_URL: url.toString(), PORT: "0", DATA_DIR: dataDir, SHUTDOWN_GRACE_MS: "2000", SHUTDOWN_TIMEOUT_MS: "15000" });
  try {
    assert.equal(await unreachable.exited, 1);
    assert.match(unreachable.err(), /^Cannot start: the database at 127\.0\.0\.1:1\/portal cannot be reached \(.*ECONNREFUSED.*\)\. Check DATABASE_URL/);
    assert.equal(unreachable.err().trim().split("\n").length, 1, `one line: ${unreachable.err()}`);

    const port = Number(await until("the server to listen", () => /Listening on 127\.0\.0\.1:(\d+)/.exec(server.out())?.[1], 90_000));

    // A second start on the same port: one line, exit 1.
    const second = start({ DATABASE_URL: url.toString(), PORT: String(port), DATA_DIR: dataDir });
    assert.equal(await second.exited, 1);
    assert.equal(second.err().trim(), `Cannot start: port 127.0.0.1:${port} is already in use (another portal or program is listening there). Stop it, or set PORT to a free port.`);

    assert.equal((await once(port, "/readyz")).status, 200, "ready before the signal");

    // An idle keep-alive connection, and a form post whose body has not all arrived.
    const idle = rawSocket(port);
    idle.socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    await until("the keep-alive answer", () => (idle.state.data.includes('{"status":"ok"}') ? true : undefined));
    const body = "email=nguoi.dung%40example.vn";
    const slow = rawSocket(port);
    slow.socket.write(
      "POST /forgot-password HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
        `Content-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`,
    );
    await until("the server to take the request", () => (slow.state.data.includes("100 Continue") ? true : undefined));
    slow.socket.write(body.slice(0, 10));

    server.child.kill("SIGTERM");
    const notReady = await until("/readyz to say not ready", async () => {
      const r = await once(port, "/readyz");
      return r.status === 503 ? r : undefined;
    });
    assert.deepEqual(JSON.parse(notReady.body), { status: "shutting-down" });
    assert.match(notReady.head, /\r\nConnection: close/i, "answers during the drain close their connection");

    const refused = await until("new connections to be refused", async () => {
      const r = await once(port, "/healthz");
      return r.error === "ECONNREFUSED" ? r : undefined;
    });
    assert.equal(refused.error, "ECONNREFUSED");
    assert.equal(idle.state.closed, true, "the idle keep-alive connection was closed");
    assert.equal(slow.state.data.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, ""), "", "the request in flight is still waiting for its body");

    slow.socket.write(body.slice(10));
    await until("the answer to the request in flight", () => (slow.state.closed ? true : undefined), 15_000);
    const answer = slow.state.data.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, "");
    assert.match(answer, /^HTTP\/1\.1 302 /, "the form post completed");
    assert.match(answer, /\r\nLocation: \/forgot-password\?sent=nguoi\.dung%40example\.vn&receipt=[0-9a-f-]{36}\r\n/i);
    assert.match(answer, /\r\nConnection: close\r\n/i);

    assert.equal(await server.exited, 0, server.out() + server.err());
    const records = server
      .out()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { msg: string; signal?: string; inFlight?: number });
    const draining = records.find((r) => r.msg === "shutting down: not ready, draining");
    assert.equal(draining?.signal, "SIGTERM");
    assert.ok((draining?.inFlight ?? 0) >= 1, "the form post was in flight (a first /readyz poll may be too)");
    assert.ok(records.some((r) => r.msg === "stopped"));
  } finally {
    for (const run of [server, unreachable]) run.child.kill("SIGKILL");
    await sql.raw(`drop schema if exists ${schema} cascade`).execute(admin.db);
    await admin.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
