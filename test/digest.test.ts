import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import { sql } from "kysely";
import type { ApplicationStatus, User } from "~/platform/db/db-types.ts";
import { setClock } from "~/platform/time/clock.ts";
import { createDraft } from "~/features/application/drafts.server.ts";
import { transition } from "~/features/application/transition.server.ts";
import { digestCutoff, runDailyDigests } from "~/features/application/digest.server.ts";
import { assignApplication } from "~/features/review/commands.server.ts";
import { runDeadlineChecks } from "~/features/review/deadlines.server.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, staffUser } from "./helpers/fixtures.ts";

// Issue 12: reviewers who chose the daily digest hear about new and resubmitted applications in one email a day, at
// the set hour in Vietnam (8 o'clock by default), through the outbox; nothing lost, nothing twice.

let t: TestDb;
before(async () => {
  t = await createTestDb();
});
after(async () => {
  setClock(null);
  await t.close();
});
afterEach(() => setClock(null));

const vn = (local: string) => new Date(`${local}+07:00`);
let refs = 0;

/** An application of a new enterprise in `province`, in `status`, moved by `action` at the clock's time `at`. */
async function moved(province: string, from: ApplicationStatus, action: "submit" | "resubmit", at: Date, assignedTo: string | null = null) {
  setClock(at);
  const owner = await enterpriseUser(province);
  const draft = await createDraft(owner.user, owner.enterpriseId, "test");
  const reference = `${province}-261207-${String(++refs).padStart(4, "0")}`;
  await t.db
    .updateTable("applications")
    .set({ status: from, province_code: province, reference, current_version: 1, assigned_to: assignedTo, platform_name: `Nền tảng ${refs}` })
    .where("id", "=", draft.id)
    .execute();
  await transition({ applicationId: draft.id, actor: owner.user, action, requestId: "digest" });
  return { id: draft.id, reference };
}

function emailsTo(user: User) {
  return t.db.selectFrom("outbox_emails").select(["id", "template", "subject", "text_body", "locale", "application_id"]).where("to_address", "=", user.email).orderBy("id").execute();
}

function pending(user: User) {
  return t.db.selectFrom("digest_items").selectAll().where("user_id", "=", user.id).where("sent_at", "is", null).orderBy("id").execute();
}

async function digestReader(province: string | null, role: "province_reviewer" | "ministry_reviewer" = "province_reviewer", locale: "vi" | "en" = "vi") {
  const user = await staffUser(role, province);
  await t.db.updateTable("users").set({ new_application_notices: "digest", locale }).where("id", "=", user.id).execute();
  return { ...user, locale };
}

describe("the daily digest, on a pinned clock", () => {
  test("the digest time: today's hour in Vietnam once it has come, else yesterday's", () => {
    assert.equal(digestCutoff(vn("2026-12-08T08:00:00"), 8).toISOString(), vn("2026-12-08T08:00:00").toISOString());
    assert.equal(digestCutoff(vn("2026-12-08T07:59:59"), 8).toISOString(), vn("2026-12-07T08:00:00").toISOString());
    // 00:30 in Vietnam is still the previous day in UTC.
    assert.equal(digestCutoff(vn("2026-12-08T00:30:00"), 8).toISOString(), vn("2026-12-07T08:00:00").toISOString());
    assert.equal(digestCutoff(vn("2026-12-08T23:00:00"), 0).toISOString(), vn("2026-12-08T00:00:00").toISOString());
  });

  test("a day's notices in one email at the hour, in the reviewer's language; none twice however often the job runs; the immediate reviewer unchanged", async () => {
    const province = "46";
    const reader = await digestReader(province, "province_reviewer", "en");
    const immediate = await staffUser("province_reviewer", province);
    const first = await moved(province, "draft", "submit", vn("2026-12-07T09:00:00"));
    const second = await moved(province, "draft", "submit", vn("2026-12-07T16:30:00"));
    const third = await moved(province, "changes_requested", "resubmit", vn("2026-12-07T21:00:00"), reader.id);

    // At once: the immediate reviewer gets each new application as before; the digest reader nothing yet.
    assert.deepEqual(
      (await emailsTo(immediate)).map((m) => [m.template, m.application_id]),
      [
        ["reviewer_new_application", first.id],
        ["reviewer_new_application", second.id],
      ],
    );
    assert.deepEqual(await emailsTo(reader), []);
    assert.deepEqual(
      (await pending(reader)).map((i) => [i.template, i.application_id]),
      [
        ["reviewer_new_application", first.id],
        ["reviewer_new_application", second.id],
        ["reviewer_resubmitted", third.id],
      ],
    );

    // Before the hour nothing is sent (yesterday's digest had nothing of these).
    assert.deepEqual(await runDailyDigests(t.db, vn("2026-12-07T22:00:00")), { emails: 0, items: 0 });
    assert.deepEqual(await runDailyDigests(t.db, vn("2026-12-08T07:59:00")), { emails: 0, items: 0 });
    // At 8 o'clock: one email with the three notices.
    assert.deepEqual(await runDailyDigests(t.db, vn("2026-12-08T08:00:00")), { emails: 1, items: 3 });
    // The job runs every minute: nothing more.
    assert.deepEqual(await runDailyDigests(t.db, vn("2026-12-08T08:01:00")), { emails: 0, items: 0 });
    assert.deepEqual(await runDailyDigests(t.db, vn("2026-12-08T15:00:00")), { emails: 0, items: 0 });

    const mails = await emailsTo(reader);
    assert.equal(mails.length, 1);
    const digest = mails[0]!;
    assert.equal(digest.template, "reviewer_digest");
    assert.equal(digest.locale, "en");
    assert.equal(digest.application_id, null);
    assert.match(digest.subject, /Daily digest of .*\(3\)/);
    for (const a of [first, second, third]) {
      assert.ok(digest.text_body.includes(a.reference), `the digest lists ${a.reference}`);
      assert.ok(digest.text_body.includes(`/review/${a.id}`), `with its link`);
    }
    assert.match(digest.text_body, /New application: /);
    assert.match(digest.text_body, /Resubmitted with changes: /);
    assert.deepEqual(await pending(reader), [], "every item is marked sent");
    const sent = await t.db.selectFrom("digest_items").select(["outbox_email_id"]).where("user_id", "=", reader.id).execute();
    assert.ok(sent.every((s) => s.outbox_email_id === digest.id), "each item names the email that carried it");
    assert.equal((await emailsTo(immediate)).filter((m) => m.template === "reviewer_digest").length, 0, "the immediate reviewer has no digest");

    // A notice after the hour waits for the next day's digest.
    const late = await moved(province, "draft", "submit", vn("2026-12-08T08:30:00"));
    assert.deepEqual(await runDailyDigests(t.db, vn("2026-12-08T23:59:00")), { emails: 0, items: 0 });
    assert.deepEqual(await runDailyDigests(t.db, vn("2026-12-09T08:00:00")), { emails: 1, items: 1 });
    const next = (await emailsTo(reader)).slice(1);
    assert.equal(next.length, 1);
    assert.ok(next[0]!.text_body.includes(late.reference));
    assert.ok(!next[0]!.text_body.includes(first.reference), "yesterday's notices are not sent again");
  });

  test("a crash between queueing the email and marking the items loses nothing and sends nothing; two workers at once send one", async () => {
    const province = "12";
    const reader = await digestReader(province);
    const a = await moved(province, "draft", "submit", vn("2026-12-10T10:00:00"));
    const b = await moved(province, "draft", "submit", vn("2026-12-10T11:00:00"));
    // The step after the email is queued fails (as a crash would): the transaction is rolled back as a whole.
    await sql`create function digest_fault() returns trigger language plpgsql as $$ begin raise exception 'crash between steps'; end $$`.execute(t.db);
    await sql`create trigger digest_fault before update on digest_items for each row execute function digest_fault()`.execute(t.db);
    await assert.rejects(runDailyDigests(t.db, vn("2026-12-11T08:00:00")), /crash between steps/);
    await sql`drop trigger digest_fault on digest_items`.execute(t.db);
    await sql`drop function digest_fault()`.execute(t.db);
    assert.deepEqual(await emailsTo(reader), [], "no email without its items marked");
    assert.equal((await pending(reader)).length, 2, "the items still wait");

    // After the restart, two workers run the job at the same time: one email with both notices.
    const runs = await Promise.all([runDailyDigests(t.db, vn("2026-12-11T08:01:00")), runDailyDigests(t.db, vn("2026-12-11T08:01:00"))]);
    assert.equal(runs[0].emails + runs[1].emails, 1);
    const mails = await emailsTo(reader);
    assert.equal(mails.length, 1);
    assert.ok(mails[0]!.text_body.includes(a.reference) && mails[0]!.text_body.includes(b.reference));
    assert.match(mails[0]!.subject, /Tổng hợp ngày .*\(2\)/, "in Vietnamese for a Vietnamese reader");
    assert.deepEqual(await pending(reader), []);
  });

  test("a digest reader still gets assignment and deadline notices at once, and the ministry's forwarded applications in the digest", async () => {
    const province = "48";
    const reader = await digestReader(province);
    const colleague = await staffUser("province_reviewer", province);
    const app = await moved(province, "draft", "submit", vn("2026-12-14T09:00:00"));
    await assignApplication(colleague, app.id, { assigneeId: reader.id, lockVersion: (await t.db.selectFrom("applications").select("lock_version").where("id", "=", app.id).executeTakeFirstOrThrow()).lock_version }, "t");
    assert.deepEqual(
      (await emailsTo(reader)).map((m) => m.template),
      ["reviewer_assigned"],
      "the assignment comes at once (the new application waits for the digest)",
    );
    await t.db.updateTable("applications").set({ due_at: vn("2026-12-16T17:00:00") }).where("id", "=", app.id).execute();
    await runDeadlineChecks(t.db, vn("2026-12-16T10:00:00"));
    assert.deepEqual(
      (await emailsTo(reader)).map((m) => m.template),
      ["reviewer_assigned", "reviewer_due_soon"],
      "the deadline notice comes at once",
    );

    // The ministry's digest reader: an application forwarded to the ministry waits for the digest.
    const ministryReader = await digestReader(null, "ministry_reviewer");
    setClock(vn("2026-12-14T10:00:00"));
    await t.db.updateTable("applications").set({ status: "in_provincial_review", assigned_to: reader.id, current_version: 1 }).where("id", "=", app.id).execute();
    await transition({ applicationId: app.id, actor: reader, action: "forward", requestId: "digest" });
    assert.deepEqual(await emailsTo(ministryReader), []);
    assert.equal((await pending(ministryReader))[0]?.template, "ministry_new_application");
    assert.deepEqual(await runDailyDigests(t.db, vn("2026-12-15T08:00:00")), { emails: 2, items: 2 });
    const digest = (await emailsTo(ministryReader))[0]!;
    assert.ok(digest.text_body.includes(`/ministry/${app.id}`), "the ministry's link");
    assert.match(digest.text_body, /Hồ sơ được chuyển lên Bộ: /);
  });
});
