import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { translator } from "~/platform/i18n/i18n.server.ts";
import { contentDisposition, inspectFile, MULTIPART_OVERHEAD_BYTES, sanitizeFileName } from "~/features/application/file-checks.server.ts";
import { parseUpload } from "~/features/application/uploads.server.ts";
import { toBytes } from "~/platform/db/file-store.server.ts";
import { MAX_BYTES_PER_APPLICATION, MAX_FILE_BYTES } from "~/features/application/limits.server.ts";
import { CHUNK_BYTES, type FileStore } from "~/platform/db/file-store.server.ts";
import * as sample from "./fixtures/upload-samples.ts";

const t = translator("en");
const blob = (...parts: Buffer[]) => new Blob(parts.map((p) => new Uint8Array(p)));

describe("content sniffing: the extension and the content must agree", () => {
  const good: [string, () => Buffer, string][] = [
    ["bao-cao.pdf", sample.pdf, "application/pdf"],
    ["anh.png", sample.png, "image/png"],
    ["anh.jpg", sample.jpeg, "image/jpeg"],
    ["ANH.JPEG", sample.jpeg, "image/jpeg"],
    ["thuyet-minh.docx", sample.docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
    ["so-lieu.xlsx", sample.xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
    ["van-ban.odt", sample.odt, "application/vnd.oasis.opendocument.text"],
    ["bang-tinh.ods", sample.ods, "application/vnd.oasis.opendocument.spreadsheet"],
  ];
  for (const [name, make, type] of good) {
    test(`accepts ${name}`, async () => {
      const content = make();
      const r = await inspectFile(name, content);
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.file.contentType, type);
      assert.equal(r.file.sha256, createHash("sha256").update(content).digest("hex"));
    });
  }

  const bad: [string, () => Buffer, string][] = [
    ["setup.pdf", sample.exe, "mismatch"],
    ["anh.png", sample.html, "mismatch"],
    ["trang.html", sample.html, "type"],
    ["setup.exe", sample.exe, "type"],
    ["macro.docx", sample.docm, "mismatch"],
    ["archive.docx", () => sample.zip([["a.txt", "hello"]]), "mismatch"],
    ["bang.xlsx", sample.docx, "mismatch"],
    ["anh.jpg", sample.png, "mismatch"],
    ["khong-duoi", sample.pdf, "type"],
    ["rong.pdf", () => Buffer.alloc(0), "empty"],
    ["garbage.pdf", () => Buffer.from("just some text, not a PDF"), "mismatch"],
  ];
  for (const [name, make, code] of bad) {
    test(`refuses ${name} (${code})`, async () => {
      const r = await inspectFile(name, make());
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.code, code);
    });
  }

  test("refuses a file over 10 MB even when handed over whole", async () => {
    const big = Buffer.concat([sample.pdf(), Buffer.alloc(MAX_FILE_BYTES)]);
    const r = await inspectFile("lon.pdf", big);
    assert.equal(!r.ok && r.code, "tooLarge");
  });
});

describe("file names", () => {
  const cases: [string, string][] = [
    ["../../etc/passwd.pdf", "passwd.pdf"],
    ["..\\..\\win.ini.pdf", "win.ini.pdf"],
    ["C:\\Users\\an\\Desktop\\Giấy phép.pdf", "Giấy phép.pdf"],
    ["a\u0000b\u0007c\r\n.pdf", "abc.pdf"],
    ["invoice\u202Efdp.exe", "invoicefdp.exe"],
    ["\u200Bzero\u200Dwidth\uFEFF.pdf", "zerowidth.pdf"],
    ['tên "có" <ngoặc>|:*?.pdf', "tên _có_ _ngoặc_____.pdf"],
    ["   .hidden.pdf  ", "hidden.pdf"],
    ["báo cáo.pdf...", "báo cáo.pdf"],
    ["", "tai-lieu"],
    [".pdf", "pdf"],
    ["...", "tai-lieu"],
    ["\u202E", "tai-lieu"],
    ["Báo cáo tài chính năm 2025.PDF", "Báo cáo tài chính năm 2025.pdf"],
    ["tab\tand  many   spaces.pdf", "tab and many spaces.pdf"],
  ];
  for (const [raw, expected] of cases) {
    test(`${JSON.stringify(raw)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(sanitizeFileName(raw), expected);
    });
  }

  test("Vietnamese typed on macOS (decomposed) is stored composed", () => {
    const nfd = "Thuyết minh.pdf".normalize("NFD");
    assert.notEqual(nfd, "Thuyết minh.pdf");
    assert.equal(sanitizeFileName(nfd), "Thuyết minh.pdf");
  });

  test("very long names are cut to 150 characters and keep their extension", () => {
    const name = sanitizeFileName(`${"Đặc tả kỹ thuật ".repeat(30)}.docx`);
    assert.equal(Array.from(name).length, 150);
    assert.ok(name.endsWith(".docx"));
    assert.ok(name.startsWith("Đặc tả kỹ thuật"));
    const emoji = sanitizeFileName(`${"😀".repeat(200)}.pdf`);
    assert.equal(Array.from(emoji).length, 150);
    assert.ok(emoji.endsWith("😀.pdf"), "a surrogate pair is never split");
  });

  test("a long extension-less name is cut too", () => {
    assert.equal(Array.from(sanitizeFileName("x".repeat(500))).length, 150);
  });

  test("an RTL override cannot disguise an executable", async () => {
    const r = await inspectFile("hoa-don\u202Efdp.exe", sample.pdf());
    assert.equal(!r.ok && r.code, "type");
  });
});

describe("Content-Disposition", () => {
  test("ASCII fallback and UTF-8 name", () => {
    assert.equal(
      contentDisposition("Báo cáo Đà Nẵng.pdf"),
      "attachment; filename=\"Bao cao Da Nang.pdf\"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20%C4%90%C3%A0%20N%E1%BA%B5ng.pdf",
    );
  });

  test("quotes, backslashes, percent signs, newlines and RFC 5987 specials cannot break the header", () => {
    const value = contentDisposition("a\"b\\c%d'e(f)*\r\nSet-Cookie: x=1.pdf");
    assert.doesNotMatch(value, /[\r\n]/);
    const fallback = /filename="([^"]*)"/.exec(value)![1]!;
    assert.doesNotMatch(fallback, /["\\%]/);
    const star = /filename\*=UTF-8''(.*)$/.exec(value)![1]!;
    assert.match(star, /^[A-Za-z0-9!#$&+\-.^_`|~%]+$/, "only attr-chars and percent escapes");
    assert.equal(decodeURIComponent(star), sanitizeFileName("a\"b\\c%d'e(f)*\r\nSet-Cookie: x=1.pdf"));
    // A value Node would refuse to put in a header throws here.
    new Headers({ "Content-Disposition": value });
  });

  test("names outside Latin get a readable-enough fallback and the exact name", () => {
    const value = contentDisposition("文件.pdf");
    assert.match(value, /filename="__\.pdf"/);
    assert.match(value, /filename\*=UTF-8''%E6%96%87%E4%BB%B6\.pdf$/);
  });
});

describe("toBytes", () => {
  test("a Buffer slice of a larger pool (pg) and a Uint8Array (PGlite) give the same bytes", () => {
    const pool = Buffer.from("xxxxhelloyyyy");
    const slice = pool.subarray(4, 9);
    assert.deepEqual(Array.from(toBytes(slice)), Array.from(Buffer.from("hello")));
    assert.equal(toBytes(slice).byteLength, 5);
    assert.deepEqual(Array.from(toBytes(new Uint8Array([1, 2, 3]))), [1, 2, 3]);
  });
});

/** A file store in memory that records every chunk written, and how much of the request body had been read then. */
function memoryStore(bodyRead: () => number = () => 0) {
  const blobs = new Map<string, Uint8Array[]>();
  const writes: { blobId: string; seq: number; size: number; bodyRead: number }[] = [];
  let next = 0;
  const store: FileStore = {
    async create() {
      const id = `blob-${next++}`;
      blobs.set(id, []);
      return id;
    },
    async writeChunk(blobId, seq, bytes) {
      writes.push({ blobId, seq, size: bytes.byteLength, bodyRead: bodyRead() });
      blobs.get(blobId)![seq] = bytes.slice();
    },
    async *chunks(blobId) {
      yield* blobs.get(blobId) ?? [];
    },
    async discard(ids) {
      for (const id of ids) blobs.delete(id);
    },
    async sweep() {},
  };
  return Object.assign(store, { blobs, writes, bytesOf: (id: string) => Buffer.concat(blobs.get(id) ?? []) });
}

/** A multipart body with one file, served 64 KiB at a time on demand, counting what was read. */
async function streamedUpload(field: string, fileName: string, fileHead: Buffer, fileBytes: number) {
  const probe = new Request("http://localhost/", { method: "POST", body: (() => { const f = new FormData(); f.append(field, blob(Buffer.from("@")), fileName); return f; })() });
  const contentType = probe.headers.get("Content-Type")!;
  const text = Buffer.from(await probe.arrayBuffer()).toString("latin1");
  const at = text.indexOf("@");
  const prefix = Buffer.from(text.slice(0, at), "latin1");
  const suffix = Buffer.from(text.slice(at + 1), "latin1");
  const piece = 64 * 1024;
  const content = Buffer.alloc(fileBytes, 0x41);
  fileHead.copy(content);
  const body = Buffer.concat([prefix, content, suffix]);
  let served = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (served >= body.length) return controller.close();
      const end = Math.min(body.length, served + piece);
      controller.enqueue(new Uint8Array(body.subarray(served, end)));
      served = end;
    },
  });
  const request = new Request("http://localhost/", { method: "POST", body: stream, headers: { "Content-Type": contentType }, duplex: "half" } as RequestInit);
  return { request, content, total: body.length, prefix: prefix.length, served: () => served };
}

function multipartRequest(form: FormData, headers: Record<string, string> = {}): Request {
  return new Request("http://localhost/upload", { method: "POST", body: form, headers });
}

async function multipartWithLength(form: FormData): Promise<Request> {
  const probe = new Request("http://localhost/upload", { method: "POST", body: form });
  const bytes = new Uint8Array(await probe.arrayBuffer());
  return new Request("http://localhost/upload", {
    method: "POST",
    body: bytes,
    headers: { "Content-Type": probe.headers.get("Content-Type")!, "Content-Length": String(bytes.byteLength) },
  });
}

describe("parseUpload", () => {
  const usage = { files: 0, bytes: 0 };

  test("text fields, several files, empty file inputs and unknown file fields", async () => {
    const form = new FormData();
    form.append("explanation", "Nền tảng đáp ứng");
    form.append("evidence", blob(sample.pdf()), "../../a.pdf");
    form.append("evidence", blob(sample.png()), "b\u0007.png");
    form.append("stranger", blob(sample.pdf()), "c.pdf");
    form.append("intent", "continue");
    const r = await parseUpload(multipartRequest(form), { t, fileFields: ["evidence", "other"], usage, store: memoryStore() });
    assert.equal(r.status, 200);
    assert.equal(r.complete, true);
    assert.deepEqual(r.values, { explanation: "Nền tảng đáp ứng", intent: "continue" });
    assert.deepEqual(
      r.files.map((f) => [f.field, f.fileName, f.contentType]),
      [
        ["evidence", "a.pdf", "application/pdf"],
        ["evidence", "b.png", "image/png"],
      ],
    );
    assert.deepEqual(r.problems, []);
  });

  test("a file input left empty sends an empty part with an empty name: ignored", async () => {
    const body =
      '--XYZ\r\nContent-Disposition: form-data; name="explanation"\r\n\r\ntext\r\n' +
      '--XYZ\r\nContent-Disposition: form-data; name="evidence"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n' +
      "--XYZ--\r\n";
    const req = new Request("http://localhost/", { method: "POST", body, headers: { "Content-Type": "multipart/form-data; boundary=XYZ" } });
    const r = await parseUpload(req, { t, fileFields: ["evidence"], usage, store: memoryStore() });
    assert.equal(r.status, 200);
    assert.deepEqual(r.values, { explanation: "text" });
    assert.deepEqual(r.files, []);
    assert.deepEqual(r.problems, []);
  });

  test("a refused file is reported against its field with its name; nothing of the request is kept", async () => {
    const form = new FormData();
    form.append("evidence", blob(sample.exe()), "setup.pdf");
    form.append("evidence", blob(sample.pdf()), "ok.pdf");
    const store = memoryStore();
    const r = await parseUpload(multipartRequest(form), { t, fileFields: ["evidence"], usage, store });
    assert.equal(r.status, 400);
    assert.equal(r.files.length, 0, "the valid file is not kept either: the user sends the set again");
    assert.equal(store.blobs.size, 0, "both staged files were discarded");
    assert.deepEqual(r.problems, [{ field: "evidence", code: "mismatch", fileName: "setup.pdf" }]);
    assert.match(r.errors.evidence!, /setup\.pdf is not a PDF file/);
  });

  test("a file over 10 MB stops the parse: 413, a field error, the text before it kept", async () => {
    const form = new FormData();
    form.append("explanation", "typed text");
    form.append("evidence", blob(sample.pdf(), Buffer.alloc(MAX_FILE_BYTES)), "lon.pdf");
    form.append("after", "never read");
    const r = await parseUpload(await multipartWithLength(form), { t, fileFields: ["evidence"], usage, store: memoryStore() });
    assert.equal(r.status, 413);
    assert.equal(r.complete, false);
    assert.equal(r.files.length, 0);
    assert.deepEqual(r.problems, [{ field: "evidence", code: "tooLarge", fileName: "lon.pdf" }]);
    assert.match(r.errors.evidence!, /lon\.pdf is larger than 10 MB/);
    assert.deepEqual(r.values, { explanation: "typed text" });
    assert.equal(r.closeConnection, false, "the rest of the body was read and thrown away");
  });

  test("the parse stops as soon as a file passes the limit, before the body ends", async () => {
    const head = new FormData();
    head.append("evidence", blob(sample.pdf()), "lon.pdf");
    const probe = new Request("http://localhost/", { method: "POST", body: head });
    const contentType = probe.headers.get("Content-Type")!;
    const text = Buffer.from(await probe.arrayBuffer()).toString("latin1");
    const cut = text.indexOf("%PDF");
    const prefix = Buffer.from(text.slice(0, cut), "latin1");
    let served = 0;
    let stoppedAt = -1;
    const total = MAX_FILE_BYTES * 3;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (served === 0) {
          controller.enqueue(prefix);
          served += prefix.length;
          return;
        }
        if (served >= total) return controller.close();
        const chunk = new Uint8Array(64 * 1024);
        served += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const req = new Request("http://localhost/", { method: "POST", body, headers: { "Content-Type": contentType }, duplex: "half" } as RequestInit);
    const r = await parseUpload(req, {
      t: (key, params) => {
        if (stoppedAt < 0) stoppedAt = served;
        return t(key, params);
      },
      fileFields: ["evidence"],
      usage,
      store: memoryStore(),
    });
    assert.equal(r.problems[0]?.code, "tooLarge");
    assert.ok(stoppedAt > MAX_FILE_BYTES && stoppedAt < MAX_FILE_BYTES + 1024 * 1024, `refused after ${stoppedAt} bytes`);
  });

  test("more files than the application may still hold", async () => {
    const form = new FormData();
    for (let i = 0; i < 3; i++) form.append("evidence", blob(sample.pdf()), `f${i}.pdf`);
    const r = await parseUpload(multipartRequest(form), { t, fileFields: ["evidence"], usage: { files: 28, bytes: 0 }, store: memoryStore() });
    assert.equal(r.status, 413);
    assert.equal(r.problems[0]?.code, "quotaFiles");
    assert.match(r.errors.evidence!, /at most 30 files/);
  });

  test("more bytes than the application may still hold: refused from Content-Length before parsing", async () => {
    const form = new FormData();
    form.append("evidence", blob(sample.pdf(), Buffer.alloc(2 * 1024 * 1024)), "f.pdf");
    const req = await multipartWithLength(form);
    const r = await parseUpload(req, { t, fileFields: ["evidence"], usage: { files: 1, bytes: MAX_BYTES_PER_APPLICATION - 1024 * 1024 }, store: memoryStore() });
    assert.equal(r.status, 413);
    assert.equal(r.problems[0]?.code, "quotaBytes");
    assert.match(r.errors.evidence!, /150 MB or less/);
  });

  test("more bytes than the application may still hold, without a Content-Length", async () => {
    const form = new FormData();
    form.append("evidence", blob(sample.pdf(), Buffer.alloc(2 * 1024 * 1024)), "f.pdf");
    const r = await parseUpload(multipartRequest(form), {
      t,
      fileFields: ["evidence"],
      usage: { files: 1, bytes: MAX_BYTES_PER_APPLICATION - 1024 * 1024 },
      store: memoryStore(),
    });
    assert.equal(r.problems[0]?.code, "quotaBytes");
  });

  test("not multipart, or malformed multipart: a 400 field error, never a throw", async () => {
    const plain = new Request("http://localhost/", {
      method: "POST",
      body: "a=1",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    const r1 = await parseUpload(plain, { t, fileFields: ["evidence"], usage, store: memoryStore() });
    assert.equal(r1.status, 400);
    assert.equal(r1.problems[0]?.code, "unreadable");
    const broken = new Request("http://localhost/", {
      method: "POST",
      body: '--XYZ\r\nContent-Disposition: form-data; name="evidence"; filename="a;b=c.pdf"\r\n\r\n%PDF\r\n--XYZ--\r\n',
      headers: { "Content-Type": "multipart/form-data; boundary=XYZ" },
    });
    const r2 = await parseUpload(broken, { t, fileFields: ["evidence"], usage, store: memoryStore() });
    assert.equal(r2.status, 400);
    assert.match(r2.errors.evidence!, /could not be read/);
  });

  test("an oversized text field is refused, not buffered", async () => {
    const form = new FormData();
    form.append("explanation", "x".repeat(200 * 1024));
    const r = await parseUpload(multipartRequest(form), { t, fileFields: ["evidence"], usage, store: memoryStore() });
    assert.equal(r.status, 400);
    assert.equal(r.complete, false);
  });

  test("the enterprise's byte quota: 413 with a message naming what it stores", async () => {
    const form = new FormData();
    form.append("evidence", blob(sample.pdf(), Buffer.alloc(2 * 1024 * 1024)), "f.pdf");
    const gib = 1024 ** 3;
    const store = memoryStore();
    const r = await parseUpload(multipartRequest(form), {
      t,
      fileFields: ["evidence"],
      usage: { files: 0, bytes: 0, enterpriseBytes: gib - 1024 * 1024, enterpriseMaxBytes: gib },
      store,
    });
    assert.equal(r.status, 413);
    assert.equal(r.problems[0]?.code, "quotaEnterprise");
    assert.match(r.errors.evidence!, /already stores 1023\.0 MB of its 1 GB allowance/);
    assert.equal(store.blobs.size, 0, "the part written before the limit was discarded");
  });
});

describe("streaming into the store", () => {
  const usage = { files: 0, bytes: 0 };
  test("a 10 MB file is written in 256 KiB chunks while the body arrives, never more than a chunk ahead", async () => {
    const upload = await streamedUpload("evidence", "lon.pdf", sample.pdf(), MAX_FILE_BYTES);
    const store = memoryStore(upload.served);
    const r = await parseUpload(upload.request, { t, fileFields: ["evidence"], usage, store });
    assert.equal(r.status, 200, JSON.stringify(r.errors));
    const [file] = r.files;
    assert.equal(file?.sizeBytes, MAX_FILE_BYTES);
    assert.equal(file?.sha256, createHash("sha256").update(upload.content).digest("hex"), "hashed on the way");
    assert.ok(store.bytesOf(file!.blobId).equals(upload.content), "stored intact");

    const sizes = store.writes.map((w) => w.size);
    assert.equal(sizes.length, Math.ceil(MAX_FILE_BYTES / CHUNK_BYTES));
    assert.ok(sizes.every((n) => n === CHUNK_BYTES), `chunk sizes: ${sizes.join(", ")}`);
    assert.deepEqual(store.writes.map((w) => w.seq), sizes.map((_, i) => i));
    // When chunk k is written, the parser has read at most about one more chunk of the body than it has stored:
    // the file is never held whole (the old parser read all 10 MB before anything was kept).
    for (const [k, w] of store.writes.entries()) {
      const ahead = w.bodyRead - upload.prefix - (k + 1) * CHUNK_BYTES;
      assert.ok(ahead <= CHUNK_BYTES, `chunk ${k} written with ${ahead} bytes of body read beyond it`);
    }
    assert.ok(store.writes[0]!.bodyRead < upload.total / 10, "the first chunk is stored long before the body ends");
  });

  test("the last chunk holds the rest; a file with a refused extension is read through and never stored", async () => {
    const upload = await streamedUpload("evidence", "bao-cao.pdf", sample.pdf(), CHUNK_BYTES * 2 + 1000);
    const store = memoryStore(upload.served);
    const r = await parseUpload(upload.request, { t, fileFields: ["evidence"], usage, store });
    assert.equal(r.status, 200);
    assert.deepEqual(store.writes.map((w) => w.size), [CHUNK_BYTES, CHUNK_BYTES, 1000]);

    const exe = await streamedUpload("evidence", "setup.exe", sample.exe(), CHUNK_BYTES * 3);
    const none = memoryStore(exe.served);
    const refused = await parseUpload(exe.request, { t, fileFields: ["evidence"], usage, store: none });
    assert.deepEqual(refused.problems, [{ field: "evidence", code: "type", fileName: "setup.exe" }]);
    assert.equal(none.writes.length, 0);
    assert.equal(exe.served(), exe.total, "the body was still read to its end");
  });

  test("a file over the limit stops the upload: what was stored of it is discarded", async () => {
    const upload = await streamedUpload("evidence", "lon.pdf", sample.pdf(), MAX_FILE_BYTES + MULTIPART_OVERHEAD_BYTES);
    const store = memoryStore(upload.served);
    const r = await parseUpload(upload.request, { t, fileFields: ["evidence"], usage, store });
    assert.equal(r.problems[0]?.code, "tooLarge");
    assert.ok(store.writes.length >= MAX_FILE_BYTES / CHUNK_BYTES - 1, "it was being stored while it arrived");
    assert.equal(store.blobs.size, 0);
  });

  test("content sniffing reads what file-type needs from the store, across chunks", async () => {
    // An office file whose [Content_Types].xml entry comes after 600 KiB of other entries.
    const padding = Buffer.alloc(600 * 1024, 0x20);
    const docx = sample.zip([
      ["word/media/padding.bin", padding],
      ["[Content_Types].xml", sample.docxContentTypes()],
      ["word/document.xml", `<?xml version="1.0"?><root/>`],
    ]);
    const form = new FormData();
    form.append("evidence", blob(docx), "thuyet-minh.docx");
    const r = await parseUpload(multipartRequest(form), { t, fileFields: ["evidence"], usage, store: memoryStore() });
    assert.equal(r.status, 200, JSON.stringify(r.errors));
    assert.equal(r.files[0]?.contentType, "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  });
});
