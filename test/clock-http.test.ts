import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import { completeApplication, DEMO_PLATFORM } from "~/seeds/demo-data.server.ts";
import { createDraft } from "~/features/application/drafts.server.ts";
import { submitApplication } from "~/features/application/commands.server.ts";
import { getApplication } from "~/features/application/queries.server.ts";
import { issueUserToken, peekUserToken } from "~/features/account/user.server.ts";
import { runDeadlineChecks } from "~/features/review/deadlines.server.ts";
import { totpCode } from "~/features/account/totp.server.ts";
import { addWorkingDays } from "~/platform/time/working-days.ts";
import { setClock } from "~/platform/time/clock.ts";
import { Client, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, loginAs } from "./helpers/fixtures.ts";

// One pinned clock moves sessions, tokens, deadlines and codes forward: hours and working days pass without waiting.
let t: TestDb;
let app: TestApp;
const T0 = new Date("2026-12-07T02:00:00Z"); // a Monday, 09:00 in Hà Nội
const at = (ms: number) => new Date(T0.getTime() + ms);
const MIN = 60_000;
const HOUR = 60 * MIN;

before(async () => {
  t = await createTestDb();
  app = await startTestApp(t);
});
afterEach(() => setClock(null));
after(async () => {
  setClock(null);
  await app.close();
  await t.close();
});

async function signedIn() {
  const { user, enterpriseId } = await enterpriseUser("01");
  const c = new Client(app.url, `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`);
  await loginAs(c, user);
  return { c, user, enterpriseId };
}

const status = async (c: Client, path: string) => {
  const res = await c.get(path);
  await res.text();
  return res.status === 302 ? `302 ${res.headers.get("Location")?.split("?")[0]}` : String(res.status);
};

describe("the clock", () => {
  test("sessions: an hour of idleness signs out, visits slide it, twelve hours end it however active", async () => {
    setClock(T0);
    const idle = await signedIn();
    setClock(at(59 * MIN));
    assert.equal(await status(idle.c, "/applications"), "200");
    setClock(at(59 * MIN + 61 * MIN));
    assert.equal(await status(idle.c, "/applications"), "302 /login");

    setClock(T0);
    const busy = await signedIn();
    const visits: string[] = [];
    for (let m = 50; m <= 12 * 60 + 30; m += 50) {
      setClock(at(m * MIN));
      visits.push(`${m < 12 * 60 ? "before" : "after"} ${await status(busy.c, "/applications")}`);
    }
    assert.ok(visits.filter((v) => v.startsWith("before")).every((v) => v === "before 200"), visits.join(", "));
    assert.ok(visits.filter((v) => v.startsWith("after")).every((v) => v === "after 302 /login"), visits.join(", "));
  });

  test("a reset link works for an hour, not after", async () => {
    const { user } = await enterpriseUser("01");
    setClock(T0);
    const token = await issueUserToken(t.db, user.id, "reset_password");
    setClock(at(59 * MIN));
    assert.equal((await peekUserToken(token, "reset_password"))?.id, user.id);
    setClock(at(61 * MIN));
    assert.equal(await peekUserToken(token, "reset_password"), undefined);
  });

  test("a submission's deadline counts working days from the clock, and the deadline job sees it pass", async () => {
    const { user, enterpriseId } = await enterpriseUser("01");
    const draft = await createDraft(user, enterpriseId, "test");
    await completeApplication(user, draft.id, { ...DEMO_PLATFORM, publicUrl: "https://dong-ho.example.vn" });
    setClock(T0);
    await submitApplication(user, draft.id, { requestId: "test" });
    const submitted = (await getApplication(draft.id))!;
    assert.equal(new Date(submitted.submitted_at!).toISOString(), T0.toISOString());
    assert.equal(new Date(submitted.due_at!).toISOString(), addWorkingDays(T0, 10).toISOString());

    setClock(new Date(new Date(submitted.due_at!).getTime() - HOUR));
    assert.equal((await runDeadlineChecks(t.db)).overdue, 0);
    setClock(new Date(new Date(submitted.due_at!).getTime() + HOUR));
    assert.ok((await runDeadlineChecks(t.db)).overdue >= 1);
    assert.equal((await runDeadlineChecks(t.db)).overdue, 0, "each overdue application is told once");
  });

  test("second-factor codes follow the clock (30-second steps)", () => {
    const secret = "NENTANGSODEMOSECRETKEYBKHCNTOTPQ";
    setClock(T0);
    const first = totpCode(secret);
    setClock(at(29_000));
    assert.equal(totpCode(secret), first);
    setClock(at(30_000 + (30_000 - (T0.getTime() % 30_000))));
    assert.notEqual(totpCode(secret), first);
  });
});
