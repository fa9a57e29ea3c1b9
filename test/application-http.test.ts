import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "kysely";
import type { User } from "~/platform/db/db-types.ts";
import { completeApplication, DEMO_PLATFORM, demoPdf } from "~/seeds/demo-data.server.ts";
import { addAttachments } from "~/features/application/files.server.ts";
import { createDraft, saveCriterion } from "~/features/application/drafts.server.ts";
import { getApplication } from "~/features/application/queries.server.ts";
import { PlatformTakenError } from "~/features/application/errors.server.ts";
import { submitApplication } from "~/features/application/commands.server.ts";
import { transition } from "~/features/application/transition.server.ts";
import { Client, pageText, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, loginAs, staffUser } from "./helpers/fixtures.ts";

let t: TestDb;
let app: TestApp;

before(async () => {
  t = await createTestDb();
  app = await startTestApp(t);
});
after(async () => {
  await app.close();
  await t.close();
});

async function signIn(user: User) {
  const c = new Client(app.url, `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`);
  await loginAs(c, user);
  return c;
}

const validPlatform: Record<string, string> = {
  ...(DEMO_PLATFORM as Record<string, string>),
  usersCount: "1.250.000",
  intent: "continue",
};

describe("the application journey", () => {
  test("an enterprise fills the sections, submits once, and gets a reference, a frozen version and emails", async () => {
    const { user } = await enterpriseUser("79");
    const reviewer = await staffUser("province_reviewer", "79");
    const otherProvince = await staffUser("province_reviewer", "01");
    const c = await signIn(user);
    const created = await c.post("/applications", {});
    assert.equal(created.status, 302);
    const base = created.headers.get("Location")!;
    assert.match(base, /^\/applications\/[0-9a-f-]{36}$/);
    const id = base.split("/").pop()!;

    assert.equal((await c.get(base)).status, 200);
    assert.match(pageText(await (await c.get(`${base}/check`)).text()), /Chưa thể nộp hồ sơ/);

    // Save for later keeps partial answers; the task list says "in progress".
    const partial = await c.post(`${base}/platform`, { name: "Nền tảng X", intent: "later" });
    assert.equal(partial.status, 302);
    assert.match(pageText(await (await c.get(base)).text()), /Đang làm/);

    const res = await c.post(`${base}/platform`, validPlatform);
    assert.equal(res.status, 302, await res.text());
    const contact = await c.post(`${base}/contact`, { name: "Lê C", title: "Trưởng phòng", email: "lienhe@dn.vn", phone: "0912 345 678", intent: "continue" });
    assert.equal(contact.status, 302);
    const stored = await getApplication(id);
    assert.equal(stored!.answers.contact!.phone, "+84912345678");
    assert.equal(stored!.answers.platform!.usersCount, "1250000");

    await completeApplication(user, id, DEMO_PLATFORM);
    const decl = await c.post(`${base}/declaration`, { accepted: "yes", name: "Lê C" });
    assert.equal(decl.headers.get("Location"), `${base}/check`);

    const check = pageText(await (await c.get(`${base}/check`)).text());
    assert.doesNotMatch(check, /Chưa thể nộp hồ sơ/);
    assert.match(check, /Sàn Thương mại điện tử An Bình/);

    // A double-click: two posts at once make exactly one submission and one receipt.
    const [a, b] = await Promise.all([c.post(`${base}/check`, {}), c.post(`${base}/check`, {})]);
    assert.equal(a.headers.get("Location"), `${base}/submitted`);
    assert.equal(b.headers.get("Location"), `${base}/submitted`);
    const submitted = await getApplication(id);
    assert.equal(submitted!.status, "submitted");
    assert.equal(submitted!.province_code, "79");
    assert.match(submitted!.reference ?? "", /^79-\d{6}-\d{4}$/);
    const versions = await t.db.selectFrom("application_versions").select("version").where("application_id", "=", id).execute();
    assert.deepEqual(versions.map((v) => v.version), [1]);
    const emails = await t.db.selectFrom("outbox_emails").select(["to_address", "template"]).where("application_id", "=", id).execute();
    assert.equal(emails.filter((e) => e.template === "submission_receipt").length, 1);
    assert.deepEqual(emails.filter((e) => e.template === "submission_receipt").map((e) => e.to_address), [user.email]);
    assert.ok(emails.some((e) => e.to_address === reviewer.email && e.template === "reviewer_new_application"));
    assert.ok(!emails.some((e) => e.to_address === otherProvince.email));
    const events = await t.db.selectFrom("audit_events").select("action").where("entity_id", "=", id).where("action", "=", "application.submit").execute();
    assert.equal(events.length, 1);

    const confirmation = pageText(await (await c.get(`${base}/submitted`)).text());
    assert.ok(confirmation.includes(submitted!.reference!));
    const overview = pageText(await (await c.get(base)).text());
    assert.match(overview, /Đã nộp – chờ tiếp nhận/);
    assert.match(overview, /Nộp hồ sơ/);
    assert.ok(!overview.includes(reviewer.email), "staff addresses are not shown to the enterprise");
    assert.equal((await c.get(`${base}/versions/1`)).status, 200);

    // Frozen: sections can no longer be changed.
    assert.equal((await c.post(`${base}/platform`, validPlatform)).status, 409);
    assert.equal((await c.get(`${base}/contact`)).status, 409);
  });

  test("bad input in sections: field errors, typed text kept, never a 500", async () => {
    const { user, enterpriseId } = await enterpriseUser();
    const draft = await createDraft(user, enterpriseId, "test");
    const c = await signIn(user);
    const base = `/applications/${draft.id}`;
    const future = new Date(Date.now() + 5 * 86400_000).toISOString().slice(0, 10);
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ ...validPlatform, launchDate: future }, "launchDate", /không được sau ngày hôm nay/],
      [{ ...validPlatform, launchDate: "2024-02-30" }, "launchDate", /ngày theo định dạng đúng/],
      [{ ...validPlatform, publicUrl: "javascript:alert(1)" }, "publicUrl", /http:\/\/ hoặc https:\/\//],
      [{ ...validPlatform, usersCount: "-5" }, "usersCount", /số nguyên/],
      [{ ...validPlatform, longDescription: "x".repeat(1024 * 1024) }, "longDescription", /không được dài quá/],
      [{ ...validPlatform, name: "<img src=x onerror=alert(1)>" }, "", /.^/],
      [{ ...validPlatform, sector: "health" }, "sector", /không thuộc trụ cột/],
      [{ ...validPlatform, pillar: "'; drop table applications; --" }, "pillar", /Chọn trụ cột/],
      [{ ...validPlatform, name: "A\u0000B" }, "name", /ký tự không hợp lệ/],
    ];
    for (const [form, field, message] of cases) {
      const res = await c.post(`${base}/platform`, form);
      if (!field) {
        assert.equal(res.status, 302, "HTML is just text");
        continue;
      }
      assert.equal(res.status, 400, field);
      const html = await res.text();
      assert.match(pageText(html), message, field);
      assert.match(html, new RegExp(`href="#${field}"`), `summary links to ${field}`);
      if (field !== "name") assert.ok(html.includes(`value="Sàn Thương mại điện tử An Bình"`), "other values kept");
    }
    const stored = await getApplication(draft.id);
    assert.equal(stored!.answers.platform?.name, "<img src=x onerror=alert(1)>");
    const page = await (await c.get(`${base}/check`)).text();
    assert.ok(!page.includes("<img src=x"), "escaped on output");
    assert.ok(pageText(page).includes("<img src=x onerror=alert(1)>"), "shown as text");

    for (const phone of ["0123456789", "+1 555 0100", "09123", "abc"]) {
      const res = await c.post(`${base}/contact`, { name: "A", title: "B", email: "a@b.vn", phone, intent: "continue" });
      assert.equal(res.status, 400, phone);
      assert.match(pageText(await res.text()), /số điện thoại Việt Nam/);
    }
    const declaration = await c.post(`${base}/declaration`, { name: "A" });
    assert.equal(declaration.status, 400);
    const incomplete = await c.post(`${base}/check`, {});
    assert.equal(incomplete.status, 400);
    assert.equal((await getApplication(draft.id))!.status, "draft");
  });

  test("concurrent submits of one draft produce one submission and one receipt", async () => {
    const { user, enterpriseId } = await enterpriseUser();
    const draft = await createDraft(user, enterpriseId, "test");
    await completeApplication(user, draft.id, { ...DEMO_PLATFORM, name: "Nền tảng đồng thời" });
    const clients = await Promise.all([signIn(user), signIn(user), signIn(user)]);
    const responses = await Promise.all(clients.flatMap((c) => [c.post(`/applications/${draft.id}/check`, {}), c.post(`/applications/${draft.id}/check`, {})]));
    for (const r of responses) assert.equal(r.headers.get("Location"), `/applications/${draft.id}/submitted`);
    const receipts = await t.db.selectFrom("outbox_emails").select("id").where("application_id", "=", draft.id).where("template", "=", "submission_receipt").execute();
    assert.equal(receipts.length, 1);
    const versions = await t.db.selectFrom("application_versions").select("version").where("application_id", "=", draft.id).execute();
    assert.equal(versions.length, 1);
  });

  test("reference numbers count per province and day", async () => {
    const refs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { user, enterpriseId } = await enterpriseUser("01");
      const draft = await createDraft(user, enterpriseId, "test");
      await completeApplication(user, draft.id, { ...DEMO_PLATFORM, name: `Nền tảng ${i}` });
      const c = await signIn(user);
      await c.post(`/applications/${draft.id}/check`, {});
      refs.push((await getApplication(draft.id))!.reference!);
    }
    const seq = refs.map((r) => Number(r.split("-")[2]));
    assert.ok(refs.every((r) => r.startsWith("01-")));
    assert.deepEqual(seq, [seq[0], seq[0]! + 1, seq[0]! + 2]);
  });

  test("withdrawing an application that is not yet decided; a platform of the same name is flagged before submit", async () => {
    const { user, enterpriseId } = await enterpriseUser();
    const first = await createDraft(user, enterpriseId, "test");
    await completeApplication(user, first.id, DEMO_PLATFORM);
    const c = await signIn(user);
    await c.post(`/applications/${first.id}/check`, {});
    const second = await createDraft(user, enterpriseId, "test");
    await completeApplication(user, second.id, { ...DEMO_PLATFORM, publicUrl: "https://anbinh-2.example.vn/" });
    const check = pageText(await (await c.get(`/applications/${second.id}/check`)).text());
    assert.match(check, /Lưu ý: doanh nghiệp đã có hồ sơ/);

    const page = await (await c.get(`/applications/${first.id}/withdraw`)).text();
    const lockVersion = page.match(/name="lockVersion" value="(\d+)"/)![1]!;
    const res = await c.post(`/applications/${first.id}/withdraw`, { lockVersion });
    assert.equal(res.status, 302);
    assert.equal((await getApplication(first.id))!.status, "withdrawn");
    const stale = await c.post(`/applications/${first.id}/withdraw`, { lockVersion });
    assert.equal(stale.status, 302, "withdrawing again is refused without error");
    assert.equal((await c.get(`/applications/${first.id}/withdraw`)).headers.get("Location"), `/applications/${first.id}`);
    assert.doesNotMatch(pageText(await (await c.get(`/applications/${second.id}/check`)).text()), /Lưu ý: doanh nghiệp đã có hồ sơ/);
  });

  test("one active application per platform: a second one for the same address is refused until the first ends", async () => {
    const { user, enterpriseId } = await enterpriseUser();
    const c = await signIn(user);
    const first = await createDraft(user, enterpriseId, "test");
    await completeApplication(user, first.id, DEMO_PLATFORM);
    assert.equal((await c.post(`/applications/${first.id}/check`, {})).status, 302);
    const firstRef = (await getApplication(first.id))!.reference!;

    // The same address written differently is the same platform.
    const second = await createDraft(user, enterpriseId, "test");
    await completeApplication(user, second.id, { ...DEMO_PLATFORM, name: "Tên khác", publicUrl: "http://WWW.anbinh.example.vn/" });
    const check = pageText(await (await c.get(`/applications/${second.id}/check`)).text());
    assert.match(check, new RegExp(`Chưa thể nộp hồ sơ.*hồ sơ ${firstRef}`, "s"));
    const refused = await c.post(`/applications/${second.id}/check`, {});
    assert.equal(refused.status, 409);
    assert.match(pageText(await refused.text()), /Mỗi nền tảng chỉ có một hồ sơ/);
    assert.equal((await getApplication(second.id))!.status, "draft");

    // The database holds the rule even when the check is skipped (two submits racing past it).
    await assert.rejects(
      t.db.updateTable("applications").set({ status: "submitted" }).where("id", "=", second.id).execute(),
      /applications_one_active_per_platform/,
    );

    // Once the first is rejected or withdrawn, the platform is free again; an ended one never blocks.
    await transition({ applicationId: first.id, actor: user, action: "withdraw", requestId: "test" });
    assert.equal((await c.post(`/applications/${second.id}/check`, {})).status, 302);
    assert.equal((await getApplication(second.id))!.status, "submitted");

    // Another enterprise may file for the same address (reviewers decide who owns it).
    const other = await enterpriseUser();
    const theirs = await createDraft(other.user, other.enterpriseId, "test");
    await completeApplication(other.user, theirs.id, DEMO_PLATFORM);
    assert.equal((await (await signIn(other.user)).post(`/applications/${theirs.id}/check`, {})).status, 302);
  });

  test("two drafts of one platform submitted at once: one is submitted, the other refused with a clear page", async () => {
    const { user, enterpriseId } = await enterpriseUser();
    const drafts = [await createDraft(user, enterpriseId, "test"), await createDraft(user, enterpriseId, "test")];
    for (const d of drafts) await completeApplication(user, d.id, DEMO_PLATFORM);
    const [a, b] = await Promise.all([signIn(user), signIn(user)]);
    const responses = await Promise.all([a.post(`/applications/${drafts[0]!.id}/check`, {}), b.post(`/applications/${drafts[1]!.id}/check`, {})]);
    assert.deepEqual(responses.map((r) => r.status).sort(), [302, 409]);
    const statuses = await Promise.all(drafts.map(async (d) => (await getApplication(d.id))!.status));
    assert.deepEqual(statuses.sort(), ["draft", "submitted"]);
  });

  test("changes requested: only the reopened parts can change; resubmitting makes version 2 with a diff", async () => {
    const { user, enterpriseId } = await enterpriseUser("79");
    const reviewer = await staffUser("province_reviewer", "79");
    const draft = await createDraft(user, enterpriseId, "test");
    await completeApplication(user, draft.id, DEMO_PLATFORM);
    const c = await signIn(user);
    await c.post(`/applications/${draft.id}/check`, {});
    await transition({ applicationId: draft.id, actor: reviewer, action: "take", requestId: "t" });
    await transition({
      applicationId: draft.id,
      actor: reviewer,
      action: "request_changes",
      requestId: "t",
      apply: async (trx, a) => {
        const { id } = await trx
          .insertInto("change_requests")
          .values({ application_id: a.id, version: a.current_version, requested_by: reviewer.id, reply_by: "2030-01-15", message: "Vui lòng bổ sung" })
          .returning("id")
          .executeTakeFirstOrThrow();
        await trx.insertInto("change_request_items").values([
          { change_request_id: id, target: "criterion:user_scale", note: "Cần số liệu kiểm toán" },
          { change_request_id: id, target: "section:contact", note: "Thiếu số điện thoại bàn" },
        ]).execute();
        return { reopened: JSON.stringify(["criterion:user_scale", "section:contact"]) };
      },
    });
    const base = `/applications/${draft.id}`;
    const overview = pageText(await (await c.get(base)).text());
    assert.match(overview, /Cần số liệu kiểm toán/);
    assert.match(overview, /15\/1\/2030/);
    assert.equal((await c.get(`${base}/platform`)).status, 409, "platform stays closed");
    assert.equal((await c.post(`${base}/platform`, validPlatform)).status, 409);
    assert.equal((await c.get(`${base}/contact`)).status, 200);
    await assert.rejects(saveCriterion(user, draft.id, "ownership", { assessment: "partly", explanation: "x" }, "t"));
    await saveCriterion(user, draft.id, "user_scale", { assessment: "meets", explanation: "Số liệu đã kiểm toán 2026", links: ["https://audit.example.vn"] }, "t");
    await addAttachments(user, draft.id, "criterion:user_scale", [{ fileName: "audit.pdf", contentType: "application/pdf", content: demoPdf("audit"), sha256: "x" }], "t");
    await c.post(`${base}/contact`, { name: "Lê C", title: "Trưởng phòng", email: "lienhe@dn.vn", phone: "028 3822 1234", intent: "continue" });
    const res = await c.post(`${base}/check`, {});
    assert.equal(res.headers.get("Location"), `${base}/submitted`);
    const after2 = await getApplication(draft.id);
    assert.equal(after2!.status, "resubmitted");
    assert.equal(after2!.current_version, 2);
    const v2 = pageText(await (await c.get(`${base}/versions/2`)).text());
    assert.match(v2, /Thay đổi so với phiên bản 1/);
    assert.match(v2, /Số liệu đã kiểm toán 2026/);
    assert.match(v2, /audit\.pdf/);
    const v1 = pageText(await (await c.get(`${base}/versions/1`)).text());
    assert.doesNotMatch(v1, /Số liệu đã kiểm toán 2026/);
    const resolved = await t.db.selectFrom("change_requests").select("resolved_at").where("application_id", "=", draft.id).executeTakeFirstOrThrow();
    assert.ok(resolved.resolved_at);
  });
  test(
    "a submit that races past the check is stopped by the unique index and answered as 'platform taken'",
    { skip: process.env.DATABASE_URL ? false : "PGlite has one connection: transactions cannot interleave" },
    async () => {
      const { user, enterpriseId } = await enterpriseUser();
      const drafts = [await createDraft(user, enterpriseId, "test"), await createDraft(user, enterpriseId, "test")];
      for (const d of drafts) await completeApplication(user, d.id, DEMO_PLATFORM);
      // The first submission is made but not committed: the second's check cannot see it, its update waits on the index.
      let commitFirst!: () => void;
      const firstHeld = new Promise<void>((resolve) => (commitFirst = resolve));
      let firstWritten!: () => void;
      const written = new Promise<void>((resolve) => (firstWritten = resolve));
      const first = t.db.transaction().execute(async (trx) => {
        await trx.updateTable("applications").set({ status: "submitted" }).where("id", "=", drafts[0]!.id).execute();
        firstWritten();
        await firstHeld;
      });
      await written;
      const second = submitApplication(user, drafts[1]!.id, { requestId: "test" });
      const outcome = second.then(() => "submitted", (e: unknown) => e);
      // Wait until the second really waits on the first (a lock not granted), so the index, not the check, decides.
      while ((await sql<{ n: number }>`select count(*)::int as n from pg_locks where not granted`.execute(t.db)).rows[0]!.n === 0)
        await new Promise((resolve) => setTimeout(resolve, 10));
      commitFirst();
      await first;
      const e = await outcome;
      assert.ok(e instanceof PlatformTakenError, `expected PlatformTakenError, got ${String(e)}`);
      assert.equal(e.holder?.id, drafts[0]!.id);
      assert.equal((await getApplication(drafts[1]!.id))!.status, "draft");
    },
  );
});

describe("authorization", () => {
  test("another enterprise, staff and anonymous users get 404 or the login page for every application route", async () => {
    const { user, enterpriseId } = await enterpriseUser("79");
    const draft = await createDraft(user, enterpriseId, "test");
    await completeApplication(user, draft.id, DEMO_PLATFORM);
    const owner = await signIn(user);
    await owner.post(`/applications/${draft.id}/check`, {});
    const fileId = (await t.db.selectFrom("attachments").select("id").where("application_id", "=", draft.id).executeTakeFirstOrThrow()).id;

    const paths = [
      "",
      "/platform",
      "/criteria",
      "/criteria/user_scale",
      "/documents",
      "/contact",
      "/declaration",
      "/check",
      "/submitted",
      "/versions/1",
      "/withdraw",
      `/files/${fileId}`,
    ].map((p) => `/applications/${draft.id}${p}`);
    const other = await signIn((await enterpriseUser("79")).user);
    for (const path of paths) {
      const res = await other.get(path);
      assert.equal(res.status, 404, `other enterprise GET ${path}`);
      const post = await other.post(path, { lockVersion: "0", accepted: "yes", name: "x" });
      assert.ok([404, 405].includes(post.status), `other enterprise POST ${path}: ${post.status}`);
    }
    const anonymous = new Client(app.url);
    for (const path of paths) {
      const res = await anonymous.get(path);
      assert.ok(res.status === 302 || res.status === 404, `anonymous ${path}: ${res.status}`);
      if (res.status === 302) assert.match(res.headers.get("Location") ?? "", /^\/login/);
    }
    const reviewer = await signIn(await staffUser("province_reviewer", "79"));
    assert.equal((await reviewer.get(`/applications/${draft.id}`)).status, 403, "staff use their own pages");
    assert.equal((await reviewer.get(`/applications/not-a-uuid`)).status, 403);
    assert.equal((await other.get(`/applications/not-a-uuid`)).status, 404);
    assert.equal((await other.get(`/applications/${draft.id}/versions/abc`)).status, 404);
    const count = await t.db.selectFrom("audit_events").select(sql<number>`count(*)::int`.as("n")).where("entity_id", "=", draft.id).where("actor_user_id", "!=", user.id).executeTakeFirstOrThrow();
    assert.equal(count.n, 0, "nothing was changed by others");
  });
});
