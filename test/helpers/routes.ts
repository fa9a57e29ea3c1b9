import type { ActionFunction, AppLoadContext, LoaderFunction } from "@remix-run/node";
import { sessionCookie, sessionPolicy } from "~/features/account/auth.server.ts";
import { createSession } from "~/features/account/session.server.ts";
import type { User } from "~/platform/db/db-types.ts";

/**
 * The fast layer: a route module's loader or action called directly, in the test process, without the HTTP stack or
 * the build (no server, no rendering). What it checks is what the function decides — guards, scoping, validation,
 * redirects — so a test here costs a few milliseconds. Markup, headers and the middleware stay with the HTTP tests.
 */

const BASE = "http://portal.test";

export interface RouteModule {
  loader?: LoaderFunction;
  action?: ActionFunction;
}

/** What a loader or action answered, returned or thrown alike (Remix turns a thrown Response into the same reply). */
export interface Outcome {
  status: number;
  /** The Location of a redirect. */
  location: string | null;
  /** The data of a plain return or of `data(…)`; a Response's JSON body when it has one. */
  data: unknown;
  thrown: boolean;
}

/** A full session for `user`, as the cookie a browser would send after signing in (second factor given). */
export async function sessionCookieFor(user: User): Promise<string> {
  const token = await createSession(user.id, sessionPolicy(), { ip: "203.0.113.9", userAgent: "direct-test" });
  const header = await sessionCookie.serialize(token);
  return header.split(";")[0]!;
}

export interface CallOptions {
  /** A signed-in user, or a cookie header from sessionCookieFor (reused across calls). */
  as?: User | string | null;
  params?: Record<string, string>;
  headers?: Record<string, string>;
}

const context: AppLoadContext = { requestId: "direct-test", ip: "203.0.113.9", devMailbox: false };

async function cookieFor(as: CallOptions["as"]): Promise<string | null> {
  if (!as) return null;
  return typeof as === "string" ? as : sessionCookieFor(as);
}

function isDataWithInit(value: unknown): value is { type: "DataWithResponseInit"; data: unknown; init: ResponseInit | null } {
  return typeof value === "object" && value !== null && (value as { type?: unknown }).type === "DataWithResponseInit";
}

async function outcome(value: unknown, thrown: boolean): Promise<Outcome> {
  if (value instanceof Response) {
    const type = value.headers.get("Content-Type") ?? "";
    const data = type.includes("json") ? await value.json() : await value.text();
    return { status: value.status, location: value.headers.get("Location"), data, thrown };
  }
  if (isDataWithInit(value)) return { status: value.init?.status ?? 200, location: null, data: value.data, thrown };
  if (thrown) throw value;
  return { status: 200, location: null, data: value, thrown };
}

async function call(fn: LoaderFunction | ActionFunction, request: Request, params: Record<string, string>): Promise<Outcome> {
  try {
    return await outcome(await fn({ request, params, context }), false);
  } catch (error) {
    return outcome(error, true);
  }
}

export async function runLoader(mod: RouteModule, path: string, opts: CallOptions = {}): Promise<Outcome> {
  if (!mod.loader) throw new Error(`no loader for ${path}`);
  const cookie = await cookieFor(opts.as);
  const headers = new Headers(opts.headers);
  if (cookie) headers.set("Cookie", cookie);
  return call(mod.loader, new Request(BASE + path, { headers }), opts.params ?? {});
}

export async function runAction(mod: RouteModule, path: string, form: Record<string, string | string[]>, opts: CallOptions = {}): Promise<Outcome> {
  if (!mod.action) throw new Error(`no action for ${path}`);
  const cookie = await cookieFor(opts.as);
  const headers = new Headers({ "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, ...opts.headers });
  if (cookie) headers.set("Cookie", cookie);
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  return call(mod.action, new Request(BASE + path, { method: "POST", headers, body }), opts.params ?? {});
}
