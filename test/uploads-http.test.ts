import assert from "node:assert/strict";
import { createHash, randomInt } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { sql } from "kysely";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import type { Application, User } from "~/lib/db-types.ts";
import { createUserDirect } from "~/models/account.server.ts";
import { createDraft, MAX_BYTES_PER_APPLICATION, MAX_FILE_BYTES, MAX_FILES_PER_APPLICATION } from "~/models/application.server.ts";
import { Client, startTestApp, type TestApp } from "./helpers/app.ts";
import { loginAs, staffUser } from "./helpers/fixtures.ts";
import * as sample from "./fixtures/upload-samples.ts";

const PASSWORD = "correct horse battery";
let t: TestDb;
let server: TestApp;
let n = 0;
const uniqueEmail = (p: string) => `${p}${Date.now()}${n++}@upload.vn`;

async function account(role: User["role"], provinceCode: string | null = null) {
  const email = uniqueEmail(role);
  const user = role === "enterprise" ? await createUserDirect({ email, name: role, role, provinceCode, password: PASSWORD }) : await staffUser(role, provinceCode, email);
  const c = new Client(server.url);
  await loginAs(c, user);
  return { user, c };
}

/** An enterprise user with their enterprise (head office in `province`) and a fresh draft. */
async function enterpriseWithDraft(province = "01") {
  const { user, c } = await account("enterprise");
  const enterprise = await t.db
    .insertInto("enterprises")
    .values({
      tax_code: String(randomInt(1e9, 1e10 - 1)),
      legal_name: "Công ty Cổ phần Thử nghiệm",
      province_code: province,
      address: "1 Tràng Tiền",
      representative_name: "Nguyễn Văn A",
      representative_title: "Giám đốc",
      phone: "+84912345678",
      created_by: user.id,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await t.db.insertInto("enterprise_members").values({ enterprise_id: enterprise.id, user_id: user.id, role: "owner" }).execute();
  const app = await createDraft(user, enterprise.id, "test-request-id");
  return { user, c, app };
}

interface Part {
  name: string;
  value: string | { content: Buffer; fileName: string; type?: string };
}

/** Posts multipart/form-data as a browser would, with the client's session cookie. */
async function postMultipart(c: Client, path: string, parts: Part[]) {
  const form = new FormData();
  for (const p of parts) {
    if (typeof p.value === "string") form.append(p.name, p.value);
    else form.append(p.name, new Blob([new Uint8Array(p.value.content)], { type: p.value.type ?? "application/octet-stream" }), p.value.fileName);
  }
  const res = await fetch(server.url + path, {
    method: "POST",
    redirect: "manual",
    body: form,
    headers: {
      Cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
      Origin: server.url,
      "X-Forwarded-For": "203.0.113.50",
    },
  });
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const i = pair!.indexOf("=");
    c.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
  }
  return res;
}

const file = (name: string, content: Buffer, fileName: string): Part => ({ name, value: { content, fileName } });

function attachments(appId: string) {
  return t.db
    .selectFrom("attachments")
    .select(["id", "slot", "file_name", "content_type", "size_bytes", "sha256", "deleted_at", "frozen"])
    .where("application_id", "=", appId)
    .orderBy("created_at")
    .execute();
}

/** Fills the quota cheaply: rows that claim a size without carrying the bytes. */
async function fakeFiles(app: Application, user: User, count: number, sizeEach: number) {
  for (let i = 0; i < count; i++) {
    await t.db
      .insertInto("attachments")
      .values({
        application_id: app.id,
        slot: "doc:other",
        file_name: `filler-${i}.pdf`,
        content_type: "application/pdf",
        size_bytes: sizeEach,
        sha256: "0".repeat(64),
        content: sample.pdf(),
        uploaded_by: user.id,
      })
      .execute();
  }
}

const CRITERION = "vn_legal_entity";
const NEXT_CRITERION = "ownership";

before(async () => {
  t = await createTestDb();
  server = await startTestApp(t);
});
after(async () => {
  await server.close();
  await t.close();
});

describe("uploading evidence to a criterion", () => {
  test("a valid PDF with a complete answer is stored and the next criterion follows", async () => {
    const { c, app } = await enterpriseWithDraft();
    const content = sample.pdf();
    const res = await postMultipart(c, `/applications/${app.id}/criteria/${CRITERION}`, [
      { name: "assessment", value: "meets" },
      { name: "explanation", value: "Doanh nghiệp thành lập theo pháp luật Việt Nam." },
      { name: "links", value: "https://dangkykinhdoanh.gov.vn/\n\nhttp://example.vn/giay-phep" },
      file("evidence", content, "Giấy chứng nhận ĐKDN.pdf"),
      { name: "intent", value: "continue" },
    ]);
    assert.equal(res.status, 302, await res.text());
    assert.equal(res.headers.get("Location"), `/applications/${app.id}/criteria/${NEXT_CRITERION}`);
    const [row] = await attachments(app.id);
    assert.equal(row?.slot, `criterion:${CRITERION}`);
    assert.equal(row?.file_name, "Giấy chứng nhận ĐKDN.pdf");
    assert.equal(row?.content_type, "application/pdf");
    assert.equal(row?.size_bytes, content.length);
    assert.equal(row?.sha256, createHash("sha256").update(content).digest("hex"));
    const saved = await t.db.selectFrom("applications").select("answers").where("id", "=", app.id).executeTakeFirstOrThrow();
    assert.deepEqual(saved.answers.criteria?.[CRITERION], {
      assessment: "meets",
      explanation: "Doanh nghiệp thành lập theo pháp luật Việt Nam.",
      links: ["https://dangkykinhdoanh.gov.vn/", "http://example.vn/giay-phep"],
    });

    const page = await c.get(`/applications/${app.id}/criteria/${CRITERION}`);
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(html, /enctype="multipart\/form-data"/i);
    assert.match(html, /<input[^>]*type="file"[^>]*id="evidence"[^>]*name="evidence"/);
    assert.match(html, /Giấy chứng nhận ĐKDN\.pdf/);
    assert.match(html, new RegExp(`href="/applications/${app.id}/files/${row!.id}"`));

    const list = await c.get(`/applications/${app.id}/criteria`);
    const listHtml = await list.text();
    assert.equal(list.status, 200);
    assert.match(listHtml, new RegExp(`href="/applications/${app.id}/criteria/${CRITERION}"`));
    assert.match(listHtml, /Đã hoàn thành 1\/\d+ tiêu chí/);
    assert.match(listHtml, new RegExp(`href="/applications/${app.id}"`), "back to the task list");
  });

  test("the last criterion goes back to the list; 'come back later' saves an incomplete answer", async () => {
    const { c, app } = await enterpriseWithDraft();
    const res = await postMultipart(c, `/applications/${app.id}/criteria/service_model`, [
      { name: "assessment", value: "partly" },
      { name: "explanation", value: "Bảng giá công khai." },
      { name: "links", value: "https://example.vn/bang-gia" },
      { name: "intent", value: "continue" },
    ]);
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("Location"), `/applications/${app.id}/criteria`);

    const later = await postMultipart(c, `/applications/${app.id}/criteria/${CRITERION}`, [
      { name: "explanation", value: "Chưa xong" },
      { name: "links", value: "" },
      { name: "intent", value: "later" },
    ]);
    assert.equal(later.status, 302);
    assert.equal(later.headers.get("Location"), `/applications/${app.id}`);
    const saved = await t.db.selectFrom("applications").select("answers").where("id", "=", app.id).executeTakeFirstOrThrow();
    assert.deepEqual(saved.answers.criteria?.[CRITERION], { explanation: "Chưa xong" });
  });

  test("'save and continue' needs an assessment, an explanation and the evidence the item asks for", async () => {
    const { c, app } = await enterpriseWithDraft();
    const res = await postMultipart(c, `/applications/${app.id}/criteria/${CRITERION}`, [
      { name: "assessment", value: "meets" },
      { name: "explanation", value: "Có" },
      { name: "links", value: "javascript:alert(1)\nftp://x.vn" },
      { name: "intent", value: "continue" },
    ]);
    assert.equal(res.status, 400);
    const html = await res.text();
    assert.match(html, /dòng 1 không hợp lệ/);
    assert.match(html, /javascript:alert\(1\)/, "typed links come back");
    const missing = await postMultipart(c, `/applications/${app.id}/criteria/${CRITERION}`, [
      { name: "assessment", value: "meets" },
      { name: "explanation", value: "Có" },
      { name: "links", value: "" },
      { name: "intent", value: "continue" },
    ]);
    assert.equal(missing.status, 400);
    assert.match(await missing.text(), /href="#evidence"/);
  });

  test("a valid file with an invalid answer: the file is kept, the user is told, the text comes back", async () => {
    const { c, app } = await enterpriseWithDraft();
    const res = await postMultipart(c, `/applications/${app.id}/criteria/${CRITERION}`, [
      { name: "assessment", value: "" },
      { name: "explanation", value: "Giải trình đã gõ" },
      file("evidence", sample.png(), "anh.png"),
      { name: "intent", value: "continue" },
    ]);
    assert.equal(res.status, 400);
    const html = await res.text();
    assert.match(html, /Đã lưu 1 tệp vừa chọn/);
    assert.match(html, /Giải trình đã gõ/);
    assert.match(html, /href="#assessment"/);
    assert.equal((await attachments(app.id)).length, 1);
  });

  test("unknown criterion: 404 for the page and for a post", async () => {
    const { c, app } = await enterpriseWithDraft();
    assert.equal((await c.get(`/applications/${app.id}/criteria/no_such_item`)).status, 404);
    const res = await postMultipart(c, `/applications/${app.id}/criteria/no_such_item`, [file("evidence", sample.pdf(), "a.pdf")]);
    assert.equal(res.status, 404);
    assert.equal((await attachments(app.id)).length, 0);
  });
});

describe("refused uploads store nothing and say why next to the field", () => {
  test("an executable renamed .pdf", async () => {
    const { c, app } = await enterpriseWithDraft();
    const res = await postMultipart(c, `/applications/${app.id}/criteria/${CRITERION}`, [
      { name: "assessment", value: "meets" },
      { name: "explanation", value: "Văn bản tôi đã gõ" },
      file("evidence", sample.exe(), "giay-phep.pdf"),
      { name: "intent", value: "continue" },
    ]);
    assert.equal(res.status, 400);
    const html = await res.text();
    assert.match(html, /id="evidence-error"[^>]*>.*giay-phep\.pdf không phải là tệp PDF/s);
    assert.match(html, /href="#evidence"/);
    assert.match(html, /Văn bản tôi đã gõ/, "typed text is never lost");
    assert.equal((await attachments(app.id)).length, 0);
    const saved = await t.db.selectFrom("applications").select("answers").where("id", "=", app.id).executeTakeFirstOrThrow();
    assert.equal(saved.answers.criteria?.[CRITERION], undefined, "nothing of the request is saved");
  });

  test("an HTML page named .png, to a document slot", async () => {
    const { c, app } = await enterpriseWithDraft();
    const res = await postMultipart(c, `/applications/${app.id}/documents`, [
      file("doc-business_registration", sample.html(), "anh.png"),
      { name: "intent", value: "continue" },
    ]);
    assert.equal(res.status, 400);
    const html = await res.text();
    assert.match(html, /id="doc-business_registration-error"[^>]*>.*anh\.png không phải là tệp PNG/s);
    assert.match(html, /href="#doc-business_registration"/);
    assert.equal((await attachments(app.id)).length, 0);
  });

  test("a file over 10 MB", async () => {
    const { c, app } = await enterpriseWithDraft();
    const big = Buffer.concat([sample.pdf(), Buffer.alloc(MAX_FILE_BYTES + 2 * 1024 * 1024)]);
    const res = await postMultipart(c, `/applications/${app.id}/documents`, [
      file("doc-technical_description", big, "thuyet-minh.pdf"),
      { name: "intent", value: "continue" },
    ]);
    assert.equal(res.status, 413);
    const html = await res.text();
    assert.match(html, /id="doc-technical_description-error"[^>]*>.*thuyet-minh\.pdf lớn hơn 10 MB/s);
    assert.equal((await attachments(app.id)).length, 0);
    // The connection is still usable: the refused body was read to its end.
    assert.equal((await c.get(`/applications/${app.id}/documents`)).status, 200);
  });

  test("more than 30 files in the application", async () => {
    const { user, c, app } = await enterpriseWithDraft();
    await fakeFiles(app, user, MAX_FILES_PER_APPLICATION - 1, 1000);
    const res = await postMultipart(c, `/applications/${app.id}/documents`, [
      file("doc-other", sample.pdf(), "a.pdf"),
      file("doc-other", sample.pdf(), "b.pdf"),
    ]);
    assert.equal(res.status, 413);
    assert.match(await res.text(), /tối đa 30 tệp/);
    assert.equal((await attachments(app.id)).length, MAX_FILES_PER_APPLICATION - 1);
    const one = await postMultipart(c, `/applications/${app.id}/documents`, [file("doc-other", sample.pdf(), "a.pdf")]);
    assert.equal(one.status, 302, "the 30th file still fits");
  });

  test("more than 150 MB in the application", async () => {
    const { user, c, app } = await enterpriseWithDraft();
    await fakeFiles(app, user, 15, Math.floor((MAX_BYTES_PER_APPLICATION - 1024 * 1024) / 15));
    const res = await postMultipart(c, `/applications/${app.id}/criteria/${CRITERION}`, [
      { name: "explanation", value: "x" },
      file("evidence", Buffer.concat([sample.pdf(), Buffer.alloc(2 * 1024 * 1024)]), "lon.pdf"),
      { name: "intent", value: "later" },
    ]);
    assert.equal(res.status, 413);
    assert.match(await res.text(), /không được vượt quá 150 MB/);
    assert.equal((await attachments(app.id)).length, 15);
  });

  test("hostile file names are stored clean", async () => {
    const { c, app } = await enterpriseWithDraft();
    const res = await postMultipart(c, `/applications/${app.id}/documents`, [
      file("doc-other", sample.pdf(), "../../etc/passwd.pdf"),
      file("doc-other", sample.pdf(), "..\\..\\windows\\win.ini.pdf"),
      file("doc-other", sample.pdf(), "hoá\u0000đơn\u0007\u001b.pdf"),
      file("doc-other", sample.pdf(), "báo cáo\u202Efdp.pdf"),
    ]);
    assert.equal(res.status, 302, await res.text());
    const names = (await attachments(app.id)).map((r) => r.file_name).sort();
    assert.deepEqual(names, ["báo cáofdp.pdf", "hoáđơn.pdf", "passwd.pdf", "win.ini.pdf"].sort());
  });
});

describe("documents page", () => {
  test("a labelled file input per slot; a valid PDF goes to its slot and back to the task list", async () => {
    const { c, app } = await enterpriseWithDraft();
    const page = await c.get(`/applications/${app.id}/documents`);
    const html = await page.text();
    assert.equal(page.status, 200);
    for (const slot of ["business_registration", "technical_description", "security_approval", "data_protection_plan", "other"]) {
      assert.match(html, new RegExp(`<label class="label" for="doc-${slot}"`));
      assert.match(html, new RegExp(`<input[^>]*type="file"[^>]*id="doc-${slot}"[^>]*name="doc-${slot}"`));
    }
    assert.match(html, /10 MB/);
    const res = await postMultipart(c, `/applications/${app.id}/documents`, [
      file("doc-business_registration", sample.pdf(), "dkkd.pdf"),
      file("doc-data_protection_plan", sample.docx(), "phuong-an.docx"),
      { name: "intent", value: "continue" },
    ]);
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("Location"), `/applications/${app.id}`);
    const rows = await attachments(app.id);
    assert.deepEqual(rows.map((r) => [r.slot, r.file_name]).sort(), [
      ["doc:business_registration", "dkkd.pdf"],
      ["doc:data_protection_plan", "phuong-an.docx"],
    ]);
  });

  test("removing a file", async () => {
    const { c, app } = await enterpriseWithDraft();
    await postMultipart(c, `/applications/${app.id}/documents`, [file("doc-other", sample.pdf(), "bo.pdf")]);
    const [row] = await attachments(app.id);
    const page = await (await c.get(`/applications/${app.id}/documents`)).text();
    assert.match(page, new RegExp(`form="remove-${row!.id}"`));
    const res = await c.post(`/applications/${app.id}/documents`, { intent: "remove", fileId: row!.id });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("Location"), `/applications/${app.id}/documents`);
    const [after] = await attachments(app.id);
    assert.ok(after?.deleted_at, "soft-deleted");
    assert.equal((await c.get(`/applications/${app.id}/files/${row!.id}`)).status, 404, "a removed draft file is gone");
    const again = await c.post(`/applications/${app.id}/documents`, { intent: "remove", fileId: row!.id });
    assert.equal(again.status, 404);
  });

  test("removing from the criterion page only touches that criterion's files", async () => {
    const { c, app } = await enterpriseWithDraft();
    await postMultipart(c, `/applications/${app.id}/documents`, [file("doc-other", sample.pdf(), "doc.pdf")]);
    const [doc] = await attachments(app.id);
    const res = await c.post(`/applications/${app.id}/criteria/${CRITERION}`, { intent: "remove", fileId: doc!.id });
    assert.equal(res.status, 404);
    assert.equal((await attachments(app.id))[0]?.deleted_at, null);
  });
});

describe("downloads", () => {
  test("the owner gets the bytes with safe headers; strangers get 404; anonymous users are asked to sign in", async () => {
    const { c, app } = await enterpriseWithDraft("01");
    const content = sample.pdf("% Báo cáo\n");
    await postMultipart(c, `/applications/${app.id}/documents`, [file("doc-security_approval", content, "Quyết định \"cấp độ\" 3.pdf")]);
    const [row] = await attachments(app.id);
    const url = `/applications/${app.id}/files/${row!.id}`;

    const res = await c.get(url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("Content-Type"), "application/pdf");
    assert.equal(res.headers.get("Content-Length"), String(content.length));
    assert.match(res.headers.get("X-Content-Type-Options") ?? "", /nosniff/);
    assert.match(res.headers.get("Cache-Control") ?? "", /private/);
    assert.match(res.headers.get("Cache-Control") ?? "", /no-store/);
    const disposition = res.headers.get("Content-Disposition") ?? "";
    assert.match(disposition, /^attachment; filename="Quyet dinh _cap do_ 3\.pdf"; filename\*=UTF-8''/);
    assert.equal(decodeURIComponent(disposition.split("UTF-8''")[1]!), "Quyết định _cấp độ_ 3.pdf");
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), content);

    const other = await enterpriseWithDraft("01");
    assert.equal((await other.c.get(url)).status, 404, "another enterprise");
    assert.equal((await other.c.get(`/applications/${other.app.id}/files/${row!.id}`)).status, 404, "a file id under another application");

    const anonymous = new Client(server.url);
    const anon = await anonymous.get(url);
    const made = await anonymous.get(`/applications/${app.id}/files/00000000-0000-4000-8000-000000000000`);
    assert.equal(anon.status, 302);
    assert.match(anon.headers.get("Location") ?? "", /^\/login\?redirectTo=/);
    assert.equal(made.status, anon.status, "a real and a made-up id look the same");

    const { c: admin } = await account("admin");
    assert.equal((await admin.get(url)).status, 404, "admins do not read applications");

    // Submitted: the province's reviewers see the submitted files, other provinces and the ministry do not.
    await t.db
      .updateTable("applications")
      .set({ status: "submitted", current_version: 1, province_code: "01", submitted_at: sql`now()` })
      .where("id", "=", app.id)
      .execute();
    await t.db.updateTable("attachments").set({ frozen: true }).where("application_id", "=", app.id).execute();
    const { c: hanoi } = await account("province_reviewer", "01");
    const { c: elsewhere } = await account("province_reviewer", "79");
    const { c: ministry } = await account("ministry_reviewer");
    assert.equal((await hanoi.get(url)).status, 200, "reviewer of the application's province");
    assert.equal((await elsewhere.get(url)).status, 404, "reviewer of another province");
    assert.equal((await ministry.get(url)).status, 404, "ministry before forwarding");
    await t.db.updateTable("applications").set({ status: "forwarded" }).where("id", "=", app.id).execute();
    assert.equal((await ministry.get(url)).status, 200, "ministry once forwarded");
  });

  test("reviewers never see files uploaded after the submitted version", async () => {
    const { user, c, app } = await enterpriseWithDraft("01");
    await fakeFiles(app, user, 1, 100);
    const [row] = await attachments(app.id);
    await t.db
      .updateTable("applications")
      .set({ status: "changes_requested", current_version: 1, province_code: "01" })
      .where("id", "=", app.id)
      .execute();
    const { c: hanoi } = await account("province_reviewer", "01");
    const url = `/applications/${app.id}/files/${row!.id}`;
    assert.equal((await hanoi.get(url)).status, 404, "not part of a submitted version");
    assert.equal((await c.get(url)).status, 200, "the enterprise sees its own draft file");
  });
});

describe("editing rights", () => {
  test("a submitted application is read-only: pages show answers, posts answer 409 and store nothing", async () => {
    const { c, app } = await enterpriseWithDraft();
    await postMultipart(c, `/applications/${app.id}/documents`, [file("doc-other", sample.pdf(), "a.pdf")]);
    const [row] = await attachments(app.id);
    await t.db.updateTable("applications").set({ status: "submitted", current_version: 1, province_code: "01" }).where("id", "=", app.id).execute();

    const page = await c.get(`/applications/${app.id}/criteria/${CRITERION}`);
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.doesNotMatch(html, /type="file"/);

    const post = await postMultipart(c, `/applications/${app.id}/criteria/${CRITERION}`, [
      { name: "assessment", value: "meets" },
      { name: "explanation", value: "x" },
      file("evidence", sample.pdf(), "b.pdf"),
    ]);
    assert.equal(post.status, 409);
    assert.match(await post.text(), /không còn sửa được/);
    const docs = await postMultipart(c, `/applications/${app.id}/documents`, [file("doc-other", sample.pdf(), "c.pdf")]);
    assert.equal(docs.status, 409);
    const remove = await c.post(`/applications/${app.id}/documents`, { intent: "remove", fileId: row!.id });
    assert.equal(remove.status, 409);
    assert.equal((await attachments(app.id)).length, 1);
    assert.equal((await attachments(app.id))[0]?.deleted_at, null);
  });

  test("when changes are requested only the reopened criterion accepts files", async () => {
    const { c, app } = await enterpriseWithDraft();
    await t.db
      .updateTable("applications")
      .set({ status: "changes_requested", current_version: 1, province_code: "01", reopened: JSON.stringify([`criterion:${NEXT_CRITERION}`]) })
      .where("id", "=", app.id)
      .execute();
    const locked = await postMultipart(c, `/applications/${app.id}/criteria/${CRITERION}`, [file("evidence", sample.pdf(), "a.pdf")]);
    assert.equal(locked.status, 409);
    const open = await postMultipart(c, `/applications/${app.id}/criteria/${NEXT_CRITERION}`, [
      { name: "assessment", value: "meets" },
      { name: "explanation", value: "Điều lệ" },
      file("evidence", sample.pdf(), "dieu-le.pdf"),
      { name: "intent", value: "continue" },
    ]);
    assert.equal(open.status, 302);
    assert.equal(open.headers.get("Location"), `/applications/${app.id}/criteria`, "no other criterion is open");
    assert.deepEqual(
      (await attachments(app.id)).map((r) => r.slot),
      [`criterion:${NEXT_CRITERION}`],
    );
    const docs = await postMultipart(c, `/applications/${app.id}/documents`, [file("doc-other", sample.pdf(), "c.pdf")]);
    assert.equal(docs.status, 409, "documents were not reopened");
  });

  test("other people's applications are 404 for pages and posts", async () => {
    const { app } = await enterpriseWithDraft();
    const other = await enterpriseWithDraft();
    assert.equal((await other.c.get(`/applications/${app.id}/criteria`)).status, 404);
    assert.equal((await other.c.get(`/applications/${app.id}/documents`)).status, 404);
    const post = await postMultipart(other.c, `/applications/${app.id}/documents`, [file("doc-other", sample.pdf(), "a.pdf")]);
    assert.equal(post.status, 404);
    assert.equal((await attachments(app.id)).length, 0);
  });
});
