import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ApplicationStatus } from "~/platform/db/db-types.ts";
import { formatDate } from "~/platform/i18n/format.ts";
import { createDraft } from "~/features/application/drafts.server.ts";
import { runDeadlineChecks } from "~/features/review/deadlines.server.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, staffUser } from "./helpers/fixtures.ts";

let t: TestDb;
before(async () => {
  t = await createTestDb();
});
after(async () => {
  await t.close();
});

const vn = (local: string) => new Date(`${local}+07:00`);
let refs = 0;

async function inReview(opts: { province: string; status: ApplicationStatus; dueAt: Date; assignedTo?: string }) {
  const owner = await enterpriseUser(opts.province);
  const app = await createDraft(owner.user, owner.enterpriseId, "test");
  await t.db
    .updateTable("applications")
    .set({
      status: opts.status,
      province_code: opts.province,
      current_version: 1,
      reference: `${opts.province}-260201-${String(++refs).padStart(4, "0")}`,
      due_at: opts.dueAt,
      assigned_to: opts.assignedTo ?? null,
    })
    .where("id", "=", app.id)
    .execute();
  return { id: app.id, owner: owner.user };
}

function mails(applicationId: string) {
  return t.db
    .selectFrom("outbox_emails")
    .select(["to_address", "template", "text_body"])
    .where("application_id", "=", applicationId)
    .orderBy("id")
    .execute();
}

describe("deadline notices, on an injected clock", () => {
  test("an overdue application: the assigned reviewer gets one overdue notice, the enterprise one apology whose new date skips Tết", async () => {
    const reviewer = await staffUser("province_reviewer", "79");
    // Due on Friday 13 February 2026, the last working day before Tết.
    const due = vn("2026-02-13T16:00:00");
    const { id, owner } = await inReview({ province: "79", status: "in_provincial_review", dueAt: due, assignedTo: reviewer.id });

    assert.deepEqual(await runDeadlineChecks(t.db, vn("2026-02-13T12:00:00")), { dueSoon: 1, overdue: 0 });
    assert.deepEqual(await runDeadlineChecks(t.db, vn("2026-02-14T09:00:00")), { dueSoon: 0, overdue: 1 });
    // Later runs (any clock) send nothing more for the same due date.
    assert.deepEqual(await runDeadlineChecks(t.db, vn("2026-02-14T09:05:00")), { dueSoon: 0, overdue: 0 });
    assert.deepEqual(await runDeadlineChecks(t.db, vn("2026-03-20T09:00:00")), { dueSoon: 0, overdue: 0 });

    const sent = await mails(id);
    assert.deepEqual(
      sent.map((m) => [m.to_address, m.template]),
      [
        [reviewer.email, "reviewer_due_soon"],
        [owner.email, "overdue_apology"],
        [reviewer.email, "reviewer_overdue"],
      ],
    );
    // 5 working days after Friday 13 February, with Tết 16–20 February off: Friday 27 February (not the 20th).
    const newDate = formatDate(vn("2026-02-27T16:00:00"), "vi");
    assert.ok(sent[1]!.text_body.includes(newDate), `apology mentions ${newDate}: ${sent[1]!.text_body}`);
    const notice = sent[2]!;
    assert.ok(notice.text_body.includes(formatDate(due, "vi")), "the overdue notice names the missed date");
    assert.ok(notice.text_body.includes(newDate), "and the date the enterprise was promised");
    assert.ok(notice.text_body.includes(`/review/${id}`), "with a link to the review page");
  });

  test("a new due date is a new deadline: one more notice, and only one", async () => {
    const reviewer = await staffUser("province_reviewer", "48");
    const { id } = await inReview({ province: "48", status: "in_provincial_review", dueAt: vn("2026-03-02T16:00:00"), assignedTo: reviewer.id });
    assert.equal((await runDeadlineChecks(t.db, vn("2026-03-03T09:00:00"))).overdue, 1);
    await t.db.updateTable("applications").set({ due_at: vn("2026-03-10T16:00:00") }).where("id", "=", id).execute();
    assert.equal((await runDeadlineChecks(t.db, vn("2026-03-05T09:00:00"))).overdue, 0, "not yet due again");
    assert.equal((await runDeadlineChecks(t.db, vn("2026-03-11T09:00:00"))).overdue, 1);
    assert.equal((await runDeadlineChecks(t.db, vn("2026-03-12T09:00:00"))).overdue, 0);
    const notices = (await mails(id)).filter((m) => m.template === "reviewer_overdue");
    assert.equal(notices.length, 2);
  });

  test("unassigned: every active reviewer of the province, or of the ministry once forwarded", async () => {
    const a = await staffUser("province_reviewer", "01");
    const b = await staffUser("province_reviewer", "01");
    const inactive = await staffUser("province_reviewer", "01");
    await t.db.updateTable("users").set({ status: "deactivated" }).where("id", "=", inactive.id).execute();
    const elsewhere = await staffUser("province_reviewer", "79");
    const province = await inReview({ province: "01", status: "submitted", dueAt: vn("2026-04-01T16:00:00") });

    const minister = await staffUser("ministry_reviewer");
    const ministry = await inReview({ province: "01", status: "forwarded", dueAt: vn("2026-04-01T16:00:00") });

    assert.equal((await runDeadlineChecks(t.db, vn("2026-04-02T09:00:00"))).overdue, 2);
    const provinceTo = (await mails(province.id)).filter((m) => m.template === "reviewer_overdue").map((m) => m.to_address);
    assert.ok(provinceTo.includes(a.email) && provinceTo.includes(b.email), "both active reviewers of the province");
    assert.ok(!provinceTo.includes(inactive.email) && !provinceTo.includes(elsewhere.email), "nobody inactive or from another province");
    assert.ok(!provinceTo.includes(minister.email));
    const ministryMails = (await mails(ministry.id)).filter((m) => m.template === "reviewer_overdue");
    assert.ok(ministryMails.some((m) => m.to_address === minister.email), "the ministry's reviewers");
    assert.ok(ministryMails.every((m) => m.text_body.includes(`/ministry/${ministry.id}`)));
    assert.ok(!ministryMails.some((m) => m.to_address === a.email));
  });
});
