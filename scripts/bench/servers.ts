/**
 * The servers a benchmark loads, on 127.0.0.1 and a random port: the real app (all middleware and the Remix build)
 * and a plain node:http baseline; and signing in to the app over HTTP.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import type { DbHandle } from "../../app/platform/db/db.server.ts";
import { log } from "./process.ts";

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

function listen(server: http.Server): Promise<RunningServer> {
  server.keepAliveTimeout = 65_000; // as server.ts
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({
        url,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** The baseline: node:http answering every request with a small fixed HTML page. */
export function startPlainServer(): Promise<RunningServer> {
  const body = Buffer.from(
    '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Hàng đợi</title></head><body><h1>Xin chào</h1><p>Plain node:http baseline.</p></body></html>',
  );
  return listen(
    http.createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Length": body.length });
      res.end(body);
    }),
  );
}

/** The newest modification time under a directory (to tell whether build/index.js is older than the sources). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Makes sure the Remix server build exists: builds it when missing or when BENCH_BUILD=1.
 * Warns (does not rebuild: other work may be using build/) when app/ is newer than the build.
 */
export function ensureRemixBuild(): void {
  const file = path.resolve("build/index.js");
  if (!fs.existsSync(file) || process.env.BENCH_BUILD === "1") {
    log(fs.existsSync(file) ? "Building (BENCH_BUILD=1): remix build" : "build/index.js is missing: remix build");
    const result = spawnSync("npx", ["remix", "build"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
    if (result.status !== 0) throw new Error("remix build failed");
  } else if (newestMtime(path.resolve("app")) > fs.statSync(file).mtimeMs) {
    log("WARNING: app/ has changes newer than build/index.js: measuring the old build. Run with BENCH_BUILD=1 to rebuild first.");
  }
}

/** The real app (all middleware + the Remix build) in this process, as server.ts runs it in production; `env` overrides settings. */
export async function startAppServer(handle: DbHandle, env: Record<string, string> = {}): Promise<RunningServer> {
  if (process.env.NODE_ENV !== "production") log("WARNING: NODE_ENV is not production: React and Remix run in development mode.");
  ensureRemixBuild();
  const { loadConfig } = await import("../../app/platform/config.server.ts");
  const { createApp } = await import("../../app/platform/http/http-app.server.ts");
  const c = loadConfig({ ...process.env, NODE_ENV: "production", PORTAL_MODE: "demo", ...env });
  const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
  const app = createApp(c, handle, build);
  return listen(http.createServer(app));
}

/**
 * Signs in through POST /login (argon2 and all), then the code step for staff (`code` gives the authenticator's
 * code), and returns the Cookie header value "sid=…".
 */
export async function signIn(baseUrl: string, email: string, password: string, code?: () => Promise<string>): Promise<string> {
  const post = (path: string, form: Record<string, string>, cookie?: string) =>
    fetch(`${baseUrl}${path}`, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams(form),
      headers: { Origin: baseUrl, "Content-Type": "application/x-www-form-urlencoded", ...(cookie ? { Cookie: cookie } : {}) },
    });
  const sidOf = (res: Response) =>
    res.headers
      .getSetCookie()
      .map((line) => line.split(";")[0]!)
      .find((pair) => /^(__Host-)?sid=./.test(pair));
  let res = await post("/login", { email, password });
  let sid = sidOf(res);
  if (res.status === 302 && sid && code && (res.headers.get("Location") ?? "").startsWith("/login/code")) {
    res = await post("/login/code", { code: await code() }, sid);
    sid = sidOf(res);
  }
  if (res.status !== 302 || !sid) throw new Error(`Sign-in as ${email} failed: HTTP ${res.status}`);
  return sid;
}
