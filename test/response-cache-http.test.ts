import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ServerBuild } from "@remix-run/node";
import type { User } from "~/platform/db/db-types.ts";
import { completeApplication, DEMO_PLATFORM } from "~/seeds/demo-data.server.ts";
import { createDraft } from "~/features/application/drafts.server.ts";
import { getApplication } from "~/features/application/queries.server.ts";
import { criteriaItems, getCriteria } from "~/features/application/criteria.server.ts";
import { runDeadlineChecks } from "~/features/review/deadlines.server.ts";
import { Client, loadTestBuild, pageText, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, loginAs, staffUser } from "./helpers/fixtures.ts";

/**
 * The response cache (docs/decisions/025) over HTTP: `app` caches, `plain` is the same build on the same database
 * without a cache. After every kind of change the cached app's page must be what a fresh render shows.
 */
let t: TestDb;
let app: TestApp;
let plain: TestApp;
const counts = { renders: 0, loaders: 0 };
let ip = 1;

/** The build with every document render and every loader call counted. */
function counting(build: ServerBuild): ServerBuild {
  const routes = Object.fromEntries(
    Object.entries(build.routes).map(([id, route]) => {
      const loader = route.module.loader;
      if (!loader) return [id, route];
      return [id, { ...route, module: { ...route.module, loader: (args: Parameters<typeof loader>[0]) => (counts.loaders++, loader(args)) } }];
    }),
  ) as ServerBuild["routes"];
  const entry = build.entry.module;
  const render: typeof entry.default = (...args) => (counts.renders++, entry.default(...args));
  return { ...build, routes, entry: { module: { ...entry, default: render } } };
}

before(async () => {
  t = await createTestDb();
  app = await startTestApp(t, { build: counting(await loadTestBuild()) });
  plain = await startTestApp(t, { env: { RESPONSE_CACHE_MB: "0" } });
});
after(async () => {
  await app.close();
  await plain.close();
  await t.close();
});

async function signIn(user: User) {
  const c = new Client(app.url, `10.7.0.${ip++}`);
  await loginAs(c, user);
  c.cookies.delete("flash"); // the welcome message: tested below
  return c;
}

/** What differs between two renders of the same page: the nonce and the request id. */
function normalised(html: string): string {
  return html
    .replace(/nonce="[^"]*"/g, 'nonce=""')
    .replace(/(requestId[\\":,]{1,8})[0-9a-f-]{36}/g, "$1")
    .replace(/<meta name="request-id" content="[^"]*"\/>/g, "");
}

async function look(c: Client, path: string, headers: Record<string, string> = {}) {
  const before = { ...counts };
  const res = await c.get(path, headers);
  const body = await res.text();
  return { res, status: res.status, cache: res.headers.get("X-Cache"), body: normalised(body), text: pageText(body), rendered: counts.renders + counts.loaders > before.renders + before.loaders };
}

/** The same request to the app without a cache. */
async function fresh(c: Client, path: string) {
  const f = new Client(plain.url, "10.7.255.1");
  for (const [k, v] of c.cookies) f.cookies.set(k, v);
  const res = await f.get(path);
  return normalised(await res.text());
}

async function cached(c: Client, path: string) {
  c.cookies.delete("flash"); // the last action's message (a flash bypasses the cache: tested below)
  const first = await look(c, path);
  assert.equal(first.status, 200, `${path}: ${first.status}`);
  const second = await look(c, path);
  assert.equal(second.cache, "hit", `${path} is served from the cache`);
  assert.equal(second.rendered, false, `${path}: a hit runs no loader and no render`);
  assert.equal(second.body, first.body);
  return second;
}

/** Fills the cache with each page, acts, and checks each page changed and is what a fresh render shows. */
async function seesChange(what: string, views: [Client, string][], act: () => Promise<unknown>) {
  const before = [];
  for (const [c, path] of views) before.push(await cached(c, path));
  await act();
  for (const [i, [c, path]] of views.entries()) {
    c.cookies.delete("flash");
    const now = await look(c, path);
    assert.equal(now.status, 200, `${what}: ${path} ${now.status}`);
    assert.notEqual(now.cache, "hit", `${what}: ${path} is rendered again`);
    assert.notEqual(now.body, before[i]!.body, `${what}: ${path} shows the change`);
    const expected = await fresh(c, path);
    if (now.body !== expected) {
      let at = 0;
      while (now.body[at] === expected[at]) at++;
      assert.fail(`${what}: ${path} is not what a fresh render shows: …${now.body.slice(at - 80, at + 120)}… instead of …${expected.slice(at - 80, at + 120)}…`);
    }
  }
}

const lock = async (id: string) => String((await getApplication(id))!.lock_version);

async function submittedDraft(province: string, name: string) {
  const { user, enterpriseId } = await enterpriseUser(province);
  const draft = await createDraft(user, enterpriseId, "test");
  await completeApplication(user, draft.id, { ...DEMO_PLATFORM, name });
  return { user, id: draft.id, enterprise: await signIn(user) };
}

async function ok(res: Response, what: string) {
  assert.equal(res.status, 302, `${what}: ${res.status} ${res.status === 302 ? "" : pageText(await res.text()).slice(0, 300)}`);
}

describe("the response cache", () => {
  test("every kind of change shows on the next view of the queues, the application's page and the catalogue", async () => {
    const reviewer = await signIn(await staffUser("province_reviewer", "79", undefined, "Người duyệt Một"));
    const colleague = await staffUser("province_reviewer", "79", undefined, "Người duyệt Hai");
    const minister = await signIn(await staffUser("ministry_reviewer", null, undefined, "Bộ Một"));
    const visitor = new Client(app.url, "10.7.1.1");
    const { id, enterprise } = await submittedDraft("79", "Nền tảng Bộ nhớ đệm");
    const page = `/review/${id}`;

    await seesChange("submit", [[reviewer, "/review?view=new"], [visitor, "/statistics.data"], [reviewer, "/statistics"]], async () => ok(await enterprise.post(`/applications/${id}/check`, {}), "submit"));
    await seesChange("assign", [[reviewer, "/review?view=new"], [reviewer, page]], async () =>
      ok(await reviewer.post(page, { intent: "assign", lockVersion: await lock(id), assigneeId: colleague.id }), "assign"),
    );
    await seesChange("take", [[reviewer, page]], async () => ok(await reviewer.post(page, { intent: "take", declaration: "none", lockVersion: await lock(id) }), "take"));
    const items = criteriaItems(await getCriteria((await getApplication(id))!.criteria_set_id));
    await seesChange("verdict", [[reviewer, page]], async () =>
      ok(await reviewer.post(page, { intent: "verdict", lockVersion: await lock(id), criterionKey: items[0]!.key, verdict: "needs_information", note: "Cần thêm số liệu" }), "verdict"),
    );
    await seesChange("note", [[reviewer, page]], async () => ok(await reviewer.post(page, { intent: "note", body: "Ghi chú của bộ nhớ đệm" }), "note"));
    await seesChange("request changes", [[reviewer, page], [reviewer, "/review?view=waiting"]], async () =>
      ok(
        await reviewer.post(page, {
          intent: "request_changes",
          lockVersion: await lock(id),
          reopen: "section:contact",
          "note:section:contact": "Sửa số điện thoại",
          replyBy: "2099-12-31",
          message: "Vui lòng bổ sung",
        }),
        "request changes",
      ),
    );
    await seesChange("resubmit", [[reviewer, page]], async () => {
      await ok(await enterprise.post(`/applications/${id}/declaration`, { accepted: "yes", name: "Trần Văn B" }), "declaration");
      await ok(await enterprise.post(`/applications/${id}/check`, {}), "resubmit");
    });
    for (const item of items) await ok(await reviewer.post(page, { intent: "verdict", lockVersion: await lock(id), criterionKey: item.key, verdict: "met", note: "Đạt" }), "verdict");
    await seesChange("enterprise verification", [[reviewer, page]], async () => ok(await reviewer.post(page, { intent: "verify_enterprise", verification: "verified" }), "verify"));
    await seesChange("forward", [[reviewer, page], [minister, "/ministry"]], async () =>
      ok(await reviewer.post(page, { intent: "forward", lockVersion: await lock(id), recommendation: "recognise", summary: "Đáp ứng" }), "forward"),
    );
    const national = `/ministry/${id}`;
    await ok(await minister.post(national, { intent: "take", declaration: "none", lockVersion: await lock(id) }), "take (ministry)");
    await seesChange("return", [[reviewer, page], [minister, national]], async () =>
      ok(await minister.post(national, { intent: "return", lockVersion: await lock(id), note: "Xác minh lại" }), "return"),
    );
    await ok(await reviewer.post(page, { intent: "take", declaration: "none", lockVersion: await lock(id) }), "take again");
    await ok(await reviewer.post(page, { intent: "forward", lockVersion: await lock(id), recommendation: "recognise", summary: "Đã xác minh lại" }), "forward again");
    await ok(await minister.post(national, { intent: "take", declaration: "none", lockVersion: await lock(id) }), "take (ministry) again");
    await seesChange("recognise", [[minister, national], [visitor, "/platforms.data"], [reviewer, "/platforms"]], async () =>
      ok(await minister.post(national, { intent: "recognise", lockVersion: await lock(id), decisionNumber: "5/QĐ-BKHCN", decisionDate: "2026-11-20" }), "recognise"),
    );
    await seesChange("withdraw listing", [[visitor, "/platforms.data"], [minister, national]], async () =>
      ok(await enterprise.post(`/applications/${id}/withdraw-listing`, { lockVersion: await lock(id) }), "withdraw listing"),
    );

    // Revoke: a second application, recognised, then revoked.
    const second = await submittedDraft("79", "Nền tảng Thu hồi Bộ nhớ");
    const p2 = `/review/${second.id}`;
    await ok(await second.enterprise.post(`/applications/${second.id}/check`, {}), "submit 2");
    await ok(await reviewer.post(p2, { intent: "take", declaration: "none", lockVersion: await lock(second.id) }), "take 2");
    for (const item of items) await ok(await reviewer.post(p2, { intent: "verdict", lockVersion: await lock(second.id), criterionKey: item.key, verdict: "met", note: "Đạt" }), "verdict 2");
    await ok(await reviewer.post(p2, { intent: "verify_enterprise", verification: "verified" }), "verify 2");
    await ok(await reviewer.post(p2, { intent: "forward", lockVersion: await lock(second.id), recommendation: "recognise", summary: "Đáp ứng" }), "forward 2");
    await ok(await minister.post(`/ministry/${second.id}`, { intent: "take", declaration: "none", lockVersion: await lock(second.id) }), "take 2 (ministry)");
    await ok(await minister.post(`/ministry/${second.id}`, { intent: "recognise", lockVersion: await lock(second.id), decisionNumber: "6/QĐ-BKHCN", decisionDate: "2026-11-20" }), "recognise 2");
    await seesChange("revoke", [[visitor, "/platforms.data"], [minister, `/ministry/${second.id}`], [reviewer, p2]], async () =>
      ok(
        await minister.post(`/ministry/${second.id}/revoke`, { lockVersion: await lock(second.id), decisionNumber: "7/QĐ-BKHCN", decisionDate: "2026-11-25", reason: "Không duy trì" }),
        "revoke",
      ),
    );

    // Reject: a third application.
    const third = await submittedDraft("79", "Nền tảng Từ chối Bộ nhớ");
    const p3 = `/review/${third.id}`;
    await ok(await third.enterprise.post(`/applications/${third.id}/check`, {}), "submit 3");
    await ok(await reviewer.post(p3, { intent: "take", declaration: "none", lockVersion: await lock(third.id) }), "take 3");
    await seesChange("reject", [[reviewer, p3], [reviewer, "/review?view=done"], [visitor, "/statistics.data"], [reviewer, "/statistics"]], async () =>
      ok(await reviewer.post(p3, { intent: "reject", lockVersion: await lock(third.id), reasons: "duplicate", note: "Trùng" }), "reject"),
    );
  });

  test("the deadline job and a direct change in the database make the next view a fresh render", async () => {
    const reviewer = await signIn(await staffUser("province_reviewer", "01"));
    const { id, enterprise } = await submittedDraft("01", "Nền tảng Hạn chót");
    await ok(await enterprise.post(`/applications/${id}/check`, {}), "submit");
    await cached(reviewer, "/review");
    await t.db.updateTable("applications").set({ due_at: new Date(Date.now() - 86_400_000) }).where("id", "=", id).execute();
    assert.notEqual((await look(reviewer, "/review")).cache, "hit", "an admin's edit in the database");
    await cached(reviewer, "/review");
    const done = await runDeadlineChecks(t.db);
    assert.ok(done.overdue >= 1);
    assert.notEqual((await look(reviewer, "/review")).cache, "hit", "the deadline job");
  });

  test("an admin's edit (deactivating a reviewer) shows on the colleague's queue; the deactivated reviewer gets no cached page", async () => {
    const admin = await signIn(await staffUser("admin", null, undefined, "Quản trị"));
    const stays = await signIn(await staffUser("province_reviewer", "92", undefined, "Người ở lại"));
    const leaving = await staffUser("province_reviewer", "92", undefined, "Người nghỉ việc");
    const leaver = await signIn(leaving);
    await cached(leaver, "/review");
    await seesChange("deactivate", [[stays, "/review"]], async () => ok(await admin.post("/admin/users", { intent: "deactivate", userId: leaving.id }), "deactivate"));
    assert.doesNotMatch((await look(stays, "/review")).text, /Người nghỉ việc/);
    const refused = await look(leaver, "/review");
    assert.notEqual(refused.status, 200, "a deactivated account's session signs nobody in");
    assert.equal(refused.cache, "bypass");
  });

  test("one viewer never receives another's page: colleagues, another province, the ministry, signed out, vi and en", async () => {
    const a = await staffUser("province_reviewer", "48", undefined, "Reviewer Anh");
    const b = await staffUser("province_reviewer", "48", undefined, "Reviewer Bình");
    const other = await staffUser("province_reviewer", "01", undefined, "Reviewer Chi");
    const ca = await signIn(a);
    const cb = await signIn(b);
    const co = await signIn(other);
    const signedInAs = (u: User) => `Đã đăng nhập: ${u.email}`;
    assert.ok((await cached(ca, "/review")).text.includes(signedInAs(a)));
    const seenByB = await look(cb, "/review");
    assert.equal(seenByB.cache, "miss");
    assert.ok(seenByB.text.includes(signedInAs(b)));
    assert.ok(!seenByB.text.includes(signedInAs(a)));
    const seenByOther = await look(co, "/review");
    assert.equal(seenByOther.cache, "miss");
    assert.ok(seenByOther.text.includes(signedInAs(other)));
    assert.ok(!seenByOther.text.includes(a.email));
    assert.ok(!seenByOther.text.includes("Reviewer Anh"), "nor another province's colleagues");
    const ministry = await signIn(await staffUser("ministry_reviewer"));
    const seenByMinistry = await look(ministry, "/review");
    assert.equal(seenByMinistry.status, 403, "the province queue is not the ministry's");

    // Signed out, and then with the old session cookie: never the cached page.
    const visitor = new Client(app.url, "10.7.2.1");
    await cached(visitor, "/platforms.data");
    const signedIn = await look(ca, "/platforms");
    assert.ok(signedIn.text.includes(signedInAs(a)));
    await cached(ca, "/platforms");
    assert.ok(!(await look(visitor, "/platforms")).text.includes(a.email));
    assert.ok(!(await look(visitor, "/platforms.data")).body.includes(a.email));
    const stolen = new Map(ca.cookies);
    await ca.post("/logout", {});
    assert.equal((await look(ca, "/review")).status, 302);
    const replay = new Client(app.url, "10.7.2.2");
    for (const [k, v] of stolen) replay.cookies.set(k, v);
    const replayed = await look(replay, "/review");
    assert.equal(replayed.status, 302, "an ended session gets the sign-in redirect, not the cached queue");
    assert.equal(replayed.cache, "bypass");

    // Languages.
    await cached(cb, "/review");
    await cb.post("/lang", { lang: "en", redirectTo: "/review" });
    const english = await look(cb, "/review");
    assert.equal(english.cache, "miss");
    assert.match(english.body, /<html lang="en"/);
    assert.match((await look(cb, "/review")).body, /<html lang="en"/);
    await cb.post("/lang", { lang: "vi", redirectTo: "/review" });
    const vietnamese = await look(cb, "/review");
    assert.equal(vietnamese.cache, "hit", "the Vietnamese page is still cached");
    assert.match(vietnamese.body, /<html lang="vi"/);
  });

  test("a flash message is shown once (the cache is bypassed); 304 on a matching ETag; headers of a hit", async () => {
    const reviewer = await signIn(await staffUser("province_reviewer", "79"));
    const { id, enterprise } = await submittedDraft("79", "Nền tảng Thông báo");
    await ok(await enterprise.post(`/applications/${id}/check`, {}), "submit");
    const page = `/review/${id}`;
    await cached(reviewer, page);
    await ok(await reviewer.post(page, { intent: "take", declaration: "none", lockVersion: await lock(id) }), "take");
    assert.ok(reviewer.cookies.has("flash"));
    const withFlash = await look(reviewer, page);
    assert.equal(withFlash.cache, "bypass");
    assert.match(withFlash.body, /role="status"|class="flash/);
    assert.ok(!reviewer.cookies.has("flash"), "the flash cookie is cleared");
    const next = await look(reviewer, page);
    assert.equal(next.cache, "miss", "the page with the flash was not kept");
    const again = await look(reviewer, page);
    assert.equal(again.cache, "hit");
    assert.equal(again.body, next.body, "the flash shows once");
    assert.notEqual(withFlash.body, next.body);

    const etag = again.res.headers.get("ETag");
    assert.ok(etag);
    assert.equal(again.res.headers.get("Cache-Control"), "no-store", "staff pages stay out of browser caches");
    assert.match(again.res.headers.get("Content-Security-Policy") ?? "", /script-src/);
    const nonce = /nonce-([^']+)'/.exec(again.res.headers.get("Content-Security-Policy") ?? "")?.[1];
    if (nonce) assert.ok((await (await reviewer.get(page)).text()).includes(`nonce="${nonce}"`), "the replayed policy names the cached body's nonce");
    const notModified = await look(reviewer, page, { "If-None-Match": etag });
    assert.equal(notModified.status, 304);
    assert.equal(notModified.rendered, false);
    assert.equal((await look(reviewer, page, { "If-None-Match": '"other"' })).status, 200);
  });

  test("anonymous documents with a per-response nonce are not shared; their data requests are", async () => {
    const visitor = new Client(app.url, "10.7.3.1");
    const first = await look(visitor, "/platforms");
    const csp = first.res.headers.get("Content-Security-Policy") ?? "";
    if (csp.includes("'nonce-")) {
      assert.notEqual((await look(visitor, "/platforms")).cache, "hit");
      assert.doesNotMatch(first.res.headers.get("Cache-Control") ?? "", /public/);
    } else {
      assert.equal((await look(visitor, "/platforms")).cache, "hit");
      assert.match(first.res.headers.get("Cache-Control") ?? "", /public, s-maxage=60/);
    }
    await cached(visitor, "/platforms.data");
  });

  test("a body kept compressed goes only to clients that accept that encoding", async () => {
    const visitor = new Client(app.url, "10.7.3.2");
    const path = "/platforms?sort=newest";
    await look(visitor, path, { "Accept-Encoding": "br" });
    const br = await look(visitor, path, { "Accept-Encoding": "br" });
    const plainText = await look(visitor, path, { "Accept-Encoding": "identity" });
    assert.notEqual(plainText.cache, "hit");
    assert.equal(plainText.res.headers.get("Content-Encoding"), null);
    assert.match(plainText.body, /<html/);
    if (br.cache === "hit") assert.equal(br.res.headers.get("Content-Encoding"), "br");
    const gzip = await look(visitor, path, { "Accept-Encoding": "gzip" });
    assert.notEqual(gzip.cache, "hit");
    assert.match(gzip.body, /<html/);
  });
});
