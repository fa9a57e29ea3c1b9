/**
 * The load generator, run as a worker thread by loadTest() (its own event loop, so on a 2-core machine it takes the
 * second core instead of the server's): a closed loop of `concurrency` keep-alive connections, each sending its next
 * request when the previous response has been read. Every 200 response completed inside the window counts; its
 * latency is the time from sending the request to the last byte of the body.
 */
import http from "node:http";
import { parentPort, workerData } from "node:worker_threads";

export interface LoadWorkerData {
  url: string;
  /** Connection i sends headers[i % headers.length]. */
  headers: Record<string, string>[];
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  timeoutMs: number;
}

export type LoadWorkerMessage =
  | { type: "window-start" }
  | { type: "window-end" }
  | {
      type: "result";
      ok: number;
      errors: number;
      bytes: number;
      statuses: Record<string, number>;
      firstError: string | null;
      seconds: number;
      latencies: Float64Array;
    };

function run(port: NonNullable<typeof parentPort>, { url, headers, concurrency, warmupMs, durationMs, timeoutMs }: LoadWorkerData): void {
  const post = (m: LoadWorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  let measuring = false;
  let stopping = false;
  let windowStart = 0;
  let windowEnd = 0;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let ok = 0;
  let errors = 0;
  let bytes = 0;
  let firstError: string | null = null;

  function record(t0: number, status: number, n: number, error: Error | null) {
    const t1 = performance.now();
    if (!measuring || t1 > windowEnd) return;
    const key = error ? "error" : String(status);
    statuses[key] = (statuses[key] ?? 0) + 1;
    if (!error && status === 200) {
      ok++;
      bytes += n;
      latencies.push(t1 - t0);
    } else {
      errors++;
      firstError ??= error ? error.message || String(error) : `HTTP ${status}`;
    }
  }

  function one(i: number): Promise<void> {
    return new Promise((resolve) => {
      const t0 = performance.now();
      let done = false;
      const finish = (status: number, n: number, error: Error | null) => {
        if (done) return;
        done = true;
        record(t0, status, n, error);
        resolve();
      };
      const req = http.request(
        { agent, host: target.hostname, port: target.port, path: target.pathname + target.search, method: "GET", headers: headers.length ? headers[i % headers.length] : {} },
        (res) => {
          let n = 0;
          res.on("data", (chunk: Buffer) => (n += chunk.length));
          res.on("end", () => finish(res.statusCode ?? 0, n, null));
          res.on("error", (e) => finish(0, 0, e));
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
      req.on("error", (e) => finish(0, 0, e));
      req.end();
    });
  }

  async function loop(i: number) {
    while (!stopping) await one(i);
  }

  const loops = Array.from({ length: concurrency }, (_, i) => loop(i));
  setTimeout(() => {
    measuring = true;
    windowStart = performance.now();
    windowEnd = windowStart + durationMs;
    post({ type: "window-start" });
  }, warmupMs);
  setTimeout(() => {
    post({ type: "window-end" });
    stopping = true;
    void Promise.all(loops).then(() => {
      agent.destroy();
      const seconds = (Math.min(performance.now(), windowEnd) - windowStart) / 1000;
      const array = Float64Array.from(latencies);
      post({ type: "result", ok, errors, bytes, statuses, firstError, seconds, latencies: array }, [array.buffer]);
    });
  }, warmupMs + durationMs);
}

if (parentPort) run(parentPort, workerData as LoadWorkerData);
