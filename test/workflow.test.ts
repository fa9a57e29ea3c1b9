import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "kysely";
import type { ApplicationStatus, User } from "~/platform/db/db-types.ts";
import { formatDate } from "~/platform/i18n/format.ts";
import { addWorkingDays } from "~/platform/time/working-days.ts";
import {
  ACTIVE_APPLICATION_STATUSES,
  actionsFor,
  AWAITING_MINISTRY,
  AWAITING_PROVINCE,
  canTransition,
  IN_PROGRESS_STATUSES,
  PAST_PROVINCE_STATUSES,
  STAFF_TURN_STATUSES,
  WORKFLOW_STATUSES,
  NOTICES,
  noticeCondition,
  noticeTemplate,
  WORKFLOW,
  type Audience,
  type NoticeCondition,
  type NoticeTemplate,
  type WorkflowAction,
} from "~/features/application/workflow.ts";
import { isDigestible } from "~/features/application/digest.server.ts";
import { createDraft } from "~/features/application/drafts.server.ts";
import { getApplication } from "~/features/application/queries.server.ts";
import { transition } from "~/features/application/transition.server.ts";
import { runDeadlineChecks } from "~/features/review/deadlines.server.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, staffUser } from "./helpers/fixtures.ts";

const STATUSES: ApplicationStatus[] = [
  "draft", "submitted", "in_provincial_review", "changes_requested", "resubmitted", "forwarded",
  "in_ministry_review", "returned_to_province", "recognised", "rejected", "withdrawn", "revoked",
];
const ACTIONS = Object.keys(WORKFLOW) as WorkflowAction[];
const REACHED_MINISTRY: ApplicationStatus[] = ["forwarded", "in_ministry_review", "returned_to_province", "recognised", "revoked"];

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

  test("the status sets queues, deadlines and pages use are derived from the table, and say what they mean", () => {
    const sorted = (xs: readonly string[]) => [...xs].sort();
    assert.deepEqual(sorted(WORKFLOW_STATUSES), sorted(STATUSES), "every status of the schema is in the workflow");
    assert.deepEqual(sorted(AWAITING_PROVINCE), ["resubmitted", "returned_to_province", "submitted"]);
    assert.deepEqual(sorted(AWAITING_MINISTRY), ["forwarded"]);
    assert.deepEqual(sorted(IN_PROGRESS_STATUSES), sorted(STATUSES.filter((s) => !["draft", "recognised", "rejected", "withdrawn", "revoked"].includes(s))));
    assert.deepEqual(sorted(STAFF_TURN_STATUSES), ["forwarded", "in_ministry_review", "in_provincial_review", "resubmitted", "returned_to_province", "submitted"]);
    assert.deepEqual(sorted(PAST_PROVINCE_STATUSES), ["forwarded", "in_ministry_review", "recognised", "rejected", "revoked", "withdrawn"]);
    assert.deepEqual(sorted(ACTIVE_APPLICATION_STATUSES), sorted([...IN_PROGRESS_STATUSES, "recognised"]));
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
          // Whether it reached the ministry is history, not status: a rejection or withdrawal may come before or after.
          const reached = REACHED_MINISTRY.includes(status);
          await t.db.updateTable("applications").set({ status, reached_ministry_at: reached ? new Date() : null }).where("id", "=", app.id).execute();
          const before = (await getApplication(app.id))!;
          const events = async () =>
            (await t.db.selectFrom("audit_events").select(sql<number>`count(*)::int`.as("n")).where("entity_id", "=", app.id).executeTakeFirstOrThrow()).n;
          const eventsBefore = await events();
          // The ministry sees an application only once it reached the ministry; staff of another province never.
          const visible =
            name === "owner" ||
            name === "sameProvince" ||
            (name === "ministry" && reached);
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
            assert.equal(after.status, WORKFLOW[action].toWhenAssigned && after.assigned_to ? WORKFLOW[action].toWhenAssigned : WORKFLOW[action].to, label);
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

describe("who is told (NOTICES)", () => {
  interface Scenario {
    action: WorkflowAction;
    from: ApplicationStatus;
    province?: "staffed" | "unstaffed";
    /** Who the application is assigned to before the action. */
    assigned?: "province" | "ministry";
    reached?: boolean;
    draft?: boolean;
  }
  // Every action at least once, and every condition of the table both ways.
  const SCENARIOS: Scenario[] = [
    { action: "submit", from: "draft" },
    { action: "submit", from: "draft", province: "unstaffed" },
    { action: "take", from: "submitted" },
    { action: "take", from: "resubmitted" },
    { action: "take", from: "returned_to_province", reached: true },
    { action: "request_changes", from: "in_provincial_review", assigned: "province" },
    { action: "resubmit", from: "changes_requested", assigned: "province" },
    { action: "resubmit", from: "changes_requested" },
    { action: "resubmit", from: "changes_requested", province: "unstaffed" },
    { action: "forward", from: "in_provincial_review", assigned: "province" },
    { action: "reject_province", from: "in_provincial_review", assigned: "province" },
    { action: "take_ministry", from: "forwarded", reached: true },
    { action: "return_to_province", from: "in_ministry_review", assigned: "ministry", reached: true },
    { action: "return_to_province", from: "in_ministry_review", assigned: "ministry", reached: true, province: "unstaffed" },
    { action: "recognise", from: "in_ministry_review", assigned: "ministry", reached: true },
    { action: "reject_ministry", from: "in_ministry_review", assigned: "ministry", reached: true },
    { action: "withdraw", from: "draft", draft: true },
    { action: "withdraw", from: "in_provincial_review", assigned: "province" },
    { action: "withdraw", from: "in_ministry_review", assigned: "ministry", reached: true },
    { action: "withdraw_listing", from: "recognised", reached: true },
    { action: "revoke", from: "recognised", reached: true },
  ];

  test("the scenarios cover every action", () => {
    assert.deepEqual([...new Set(SCENARIOS.map((x) => x.action))].sort(), [...ACTIONS].sort());
  });

  test("each action emails exactly the audiences its entry names, with its template", async () => {
    // Only this test's staff are active, so "everybody at a stage" is known here.
    await t.db.updateTable("users").set({ status: "deactivated" }).where("role", "!=", "enterprise").execute();
    const staffed = "46";
    const unstaffed = "12";
    const provinceReviewers = [await staffUser("province_reviewer", staffed), await staffUser("province_reviewer", staffed)];
    const inactive = await staffUser("province_reviewer", staffed);
    await t.db.updateTable("users").set({ status: "deactivated" }).where("id", "=", inactive.id).execute();
    const ministry = [await staffUser("ministry_reviewer"), await staffUser("ministry_reviewer")];
    const admins = [await staffUser("admin")];
    // One reviewer of each stage chose the daily digest: their new and resubmitted applications' notices are kept for
    // it (digest_items) instead of an email; everything else reaches them at once. Together, still the table.
    const digestReaders = [provinceReviewers[1]!, ministry[1]!];
    await t.db.updateTable("users").set({ new_application_notices: "digest" }).where("id", "in", digestReaders.map((u) => u.id)).execute();

    const keptTemplates = new Set<string>();
    for (const x of SCENARIOS) {
      const label = `${x.action} from ${x.from}${x.province === "unstaffed" ? " (unstaffed province)" : ""}${x.assigned ? ` assigned to ${x.assigned}` : ""}`;
      const code = x.province === "unstaffed" ? unstaffed : staffed;
      const owner = await enterpriseUser(code);
      const draft = await createDraft(owner.user, owner.enterpriseId, "test");
      const assignee = x.assigned === "province" ? provinceReviewers[1]! : x.assigned === "ministry" ? ministry[1]! : null;
      await t.db
        .updateTable("applications")
        .set({
          status: x.from,
          province_code: code,
          reference: x.draft ? null : `${code}-261202-${String(SCENARIOS.indexOf(x)).padStart(4, "0")}`,
          current_version: x.draft || x.action === "submit" ? 0 : 1,
          assigned_to: assignee?.id ?? null,
          reached_ministry_at: x.reached ? new Date() : null,
          platform_name: "Nền tảng Thử nghiệm",
        })
        .where("id", "=", draft.id)
        .execute();
      const role = WORKFLOW[x.action].role;
      if (role === "province_reviewer" && x.province === "unstaffed") throw new Error(`${label}: an unstaffed province has no reviewer to act`);
      const actor = role === "enterprise" ? owner.user : role === "province_reviewer" ? provinceReviewers[0]! : ministry[0]!;
      const mark = (await t.db.selectFrom("outbox_emails").select(sql<number>`coalesce(max(id), 0)::int`.as("n")).executeTakeFirstOrThrow()).n;
      const digestMark = (await t.db.selectFrom("digest_items").select(sql<number>`coalesce(max(id), 0)::int`.as("n")).executeTakeFirstOrThrow()).n;
      const app = await transition({ applicationId: draft.id, actor, action: x.action, requestId: "notices" });

      const holds: Record<NoticeCondition, boolean> = {
        submitted: !x.draft,
        reached_ministry: Boolean(x.reached) || WORKFLOW[x.action].to === "forwarded",
        province_unstaffed: x.province === "unstaffed",
        first_receipt: x.from === "submitted",
      };
      const others = (list: User[]) => list.filter((u) => u.id !== actor.id);
      const stage = (list: User[]) => (assignee && list.some((u) => u.id === assignee.id) ? [assignee] : list);
      const people: Record<Audience, string[]> = {
        enterprise: [owner.user.email],
        province: x.province === "unstaffed" ? [] : others(stage(provinceReviewers)).map((u) => u.email),
        ministry: others(stage(ministry)).map((u) => u.email),
        admins: others(admins).map((u) => u.email),
      };
      const expected: string[] = [];
      for (const [audience, notice] of Object.entries(NOTICES[x.action]) as [Audience, NonNullable<(typeof NOTICES)[WorkflowAction][Audience]>][]) {
        const when = noticeCondition(notice);
        if (when && !holds[when]) continue;
        for (const to of people[audience]) expected.push(`${to} ${noticeTemplate(notice)}`);
      }
      const sent = await t.db.selectFrom("outbox_emails").select(["to_address", "template"]).where("id", ">", mark).execute();
      const kept = await t.db
        .selectFrom("digest_items")
        .innerJoin("users", "users.id", "digest_items.user_id")
        .select(["users.email", "users.new_application_notices", "digest_items.template"])
        .where("digest_items.id", ">", digestMark)
        .execute();
      for (const k of kept) {
        keptTemplates.add(k.template);
        assert.equal(k.new_application_notices, "digest", `${label}: only a digest reader's notice is kept for the digest`);
        assert.ok(isDigestible(k.template as NoticeTemplate), `${label}: ${k.template} is not a notice for the digest`);
      }
      for (const m of sent) {
        const reader = digestReaders.find((u) => u.email === m.to_address);
        assert.ok(!reader || !isDigestible(m.template as NoticeTemplate), `${label}: ${m.template} emailed at once to a digest reader`);
      }
      assert.deepEqual([...sent.map((m) => `${m.to_address} ${m.template}`), ...kept.map((k) => `${k.email} ${k.template}`)].sort(), expected.sort(), label);
      assert.ok(!sent.some((m) => m.to_address === inactive.email), `${label}: a deactivated reviewer is never told`);
      assert.ok(sent.every((m) => m.to_address !== actor.email || actor.role === "enterprise"), `${label}: staff are not told about their own action`);
      if (x.action === "resubmit") assert.equal(app.status, x.assigned ? "in_provincial_review" : "resubmitted", `${label}: back to its reviewer`);
    }
    assert.deepEqual([...keptTemplates].sort(), ["ministry_new_application", "reviewer_new_application", "reviewer_resubmitted"], "every notice for the digest was kept for it at least once");
  });

  test("the actions that used to tell nobody now tell the people concerned", async () => {
    // Hand-written, so a change to the table that drops them fails here too.
    for (const [action, audiences] of [
      ["take", ["enterprise"]],
      ["take_ministry", ["enterprise"]],
      ["withdraw_listing", ["enterprise", "province", "ministry"]],
      ["revoke", ["enterprise", "province"]],
    ] as const) {
      for (const a of audiences) assert.ok(NOTICES[action][a], `${action} tells ${a}`);
    }
    assert.equal(noticeCondition(NOTICES.submit.admins!), "province_unstaffed");
    assert.equal(noticeCondition(NOTICES.withdraw.ministry!), "reached_ministry");
  });
});
