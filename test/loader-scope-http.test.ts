/**
 * Issue 8 item 6: every response a role can get (HTML with its embedded loader data, the single-fetch `.data` form and
 * the legacy `?_data=` form) carries only what that role may know. The test walks every route of the build, so a new
 * loader that returns the same internal data fails here without being listed.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ServerBuild } from "@remix-run/node";
import type { User } from "~/platform/db/db-types.ts";
import { eventRule } from "~/features/application/disclosure.server.ts";
import { MESSAGES } from "~/platform/i18n/messages.server.ts";
import { completeApplication, DEMO_PLATFORM } from "~/seeds/demo-data.server.ts";
import { createDraft, saveCriterion, saveSection } from "~/features/application/drafts.server.ts";
import { criteriaItems, getCriteria } from "~/features/application/criteria.server.ts";
import { getApplication } from "~/features/application/queries.server.ts";
import { listAttachments } from "~/features/application/files.server.ts";
import { submitApplication } from "~/features/application/commands.server.ts";
import * as review from "~/features/review/commands.server.ts";
import { verifyEnterprise } from "~/features/enterprise/verification.server.ts";
import { Client, loadTestBuild, pageText, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, loginAs, staffUser } from "./helpers/fixtures.ts";

let t: TestDb;
let server: TestApp;
/** A UI text as the page shows it (taken from the dictionary, so rewording a message does not break the test). */
const vi = (key: string): string => {
  const text = (MESSAGES.vi as Record<string, string>)[key];
  assert.ok(text, `message ${key}`);
  return text;
};

// ASCII markers, so they read the same in HTML, JSON and turbo-stream encodings.
const S = {
  provinceNote: "PROVINCE-INTERNAL-NOTE-q7x1",
  provinceVerdictNote: "PROVINCE-VERDICT-NOTE-k2m8",
  provinceSummary: "PROVINCE-FORWARD-SUMMARY-z9c3",
  provinceSummaryAgain: "PROVINCE-SECOND-SUMMARY-h4d6",
  ministryNote: "MINISTRY-INTERNAL-NOTE-p4v2",
  ministryVerdictNote: "MINISTRY-VERDICT-NOTE-r5t7",
  ministryReturnNote: "MINISTRY-RETURN-NOTE-w3b5",
  changesMessage: "PUBLIC-CHANGES-MESSAGE-n6y4",
};

interface Staff {
  user: User;
  name: string;
}
let alpha: Staff; // provincial reviewer who works the application
let bravo: Staff; // provincial colleague it is assigned to for a while
let mike: Staff; // ministry reviewer
let enterprise: User;
let appId: string;
let fileIds: string[];
let criterionKeys: string[];
let build: ServerBuild;

async function staff(name: string, role: "province_reviewer" | "ministry_reviewer", provinceCode: string | null): Promise<Staff> {
  const slug = name.toLowerCase().replace(/\s+/g, ".");
  const user = await staffUser(role, provinceCode, `${slug}@staff-secret.test`, name);
  return { user, name };
}

let ip = 1;
/** The one place tests sign in (staff from staffUser() give their second factor too). */
async function login(user: User): Promise<Client> {
  const c = new Client(server.url, `10.66.0.${ip++}`);
  await loginAs(c, user);
  return c;
}

async function lock(id: string) {
  return (await getApplication(id))!.lock_version;
}

/** Submission, assignment to a colleague and back, internal notes, verdicts with notes, a change request, resubmission,
 * forwarding with a summary, a ministry note and verdicts, a return to the province, forwarding again: left in ministry
 * review, so no decision has been made. */
async function applicationThroughReview() {
  const { user, enterpriseId } = await enterpriseUser("79");
  enterprise = user;
  const draft = await createDraft(user, enterpriseId, "t");
  await completeApplication(user, draft.id, DEMO_PLATFORM);
  const id = draft.id;
  await submitApplication(user, id, { requestId: "t" });
  const a = alpha.user;
  await review.assignApplication(a, id, { assigneeId: bravo.user.id, lockVersion: await lock(id) }, "t");
  await review.assignApplication(a, id, { assigneeId: a.id, noConflict: true, lockVersion: await lock(id) }, "t");
  await review.addInternalNote(a, id, S.provinceNote, "t");
  const items = criteriaItems(await getCriteria((await getApplication(id))!.criteria_set_id));
  criterionKeys = items.map((i) => i.key);
  for (const item of items)
    await review.saveVerdict(a, id, { criterionKey: item.key, verdict: "met", note: S.provinceVerdictNote, lockVersion: await lock(id) }, "t");
  await review.requestChanges(
    a,
    id,
    { lockVersion: await lock(id), items: [{ target: "criterion:user_scale", note: "Audited figures please" }], replyBy: "2099-12-31", message: S.changesMessage },
    "t",
  );
  await saveCriterion(user, id, "user_scale", { assessment: "meets", explanation: "Audited: 1.3 million MAU", links: ["https://audit.example.vn/2026"] }, "t");
  await saveSection(user, id, "declaration", { accepted: true, name: user.name, acceptedAt: new Date().toISOString() }, "t");
  await submitApplication(user, id, { requestId: "t" });
  await review.assignApplication(a, id, { assigneeId: a.id, noConflict: true, lockVersion: await lock(id) }, "t");
  await review.saveVerdict(a, id, { criterionKey: "user_scale", verdict: "met", note: S.provinceVerdictNote, lockVersion: await lock(id) }, "t");
  await prepareForward(a, id);
  await review.forwardToMinistry(a, id, { lockVersion: await lock(id), recommendation: "recognise", summary: S.provinceSummary }, "t");
  const m = mike.user;
  await review.assignApplication(m, id, { assigneeId: m.id, noConflict: true, lockVersion: await lock(id) }, "t");
  await review.addInternalNote(m, id, S.ministryNote, "t");
  for (const item of items.slice(0, 3))
    await review.saveVerdict(m, id, { criterionKey: item.key, verdict: "met", note: S.ministryVerdictNote, lockVersion: await lock(id) }, "t");
  await review.returnToProvince(m, id, { lockVersion: await lock(id), note: S.ministryReturnNote }, "t");
  await review.assignApplication(a, id, { assigneeId: a.id, noConflict: true, lockVersion: await lock(id) }, "t");
  await review.forwardToMinistry(a, id, { lockVersion: await lock(id), recommendation: "recognise", summary: S.provinceSummaryAgain }, "t");
  await review.assignApplication(m, id, { assigneeId: m.id, noConflict: true, lockVersion: await lock(id) }, "t");
  assert.equal((await getApplication(id))!.status, "in_ministry_review");
  fileIds = (await listAttachments(id)).map((f) => f.id);
  return id;
}

/** The province verifies the enterprise in its first review (a forward requires it). */
async function prepareForward(reviewer: User, id: string) {
  await verifyEnterprise(reviewer, id, { outcome: "verified", reason: "" }, "t");
}

/** Every page and resource route of the build, as URL patterns (`applications/:id/criteria/:key`). */
function routePatterns(): { id: string; pattern: string; page: boolean }[] {
  const routes = build.routes;
  const full = (id: string): string => {
    const r = routes[id]!;
    const own = r.path ?? "";
    return r.parentId ? [full(r.parentId), own].filter(Boolean).join("/") : own;
  };
  return Object.values(routes)
    .filter((r) => r.id !== "root")
    .map((r) => ({ id: r.id, pattern: full(r.id), page: typeof (r.module as { default?: unknown }).default === "function" }))
    // The development mailbox lists every email by design; it exists only in demo mode (item 1 of the issue).
    .filter((r) => !r.pattern.startsWith("dev/"));
}

/** Concrete URLs for a pattern: each parameter takes every value this application has. */
function expand(pattern: string): string[] {
  // Criteria pages share one loader: the first and the reopened one stand for all of them.
  const values: Record<string, string[]> = { id: [appId], key: [criterionKeys[0]!, "user_scale"], n: ["1", "2"], fileId: fileIds, format: ["csv"] };
  let urls = [""];
  for (const segment of pattern.split("/").filter(Boolean)) {
    if (!segment.startsWith(":")) {
      urls = urls.map((u) => `${u}/${segment}`);
      continue;
    }
    const name = segment.slice(1).replace(/\?$/, "");
    const options = values[name];
    assert.ok(options, `route parameter :${name} (in ${pattern}) has no test values: add them to expand()`);
    urls = urls.flatMap((u) => options.map((v) => `${u}/${encodeURIComponent(v)}`));
  }
  return urls.map((u) => u || "/");
}

interface Fetched {
  url: string;
  kind: "document" | "single-fetch" | "legacy";
  body: string;
}

/** Each URL as a document, as single-fetch data (`/path.data`) and as the legacy `?_data=<route id>` request. */
async function fetchEverything(c: Client): Promise<Fetched[]> {
  const out: Fetched[] = [];
  for (const route of routePatterns()) {
    for (const url of expand(route.pattern)) {
      const read = async (target: string, kind: Fetched["kind"]) => {
        const res = await c.get(target);
        const type = res.headers.get("Content-Type") ?? "";
        const body = /text|json|javascript|xml|x-script|turbo/.test(type) || type === "" ? await res.text() : "";
        out.push({ url: target, kind, body });
      };
      await read(url, "document");
      if (!route.page) continue;
      await read(url === "/" ? "/_root.data" : `${url}.data`, "single-fetch");
      await read(`${url}?_data=${encodeURIComponent(route.id)}`, "legacy");
    }
  }
  const root = await c.get(`/?_data=root`);
  out.push({ url: "/?_data=root", kind: "legacy", body: await root.text() });
  return out;
}

function assertAbsent(responses: Fetched[], forbidden: Record<string, string>, opts: { dataOnly?: Record<string, string> } = {}) {
  const leaks: string[] = [];
  for (const r of responses) {
    for (const [what, value] of Object.entries(forbidden)) if (r.body.includes(value)) leaks.push(`${what} in ${r.kind} ${r.url}`);
    // The HTML carries the whole UI dictionary, whose keys name every action: action names are checked in data only.
    if (r.kind !== "document")
      for (const [what, value] of Object.entries(opts.dataOnly ?? {})) if (r.body.includes(value)) leaks.push(`${what} in ${r.kind} ${r.url}`);
  }
  assert.deepEqual(leaks, []);
}

function identity(s: Staff, label: string): Record<string, string> {
  return { [`${label} name`]: s.name, [`${label} email`]: s.user.email, [`${label} user id`]: s.user.id };
}

before(async () => {
  t = await createTestDb();
  server = await startTestApp(t);
  build = await loadTestBuild();
  alpha = await staff("Reviewer Alpha Secretname", "province_reviewer", "79");
  bravo = await staff("Reviewer Bravo Secretname", "province_reviewer", "79");
  mike = await staff("Ministry Mike Secretname", "ministry_reviewer", null);
  appId = await applicationThroughReview();
});
after(async () => {
  await server.close();
  await t.close();
});

describe("what each role's responses carry", () => {
  test("every action audited on the application has a disclosure rule (an unlisted one would be hidden from everyone)", async () => {
    const actions = await t.db.selectFrom("audit_events").select("action").distinct().where("entity_type", "=", "application").execute();
    assert.ok(actions.length >= 10);
    assert.deepEqual(actions.map((a) => a.action).filter((a) => !eventRule(a)), []);
  });

  test("the enterprise: no internal notes, verdicts, summaries, assignments, staff names or addresses on any route", async () => {
    const c = await login(enterprise);
    const responses = await fetchEverything(c);
    assert.ok(responses.some((r) => r.kind === "single-fetch" && r.url === `/applications/${appId}.data` && r.body.length > 0));
    assertAbsent(
      responses,
      {
        "province internal note": S.provinceNote,
        "ministry internal note": S.ministryNote,
        "province verdict note": S.provinceVerdictNote,
        "ministry verdict note": S.ministryVerdictNote,
        "forward summary": S.provinceSummary,
        "second forward summary": S.provinceSummaryAgain,
        "ministry's note to the province": S.ministryReturnNote,
        ...identity(alpha, "provincial reviewer"),
        ...identity(bravo, "provincial colleague"),
        ...identity(mike, "ministry reviewer"),
      },
      {
        dataOnly: {
          "internal note event": "application.internal_note",
          "verdict event": "application.verdict",
          "assignment event": "application.assigned",
          "release event": "application.released",
          "staff role": "province_reviewer",
          "ministry role": "ministry_reviewer",
        },
      },
    );

    // The page still tells the story: public steps with the agency that took them, the request, the emails.
    const page = pageText(await (await c.get(`/applications/${appId}`)).text());
    for (const action of ["submit", "take", "request_changes", "resubmit", "forward", "take_ministry", "return_to_province"]) {
      const step = vi(`timeline.application.${action}`);
      assert.ok(page.includes(step), `timeline step ${step}`);
    }
    assert.ok(page.includes(S.changesMessage), "the province's request to the enterprise");
    assert.ok(page.includes(vi("app.agencyProvince")), "the province's steps carry its agency name");
    assert.ok(page.includes(vi("app.ministry")), "the ministry's steps carry its name");
    assert.ok(page.includes(enterprise.email), "the enterprise's own emails are listed");
  });

  test("the ministry: the province's formal verdicts and recommendation, not its internal notes, assignments or staff", async () => {
    const c = await login(mike.user);
    const responses = await fetchEverything(c);
    assert.ok(responses.some((r) => r.kind === "single-fetch" && r.url === `/ministry/${appId}.data` && r.body.includes(S.provinceSummaryAgain)));
    assertAbsent(
      responses,
      { "province internal note": S.provinceNote, ...identity(alpha, "provincial reviewer"), ...identity(bravo, "provincial colleague") },
      {
        dataOnly: {
          "the enterprise's draft edits": "application.section_saved",
          "the enterprise's criterion edits": "application.criterion_saved",
          "the enterprise's uploads": "application.files_added",
        },
      },
    );
    const page = pageText(await (await c.get(`/ministry/${appId}`)).text());
    assert.ok(page.includes(S.provinceVerdictNote), "province verdict notes beside the checklist");
    assert.ok(page.includes(S.provinceSummaryAgain), "the province's recommendation");
    assert.ok(page.includes(S.ministryNote), "the ministry's own internal note");
    assert.ok(page.includes(mike.name), "the ministry's own staff are named");
    assert.ok(page.includes(vi("app.agencyProvince")), "the province's steps carry its agency name");
  });

  test("the province: its own work, not the ministry's internal notes, pending verdicts or staff", async () => {
    const c = await login(alpha.user);
    const responses = await fetchEverything(c);
    assert.ok(responses.some((r) => r.kind === "single-fetch" && r.url === `/review/${appId}.data` && r.body.includes(S.provinceNote)));
    assertAbsent(responses, { "ministry internal note": S.ministryNote, "ministry verdict note": S.ministryVerdictNote, ...identity(mike, "ministry reviewer") });
    const page = pageText(await (await c.get(`/review/${appId}`)).text());
    assert.ok(page.includes(S.provinceNote));
    assert.ok(page.includes(S.ministryReturnNote), "the ministry's note to the province");
    assert.ok(page.includes(alpha.name), "people of the same department are named");
  });
});
