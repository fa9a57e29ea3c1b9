import { secureCookies } from "~/lib/cookies.server.ts";
import { createCookie, redirect } from "@remix-run/node";
import type { AppLoadContext } from "@remix-run/node";
import type { Role, User } from "./db-types.ts";
import { config } from "./config.server.ts";
import { setFlash } from "./flash.server.ts";
import { createSession, deleteSession, getSessionUser, type SessionPolicy } from "~/models/session.server.ts";

export const sessionCookie = createCookie("sid", {
  path: "/",
  sameSite: "lax",
  httpOnly: true,
  secure: secureCookies(),
});

export function sessionPolicy(): SessionPolicy {
  const c = config();
  return { idleSeconds: c.SESSION_IDLE_MINUTES * 60, absoluteSeconds: c.SESSION_ABSOLUTE_HOURS * 3600 };
}

async function sessionToken(request: Request): Promise<string | null> {
  const value = await sessionCookie.parse(request.headers.get("Cookie"));
  return typeof value === "string" && value.length > 0 && value.length < 100 ? value : null;
}

const USER_CACHE = new WeakMap<Request, Promise<User | null>>();

/** The signed-in user, looked up once per request. */
export function getUser(request: Request): Promise<User | null> {
  let pending = USER_CACHE.get(request);
  if (!pending) {
    pending = sessionToken(request).then(async (token) =>
      token ? ((await getSessionUser(token, sessionPolicy())) ?? null) : null,
    );
    USER_CACHE.set(request, pending);
  }
  return pending;
}

export async function hasSessionCookie(request: Request): Promise<boolean> {
  return (await sessionToken(request)) !== null;
}

/** Only paths on this site: browsers drop tabs and newlines and read "\\" as "/", so those never pass. */
function safeRedirectTarget(to: string | null | undefined, fallback = "/"): string {
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (!to || !to.startsWith("/") || /[\u0000-\u001F\u007F\\]/.test(to)) return fallback;
  const url = new URL(to, "http://portal.invalid");
  if (url.origin !== "http://portal.invalid") return fallback;
  return url.pathname + url.search + url.hash;
}
export { safeRedirectTarget };

const MAX_REDIRECT_BACK = 1000;

export async function requireUser(request: Request): Promise<User> {
  const user = await getUser(request);
  if (user) return user;
  const url = new URL(request.url);
  const expired = await hasSessionCookie(request);
  const headers = new Headers();
  headers.append("Set-Cookie", await setFlash({ kind: "info", key: expired ? "flash.sessionExpired" : "flash.signInRequired" }));
  headers.append("Set-Cookie", await sessionCookie.serialize("", { maxAge: 0 }));
  // Bounded: the way back goes into a Location header, which proxies refuse beyond a few kilobytes.
  const back = [url.pathname + url.search, url.pathname].find((p) => p.length <= MAX_REDIRECT_BACK);
  throw redirect(back ? `/login?redirectTo=${encodeURIComponent(back)}` : "/login", { headers });
}

/** 403 for a signed-in user of the wrong role: the page exists, they may not see it. */
export async function requireRole(request: Request, roles: Role | Role[]): Promise<User> {
  const user = await requireUser(request);
  const allowed = Array.isArray(roles) ? roles : [roles];
  if (!allowed.includes(user.role)) throw new Response("Forbidden", { status: 403 });
  return user;
}

export function homePathFor(user: Pick<User, "role">): string {
  switch (user.role) {
    case "enterprise":
      return "/applications";
    case "province_reviewer":
      return "/review";
    case "ministry_reviewer":
      return "/ministry";
    case "admin":
      return "/admin/users";
  }
}

export async function startSession(
  request: Request,
  context: AppLoadContext,
  user: User,
  redirectTo: string | null,
): Promise<Response> {
  const old = await sessionToken(request);
  if (old) await deleteSession(old);
  const token = await createSession(user.id, sessionPolicy(), {
    ip: context.ip,
    userAgent: request.headers.get("User-Agent"),
  });
  const headers = new Headers();
  headers.append("Set-Cookie", await sessionCookie.serialize(token));
  headers.append("Set-Cookie", await setFlash({ kind: "success", key: "flash.signedIn" }));
  return redirect(safeRedirectTarget(redirectTo, homePathFor(user)), { headers });
}

export async function endSession(request: Request): Promise<Headers> {
  const token = await sessionToken(request);
  if (token) await deleteSession(token);
  const headers = new Headers();
  headers.append("Set-Cookie", await sessionCookie.serialize("", { maxAge: 0 }));
  return headers;
}
