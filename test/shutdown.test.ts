import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import pino from "pino";
import { installCrashHandlers, startupFailureLine } from "~/platform/ops/process-guards.server.ts";
import { GracefulShutdown, shutdownTimes } from "~/platform/ops/shutdown.server.ts";

// The signal path end to end (a real server.ts, SIGTERM, exit code) is in shutdown-process.test.ts; here the cases
// a child process would make slow: the bound, a second signal, the order of the steps.

function capture() {
  const records: Record<string, unknown>[] = [];
  const log = pino({ level: "debug" }, { write: (line: string) => void records.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, records };
}

function exitSpy() {
  let resolve!: (code: number) => void;
  const exited = new Promise<number>((r) => (resolve = r));
  return { exit: (code: number) => resolve(code), exited };
}

async function serve(handler: http.RequestListener): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, port: (server.address() as AddressInfo).port };
}

test("defaults: a demo stops at once, production gives the load balancer 5 s; both can be set", () => {
  assert.deepEqual(shutdownTimes({ isProduction: false, SHUTDOWN_GRACE_MS: undefined, SHUTDOWN_TIMEOUT_MS: undefined }), { graceMs: 0, timeoutMs: 20_000 });
  assert.deepEqual(shutdownTimes({ isProduction: true, SHUTDOWN_GRACE_MS: undefined, SHUTDOWN_TIMEOUT_MS: undefined }), { graceMs: 5_000, timeoutMs: 20_000 });
  assert.deepEqual(shutdownTimes({ isProduction: true, SHUTDOWN_GRACE_MS: 0, SHUTDOWN_TIMEOUT_MS: 3_000 }), { graceMs: 0, timeoutMs: 3_000 });
});

test("the worker stops from the signal on, the database closes last; a request that never ends gives exit 1 at the bound", async () => {
  const steps: string[] = [];
  const { server, port } = await serve((req) => {
    steps.push(`request ${req.url}`);
  });
  const { log, records } = capture();
  const { exit, exited } = exitSpy();
  const shutdown = new GracefulShutdown({
    log,
    graceMs: 0,
    timeoutMs: 300,
    stopWorker: async () => void steps.push("worker stopped"),
    closeDatabase: async () => void steps.push("database closed"),
    exit,
  });
  shutdown.track(server);
  const hanging = fetch(`http://127.0.0.1:${port}/never`).catch((e: unknown) => e);
  while (!steps.includes("request /never")) await new Promise((r) => setTimeout(r, 5));

  void shutdown.run("SIGTERM");
  assert.equal(shutdown.draining, true, "not ready at once");
  assert.equal(await exited, 1);
  assert.ok(await hanging, "the hanging request was cut at the bound");
  assert.deepEqual(steps, ["request /never", "worker stopped"], "the database stays open while a request runs");
  const last = records.at(-1)!;
  assert.equal(last.level, 50);
  assert.match(String(last.msg), /did not finish within SHUTDOWN_GRACE_MS \+ SHUTDOWN_TIMEOUT_MS/);
  assert.equal(last.inFlight, 1);
});

test("a second signal during the drain exits 1 at once", async () => {
  const { log, records } = capture();
  const codes: number[] = [];
  const proc = new EventEmitter();
  const shutdown = new GracefulShutdown({ log, graceMs: 60_000, timeoutMs: 1_000, closeDatabase: async () => {}, exit: (c) => void codes.push(c) });
  shutdown.onSignals(proc as unknown as NodeJS.Process);
  proc.emit("SIGINT");
  assert.equal(shutdown.draining, true);
  assert.deepEqual(codes, []);
  proc.emit("SIGINT");
  assert.deepEqual(codes, [1]);
  assert.equal(records.at(-1)!.msg, "second signal during shutdown: exiting now");
});

test("an uncaught exception or rejection is one fatal JSON record, then exit 1", () => {
  const { log, records } = capture();
  const proc = Object.assign(new EventEmitter(), { exit: (code: number) => void codes.push(code) });
  const codes: number[] = [];
  installCrashHandlers(log, proc as unknown as NodeJS.Process);
  proc.emit("uncaughtException", new Error("boom"), "uncaughtException");
  proc.emit("unhandledRejection", new Error("lost"));
  assert.deepEqual(codes, [1, 1]);
  assert.deepEqual(
    records.map((r) => [r.level, r.msg, (r.err as { message: string }).message, typeof (r.err as { stack?: string }).stack]),
    [
      [60, "uncaught exception: exiting", "boom", "string"],
      [60, "unhandled promise rejection: exiting", "lost", "string"],
    ],
  );
});

test("start-up failures an operator fixes read as one line", () => {
  const inUse = Object.assign(new Error("listen EADDRINUSE: address already in use 127.0.0.1:3000"), {
    code: "EADDRINUSE",
    syscall: "listen",
    address: "127.0.0.1",
    port: 3000,
  });
  assert.equal(
    startupFailureLine(inUse),
    "Cannot start: port 127.0.0.1:3000 is already in use (another portal or program is listening there). Stop it, or set PORT to a free port.",
  );
  const refused = new AggregateError([Object.assign(new Error("connect ECONNREFUSED 10.0.0.5:5432"), { code: "ECONNREFUSED" })], "");
  const line = startupFailureLine(refused, { databaseUrl: "postgres://portal:secret@db.internal:5432/portal" })!;
  assert.match(line, /^Cannot start: the database at db\.internal:5432\/portal cannot be reached \(connect ECONNREFUSED 10\.0\.0\.5:5432\)/);
  assert.ok(!line.includes("secret"), "no password");
  const login = Object.assign(new Error("password authentication failed for user \"portal\""), { code: "28P01" });
  assert.match(startupFailureLine(login, { databaseUrl: "postgres://portal@db/portal" })!, /refused the login of DATABASE_URL/);
  assert.equal(startupFailureLine(new TypeError("a bug")), undefined, "a bug keeps its stack trace");
});
