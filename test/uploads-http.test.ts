import assert from "node:assert/strict";
import { createHash, randomBytes, randomInt } from "node:crypto";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import { sql } from "kysely";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import type { Application, User } from "~/platform/db/db-types.ts";
import { formatBytes } from "~/platform/i18n/format.ts";
import { createUserDirect } from "~/features/account/account.server.ts";
import { addAttachments, attachmentUsage, QuotaError } from "~/features/application/files.server.ts";
import { createDraft, DraftLimitError } from "~/features/application/drafts.server.ts";
import { MAX_BYTES_PER_APPLICATION, MAX_BYTES_PER_ENTERPRISE, MAX_FILE_BYTES, MAX_FILES_PER_APPLICATION, MAX_OPEN_DRAFTS_PER_ENTERPRISE } from "~/features/application/limits.server.ts";
import { transition } from "~/features/application/transition.server.ts";
import { CHUNK_BYTES } from "~/platform/db/file-store.server.ts";
import { Client, pageText, startTestApp, type TestApp } from "./helpers/app.ts";
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
    .select(["id", "slot", "file_name", "content_type", "size_bytes", "sha256", "deleted_at", "frozen", "blob_id"])
    .where("application_id", "=", appId)
    .orderBy("created_at")
    .execute();
}

/** Fills the quota cheaply: rows that claim a size while their blob holds one small chunk. */
async function fakeFiles(app: Application, user: User, count: number, sizeEach: number) {
  for (let i = 0; i < count; i++) {
    const blob = await t.db.insertInto("file_blobs").values({ staged: false }).returning("id").executeTakeFirstOrThrow();
    await t.db.insertInto("file_chunks").values({ blob_id: blob.id, seq: 0, bytes: sample.pdf() }).execute();
    await t.db
      .insertInto("attachments")
      .values({
        application_id: app.id,
        slot: "doc:other",
        file_name: `filler-${i}.pdf`,
        content_type: "application/pdf",
        size_bytes: sizeEach,
        sha256: "0".repeat(64),
        blob_id: blob.id,
        uploaded_by: user.id,
      })
      .execute();
  }
}

/** Chunk rows of one blob: how many, their total and largest size. */
async function chunkStats(blobId: string) {
  const row = await t.db
    .selectFrom("file_chunks")
    .select([
      sql<number>`count(*)::int`.as("count"),
      sql<number>`coalesce(sum(octet_length(bytes)), 0)::bigint`.as("bytes"),
      sql<number>`coalesce(max(octet_length(bytes)), 0)::int`.as("largest"),
    ])
    .where("blob_id", "=", blobId)
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), bytes: Number(row.bytes), largest: Number(row.largest) };
}

/** Every byte in the chunk table, whoever it belongs to (staged blobs included). */
async function allStoredBytes() {
  const row = await t.db.selectFrom("file_chunks").select(sql<number>`coalesce(sum(octet_length(bytes)), 0)::bigint`.as("bytes")).executeTakeFirstOrThrow();
  return Number(row.bytes);
}

/** The bytes really in the database for an enterprise's attachments, counted from the chunks themselves. */
async function enterpriseChunkBytes(enterpriseId: string) {
  const row = await t.db
    .selectFrom("file_chunks")
    .innerJoin("attachments", "attachments.blob_id", "file_chunks.blob_id")
    .innerJoin("applications", "applications.id", "attachments.application_id")
    .select(sql<number>`coalesce(sum(octet_length(file_chunks.bytes)), 0)::bigint`.as("bytes"))
    .where("applications.enterprise_id", "=", enterpriseId)
    .executeTakeFirstOrThrow();
  return Number(row.bytes);
}

async function stagedBlobs() {
  const row = await t.db.selectFrom("file_blobs").select(sql<number>`count(*)::int`.as("n")).where("staged", "=", true).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Waits for a condition the server brings about on its own time (an aborted request's clean-up); no fixed sleeps. */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const pdfOf = (bytes: number) => Buffer.concat([sample.pdf(), randomBytes(bytes - sample.pdf().length)]);

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
    assert.equal(res.headers.get("Content-Security-Policy"), "default-src 'none'; sandbox", "the download's own policy, alone");
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
    // Set directly here; transition() records reaching the ministry when it forwards.
    await t.db.updateTable("applications").set({ status: "forwarded", reached_ministry_at: sql`now()` }).where("id", "=", app.id).execute();
    assert.equal((await ministry.get(url)).status, 200, "ministry once forwarded");
  });

  test("reviewers never see files uploaded after the submitted version", async () => {
    const { user, c, app } = await enterpriseWithDraft("01");
    await fakeFiles(app, user, 1, sample.pdf().length);
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

describe("storage: what is removed is deleted, what is stored is counted and capped", () => {
  test("upload-and-remove of a draft file leaves no bytes in the database; the page's usage follows", async () => {
    const { c, app } = await enterpriseWithDraft();
    const before = await allStoredBytes();
    const content = pdfOf(CHUNK_BYTES * 3 + 5000);
    const res = await postMultipart(c, `/applications/${app.id}/documents`, [file("doc-other", content, "bao-cao.pdf"), { name: "intent", value: "upload" }]);
    assert.equal(res.status, 302, await res.text());
    const [row] = await attachments(app.id);
    assert.ok(row?.blob_id);
    assert.deepEqual(await chunkStats(row.blob_id), { count: 4, bytes: content.length, largest: CHUNK_BYTES }, "stored in 256 KiB chunks");
    assert.equal(row.size_bytes, content.length);
    assert.equal(await allStoredBytes(), before + content.length);
    const download = await c.get(`/applications/${app.id}/files/${row.id}`);
    assert.equal(download.status, 200);
    assert.ok(Buffer.from(await download.arrayBuffer()).equals(content), "the chunks stream back as the file");
    assert.match(pageText(await (await c.get(`/applications/${app.id}/documents`)).text()), new RegExp(`đã dùng 1 tệp, ${formatBytes(content.length)}\\.`));

    const removed = await c.post(`/applications/${app.id}/documents`, { intent: "remove", fileId: row.id });
    assert.equal(removed.status, 302);
    const [after] = await attachments(app.id);
    assert.ok(after?.deleted_at, "the row stays, marked removed");
    assert.equal(after.blob_id, null);
    assert.equal((await chunkStats(row.blob_id)).count, 0, "its chunks are gone");
    assert.equal(await t.db.selectFrom("file_blobs").select("id").where("id", "=", row.blob_id).executeTakeFirst(), undefined);
    assert.equal(await allStoredBytes(), before, "the database holds what it held before the upload");
    const page = pageText(await (await c.get(`/applications/${app.id}/documents`)).text());
    assert.match(page, /đã dùng 0 tệp, 0 B\./);
    assert.match(page, /Doanh nghiệp đang lưu 0 B trên hạn mức 1 GB/);
  });

  test("usage equals the bytes stored; a submitted file removed from a reopened draft keeps its bytes for version 1", async () => {
    const { user, c, app } = await enterpriseWithDraft();
    const kept = pdfOf(300 * 1024);
    const replaced = pdfOf(200 * 1024);
    await postMultipart(c, `/applications/${app.id}/documents`, [file("doc-other", kept, "giu.pdf"), file("doc-technical_description", replaced, "cu.pdf")]);
    // Submitted as version 1 (frozen), then reopened for the documents.
    await t.db.updateTable("attachments").set({ frozen: true }).where("application_id", "=", app.id).execute();
    await t.db
      .updateTable("applications")
      .set({ status: "changes_requested", current_version: 1, province_code: "01", reopened: JSON.stringify(["section:documents"]) })
      .where("id", "=", app.id)
      .execute();
    const old = (await attachments(app.id)).find((r) => r.file_name === "cu.pdf")!;
    assert.equal((await c.post(`/applications/${app.id}/documents`, { intent: "remove", fileId: old.id })).status, 302);
    const removedFrozen = (await attachments(app.id)).find((r) => r.id === old.id)!;
    assert.ok(removedFrozen.deleted_at);
    assert.equal(removedFrozen.blob_id, old.blob_id, "version 1 still points at it");
    assert.equal((await chunkStats(old.blob_id!)).bytes, replaced.length);
    const download = await c.get(`/applications/${app.id}/files/${old.id}`);
    assert.equal(download.status, 200);
    assert.ok(Buffer.from(await download.arrayBuffer()).equals(replaced));

    // A new file uploaded and removed while reopened was never submitted: its bytes go.
    await postMultipart(c, `/applications/${app.id}/documents`, [file("doc-technical_description", pdfOf(100 * 1024), "moi.pdf")]);
    const fresh = (await attachments(app.id)).find((r) => r.file_name === "moi.pdf")!;
    await c.post(`/applications/${app.id}/documents`, { intent: "remove", fileId: fresh.id });
    assert.equal((await chunkStats(fresh.blob_id!)).count, 0);

    const usage = await attachmentUsage(app.id);
    assert.deepEqual([usage.files, usage.bytes], [1, kept.length], "the application counts its live files");
    assert.equal(usage.enterpriseBytes, kept.length + replaced.length, "the enterprise counts every stored byte");
    assert.equal(usage.enterpriseBytes, await enterpriseChunkBytes(app.enterprise_id), "and that is what the chunks hold");
    const page = pageText(await (await c.get(`/applications/${app.id}/documents`)).text());
    assert.match(page, new RegExp(`đã dùng 1 tệp, ${formatBytes(kept.length)}\\.`));
    assert.match(page, new RegExp(`Doanh nghiệp đang lưu ${formatBytes(kept.length + replaced.length)} trên hạn mức 1 GB`));
    void user;
  });

  test("the enterprise's byte quota counts all its applications: refused next to the field, typed text kept", async () => {
    const { user, c, app } = await enterpriseWithDraft();
    const other = await createDraft(user, app.enterprise_id, "test");
    await fakeFiles(other, user, 1, MAX_BYTES_PER_ENTERPRISE - 1024 * 1024);
    const res = await postMultipart(c, `/applications/${app.id}/criteria/${CRITERION}`, [
      { name: "assessment", value: "meets" },
      { name: "explanation", value: "Văn bản tôi đã gõ" },
      file("evidence", pdfOf(2 * 1024 * 1024), "lon.pdf"),
      { name: "intent", value: "later" },
    ]);
    assert.equal(res.status, 413);
    const html = await res.text();
    assert.match(html, /id="evidence-error"[^>]*>.*Doanh nghiệp đã lưu 1023\.0 MB trên hạn mức 1 GB/s);
    assert.match(html, /href="#evidence"/);
    assert.equal((await attachments(app.id)).length, 0);
    assert.equal(await stagedBlobs(), 0, "what was stored of the refused file is gone");

    const docs = await postMultipart(c, `/applications/${app.id}/documents`, [file("doc-other", pdfOf(2 * 1024 * 1024), "lon.pdf")]);
    assert.equal(docs.status, 413);
    // Refused from Content-Length before any part is read: the message goes to the page's first file field.
    assert.match(await docs.text(), /id="doc-business_registration-error"[^>]*>.*Doanh nghiệp đã lưu/s);

    // The check that decides is the one under the enterprise's lock when the file is recorded.
    await assert.rejects(
      addAttachments(user, app.id, "doc:other", [{ fileName: "b.pdf", contentType: "application/pdf", content: pdfOf(2 * 1024 * 1024) }], "test"),
      (e) => e instanceof QuotaError && e.kind === "enterprise",
    );
    assert.equal(await stagedBlobs(), 0);
    const small = await postMultipart(c, `/applications/${app.id}/documents`, [file("doc-other", sample.pdf(), "nho.pdf")]);
    assert.equal(small.status, 302, "what still fits is accepted");
  });

  test(`at most ${MAX_OPEN_DRAFTS_PER_ENTERPRISE} open drafts: one more is refused on the page, not with a 5xx`, async () => {
    const { user, c, app } = await enterpriseWithDraft();
    for (let i = 1; i < MAX_OPEN_DRAFTS_PER_ENTERPRISE; i++) await createDraft(user, app.enterprise_id, "test");
    const drafts = async () =>
      Number(
        (await t.db.selectFrom("applications").select(sql<number>`count(*)::int`.as("n")).where("enterprise_id", "=", app.enterprise_id).where("status", "=", "draft").executeTakeFirstOrThrow()).n,
      );
    const res = await c.post("/applications", {});
    assert.equal(res.status, 400);
    const html = await res.text();
    assert.match(html, /href="#start-application"/);
    assert.match(pageText(html), new RegExp(`Doanh nghiệp đã có ${MAX_OPEN_DRAFTS_PER_ENTERPRISE} hồ sơ nháp chưa nộp`));
    assert.match(html, /id="start-application-error"/);
    assert.equal(await drafts(), MAX_OPEN_DRAFTS_PER_ENTERPRISE);
    await assert.rejects(createDraft(user, app.enterprise_id, "test"), DraftLimitError);

    await transition({ applicationId: app.id, actor: user, action: "withdraw", requestId: "test" });
    const again = await c.post("/applications", {});
    assert.equal(again.status, 302, "withdrawing a draft makes room");
    assert.equal(await drafts(), MAX_OPEN_DRAFTS_PER_ENTERPRISE);
  });

  test("withdrawing an application deletes the bytes of files no version holds", async () => {
    const { user, c, app } = await enterpriseWithDraft();
    await postMultipart(c, `/applications/${app.id}/documents`, [file("doc-other", pdfOf(300 * 1024), "nhap.pdf")]);
    const [row] = await attachments(app.id);
    await transition({ applicationId: app.id, actor: user, action: "withdraw", requestId: "test" });
    const [after] = await attachments(app.id);
    assert.ok(after?.deleted_at);
    assert.equal(after.blob_id, null);
    assert.equal((await chunkStats(row!.blob_id!)).count, 0);
    assert.equal(await enterpriseChunkBytes(app.enterprise_id), 0);
  });

  test("an upload the browser abandons halfway leaves no bytes behind", async () => {
    const { c, app } = await enterpriseWithDraft();
    const before = await allStoredBytes();
    const boundary = "----abandoned";
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="doc-other"; filename="dang-do.pdf"\r\nContent-Type: application/pdf\r\n\r\n`);
    const req = http.request(`${server.url}/applications/${app.id}/documents`, {
      method: "POST",
      headers: {
        Cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        Origin: server.url,
        "Content-Type": `multipart/form-data; boundary=${boundary}`,
        "Content-Length": String(head.length + 5 * 1024 * 1024),
      },
    });
    req.on("error", () => undefined);
    req.write(head);
    req.write(pdfOf(CHUNK_BYTES * 3));
    await eventually("the server has stored part of the file", async () => (await allStoredBytes()) >= before + CHUNK_BYTES);
    req.destroy();
    await eventually("the staged bytes are discarded", async () => (await stagedBlobs()) === 0 && (await allStoredBytes()) === before);
    assert.equal((await attachments(app.id)).length, 0);
  });

  test("staged bytes left by a request that never finished (a crash) are swept by a later upload", async () => {
    const { c, app } = await enterpriseWithDraft();
    const stale = await t.db.insertInto("file_blobs").values({ staged: true, created_at: sql<Date>`now() - interval '2 hours'` }).returning("id").executeTakeFirstOrThrow();
    await t.db.insertInto("file_chunks").values({ blob_id: stale.id, seq: 0, bytes: randomBytes(1000) }).execute();
    const recent = await t.db.insertInto("file_blobs").values({ staged: true }).returning("id").executeTakeFirstOrThrow();
    assert.equal((await postMultipart(c, `/applications/${app.id}/documents`, [file("doc-other", sample.pdf(), "a.pdf")])).status, 302);
    assert.equal(await t.db.selectFrom("file_blobs").select("id").where("id", "=", stale.id).executeTakeFirst(), undefined, "swept");
    assert.equal((await chunkStats(stale.id)).count, 0);
    assert.ok(await t.db.selectFrom("file_blobs").select("id").where("id", "=", recent.id).executeTakeFirst(), "an upload that may still be running is left alone");
    await t.db.deleteFrom("file_blobs").where("id", "=", recent.id).execute();
  });

  test("the database itself refuses to lose a live file's bytes or to keep a removed draft file's", async () => {
    const { c, app } = await enterpriseWithDraft();
    await postMultipart(c, `/applications/${app.id}/documents`, [file("doc-other", sample.pdf(), "a.pdf")]);
    const [row] = await attachments(app.id);
    await assert.rejects(t.db.deleteFrom("file_blobs").where("id", "=", row!.blob_id!).execute(), /attachments_bytes_kept/);
    await assert.rejects(t.db.updateTable("attachments").set({ deleted_at: sql`now()` }).where("id", "=", row!.id).execute(), /attachments_removed_draft_files_hold_no_bytes/);
    await assert.rejects(t.db.insertInto("file_chunks").values({ blob_id: row!.blob_id!, seq: 9, bytes: new Uint8Array(CHUNK_BYTES + 1) }).execute(), /check/);
  });
});
