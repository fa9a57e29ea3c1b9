import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "kysely";
import type { ApplicationStatus, User } from "~/lib/db-types.ts";
import { formatDate } from "~/lib/format.ts";
import { addWorkingDays } from "~/lib/working-days.ts";
import { actionsFor, canTransition, WORKFLOW, type WorkflowAction } from "~/lib/workflow.ts";
import { createDraft, getApplication, transition } from "~/models/application.server.ts";
import { runDeadlineChecks } from "~/models/deadlines.server.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, staffUser } from "./helpers/fixtures.ts";

const STATUSES: ApplicationStatus[] = [
  "draft", "submitted", "in_provincial_review", "changes_requested", "resubmitted", "forwarded",
  "in_ministry_review", "returned_to_province", "recognised", "rejected", "withdrawn", "revoked",
];
const ACTIONS = Object.keys(WORKFLOW) as WorkflowAction[];

let t: TestDb;
before(async () => {
  t = await createTestDb();
});
after(async () => {
  await t.close();
});

describe("the workflow table", () => {
  test("final states allow nothing but what the catalogue needs", () => {
    assert.deepEqual(actionsFor("rejected", "enterprise"), []);
    assert.deepEqual(actionsFor("withdrawn", "enterprise"), []);
    assert.deepEqual(actionsFor("revoked", "ministry_reviewer"), []);
    assert.deepEqual(actionsFor("recognised", "ministry_reviewer"), ["revoke"]);
    assert.deepEqual(actionsFor("recognised", "enterprise"), ["withdraw_listing"]);
    for (const s of STATUSES) assert.deepEqual(actionsFor(s, "admin"), [], `admin never acts on ${s}`);
  });
});

describe("every (state, action, actor) combination", () => {
  test("legal transitions succeed once with one audit event; illegal ones change nothing", async () => {
    const owner = await enterpriseUser("79");
    const stranger = await enterpriseUser("79");
    const actors: Record<string, User> = {
      owner: owner.user,
      otherEnterprise: stranger.user,
      sameProvince: await staffUser("province_reviewer", "79"),
      otherProvince: await staffUser("province_reviewer", "01"),
      ministry: await staffUser("ministry_reviewer"),
      admin: await staffUser("admin"),
    };
    const app = await createDraft(owner.user, owner.enterpriseId, "test");
    await t.db.updateTable("applications").set({ province_code: "79", current_version: 1, reference: "79-261123-9999" }).where("id", "=", app.id).execute();
    let legal = 0;
    let illegal = 0;
    for (const status of STATUSES) {
      for (const action of ACTIONS) {
        for (const [name, actor] of Object.entries(actors)) {
          await t.db.updateTable("applications").set({ status }).where("id", "=", app.id).execute();
          const before = (await getApplication(app.id))!;
          const events = async () =>
            (await t.db.selectFrom("audit_events").select(sql<number>`count(*)::int`.as("n")).where("entity_id", "=", app.id).executeTakeFirstOrThrow()).n;
          const eventsBefore = await events();
          // The ministry sees an application only once it reached the ministry; staff of another province never.
          const visible =
            name === "owner" ||
            name === "sameProvince" ||
            (name === "ministry" && ["forwarded", "in_ministry_review", "returned_to_province", "recognised", "rejected", "revoked"].includes(status));
          const expected = visible && canTransition(action, status, actor.role);
          const result = await transition({ applicationId: app.id, actor, action, expectedLockVersion: before.lock_version, requestId: "matrix" }).then(
            () => "ok",
            (e: Error) => e.constructor.name,
          );
          const after = (await getApplication(app.id))!;
          const label = `${status} × ${action} × ${name}`;
          if (expected) {
            legal++;
            assert.equal(result, "ok", label);
            assert.equal(after.status, WORKFLOW[action].to, label);
            assert.equal(after.lock_version, before.lock_version + 1, label);
            assert.equal(await events(), eventsBefore + 1, label);
          } else {
            illegal++;
            assert.notEqual(result, "ok", label);
            assert.equal(after.status, before.status, label);
            assert.equal(after.lock_version, before.lock_version, label);
            assert.equal(await events(), eventsBefore, label);
          }
        }
      }
    }
    assert.ok(legal >= 20 && illegal > 800, `${legal} legal, ${illegal} illegal`);
  });

  test("a stale version is refused even for a legal action", async () => {
    const owner = await enterpriseUser("79");
    const app = await createDraft(owner.user, owner.enterpriseId, "test");
    await assert.rejects(
      transition({ applicationId: app.id, actor: owner.user, action: "withdraw", expectedLockVersion: app.lock_version + 5, requestId: "t" }),
      /changed since it was loaded/,
    );
    assert.equal((await getApplication(app.id))!.status, "draft");
  });
});

describe("deadlines", () => {
  test("reviewers hear a day before; the enterprise gets one apology with a new date after the deadline", async () => {
    const owner = await enterpriseUser("79");
    const reviewer = await staffUser("province_reviewer", "79");
    const app = await createDraft(owner.user, owner.enterpriseId, "test");
    const soon = new Date(Date.now() + 6 * 3600_000);
    await t.db
      .updateTable("applications")
      .set({ status: "in_provincial_review", province_code: "79", current_version: 1, reference: "79-261123-0001", due_at: soon, assigned_to: reviewer.id })
      .where("id", "=", app.id)
      .execute();
    let r = await runDeadlineChecks(t.db);
    assert.equal(r.dueSoon, 1);
    r = await runDeadlineChecks(t.db);
    assert.equal(r.dueSoon, 0, "once per deadline");
    const mails = await t.db.selectFrom("outbox_emails").select(["to_address", "template"]).where("application_id", "=", app.id).execute();
    assert.deepEqual(mails.map((m) => [m.to_address, m.template]), [[reviewer.email, "reviewer_due_soon"]]);

    const past = new Date(Date.now() - 3600_000);
    await t.db.updateTable("applications").set({ due_at: past }).where("id", "=", app.id).execute();
    r = await runDeadlineChecks(t.db);
    assert.equal(r.overdue, 1);
    assert.equal((await runDeadlineChecks(t.db)).overdue, 0);
    const apology = await t.db.selectFrom("outbox_emails").select(["to_address", "text_body"]).where("application_id", "=", app.id).where("template", "=", "overdue_apology").executeTakeFirstOrThrow();
    assert.equal(apology.to_address, owner.user.email);
    const newDate = formatDate(addWorkingDays(past, 5), "vi");
    assert.ok(apology.text_body.includes(newDate), `${apology.text_body} should mention ${newDate}`);

    await t.db.updateTable("applications").set({ status: "changes_requested", due_at: null }).where("id", "=", app.id).execute();
    assert.deepEqual(await runDeadlineChecks(t.db), { dueSoon: 0, overdue: 0 }, "the clock is paused while waiting for the enterprise");
  });
});
