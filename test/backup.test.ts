import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { sql } from "kysely";
import { loadConfig } from "~/platform/config.server.ts";
import { openDatabase } from "~/server/bootstrap.server.ts";
import { openPglite, openPostgres, setDb, type DB, type DbHandle } from "~/platform/db/db.server.ts";
import { migrateToLatest } from "~/platform/db/migrate.server.ts";
import { backupEmbedded, BackupError, restoreEmbedded } from "~/platform/db/embedded-backup.server.ts";
import { createMailer, createOutboxWorker } from "~/platform/mail/mailer.server.ts";
import { recordAudit, verifyAuditChain } from "~/platform/db/audit.server.ts";
import { blobStream, stageBytes } from "~/platform/db/file-store.server.ts";
import { enqueueEmail, markEmailSent } from "~/platform/mail/outbox.server.ts";
import { createSession, getSession } from "~/features/account/session.server.ts";
import { createTestDb } from "./helpers/db.ts";
import { enterpriseUser } from "./helpers/fixtures.ts";
import { startTestSmtp } from "./helpers/smtp.ts";

const POLICY = { idleSeconds: 3600, absoluteSeconds: 3600 };

interface Seeded {
  userId: string;
  sessionToken: string;
  sentId: number;
  pendingId: number;
  blobId: string;
  bytes: Uint8Array;
}

/** A little of everything a restore must bring back: an account with a session, a sent and a pending email, a file, audit events. */
async function seed(db: DB): Promise<Seeded> {
  const { user } = await enterpriseUser();
  const sessionToken = await createSession(user.id, POLICY);
  const email = (subject: string) => ({ to: "nhan@dn.vn", locale: "vi" as const, email: { template: "backup-test", subject, text: subject, html: `<p>${subject}</p>` } });
  const sentId = (await enqueueEmail(db, email("Đã gửi trước khi sao lưu")))!;
  await markEmailSent(db, sentId);
  const pendingId = (await enqueueEmail(db, email("Chờ gửi khi sao lưu")))!;
  const bytes = new Uint8Array(randomBytes(600 * 1024)); // three chunks
  const { blobId } = await stageBytes(bytes);
  await recordAudit(db, { actorUserId: user.id, actorRole: "enterprise", action: "backup.test", entityType: "test", entityId: "1" });
  return { userId: user.id, sessionToken, sentId, pendingId, blobId, bytes };
}

async function readBlob(blobId: string, size: number): Promise<Buffer> {
  return Buffer.from(await new Response(blobStream(blobId, size)).arrayBuffer());
}

/** The restored database has it all, the audit chain verifies, and the worker sends the pending email only. */
async function assertRestored(db: DB, s: Seeded) {
  setDb({ db, kind: "postgres", close: async () => {} });
  assert.ok(await db.selectFrom("users").select("id").where("id", "=", s.userId).executeTakeFirst(), "the account");
  assert.ok(await getSession(s.sessionToken, POLICY), "the session still signs its user in");
  assert.ok(Buffer.from(s.bytes).equals(await readBlob(s.blobId, s.bytes.byteLength)), "the file's bytes");
  const chain = await verifyAuditChain(db);
  assert.equal(chain.ok, true, JSON.stringify(chain));
  assert.ok(chain.events >= 2);

  const smtp = await startTestSmtp();
  const mailer = createMailer({ smtpUrl: `${smtp.url}?ignoreTLS=true`, mailDir: fs.mkdtempSync(path.join(os.tmpdir(), "mail-")), from: "a@b.vn", messageIdDomain: "restored.test" });
  try {
    await createOutboxWorker({ db, mailer }).tick();
    const subjects = smtp.messages.map((m) => m.subject);
    assert.deepEqual(subjects, ["Chờ gửi khi sao lưu"], "the pending email is sent, the one sent before the backup is not sent again");
    const rows = await db.selectFrom("outbox_emails").select(["id", "status"]).where("id", "in", [s.sentId, s.pendingId]).orderBy("id").execute();
    assert.deepEqual(rows.map((r) => r.status), ["sent", "sent"]);
  } finally {
    mailer.close();
    await smtp.stop();
  }
}

test("embedded database: db:backup refuses while the portal runs, restore keeps the current data aside, everything survives", { timeout: 120_000 }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "backup-"));
  const c = loadConfig({ DATA_DIR: dataDir });
  const file = path.join(dataDir, "backups", "one.tar.gz");
  let handle: DbHandle | undefined;
  try {
    await assert.rejects(backupEmbedded(c.pgliteDir, file), /No embedded database/);
    handle = await openDatabase(c);
    setDb(handle);
    const seeded = await seed(handle.db);

    // The running portal holds the lock: neither command touches its directory.
    await assert.rejects(backupEmbedded(c.pgliteDir, file), (e: Error) => e instanceof BackupError && /already open in process/.test(e.message) && /Stop the portal first/.test(e.message));
    await assert.rejects(restoreEmbedded(c.pgliteDir, file), /No such backup file/);
    await handle.close();
    handle = undefined;

    const backup = await backupEmbedded(c.pgliteDir, file);
    assert.ok(backup.bytes > 600 * 1024 && backup.users >= 1 && backup.auditEvents >= 2 && backup.emails === 2, JSON.stringify(backup));
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ["one.tar.gz"], "no partial file left");

    // Work done after the backup; then the restore goes back to the backup and keeps this state aside.
    handle = await openPglite(c.pgliteDir);
    await handle.db.deleteFrom("sessions").execute();
    await handle.close();
    handle = undefined;
    const holder = await openPglite(c.pgliteDir);
    await assert.rejects(restoreEmbedded(c.pgliteDir, file), /Stop the portal first/);
    await holder.close();

    const garbage = path.join(dataDir, "not-a-backup.tar.gz");
    fs.writeFileSync(garbage, "hello");
    await assert.rejects(restoreEmbedded(c.pgliteDir, garbage), BackupError);
    assert.ok(fs.existsSync(path.join(c.pgliteDir, "PG_VERSION")), "a refused restore leaves the database where it was");

    const restored = await restoreEmbedded(c.pgliteDir, file, new Date("2026-12-02T10:00:00Z"));
    assert.equal(restored.keptAside, `${c.pgliteDir}.before-restore-2026-12-02T10-00-00-000Z`);
    const aside = await openPglite(restored.keptAside!);
    assert.equal((await aside.db.selectFrom("sessions").select("id_hash").execute()).length, 0, "the state before the restore is kept as it was");
    await aside.close();

    handle = await openDatabase(c);
    await assertRestored(handle.db, seeded);
  } finally {
    await handle?.close();
    setDb(undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test("PostgreSQL: pg_dump, restore into a fresh database, start on it: everything survives, no email is sent twice", { skip: !process.env.DATABASE_URL && "needs DATABASE_URL" }, async () => {
  const source = await createTestDb();
  const target = `restore_${randomBytes(5).toString("hex")}`;
  const admin = await openPostgres(process.env.DATABASE_URL!, { max: 1 });
  const targetUrl = Object.assign(new URL(process.env.DATABASE_URL!), { pathname: `/${target}` }).href;
  let restored: DbHandle | undefined;
  try {
    const seeded = await seed(source.db);
    // What the operator runs (docs/operations/build-and-backup.md), here limited to this test file's schema.
    const dump = execFileSync("pg_dump", ["--dbname", source.url!, "--schema", source.schema!, "--no-owner", "--no-privileges"], { maxBuffer: 64 * 1024 * 1024 });
    await sql.raw(`create database ${target}`).execute(admin.db);
    // This dump is limited to the test's schema, so it leaves out the extensions, which live in public (a dump of the
    // whole database, as docs/operations.md has it, carries their "create extension").
    const extensions = await openPostgres(targetUrl, { max: 1 });
    await sql`create extension pg_trgm with schema public`.execute(extensions.db);
    await extensions.close();
    execFileSync("psql", ["--dbname", targetUrl, "--quiet", "--set", "ON_ERROR_STOP=1", "--no-psqlrc"], { input: dump, stdio: ["pipe", "ignore", "pipe"] });
    restored = await openPostgres(targetUrl, { searchPath: source.schema });
    assert.deepEqual(await migrateToLatest(restored.db), [], "the restored schema is the current one");
    await assertRestored(restored.db, seeded);
  } finally {
    await restored?.close();
    await source.close();
    await sql.raw(`drop database if exists ${target}`).execute(admin.db);
    await admin.close();
    setDb(undefined);
  }
});
