import { logged } from "./helpers/log-capture.ts";
import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import { sql } from "kysely";
import { isDatabaseUnavailable } from "~/platform/db/db-faults.server.ts";
import type { Locale, OutboxEmail, User } from "~/platform/db/db-types.ts";
import { openPostgres, setDb, type DbHandle } from "~/platform/db/db.server.ts";
import { READINESS_TIMEOUT_MS } from "~/platform/ops/readiness.server.ts";
import { createOutboxWorker } from "~/platform/mail/mailer.server.ts";
import { MESSAGES } from "~/platform/i18n/messages.server.ts";
import { enqueueEmail } from "~/platform/mail/outbox.server.ts";
import { Client, pageText, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { startFaultProxy, type FaultProxy } from "./helpers/fault-proxy.ts";
import { enterpriseUser, PASSWORD } from "./helpers/fixtures.ts";
import { NO_POSTGRES, postgresForTests } from "./helpers/postgres.ts";

// The portal reaches PostgreSQL through a proxy in this process that cuts and stalls its connections. An unhandled
// 'error' event or rejection anywhere would fail this file (node:test reports it).
const PG = await postgresForTests();

/** Errors no handler caught (node:test reports them too, against whichever test happens to be running). */
const uncaught: unknown[] = [];
process.on("uncaughtException", (e) => void uncaught.push(e));

const TIMEOUTS = { connectMs: 800, statementMs: 1000, queryMs: 1500 };

let direct: TestDb;
let proxy: FaultProxy;
let handle: DbHandle;
let app: TestApp;
let owner: User;
let appName = "";
let ip = 1;

describe("database faults", { skip: PG ? false : NO_POSTGRES }, () => {
  before(async () => {
    process.env.DATABASE_URL ??= PG;
    direct = await createTestDb();
    const target = new URL(PG!);
    proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) });
    appName = `portal-faults-${direct.schema}`;
    handle = await openPostgres(proxy.via(PG!), { searchPath: direct.schema, applicationName: appName, timeouts: TIMEOUTS });
    setDb(handle);
    app = await startTestApp(handle);
    owner = (await enterpriseUser("79")).user;
  });
  // A failed test must not leave the next one without a database.
  afterEach(() => {
    proxy.heal();
    assert.deepEqual(uncaught.map(String), [], "no uncaught error");
  });
  after(async () => {
    await app?.close();
    await handle?.close();
    await proxy?.close();
    await direct?.close();
  });

  async function visitor(locale: Locale, user?: User): Promise<Client> {
    const c = new Client(app.url, `10.60.0.${ip++}`);
    if (user) assert.equal((await c.post("/login", { email: user.email, password: PASSWORD })).status, 302, "sign-in");
    assert.equal((await c.post("/lang", { lang: locale, redirectTo: "/" })).status, 302, "language switch");
    return c;
  }

  /** The branded 503 page in `locale`: Retry-After, the request id of the response, no trace of the failure. */
  async function assertUnavailablePage(res: Response, locale: Locale, what: string) {
    const html = await res.text();
    assert.equal(res.status, 503, `${what}: status`);
    assert.equal(res.headers.get("Retry-After"), "10", `${what}: Retry-After`);
    const m = MESSAGES[locale];
    assert.match(html, new RegExp(`<html lang="${locale}"`), `${what}: language`);
    assert.match(html, /<header class="header"/, `${what}: the portal's header`);
    const text = pageText(html);
    assert.ok(text.includes(m["error.unavailable.title"]), `${what}: title`);
    assert.ok(text.includes(m["error.unavailable.body"]), `${what}: explanation`);
    const requestId = res.headers.get("X-Request-Id")!;
    assert.ok(text.includes(`${m["error.requestId"]} : ${requestId}`), `${what}: request id ${requestId}`);
    assert.ok(!/ECONN|terminated|timeout|at \w+ \(|node_modules/i.test(text), `${what}: no technical detail`);
    const record = logged.find((l) => l.requestId === requestId && l.msg === "database unavailable: answered 503");
    assert.ok(record, `${what}: a JSON log record with the request id`);
    assert.equal(record.level, 40);
  }

  /** Polls `cond` every 20 ms for up to `ms`; returns whether it came true. */
  async function eventually(cond: () => boolean, ms = 5000): Promise<boolean> {
    const until = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > until) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return true;
  }

  async function readyz(): Promise<{ status: number; body: { status: string } }> {
    const res = await fetch(`${app.url}/readyz`);
    return { status: res.status, body: (await res.json()) as { status: string } };
  }

  /** The fault the portal logged for the response with `requestId` (its 503 log line). */
  function loggedFault(requestId: string): string {
    const record = logged.find((l) => l.requestId === requestId && l.msg === "database unavailable: answered 503");
    return String((record?.fault as { message?: string } | undefined)?.message ?? "");
  }

  async function assertWorking(c: Client, path: string) {
    const res = await c.get(path);
    await res.text();
    assert.equal(res.status, 200, `${path} works again`);
  }

  test("every connection has its limits: statement, idle-in-transaction, client name", async () => {
    const row = await sql<{ statement: string; idle: string; name: string }>`
      select current_setting('statement_timeout') as statement,
             current_setting('idle_in_transaction_session_timeout') as idle,
             current_setting('application_name') as name`.execute(handle.db);
    assert.deepEqual(row.rows[0], { statement: "1s", idle: "30s", name: appName });
    const defaults = await sql<{ statement: string }>`select current_setting('statement_timeout') as statement`.execute(direct.db);
    assert.equal(defaults.rows[0]!.statement, "15s", "the default statement timeout");
  });

  test("cut connections: 503 pages in the visitor's language, /readyz 503 at once; healed, everything works", async () => {
    const vi = await visitor("vi");
    const en = await visitor("en", owner);
    await assertWorking(vi, "/platforms");
    await assertWorking(en, "/applications");
    assert.equal((await readyz()).status, 200);

    proxy.cut();
    await assertUnavailablePage(await vi.get("/platforms"), "vi", "public page (its loader fails)");
    await assertUnavailablePage(await en.get("/applications"), "en", "signed-in page (the root loader fails)");
    await assertUnavailablePage(await en.post("/logout", {}), "en", "a form post (the action fails)");

    const csv = await vi.get("/platforms.csv");
    assert.equal(csv.status, 503, "a download");
    assert.equal(csv.headers.get("Retry-After"), "10");
    assert.match(await csv.text(), /Dịch vụ tạm thời gián đoạn.*temporarily unavailable.*Request id: [\w-]+/);

    const data = await vi.get("/platforms.data");
    await data.text();
    assert.equal(data.status, 503, "a single-fetch data request");
    assert.equal(data.headers.get("Retry-After"), "10");

    // "database-unavailable", not "database-timeout": the check itself failed, before the probe's deadline.
    const ready = await readyz();
    assert.equal(ready.status, 503);
    assert.equal(ready.body.status, "database-unavailable");
    assert.ok(logged.some((l) => l.msg === "database connection lost" && l.level === 50), "the lost connections are logged");

    proxy.heal();
    await assertWorking(vi, "/platforms");
    await assertWorking(en, "/applications");
    assert.equal((await readyz()).status, 200);
  });

  test("a stalled database: /readyz answers 503 at its own deadline, pages 503 at the query timeout; healed, everything works", async () => {
    const c = await visitor("vi");
    // Several pooled connections, idle and open when the stall begins.
    await Promise.all([c.get("/platforms"), c.get("/statistics"), c.get("/platforms")].map(async (r) => (await r).text()));

    proxy.stall();
    // The probe's `select 1` goes out on an idle connection and hangs until the query timeout (longer than the
    // probe's deadline): "database-timeout" is the answer the deadline gives, not the database's.
    assert.ok(READINESS_TIMEOUT_MS < TIMEOUTS.queryMs);
    const ready = await readyz();
    assert.equal(ready.status, 503);
    assert.equal(ready.body.status, "database-timeout");
    assert.ok(logged.some((l) => l.msg === "not ready" && l.status === "database-timeout"), "the probe's deadline is logged");
    // A probe arriving while that check still hangs shares it (or starts the next one): 503 either way.
    const again = await readyz();
    assert.equal(again.status, 503);
    assert.ok(["database-timeout", "database-unavailable"].includes(again.body.status), again.body.status);

    const page = await c.get("/platforms");
    const requestId = page.headers.get("X-Request-Id")!;
    await assertUnavailablePage(page, "vi", "a page during the stall");
    // The driver's own limits ended the wait: the query timeout, or the connect timeout for a new connection.
    assert.match(loggedFault(requestId), /Query read timeout|timeout exceeded when trying to connect/);

    proxy.heal();
    await assertWorking(c, "/platforms");
    assert.equal((await readyz()).status, 200);
  });

  test("pg_terminate_backend (a PostgreSQL restart) of idle connections and of one inside a transaction", async () => {
    const c = await visitor("vi");
    await assertWorking(c, "/platforms");
    const terminate = () =>
      sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${appName}`.execute(direct.db);

    const lostBefore = logged.filter((l) => l.msg === "database connection lost").length;
    let killedFirst = 0;
    const failure = await handle.db
      .transaction()
      .execute(async (trx) => {
        await sql`select 1`.execute(trx);
        // Between two statements the connection belongs to this transaction, with no query running: pg reports
        // the server's goodbye as an 'error' event on the client, which used to kill the process.
        killedFirst = (await terminate()).rows.length;
        await eventually(() => logged.filter((l) => l.msg === "database connection lost").length > lostBefore);
        await sql`select 1`.execute(trx);
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(isDatabaseUnavailable(failure), `the transaction failed as unavailable: ${String(failure)}`);

    // The pool learns of each killed idle connection from its socket, a moment after pg_terminate_backend returns:
    // once it has (one "connection lost" line each), pages work at once, on new connections.
    assert.ok(await eventually(() => logged.filter((l) => l.msg === "database connection lost").length >= lostBefore + killedFirst));
    await assertWorking(c, "/platforms");
    const lostBeforeSecond = logged.filter((l) => l.msg === "database connection lost").length;
    const killed = (await terminate()).rows.length;
    assert.ok(await eventually(() => logged.filter((l) => l.msg === "database connection lost").length >= lostBeforeSecond + killed));
    await assertWorking(c, "/statistics");
  });

  test("the outbox worker survives a cut database and sends once it is back", async () => {
    const sent: number[] = [];
    const worker = createOutboxWorker({
      db: handle.db,
      mailer: { send: async (email: OutboxEmail) => void sent.push(email.id), close() {} },
      pollMs: 50,
      log: { info() {}, warn() {}, error: (o, m) => void logged.push({ ...o, msg: m, source: "worker" }) },
    });
    proxy.cut();
    worker.start();
    try {
      const id = await enqueueEmail(direct.db, {
        to: "nguoinhan@example.vn",
        locale: "vi",
        email: { template: "test", subject: "Thử", text: "Nội dung", html: "<p>Nội dung</p>" },
      });
      assert.ok(await eventually(() => logged.some((l) => l.source === "worker" && l.msg === "outbox tick failed")), "the worker met the fault");
      assert.equal(sent.length, 0, "nothing is sent while the database is cut");
      proxy.heal();
      await eventually(() => sent.includes(id!), 10_000);
      assert.deepEqual(sent, [id], "the email is sent once the database is back");
    } finally {
      await worker.stop();
    }
  });
});
