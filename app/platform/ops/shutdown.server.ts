import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Config } from "~/platform/config.server.ts";
import type { Lifecycle } from "./readiness.server.ts";

type Log = Pick<Logger, "info" | "warn" | "error">;

export interface ShutdownOptions {
  log: Log;
  /** After the signal, how long new connections are still accepted (with /readyz at 503) so a load balancer notices. */
  graceMs: number;
  /** After the grace, how long in-flight requests, the worker and the database may take before the process gives up. */
  timeoutMs: number;
  /** Stops the outbox worker (between messages); runs from the signal on, alongside the drain. */
  stopWorker?: () => Promise<void>;
  closeDatabase: () => Promise<void>;
  exit?: (code: number) => void;
}

/** Defaults: a demo stops at once; production waits 5 s for the load balancer, then has 20 s to finish. */
export function shutdownTimes(c: Pick<Config, "isProduction" | "SHUTDOWN_GRACE_MS" | "SHUTDOWN_TIMEOUT_MS">) {
  return { graceMs: c.SHUTDOWN_GRACE_MS ?? (c.isProduction ? 5_000 : 0), timeoutMs: c.SHUTDOWN_TIMEOUT_MS ?? 20_000 };
}

/**
 * SIGTERM/SIGINT: /readyz answers 503 at once; for `graceMs` connections are still accepted; then the listener
 * closes, in-flight requests finish (their responses carry `Connection: close`, so keep-alive clients move on), idle
 * connections are closed, the worker stops, the database closes, exit 0. Past `graceMs + timeoutMs`: exit 1, logged.
 */
export class GracefulShutdown implements Lifecycle {
  draining = false;
  private server: Server | undefined;
  private readonly inFlight = new Set<ServerResponse>();
  private readonly exit: (code: number) => void;

  constructor(private readonly opts: ShutdownOptions) {
    this.exit = opts.exit ?? ((code) => process.exit(code));
  }

  /** Follows the server's requests; during the drain every response says `Connection: close`. */
  track(server: Server): void {
    this.server = server;
    server.prependListener("request", (_req: IncomingMessage, res: ServerResponse) => {
      this.inFlight.add(res);
      res.once("close", () => this.inFlight.delete(res));
      if (this.draining) res.setHeader("Connection", "close");
    });
  }

  /** A second signal during the drain means "now": exit 1 at once. */
  onSignals(proc: Pick<NodeJS.Process, "on"> = process): void {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      proc.on(signal, () => {
        if (!this.draining) return void this.run(signal);
        this.opts.log.warn({ signal }, "second signal during shutdown: exiting now");
        this.exit(1);
      });
    }
  }

  async run(signal: string): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    const { log, graceMs, timeoutMs } = this.opts;
    const started = Date.now();
    for (const res of this.inFlight) if (!res.headersSent) res.setHeader("Connection", "close");
    log.info({ signal, graceMs, timeoutMs, inFlight: this.inFlight.size }, "shutting down: not ready, draining");
    let overdue = false;
    const bound = setTimeout(() => {
      overdue = true;
      log.error(
        { inFlight: this.inFlight.size, elapsedMs: Date.now() - started, graceMs, timeoutMs },
        "shutdown did not finish within SHUTDOWN_GRACE_MS + SHUTDOWN_TIMEOUT_MS: exiting with 1",
      );
      this.server?.closeAllConnections();
      this.exit(1);
    }, graceMs + timeoutMs);
    bound.unref();
    const workerStopped = Promise.resolve()
      .then(() => this.opts.stopWorker?.())
      .then(
        () => true,
        (err: unknown) => (log.error({ err }, "outbox worker did not stop cleanly"), false),
      );
    try {
      if (graceMs > 0) await new Promise((resolve) => setTimeout(resolve, graceMs).unref());
      const server = this.server;
      if (server) {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
      }
      const workerOk = await workerStopped;
      if (overdue) return;
      await this.opts.closeDatabase();
      clearTimeout(bound);
      log.info({ elapsedMs: Date.now() - started }, "stopped");
      this.exit(workerOk ? 0 : 1);
    } catch (err) {
      clearTimeout(bound);
      if (overdue) return;
      log.error({ err }, "shutdown failed");
      this.exit(1);
    }
  }
}
