import type { User } from "~/platform/db/db-types.ts";
import type { DB } from "~/platform/db/db.server.ts";

/**
 * Sessions this web process has read lately, so a page view costs no session query (docs/decisions/024). An entry
 * lives SESSION_CACHE_SECONDS at most, measured on the machine's monotonic clock; whatever this process changes about
 * a session or its user (sign-out, password, status) drops the user's entries at once, after the change committed.
 * Other processes see such a change within the TTL.
 *
 * A read that began before a drop is never stored: each drop moves `epoch` on, and a read stores its answer only if
 * the epoch it started in is still the current one (else a sign-out racing a page view could be undone).
 */
export const SESSION_CACHE_SECONDS = 30;
const MAX_ENTRIES = 10_000;

export interface CachedSession {
  user: User;
  secondFactorPending: boolean;
  expiresAtMs: number;
  /** When the database last recorded activity (slid at most once a minute, see session.server.ts). */
  lastSeenMs: number;
}

interface Entry {
  storedAt: number;
  value: Promise<CachedSession | undefined>;
  userId?: string;
}

export class SessionCache {
  private entries = new Map<string, Entry>();
  private epoch = 0;

  constructor(
    private ttlMs = SESSION_CACHE_SECONDS * 1000,
    private clock: () => number = () => performance.now(),
    private max = MAX_ENTRIES,
  ) {}

  /** A stored or pending read younger than the TTL, most recently used last. */
  get(idHash: string): Promise<CachedSession | undefined> | undefined {
    const entry = this.entries.get(idHash);
    if (!entry) return undefined;
    this.entries.delete(idHash);
    if (this.clock() - entry.storedAt >= this.ttlMs) return undefined;
    this.entries.set(idHash, entry);
    return entry.value;
  }

  /** Shares `read` with concurrent callers now, and keeps its answer if it found a session and nothing was dropped meanwhile. */
  fill(idHash: string, read: () => Promise<CachedSession | undefined>): Promise<CachedSession | undefined> {
    const epoch = this.epoch;
    const value = read();
    const entry: Entry = { storedAt: this.clock(), value };
    this.entries.set(idHash, entry);
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    const discard = () => {
      if (this.entries.get(idHash) === entry) this.entries.delete(idHash);
    };
    value.then((found) => (found && this.epoch === epoch ? (entry.userId = found.user.id) : discard()), discard);
    return value;
  }

  forgetSession(idHash: string): void {
    this.epoch++;
    this.entries.delete(idHash);
  }

  /** Drops every session of the user, and any read still under way (it may have read the old state). */
  forgetUser(userId: string): void {
    this.epoch++;
    for (const [key, entry] of this.entries) if (entry.userId === userId || entry.userId === undefined) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

const KEY = Symbol.for("nentangso.session-cache");
type G = typeof globalThis & { [KEY]?: WeakMap<DB, SessionCache> };

/**
 * The cache of the database in use. It lives on globalThis: the Remix build carries its own copy of this module, and
 * a command run by a test (or the CLI) in the same process must drop what the build's copy holds.
 */
export function sessionCache(database: DB): SessionCache {
  const g = globalThis as G;
  const all = (g[KEY] ??= new WeakMap());
  let cache = all.get(database);
  if (!cache) all.set(database, (cache = new SessionCache()));
  return cache;
}
