import fs from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { loadConfig } from "~/platform/config.server.ts";
import { createApp } from "~/platform/http/http-app.server.ts";
import type { DbHandle } from "~/platform/db/db.server.ts";

/** The Remix server build that `npm run build` wrote (what the HTTP tests serve and walk). */
export async function loadTestBuild(): Promise<ServerBuild> {
  const file = path.resolve("build/index.js");
  // Without it every HTTP test would fail in its before hook and leave its database open, so the run never ends.
  if (!fs.existsSync(file)) {
    console.error("build/index.js is missing: run `npm run build` before the HTTP tests (npm test does).");
    process.exit(1);
  }
  return (await import(pathToFileURL(file).href)) as ServerBuild;
}

export interface TestApp {
  url: string;
  close(): Promise<void>;
}

/**
 * The real HTTP stack (middleware + Remix build) on a random port, in demo mode behind one trusted proxy (the Client
 * plays that proxy by sending X-Forwarded-For). `env` overrides settings; `host` is where it listens (default
 * 127.0.0.1, which is also the host of `url`). `build` replaces the compiled build (e.g. one that counts renders). Needs `remix build` first.
 */
export async function startTestApp(handle: DbHandle, opts: { env?: Record<string, string>; host?: string; build?: ServerBuild } = {}): Promise<TestApp> {
  process.env.TRUST_PROXY = "1";
  const c = loadConfig({ ...process.env, NODE_ENV: "production", PORTAL_MODE: "demo", TRUST_PROXY: "1", ...opts.env });
  const build = opts.build ?? (await loadTestBuild());
  const app = createApp(c, handle, build);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, opts.host ?? "127.0.0.1", () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A tiny cookie-keeping client, so tests read like a browser session. */
export class Client {
  cookies = new Map<string, string>();
  constructor(
    private base: string,
    private ip = "203.0.113.10",
  ) {}

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private remember(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const i = pair!.indexOf("=");
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path: string, headers: Record<string, string> = {}) {
    const res = await fetch(this.base + path, {
      redirect: "manual",
      headers: { Cookie: this.cookieHeader(), "X-Forwarded-For": this.ip, ...headers },
    });
    this.remember(res);
    return res;
  }

  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    const res = await fetch(this.base + path, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams(form),
      headers: {
        Cookie: this.cookieHeader(),
        Origin: this.base,
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Forwarded-For": this.ip,
        ...headers,
      },
    });
    this.remember(res);
    return res;
  }
}

/** What a person sees: the HTML without scripts (the serialized loader data repeats every UI text) and without tags. */
export function pageText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}
