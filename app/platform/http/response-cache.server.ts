import type { IncomingMessage, ServerResponse } from "node:http";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { CompiledQuery, Kysely } from "kysely";
import type { Database } from "~/platform/db/db-types.ts";
import { getLocale } from "~/platform/i18n/i18n.server.ts";
import { now } from "~/platform/time/clock.ts";
import { etagOf, matchesIfNoneMatch } from "./public-response.server.ts";
import { chooseEncoding } from "./static-files.server.ts";

/**
 * "Render once, serve many" (docs/decisions/025-response-cache-and-data-versions.md): GET documents and single-fetch
 * data requests (`.data`) of the review and ministry queues and pages, and of the public catalogue, are kept in memory
 * and answered again without running Remix, as long as nothing they show can have changed. The key holds the URL,
 * the locale, the content encoding, the viewer (user id, role, province, email, name), whether the developer mailbox
 * is offered, and the data versions the page depends on (table data_versions, bumped by triggers in the transaction
 * of every change; read from the database on each request, so several instances never serve a page older than the
 * last commit). Entries also expire after MAX_AGE_MS: queues mark overdue work and statistics count by the clock,
 * which no version sees.
 */

/** Who looks, as far as a page can depend on it (the header shows the name and email of the signed-in user). */
export interface CacheViewer {
  userId: string;
  role: string;
  provinceCode: string | null;
  email: string;
  name: string;
}

/** The signed-in user of a request, or null (none, expired, or still owing the second factor). From the Remix build's entry module. */
export type ViewerResolver = (request: globalThis.Request) => Promise<CacheViewer | null>;

export const MAX_AGE_MS = 60_000;
/** Anonymous catalogue pages without a per-response nonce, for shared caches (CDN, reverse proxy). */
export const PUBLIC_CACHE_CONTROL = "public, s-maxage=60, stale-while-revalidate=600";

export interface ResponseCacheOptions {
  db: Kysely<Database>;
  viewer?: ViewerResolver;
  maxEntries: number;
  maxBytes: number;
  /** Whether the root loader offers the developer mailbox to this request (it shows in the navigation). */
  devMailbox: (req: IncomingMessage) => boolean;
  publicUrl: string;
  /**
   * A counter that moves whenever a statement that may change data finishes (DbHandle.changes: PGlite, one process).
   * While it stands, the data versions read last are still the database's, and are not read again. Unset: read on
   * every request (a PostgreSQL server may be changed by other instances).
   */
  changes?: () => number;
}

type PageClass = "review" | "catalogue";

const REVIEW_PAGES = [/^\/review$/, /^\/review\/[\w-]+$/, /^\/review\/disputes$/, /^\/review\/disputes\/[\w-]+$/, /^\/ministry$/, /^\/ministry\/[\w-]+(\/revoke)?$/];
const CATALOGUE_PAGES = [/^\/$/, /^\/platforms$/, /^\/platforms\/[\w-]+$/, /^\/statistics$/];

/** The page a request is for (a single-fetch `.data` request is its page's data), or undefined when it is never cached. */
export function pageClassOf(pathname: string): PageClass | undefined {
  const page = pathname === "/_root.data" ? "/" : pathname.replace(/\.data$/, "");
  if (REVIEW_PAGES.some((re) => re.test(page))) return "review";
  if (CATALOGUE_PAGES.some((re) => re.test(page))) return "catalogue";
  return undefined;
}

const SESSION_COOKIE = /(^|;\s*)(__Host-)?sid=[^;]/;
const FLASH_COOKIE = /(^|;\s*)flash=[^;]/;

/**
 * Headers that belong to one response, or that Node and Express set again. Content-Encoding and Vary are kept: the
 * body is stored as sent (entry.server.tsx compresses whole bodies itself), and the key holds the encoding.
 */
const NOT_REPLAYED = new Set(["set-cookie", "x-request-id", "content-length", "transfer-encoding", "date", "connection", "etag", "keep-alive", "x-cache", "server-timing"]);

/** Compiled once per database (it has no parameters): a hit runs it without building or compiling a query. */
const VERSIONS_QUERY = new WeakMap<Kysely<Database>, CompiledQuery<{ scope: string; version: number | string | bigint }>>();

export async function readDataVersions(db: Kysely<Database>): Promise<Map<string, number>> {
  let query = VERSIONS_QUERY.get(db);
  if (!query) VERSIONS_QUERY.set(db, (query = db.selectFrom("data_versions").select(["scope", "version"]).compile()));
  const { rows } = await db.executeQuery(query);
  return new Map(rows.map((r) => [r.scope, Number(r.version)]));
}

/** The versions a page of this class depends on, for this viewer. */
export function versionTag(versions: Map<string, number>, page: PageClass, viewer: CacheViewer | null): string {
  const global = versions.get("global") ?? 0;
  if (page === "catalogue") return `g${global}.c${versions.get("catalogue") ?? 0}`;
  if (viewer?.role === "province_reviewer" && viewer.provinceCode) return `g${global}.p${viewer.provinceCode}:${versions.get(`province:${viewer.provinceCode}`) ?? 0}`;
  // The ministry (and anyone else) sees every province: any province's change counts.
  let all = 0;
  for (const [scope, v] of versions) if (scope.startsWith("province:")) all += v;
  return `g${global}.pall:${all}`;
}

interface Entry {
  body: Buffer;
  headers: [string, string | string[]][];
  etag: string;
  storedAt: number;
  size: number;
  anonymous: boolean;
}

/** A least-recently-used map bounded in entries and in bytes. */
export class ResponseLru {
  private entries = new Map<string, Entry>();
  private bytes = 0;
  constructor(
    readonly maxEntries: number,
    readonly maxBytes: number,
  ) {}

  get(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e;
  }

  set(key: string, e: Entry): void {
    // One page may take at most an eighth of the memory, so a few large pages cannot empty the cache.
    if (e.size > this.maxBytes / 8 || this.maxEntries === 0) return;
    this.delete(key);
    this.entries.set(key, e);
    this.bytes += e.size;
    for (const [k] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.delete(k);
    }
  }

  delete(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.bytes -= e.size;
  }

  stats(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}

function fetchRequestFor(req: IncomingMessage, publicUrl: string): globalThis.Request {
  return new globalThis.Request(new URL(urlOf(req), publicUrl), { headers: { Cookie: req.headers.cookie ?? "" } });
}

/** The URL as the client sent it (Express's originalUrl: a mounted router may have cut req.url). */
function urlOf(req: IncomingMessage): string {
  return (req as Partial<Request>).originalUrl ?? req.url ?? "/";
}

function pathOf(url: string): string {
  const q = url.indexOf("?");
  return q < 0 ? url : url.slice(0, q);
}

type Lookup = "bypass" | { entry: Entry } | { key: string; anonymous: boolean };
/** What the early answer (node:http level) found for a request it handed on to Express: the middleware does not look again. */
const LOOKED_UP = Symbol.for("nentangso.response-cache.lookup");
type LookedUpRequest = IncomingMessage & { [LOOKED_UP]?: Lookup | "failed" };

/** A hit answered before Express (`answerEarly`): what the request passed by there, set on the response first. */
export type EarlyHitHook = (req: IncomingMessage, res: ServerResponse) => void;

function headerText(value: number | string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(", ") : String(value ?? "");
}

export interface ResponseCache {
  /** In the Express stack, just before Remix. */
  middleware: RequestHandler;
  /**
   * Whether `answerEarly` may take this request (before Express): a GET of a cached page, no body, no flash, no
   * legacy `_data` query (request-guards refuses those), a session cookie only when a viewer resolver is set.
   */
  takesEarly(req: IncomingMessage): boolean;
  /**
   * Looks the request up and answers a hit itself (after `onHit` has set the headers every response carries); any
   * other outcome goes to `fallThrough` (the Express stack), with what was found kept for the middleware. Run inside
   * the request's scope (the viewer's session lookup and the versions query count for it).
   */
  answerEarly(req: IncomingMessage, res: ServerResponse, onHit: EarlyHitHook, fallThrough: () => void): void;
  lru: ResponseLru;
}

export function createResponseCache(opts: ResponseCacheOptions): ResponseCache {
  const lru = new ResponseLru(opts.maxEntries, opts.maxBytes);

  // The last read of the versions, with the change counter as it was when the read began: any change that commits
  // after that moment moves the counter, so a read shared while it stands cannot miss one (decision 029).
  let last: { changes: number; versions: Promise<Map<string, number>> } | undefined;
  function versions(): Promise<Map<string, number>> {
    if (!opts.changes) return readDataVersions(opts.db);
    const changes = opts.changes();
    if (last?.changes === changes) return last.versions;
    const read = readDataVersions(opts.db);
    const mine = (last = { changes, versions: read });
    read.catch(() => {
      if (last === mine) last = undefined;
    });
    return read;
  }

  /** The class of a GET that can be cached, with whether a session cookie comes with it; undefined: never cached. */
  function candidate(req: IncomingMessage): { page: PageClass; signedIn: boolean; flash: boolean } | undefined {
    if (opts.maxBytes === 0 || req.method !== "GET") return undefined;
    const page = pageClassOf(pathOf(urlOf(req)));
    if (!page) return undefined;
    const cookies = req.headers.cookie ?? "";
    return { page, signedIn: SESSION_COOKIE.test(cookies), flash: FLASH_COOKIE.test(cookies) };
  }

  const middleware: RequestHandler = (req, res, next) => {
    const c = candidate(req);
    if (!c) return next();
    if (c.flash) return bypass(res, next);
    if (c.signedIn && !opts.viewer) return bypass(res, next);
    const early = (req as LookedUpRequest)[LOOKED_UP];
    const found = early === undefined ? lookup(req, c.page, c.signedIn) : early === "failed" ? Promise.reject(new Error("lookup failed")) : Promise.resolve(early);
    void found.then(
      (found) => {
        if (found === "bypass") return bypass(res, next);
        if ("entry" in found) return serve(req, res, found.entry);
        capture(res, found.key, c.page, found.anonymous, req.path.endsWith(".data"));
        next();
      },
      () => bypass(res, next),
    );
  };

  function takesEarly(req: IncomingMessage): boolean {
    const url = req.url ?? "";
    if (!url.startsWith("/") || url.includes("_data") || req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined) return false;
    const c = candidate(req);
    return Boolean(c && !c.flash && (!c.signedIn || opts.viewer));
  }

  function answerEarly(req: IncomingMessage, res: ServerResponse, onHit: EarlyHitHook, fallThrough: () => void): void {
    const c = candidate(req)!;
    void lookup(req, c.page, c.signedIn).then(
      (found) => {
        if (typeof found === "object" && "entry" in found && servableEarly(req, found.entry)) {
          onHit(req, res);
          serve(req, res, found.entry);
          return;
        }
        (req as LookedUpRequest)[LOOKED_UP] = found;
        fallThrough();
      },
      () => {
        (req as LookedUpRequest)[LOOKED_UP] = "failed";
        fallThrough();
      },
    );
  }

  async function lookup(req: IncomingMessage, page: PageClass, signedIn: boolean): Promise<Lookup> {
    const request = fetchRequestFor(req, opts.publicUrl);
    const viewer = signedIn ? await opts.viewer!(request) : null;
    // A session cookie that signs nobody in: Remix answers (a redirect to sign in, a cleared cookie).
    if (signedIn && !viewer) return "bypass";
    const [current, locale] = await Promise.all([versions(), getLocale(request)]);
    const who = viewer ? [viewer.userId, viewer.role, viewer.provinceCode ?? "", viewer.email, viewer.name] : [];
    // The encoding entry.server.tsx picks for a whole body (wholeBody): a gzip body is not for a client that asked for br.
    const encoding = chooseEncoding(req.headers["accept-encoding"], ["br", "gzip"]) ?? "identity";
    const key = JSON.stringify([urlOf(req), locale, encoding, opts.devMailbox(req), versionTag(current, page, viewer), ...who]);
    const hit = lru.get(key);
    const age = hit ? now().getTime() - hit.storedAt : -1;
    // A clock set back (tests, a corrected server clock) makes an entry's age negative: expired too.
    if (hit && age >= 0 && age <= MAX_AGE_MS) return { entry: hit };
    if (hit) lru.delete(key);
    return { key, anonymous: viewer === null };
  }

  function serve(req: IncomingMessage, res: ServerResponse, e: Entry) {
    for (const [name, value] of e.headers) res.setHeader(name, value);
    res.setHeader("ETag", e.etag);
    res.setHeader("X-Cache", "hit");
    res.setHeader("Server-Timing", 'cache;desc="hit"');
    if (matchesIfNoneMatch(req.headers["if-none-match"] ?? null, e.etag)) {
      res.removeHeader("Content-Type");
      res.statusCode = 304;
      res.end();
      return;
    }
    res.statusCode = 200;
    res.end(e.body);
  }

  /** Passes the response through while keeping a copy; stores it when it ends as a 200 without cookies. */
  function capture(res: Response, key: string, page: PageClass, anonymous: boolean, data: boolean) {
    // A document whose scripts carry this response's nonce (data requests have no scripts): not for anyone else.
    const ownNonce = () => !data && nonceIn(res);
    res.setHeader("X-Cache", "miss");
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    const limit = opts.maxBytes / 8;
    const keep = (chunk: unknown, encoding?: unknown) => {
      if (tooBig || chunk === undefined || chunk === null || typeof chunk === "function") return;
      const b = Buffer.isBuffer(chunk) ? chunk : typeof chunk === "string" ? Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8") : Buffer.from(chunk as Uint8Array);
      size += b.length;
      if (size > limit) {
        tooBig = true;
        chunks.length = 0;
      } else chunks.push(b);
    };
    let marked = false;
    const markPublic = () => {
      if (marked || res.headersSent || !anonymous || page !== "catalogue" || !cacheable(res) || ownNonce()) return;
      marked = true;
      res.setHeader("Cache-Control", PUBLIC_CACHE_CONTROL);
      res.appendHeader("Vary", "Cookie");
    };
    // The headers as Remix set them, taken before the compression middleware (inside this wrapper) adds its
    // Content-Encoding to a body it compresses on the way out: the body kept here is the one before it.
    let sent: ReturnType<Response["getHeaders"]> | undefined;
    const writeHead = res.writeHead;
    res.writeHead = function (this: Response, ...args: Parameters<Response["writeHead"]>) {
      markPublic();
      sent ??= { ...res.getHeaders() };
      return writeHead.apply(this, args);
    } as Response["writeHead"];
    const write = res.write;
    res.write = function (this: Response, chunk: unknown, ...rest: unknown[]) {
      keep(chunk, rest[0]);
      return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as Response["write"];
    const end = res.end;
    res.end = function (this: Response, chunk?: unknown, ...rest: unknown[]) {
      keep(chunk, rest[0]);
      markPublic(); // a body sent whole (res.send) ends before its headers are written
      if (!tooBig && cacheable(res) && !(anonymous && ownNonce())) {
        const body = Buffer.concat(chunks);
        const headers = Object.entries(sent ?? res.getHeaders())
          .filter(([name, value]) => !NOT_REPLAYED.has(name) && value !== undefined)
          .map(([name, value]) => [name, typeof value === "number" ? String(value) : value] as [string, string | string[]]);
        const headerBytes = headers.reduce((n, [k, v]) => n + k.length + headerText(v).length, 0);
        lru.set(key, { body, headers, etag: etagOf(body), storedAt: now().getTime(), size: body.length + headerBytes + key.length, anonymous });
      }
      return (end as (...a: unknown[]) => Response).call(this, chunk, ...rest);
    } as Response["end"];
  }

  return { middleware, takesEarly, answerEarly, lru };
}

/**
 * Whether a hit may skip the compression middleware: only when that middleware would leave it as it is, i.e. a whole
 * body (entry.server.tsx sets `Vary: Accept-Encoding` and compresses it itself) that is already encoded, too small to
 * compress, or asked for without any Accept-Encoding.
 */
function servableEarly(req: IncomingMessage, e: Entry): boolean {
  let vary = "";
  let encoded = false;
  for (const [name, value] of e.headers) {
    if (name === "vary") vary = headerText(value).toLowerCase();
    else if (name === "content-encoding") encoded = headerText(value) !== "identity";
  }
  if (!vary.includes("accept-encoding")) return false;
  return encoded || e.body.length < 1024 || req.headers["accept-encoding"] === undefined;
}

/** Only a 200 that sets no cookie (a flash cleared, a session refreshed) is the same for the next request. */
function cacheable(res: Response): boolean {
  return res.statusCode === 200 && res.getHeader("Set-Cookie") === undefined;
}

/** The policy names a per-response nonce (before the switch to script hashes). */
function nonceIn(res: Response): boolean {
  return headerText(res.getHeader("Content-Security-Policy")).includes("'nonce-");
}

function bypass(res: Response, next: NextFunction) {
  res.setHeader("X-Cache", "bypass");
  next();
}
