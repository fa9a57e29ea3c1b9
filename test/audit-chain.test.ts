import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { sql } from "kysely";
import { migrateAsOwner, openDatabase } from "~/server/bootstrap.server.ts";
import { loadConfig } from "~/platform/config.server.ts";
import { assertLimitedRuntimeRole, ensureRuntimeRole, grantRuntimeRole, RuntimeRoleError } from "~/platform/db/db-roles.server.ts";
import { openPostgres, setDb, type DB, type DbHandle } from "~/platform/db/db.server.ts";
import { recordAudit, verifyAuditChain } from "~/platform/db/audit.server.ts";
import { Client, startTestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, lastEmailText, PASSWORD, uniqueEmail } from "./helpers/fixtures.ts";

let t: TestDb;
const onPostgres = Boolean(process.env.DATABASE_URL);

before(async () => {
  t = await createTestDb();
});
after(async () => {
  await t.close();
});

const event = (action: string, entityId = "1") => ({ actorUserId: null, actorRole: "system", action, entityType: "test", entityId });

async function lastEventId(db: DB): Promise<number> {
  return (await db.selectFrom("audit_events").select(sql<number>`max(id)`.as("id")).executeTakeFirstOrThrow()).id;
}

/** What the owner (or anyone holding its password) could do: switch the guard off, edit, switch it back on. */
async function asOwnerWithoutGuard(statement: string, db: DB = t.db) {
  await db.transaction().execute(async (trx) => {
    await sql.raw("alter table audit_events disable trigger audit_events_no_update").execute(trx);
    await sql.raw(statement).execute(trx);
    await sql.raw("alter table audit_events enable trigger audit_events_no_update").execute(trx);
  });
}

describe("audit hash chain", () => {
  test("every committed event is linked to the one before; a rolled-back one leaves no link", async () => {
    await t.db.transaction().execute(async (trx) => {
      await recordAudit(trx, { ...event("chain.one"), data: { b: 1, a: "ă\u0001\"x" }, reason: "Lý do 😀" });
      await recordAudit(trx, event("chain.two"));
    });
    await assert.rejects(
      t.db.transaction().execute(async (trx) => {
        await recordAudit(trx, event("chain.rolled-back"));
        throw new Error("roll back");
      }),
    );
    await enterpriseUser("01"); // a real write path: account and enterprise, each with its audit event
    const report = await verifyAuditChain(t.db, { batchSize: 2 });
    assert.ok(report.ok, JSON.stringify(report));
    const events = await t.db.selectFrom("audit_events").select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
    assert.equal(report.events, events.n);
    const links = await t.db.selectFrom("audit_chain").select(["seq", "prev_hash", "hash"]).orderBy("seq").execute();
    for (const [i, link] of links.entries()) {
      assert.equal(link.seq, i + 1);
      if (i > 0) assert.equal(link.prev_hash, links[i - 1]!.hash);
    }
  });

  test("an event changed by the owner is reported as the first broken link", async () => {
    await recordAudit(t.db, { ...event("chain.target"), reason: "original reason" });
    const id = await lastEventId(t.db);
    await recordAudit(t.db, event("chain.after"));
    await asOwnerWithoutGuard(`update audit_events set reason = 'rewritten' where id = ${id}`);
    const report = await verifyAuditChain(t.db);
    assert.equal(report.ok, false);
    assert.ok(!report.ok);
    assert.equal(report.eventId, id);
    assert.match(report.problem, new RegExp(`event ${id} \\(link ${report.seq}\\) was changed after it was recorded`));

    await asOwnerWithoutGuard(`update audit_events set reason = 'original reason' where id = ${id}`);
    assert.ok((await verifyAuditChain(t.db)).ok, "the original content verifies again");
  });

  test("an anchor noted earlier catches a chain the owner recomputed", async () => {
    const before = await verifyAuditChain(t.db);
    assert.ok(before.ok);
    await recordAudit(t.db, event("chain.anchored"));
    assert.ok((await verifyAuditChain(t.db, { anchor: before.head })).ok);
    const wrong = { seq: before.head.seq, hash: "f".repeat(64) };
    const report = await verifyAuditChain(t.db, { anchor: wrong });
    assert.ok(!report.ok);
    assert.match(report.problem, /no longer has the hash noted earlier/);
  });

  test(
    "audit-writing transactions that lock a row before and after their event do not deadlock",
    { skip: onPostgres ? false : "PGlite has one connection: transactions cannot interleave" },
    async () => {
      await sql`insert into settings (key, value) values ('deadlock-probe', '0'::jsonb) on conflict (key) do nothing`.execute(t.db);
      const bump = (trx: DB) => sql`update settings set value = to_jsonb(value::int + 1) where key = 'deadlock-probe'`.execute(trx);

      // A locks the row, then records an event; B records an event, then wants the row. Run in that interleaving.
      async function interleaved(linkAtInsert: boolean) {
        let aLocked!: () => void;
        let bRecorded!: () => void;
        const aHasLock = new Promise<void>((r) => (aLocked = r));
        const bHasEvent = new Promise<void>((r) => (bRecorded = r));
        const immediate = async (trx: DB) => {
          if (linkAtInsert) await sql`set constraints audit_events_chain immediate`.execute(trx);
        };
        const a = t.db.transaction().execute(async (trx) => {
          await immediate(trx);
          await bump(trx);
          aLocked();
          await bHasEvent;
          await recordAudit(trx, event("deadlock.a"));
        });
        const b = t.db.transaction().execute(async (trx) => {
          await immediate(trx);
          await aHasLock;
          await recordAudit(trx, event("deadlock.b"));
          bRecorded();
          await bump(trx);
        });
        return Promise.allSettled([a, b]);
      }

      // Control: taking the chain lock when the event is inserted deadlocks in this interleaving…
      const control = await interleaved(true);
      assert.ok(
        control.some((r) => r.status === "rejected" && /deadlock/.test(String(r.reason))),
        "with the link written at insert time, PostgreSQL detects a deadlock",
      );
      // …taking it at commit (the deferred trigger) does not.
      for (let round = 0; round < 3; round++) {
        const results = await interleaved(false);
        assert.deepEqual(results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok")), ["ok", "ok"]);
      }
      // And a burst of concurrent writers, more than the pool has connections, mixed with the app's own transactions
      // (accounts and enterprises, each with its audit event), keeps one unforked chain.
      await Promise.all([
        ...Array.from({ length: 40 }, (_, i) =>
          t.db.transaction().execute(async (trx) => {
            if (i % 2) await bump(trx);
            await recordAudit(trx, event("burst", String(i)));
            if (!(i % 2)) await bump(trx);
          }),
        ),
        ...Array.from({ length: 8 }, () => enterpriseUser("01")),
      ]);
      const report = await verifyAuditChain(t.db);
      assert.ok(report.ok, JSON.stringify(report));
    },
  );

  test("deleted events, removed links and links cut from the end are reported", async () => {
    const own = await createTestDb(); // breaks its chain for good: not the one the other tests use
    const db = own.db;
    const withoutChainGuard = (statement: string) =>
      db.transaction().execute(async (trx) => {
        await sql.raw("alter table audit_chain disable trigger audit_chain_no_update").execute(trx);
        await sql.raw(statement).execute(trx);
        await sql.raw("alter table audit_chain enable trigger audit_chain_no_update").execute(trx);
      });
    try {
      for (const action of ["cut.one", "cut.two", "cut.three", "cut.four"]) await recordAudit(db, event(action));
      assert.ok((await verifyAuditChain(db)).ok);
      const lastId = await lastEventId(db);
      await withoutChainGuard(`delete from audit_chain where event_id = ${lastId}`);
      const cut = await verifyAuditChain(db);
      assert.ok(!cut.ok);
      assert.match(cut.problem, /the chain ends at link 3 but its head records link 4: links were removed from the end/);

      await withoutChainGuard("delete from audit_chain where seq = 2");
      const gap = await verifyAuditChain(db);
      assert.ok(!gap.ok);
      assert.equal(gap.seq, 2);
      assert.match(gap.problem, /link 2 is missing \(the chain jumps from 1 to 3\)/);

      const first = (await db.selectFrom("audit_chain").select("event_id").where("seq", "=", 1).executeTakeFirstOrThrow()).event_id;
      await withoutChainGuard(`delete from audit_chain where seq = 1`);
      await asOwnerWithoutGuard(`delete from audit_events where id = ${first}`, db);
      await withoutChainGuard(`insert into audit_chain (seq, event_id, prev_hash, hash) select 1, id, repeat('0', 64), repeat('0', 64) from audit_events order by id limit 1`);
      const replaced = await verifyAuditChain(db);
      assert.ok(!replaced.ok);
      assert.equal(replaced.seq, 1);
      assert.match(replaced.problem, /was changed after it was recorded/);
    } finally {
      await own.close();
      setDb(t);
    }
  });

  test("an event recorded with the chain trigger switched off is reported", async () => {
    await t.db.transaction().execute(async (trx) => {
      await sql.raw("alter table audit_events disable trigger audit_events_chain").execute(trx);
      await recordAudit(trx, event("chain.outside"));
      await sql.raw("alter table audit_events enable trigger audit_events_chain").execute(trx);
    });
    const id = await lastEventId(t.db);
    const report = await verifyAuditChain(t.db);
    assert.ok(!report.ok);
    assert.equal(report.eventId, id);
    assert.match(report.problem, /is not in the chain/);
    // Put it back in: the other tests expect an intact chain.
    await t.db.transaction().execute(async (trx) => {
      await sql.raw("alter table audit_events disable trigger audit_events_no_update").execute(trx);
      await sql`delete from audit_events where id = ${id}`.execute(trx);
      await sql.raw("alter table audit_events enable trigger audit_events_no_update").execute(trx);
    });
    assert.ok((await verifyAuditChain(t.db)).ok);
  });
});

describe("the runtime role", () => {
  // Roles are cluster-wide on PostgreSQL: one per test schema, so parallel test files never share or race on one.
  let name: string;
  let runtime: DbHandle;
  const password = randomBytes(12).toString("hex");

  before(async () => {
    name = onPostgres ? `${t.schema}_runtime` : "portal_runtime";
    await ensureRuntimeRole(t.db, name, password);
    await grantRuntimeRole(t.db, name);
    if (onPostgres) {
      const url = new URL(t.url!);
      url.username = name;
      url.password = password;
      runtime = await openPostgres(url.toString(), { searchPath: t.schema });
    }
  });
  after(async () => {
    if (onPostgres) {
      await runtime.close();
      const admin = await openPostgres(t.url!, { max: 1 });
      await sql`drop owned by ${sql.id(name)}`.execute(admin.db);
      await sql`drop role if exists ${sql.id(name)}`.execute(admin.db);
      await admin.close();
    }
  });

  /** On PostgreSQL a real login as the role; PGlite has one session, which switches to the role for `fn`. */
  async function asRuntime<T>(fn: (db: DB) => Promise<T>): Promise<T> {
    if (onPostgres) return fn(runtime.db);
    await sql`set role ${sql.id(name)}`.execute(t.db);
    try {
      return await fn(t.db);
    } finally {
      await sql`reset role`.execute(t.db);
    }
  }

  test("cannot update, delete or truncate audit rows, switch off their guard or touch the chain", async () => {
    await recordAudit(t.db, event("runtime.target"));
    const id = await lastEventId(t.db);
    const refused: [string, RegExp][] = [
      [`update audit_events set reason = 'x' where id = ${id}`, /permission denied/],
      [`delete from audit_events where id = ${id}`, /permission denied/],
      ["truncate audit_events", /permission denied/],
      ["alter table audit_events disable trigger audit_events_no_update", /must be owner/],
      ["alter table audit_events disable trigger audit_events_chain", /must be owner/],
      ["alter table audit_events disable trigger all", /must be owner/],
      ["update audit_chain set hash = hash", /permission denied/],
      ["delete from audit_chain", /permission denied/],
      ["insert into audit_chain (seq, event_id, prev_hash, hash) values (999999, 1, repeat('0', 64), repeat('0', 64))", /permission denied/],
      ["update audit_chain_head set seq = 0", /permission denied/],
      ["set session_replication_role = replica", /permission denied/],
      ["drop table audit_events", /must be owner/],
    ];
    for (const [statement, error] of refused) {
      await asRuntime(async (db) => {
        await assert.rejects(db.transaction().execute((trx) => sql.raw(statement).execute(trx)), error, statement);
      });
    }
    const row = await t.db.selectFrom("audit_events").select("reason").where("id", "=", id).executeTakeFirst();
    assert.ok(row, "the event is still there");
    assert.equal(row.reason, null);
  });

  test("the app works as the runtime role: sign-up, confirmation and sign-in over HTTP, chained", async () => {
    const before = await t.db.selectFrom("audit_events").select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
    await asRuntime(async (db) => {
      const handle: DbHandle = { db, kind: onPostgres ? "postgres" : "pglite", close: async () => {} };
      setDb(handle);
      const app = await startTestApp(handle);
      try {
        const email = uniqueEmail("runtime");
        const c = new Client(app.url, "192.0.2.150");
        assert.equal((await c.post("/signup", { name: "Vai trò chạy", email, password: PASSWORD, passwordConfirm: PASSWORD })).status, 302);
        const token = /verify-email\?token=([\w-]+)/.exec(await lastEmailText(email))![1]!;
        assert.equal((await c.post("/verify-email", { token })).headers.get("Location"), "/login");
        assert.equal((await c.post("/login", { email, password: PASSWORD })).status, 302);
        assert.equal((await c.get("/applications")).status, 200);
        await enterpriseUser("79");
        const report = await verifyAuditChain(db);
        assert.ok(report.ok, JSON.stringify(report));
      } finally {
        await app.close();
        setDb(t);
      }
    });
    const afterCount = await t.db.selectFrom("audit_events").select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
    assert.ok(afterCount.n > before.n, "the runtime role wrote audit events");
  });

  test("a production start refuses a role that could rewrite the audit trail, and accepts the runtime role", async () => {
    await assert.rejects(assertLimitedRuntimeRole(t.db), (e: Error) => e instanceof RuntimeRoleError && /could rewrite the audit trail/.test(e.message));
    await asRuntime((db) => assertLimitedRuntimeRole(db));
  });

  test(
    "npm run db:migrate as the owner creates the runtime role named in DATABASE_URL and grants it; production starts as it",
    { skip: onPostgres ? false : "needs PostgreSQL URLs for two roles" },
    async () => {
      const schema = `t_${randomBytes(6).toString("hex")}`;
      const appRole = `${schema}_app`;
      const withSchema = (user?: string, pw?: string) => {
        const url = new URL(t.url!);
        if (user) url.username = user;
        if (pw) url.password = pw;
        url.searchParams.set("options", `-c search_path=${schema}`);
        return url.toString();
      };
      const admin = await openPostgres(t.url!, { max: 1 });
      await sql`create schema ${sql.id(schema)}`.execute(admin.db);
      let handle: DbHandle | undefined;
      try {
        const c = loadConfig({
          NODE_ENV: "production",
          DATABASE_URL: withSchema(appRole, "app-password"),
          MIGRATION_DATABASE_URL: withSchema(),
          SMTP_URL: "smtp://127.0.0.1:1",
        });
        const migrated = await migrateAsOwner(c);
        assert.ok(migrated.applied.length > 0);
        assert.deepEqual(migrated.runtimeRole, { name: appRole, created: true });
        handle = await openDatabase(c);
        const who = await sql<{ u: string }>`select current_user as u`.execute(handle.db);
        assert.equal(who.rows[0]!.u, appRole);
        await recordAudit(handle.db, event("runtime.production"));
        assert.ok((await verifyAuditChain(handle.db)).ok);
        await assert.rejects(sql`delete from audit_events`.execute(handle.db), /permission denied/);
        assert.equal((await migrateAsOwner(c)).runtimeRole?.created, false, "a second run only re-grants");
      } finally {
        await handle?.close();
        await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db);
        await sql`drop owned by ${sql.id(appRole)}`.execute(admin.db).catch(() => {});
        await sql`drop role if exists ${sql.id(appRole)}`.execute(admin.db);
        await admin.close();
      }
    },
  );
});
