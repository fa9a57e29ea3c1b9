import { createCookie, redirect } from "@remix-run/node";
import type { AppLoadContext } from "@remix-run/node";
import { hostCookieName, secureCookies } from "~/platform/http/cookies.server.ts";
import type { Role, User } from "~/platform/db/db-types.ts";
import { config } from "~/platform/config.server.ts";
import { setFlash, type Flash } from "~/platform/http/flash.server.ts";
import { mac, macMatches, seal, unseal } from "~/platform/security/secret-box.server.ts";
import { noteSignedInUser } from "~/platform/http/request-scope.server.ts";
import { newToken } from "~/platform/security/tokens.server.ts";
import { hasSecondFactor, needsSecondFactor } from "./second-factor.server.ts";
import { createSession, deleteSession, getSession, type SessionPolicy, type SessionState } from "./session.server.ts";
import { normaliseEmail } from "./user.server.ts";

export const SESSION_COOKIE = hostCookieName("sid");

export const sessionCookie = createCookie(SESSION_COOKIE, {
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

const SESSION_CACHE = new WeakMap<Request, Promise<SessionState | null>>();

/** The request's session, signed in fully or waiting for the second factor, looked up once per request. */
export function getSessionState(request: Request): Promise<SessionState | null> {
  let pending = SESSION_CACHE.get(request);
  if (!pending) {
    pending = sessionToken(request).then(async (token) => {
      const state = token ? ((await getSession(token, sessionPolicy())) ?? null) : null;
      if (state && !state.secondFactorPending) noteSignedInUser(state.user.id);
      return state;
    });
    SESSION_CACHE.set(request, pending);
  }
  return pending;
}

/** The signed-in user. A session still waiting for its second factor signs nobody in. */
export async function getUser(request: Request): Promise<User | null> {
  const state = await getSessionState(request);
  return state && !state.secondFactorPending ? state.user : null;
}

export async function hasSessionCookie(request: Request): Promise<boolean> {
  return (await sessionToken(request)) !== null;
}

const REDIRECT_BASE = "http://portal.invalid";

/**
 * The one check for every redirect target that comes from input (a form field, a query string). The answer is a path
 * on this site or `fallback`; it never throws. The target is judged after a URL parser has normalised it ("/.//x" and
 * "/a/..//x" become "//x", which a browser reads as another host), and browsers drop tabs and newlines and read "\\"
 * as "/", so those never pass.
 */
export function safeRedirectTarget(to: unknown, fallback: string): string {
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (typeof to !== "string" || !to.startsWith("/") || to.length > 2000 || /[\u0000-\u001F\u007F\\]/.test(to)) return fallback;
  let url: URL;
  try {
    url = new URL(to, REDIRECT_BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== REDIRECT_BASE) return fallback;
  const target = url.pathname + url.search + url.hash;
  if (!target.startsWith("/") || target.startsWith("//") || target.startsWith("/\\")) return fallback;
  return target;
}

/** Where a session that passed the password step goes next: the code page, or enrolment for a first sign-in. */
export async function secondFactorStep(user: User, target: string): Promise<string> {
  const step = (await hasSecondFactor(user.id)) ? "/login/code" : "/account/two-factor";
  return `${step}?redirectTo=${encodeURIComponent(target)}`;
}

const MAX_REDIRECT_BACK = 1000;

export async function requireUser(request: Request): Promise<User> {
  const state = await getSessionState(request);
  if (state && !state.secondFactorPending) return state.user;
  const url = new URL(request.url);
  // Bounded: the way back goes into a Location header, which proxies refuse beyond a few kilobytes.
  const here = [url.pathname + url.search, url.pathname].find((p) => p.length <= MAX_REDIRECT_BACK);
  // Half signed in: nothing opens until the second factor is given (or enrolled).
  if (state) throw redirect(await secondFactorStep(state.user, safeRedirectTarget(here ?? null, homePathFor(state.user))));
  const expired = await hasSessionCookie(request);
  const headers = new Headers();
  headers.append("Set-Cookie", await setFlash({ kind: "info", key: expired ? "flash.sessionExpired" : "flash.signInRequired" }));
  headers.append("Set-Cookie", await sessionCookie.serialize("", { maxAge: 0 }));
  throw redirect(here ? `/login?redirectTo=${encodeURIComponent(here)}` : "/login", { headers });
}

/** 403 for a signed-in user of the wrong role: the page exists, they may not see it. */
export async function requireRole(request: Request, roles: Role | Role[]): Promise<User> {
  const user = await requireUser(request);
  const allowed = Array.isArray(roles) ? roles : [roles];
  if (!allowed.includes(user.role)) throw new Response("Forbidden", { status: 403 });
  return user;
}

/** The session of the password step, for the code and enrolment pages only; anyone else goes where they belong. */
export async function requireSecondFactorStep(request: Request): Promise<SessionState> {
  const state = await getSessionState(request);
  if (state?.secondFactorPending) return state;
  if (state) throw redirect(homePathFor(state.user));
  throw redirect("/login");
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

// ---------------------------------------------------------------------------------------------------------------
// Device cookie: "this browser has signed in to this account before" (OWASP, slowing online guessing). It lets a
// person behind an office NAT sign in while a password sprayer on the same address is slowed down
// (models/throttle.server.ts loginGate).
// ---------------------------------------------------------------------------------------------------------------

const DEVICE = "device-cookie";
const deviceCookie = createCookie(hostCookieName("did"), {
  path: "/",
  sameSite: "lax",
  httpOnly: true,
  secure: secureCookies(),
  maxAge: 365 * 24 * 3600,
});

/** The device id when the request carries a device cookie issued to `email`, else null. */
export async function trustedDeviceFor(request: Request, email: string): Promise<string | null> {
  const value: unknown = await deviceCookie.parse(request.headers.get("Cookie"));
  if (typeof value !== "string" || value.length > 200) return null;
  const [id, tag] = value.split(".");
  if (!id || !tag) return null;
  return macMatches(DEVICE, `${normaliseEmail(email)}|${id}`, tag) ? id : null;
}

async function issueDeviceCookie(email: string): Promise<string> {
  const id = newToken().slice(0, 22);
  return deviceCookie.serialize(`${id}.${mac(DEVICE, `${normaliseEmail(email)}|${id}`)}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Recovery codes travel once, sealed, from the form that made them to the page that shows them (post, redirect, get).
// ---------------------------------------------------------------------------------------------------------------

const RECOVERY = "recovery-codes";
const recoveryCodesCookie = createCookie(hostCookieName("rcodes"), {
  path: "/",
  sameSite: "lax",
  httpOnly: true,
  secure: secureCookies(),
  maxAge: 10 * 60,
});

export function recoveryCodesHeader(userId: string, codes: string[]): Promise<string> {
  return recoveryCodesCookie.serialize(seal(RECOVERY, JSON.stringify({ userId, codes })));
}

/** The codes to show now (the cookie is cleared by `clear`), or null when they were already shown. */
export async function takeRecoveryCodes(request: Request, userId: string): Promise<{ codes: string[] | null; clear: string }> {
  const clear = await recoveryCodesCookie.serialize("", { maxAge: 0 });
  const value: unknown = await recoveryCodesCookie.parse(request.headers.get("Cookie"));
  if (typeof value !== "string") return { codes: null, clear };
  try {
    const parsed = JSON.parse(unseal(RECOVERY, value)) as { userId?: string; codes?: unknown };
    const codes = parsed.userId === userId && Array.isArray(parsed.codes) ? parsed.codes.filter((c): c is string => typeof c === "string") : null;
    return { codes, clear };
  } catch {
    return { codes: null, clear };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Signing in and out
// ---------------------------------------------------------------------------------------------------------------

function sessionMeta(request: Request, context: AppLoadContext) {
  return { ip: context.ip, userAgent: request.headers.get("User-Agent") };
}

/**
 * After a correct password. An enterprise user is signed in; a staff member gets a session that only opens the next
 * step (the code, or enrolment the first time). The target is validated first: it can neither fail nor leave a
 * session behind.
 */
export async function startSession(request: Request, context: AppLoadContext, user: User, redirectTo: string | null): Promise<Response> {
  const target = safeRedirectTarget(redirectTo, homePathFor(user));
  const old = await sessionToken(request);
  if (old) await deleteSession(old);
  if (!needsSecondFactor(user)) return signedIn(request, context, user, target);
  const next = await secondFactorStep(user, target);
  const token = await createSession(user.id, sessionPolicy(), sessionMeta(request, context), { secondFactorPending: true });
  return redirect(next, { headers: { "Set-Cookie": await sessionCookie.serialize(token) } });
}

/** Cookies of a full session that replaces the request's one (a new id: the privilege changed). */
export async function fullSessionHeaders(request: Request, context: AppLoadContext, user: User): Promise<Headers> {
  const old = await sessionToken(request);
  if (old) await deleteSession(old);
  const token = await createSession(user.id, sessionPolicy(), sessionMeta(request, context));
  const headers = new Headers();
  headers.append("Set-Cookie", await sessionCookie.serialize(token));
  headers.append("Set-Cookie", await issueDeviceCookie(user.email));
  return headers;
}

/** Signs the user in fully and goes to `target` (already validated) with a flash. */
export async function signedIn(
  request: Request,
  context: AppLoadContext,
  user: User,
  target: string,
  flash: Flash = { kind: "success", key: "flash.signedIn" },
): Promise<Response> {
  const headers = await fullSessionHeaders(request, context, user);
  noteSignedInUser(user.id);
  headers.append("Set-Cookie", await setFlash(flash));
  return redirect(target, { headers });
}

export async function endSession(request: Request): Promise<Headers> {
  const token = await sessionToken(request);
  if (token) await deleteSession(token);
  const headers = new Headers();
  headers.append("Set-Cookie", await sessionCookie.serialize("", { maxAge: 0 }));
  return headers;
}
