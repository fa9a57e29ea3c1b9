import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { User } from "~/platform/db/db-types.ts";
import { SessionCache, type CachedSession } from "~/features/account/session-cache.server.ts";

const session = (userId: string): CachedSession => ({
  user: { id: userId } as User,
  secondFactorPending: false,
  expiresAtMs: 0,
  lastSeenMs: 0,
});

/** A read the test finishes when it wants (to race it with a drop). */
function deferred() {
  let resolve!: (v: CachedSession | undefined) => void;
  const promise = new Promise<CachedSession | undefined>((r) => (resolve = r));
  return { promise, resolve };
}

describe("the session cache", () => {
  test("keeps a found session for the TTL, measured on its clock, and shares a read under way", async () => {
    let clock = 0;
    const cache = new SessionCache(30_000, () => clock);
    let reads = 0;
    const read = async () => (reads++, session("u1"));
    const a = cache.fill("h1", read);
    assert.equal(cache.get("h1"), a, "a concurrent caller shares the read");
    await a;
    clock = 29_999;
    assert.ok(cache.get("h1"));
    clock = 30_000;
    assert.equal(cache.get("h1"), undefined, "expired");
    assert.equal(reads, 1);
  });

  test("does not keep a missing session", async () => {
    const cache = new SessionCache();
    await cache.fill("h1", async () => undefined);
    assert.equal(cache.get("h1"), undefined);
  });

  test("a read that began before a drop is not kept (a sign-out racing a page view stays signed out)", async () => {
    const cache = new SessionCache();
    const slow = deferred();
    const p = cache.fill("h1", () => slow.promise);
    cache.forgetUser("u1");
    slow.resolve(session("u1"));
    await p;
    await new Promise((r) => setImmediate(r));
    assert.equal(cache.get("h1"), undefined);

    const slow2 = deferred();
    const p2 = cache.fill("h2", () => slow2.promise);
    cache.forgetSession("h9");
    slow2.resolve(session("u2"));
    await p2;
    await new Promise((r) => setImmediate(r));
    assert.equal(cache.get("h2"), undefined, "any drop, of any session, discards reads under way");
  });

  test("forgetUser drops every session of that user and keeps the others'", async () => {
    const cache = new SessionCache();
    await cache.fill("a1", async () => session("a"));
    await cache.fill("a2", async () => session("a"));
    await cache.fill("b1", async () => session("b"));
    await new Promise((r) => setImmediate(r));
    cache.forgetUser("a");
    assert.equal(cache.get("a1"), undefined);
    assert.equal(cache.get("a2"), undefined);
    assert.ok(cache.get("b1"));
  });

  test("holds at most its bound, dropping the least recently used", async () => {
    const cache = new SessionCache(30_000, () => 0, 2);
    await cache.fill("h1", async () => session("u1"));
    await cache.fill("h2", async () => session("u2"));
    cache.get("h1");
    await cache.fill("h3", async () => session("u3"));
    assert.equal(cache.size, 2);
    assert.equal(cache.get("h2"), undefined, "the least recently used went");
    assert.ok(cache.get("h1"));
    assert.ok(cache.get("h3"));
  });
});
