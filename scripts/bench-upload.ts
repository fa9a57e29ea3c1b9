/**
 * `npm run bench:upload`: memory and storage of file uploads on the embedded database (issue 8, item 5).
 *
 * The real app (middleware + Remix build) runs in this process on a PGlite data directory in a temporary folder, as
 * `npm start` runs it on .data/ (with DATABASE_URL: a fresh schema on that server, dropped at the end). An enterprise
 * user signs in over HTTP and, through the same forms a browser posts:
 *   1. uploads BENCH_UPLOADS files of 10 MiB, one request each, and downloads each back (checking its SHA-256);
 *   2. runs BENCH_CYCLES upload-and-remove cycles of one 10 MiB file;
 *   3. sends one request carrying BENCH_BIG_FILES files of 10 MiB (a full application, ~150 MiB) to a new draft.
 * For each phase it reports the process's resident memory (RSS) before, its peak during the phase (the kernel's
 * high-water mark VmHWM, reset before the phase through /proc/self/clear_refs) and after; for phase 2 the database
 * size before and after and the usage the documents page shows.
 *
 * The request bodies are generated while they are sent (64 KiB at a time), so the client adds no 10 MiB buffers to
 * the process it measures. Run with `node --expose-gc` (the npm script does) so each "before" is measured after a GC.
 * Settings (environment): BENCH_UPLOADS (5), BENCH_CYCLES (10), BENCH_BIG_FILES (15; 0 skips phase 3), BENCH_BUILD
 * (1 rebuilds), DATABASE_URL. Traffic goes only to 127.0.0.1. Not part of `npm test`.
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import * as lib from "./bench-lib.ts";
import { measure } from "./bench/memory.ts";

lib.prepareBenchProcess(); // before the app is loaded: app modules are imported below, lazily
const { log, envNumber } = lib;

const UPLOADS = envNumber("BENCH_UPLOADS", 5, 1);
const CYCLES = envNumber("BENCH_CYCLES", 10, 0);
const BIG_FILES = envNumber("BENCH_BIG_FILES", 15, 0);
const FILE_BYTES = 10 * 1024 * 1024;
const PASSWORD = "bench upload password";
const MiB = 1024 * 1024;

// ---------------------------------------------------------------- HTTP client

interface Session {
  base: string;
  cookie: string;
}

interface FilePart {
  field: string;
  fileName: string;
  bytes: number;
}

/** A PDF header followed by incompressible bytes: the server sniffs a PDF, the database cannot compress it. */
const FILLER = randomBytes(64 * 1024);
const PDF_HEAD = Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1");

function* fileContent(bytes: number): Generator<Buffer> {
  let left = bytes;
  const head = PDF_HEAD.subarray(0, Math.min(PDF_HEAD.length, left));
  yield head;
  left -= head.length;
  while (left > 0) {
    const piece = FILLER.subarray(0, Math.min(FILLER.length, left));
    yield piece;
    left -= piece.length;
  }
}

function contentSha256(bytes: number): string {
  const hash = createHash("sha256");
  for (const piece of fileContent(bytes)) hash.update(piece);
  return hash.digest("hex");
}

/** Posts multipart/form-data, generating the body while it is sent; resolves with the status and Location. */
function postMultipart(s: Session, pathname: string, fields: Record<string, string>, files: FilePart[]): Promise<{ status: number; location: string; body: string }> {
  const boundary = `----bench${randomBytes(8).toString("hex")}`;
  const textParts = Object.entries(fields).map(
    ([name, value]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
  );
  const fileHeads = files.map((f) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.fileName}"\r\nContent-Type: application/pdf\r\n\r\n`),
  );
  const crlf = Buffer.from("\r\n");
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const length =
    textParts.reduce((n, b) => n + b.length, 0) + fileHeads.reduce((n, b, i) => n + b.length + files[i]!.bytes + crlf.length, 0) + tail.length;

  function* body(): Generator<Buffer> {
    yield* textParts;
    for (const [i, f] of files.entries()) {
      yield fileHeads[i]!;
      yield* fileContent(f.bytes);
      yield crlf;
    }
    yield tail;
  }

  return new Promise((resolve, reject) => {
    const url = new URL(pathname, s.base);
    const req = http.request(
      url,
      {
        method: "POST",
        headers: {
          Cookie: s.cookie,
          Origin: s.base,
          "Content-Type": `multipart/form-data; boundary=${boundary}`,
          "Content-Length": String(length),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, location: String(res.headers.location ?? ""), body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    const pieces = body();
    const pump = () => {
      for (;;) {
        const next = pieces.next();
        if (next.done) return void req.end();
        if (!req.write(next.value)) return void req.once("drain", pump);
      }
    };
    pump();
  });
}

async function get(s: Session, pathname: string): Promise<{ status: number; text: string }> {
  const res = await fetch(new URL(pathname, s.base), { redirect: "manual", headers: { Cookie: s.cookie } });
  return { status: res.status, text: await res.text() };
}

async function postForm(s: Session, pathname: string, form: Record<string, string>): Promise<Response> {
  const res = await fetch(new URL(pathname, s.base), {
    method: "POST",
    redirect: "manual",
    body: new URLSearchParams(form),
    headers: { Cookie: s.cookie, Origin: s.base, "Content-Type": "application/x-www-form-urlencoded" },
  });
  await res.arrayBuffer();
  return res;
}

/** Streams a download and returns its size and SHA-256 without keeping it. */
async function download(s: Session, pathname: string): Promise<{ status: number; bytes: number; sha256: string }> {
  const res = await fetch(new URL(pathname, s.base), { headers: { Cookie: s.cookie } });
  const hash = createHash("sha256");
  let bytes = 0;
  const reader = res.body?.getReader();
  for (;;) {
    const next = await reader?.read();
    if (!next || next.done) break;
    hash.update(next.value);
    bytes += next.value.byteLength;
  }
  return { status: res.status, bytes, sha256: hash.digest("hex") };
}

async function createDraft(s: Session): Promise<string> {
  const res = await postForm(s, "/applications", {});
  const id = /^\/applications\/([0-9a-f-]{36})$/.exec(res.headers.get("Location") ?? "")?.[1];
  if (res.status !== 302 || !id) throw new Error(`Creating a draft failed: HTTP ${res.status}`);
  return id;
}

async function documentsPage(s: Session, appId: string): Promise<{ fileIds: string[]; usage: string }> {
  const page = await get(s, `/applications/${appId}/documents`);
  if (page.status !== 200) throw new Error(`Documents page: HTTP ${page.status}`);
  const fileIds = [...new Set([...page.text.matchAll(/form="remove-([0-9a-f-]{36})"/g)].map((m) => m[1]!))];
  const text = page.text.replace(/<script[\s\S]*?<\/script>/g, " ");
  const application = /đã dùng (\d+ tệp, [\d.]+ [KM]?B)/.exec(text)?.[1] ?? "?";
  const enterprise = /Doanh nghiệp đang lưu ([\d.]+ [KMG]?B)/.exec(text)?.[1];
  const usage = enterprise ? `${application}; enterprise ${enterprise}` : application;
  return { fileIds, usage };
}

async function upload(s: Session, appId: string, files: FilePart[]): Promise<void> {
  const res = await postMultipart(s, `/applications/${appId}/documents`, { intent: "upload" }, files);
  if (res.status !== 302) throw new Error(`Upload refused: HTTP ${res.status}\n${res.body.slice(0, 2000)}`);
}

// ---------------------------------------------------------------- database

async function openDatabase(): Promise<{ handle: lib.BenchDb; dataDir?: string }> {
  if (process.env.DATABASE_URL) return { handle: await lib.openBenchDb() };
  const { openPglite, setDb } = await import("../app/platform/db/db.server.ts");
  const { migrateToLatest } = await import("../app/platform/db/migrate.server.ts");
  const { seedReferenceData } = await import("../app/features/reference/reference.server.ts");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-upload-"));
  const inner = await openPglite(path.join(dataDir, "pglite"));
  const pkg = JSON.parse(fs.readFileSync(path.resolve("node_modules/@electric-sql/pglite/package.json"), "utf8")) as { version: string };
  const handle: lib.BenchDb = {
    ...inner,
    bulk: inner.db,
    description: `PGlite ${pkg.version} in a data directory under ${os.tmpdir()} (deleted at the end), same thread as the app`,
    close: async () => {
      await inner.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await migrateToLatest(handle.db);
    await seedReferenceData(handle.db);
  } catch (e) {
    await handle.close();
    throw e;
  }
  setDb(handle);
  return { handle, dataDir };
}

/** Bytes of every table of the app's schema, with their TOAST tables and indexes. */
async function schemaBytes(handle: lib.BenchDb): Promise<number> {
  const { sql } = await import("kysely");
  const row = await sql<{ bytes: number }>`
    select coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint as bytes
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = current_schema() and c.relkind = 'r'`.execute(handle.db);
  return Number(row.rows[0]!.bytes);
}

/** Bytes of files in live rows (what a VACUUM would keep): chunks, or the old one-value-per-file column. */
async function fileBytes(handle: lib.BenchDb): Promise<number> {
  const { sql } = await import("kysely");
  const chunked = await sql<{ t: string | null }>`select to_regclass('file_chunks')::text as t`.execute(handle.db);
  const row = chunked.rows[0]?.t
    ? await sql<{ bytes: number }>`select coalesce(sum(octet_length(bytes)), 0)::bigint as bytes from file_chunks`.execute(handle.db)
    : await sql<{ bytes: number }>`select coalesce(sum(octet_length(content)), 0)::bigint as bytes from attachments`.execute(handle.db);
  return Number(row.rows[0]!.bytes);
}

// ---------------------------------------------------------------- the run

const mb = (n: number) => n.toFixed(0);

async function main({ servers, useDb }: lib.BenchResources) {
  log(`Upload benchmark — Node ${process.version}, ${os.cpus().length} CPU(s), ${os.platform()}, load average ${os.loadavg()[0]!.toFixed(2)}`);
  if (!(globalThis as { gc?: unknown }).gc) log("(no --expose-gc: 'before' and 'after' are measured without a forced GC)");
  const { sql } = await import("kysely");
  const { createUserDirect } = await import("../app/features/account/account.server.ts");

  const { handle } = await openDatabase();
  useDb(handle);
  log(`Database: ${handle.description}`);
  const db = handle.db;

  const email = `upload.${randomBytes(4).toString("hex")}@bench.example`;
  const user = await createUserDirect({ email, name: "Bench uploader", role: "enterprise", provinceCode: null, password: PASSWORD });
  const enterprise = await sql<{ id: string }>`
    insert into enterprises (tax_code, legal_name, province_code, address, representative_name, representative_title, phone, created_by)
    values (${String(1_000_000_000 + Math.floor(Math.random() * 8_000_000_000))}, 'Công ty Thử tải tệp', '01', '1 Tràng Tiền', 'Nguyễn Văn A', 'Giám đốc', '+84912345678', ${user.id})
    returning id`.execute(db);
  await sql`insert into enterprise_members (enterprise_id, user_id, role) values (${enterprise.rows[0]!.id}, ${user.id}, 'owner')`.execute(db);

  const app = await lib.startAppServer(handle);
  servers.push(app);
  const s: Session = { base: app.url, cookie: await lib.signIn(app.url, email, PASSWORD) };
  const draft = await createDraft(s);

  // Warm-up: load every code path once (upload, page, download, remove) with a small file.
  await upload(s, draft, [{ field: "doc-other", fileName: "warm-up.pdf", bytes: 100 * 1024 }]);
  for (const id of (await documentsPage(s, draft)).fileIds) {
    await download(s, `/applications/${draft}/files/${id}`);
    await postForm(s, `/applications/${draft}/documents`, { intent: "remove", fileId: id });
  }

  const rows: string[][] = [];
  const expected = contentSha256(FILE_BYTES);

  // 1. N uploads of 10 MiB, then N downloads.
  const ups = await measure(async () => {
    for (let i = 0; i < UPLOADS; i++) await upload(s, draft, [{ field: "doc-other", fileName: `tep-${i}.pdf`, bytes: FILE_BYTES }]);
  });
  rows.push([`${UPLOADS} uploads of 10 MiB (one request each)`, mb(ups.memory.beforeMb), mb(ups.memory.peakMb), mb(ups.memory.peakMb - ups.memory.beforeMb), mb(ups.memory.afterMb), mb(ups.memory.heapMb), mb(ups.memory.externalMb), (ups.ms / UPLOADS).toFixed(0)]);
  const { fileIds } = await documentsPage(s, draft);
  const downs = await measure(async () => {
    for (const id of fileIds) {
      const d = await download(s, `/applications/${draft}/files/${id}`);
      if (d.status !== 200 || d.bytes !== FILE_BYTES || d.sha256 !== expected) throw new Error(`Download of ${id}: HTTP ${d.status}, ${d.bytes} bytes, sha ${d.sha256.slice(0, 12)}`);
    }
  });
  rows.push([`${fileIds.length} downloads of 10 MiB`, mb(downs.memory.beforeMb), mb(downs.memory.peakMb), mb(downs.memory.peakMb - downs.memory.beforeMb), mb(downs.memory.afterMb), mb(downs.memory.heapMb), mb(downs.memory.externalMb), (downs.ms / Math.max(1, fileIds.length)).toFixed(0)]);
  for (const id of fileIds) await postForm(s, `/applications/${draft}/documents`, { intent: "remove", fileId: id });

  // 2. Upload-and-remove cycles: what the database keeps, and what the page says.
  const sizeBefore = await schemaBytes(handle);
  const filesBefore = await fileBytes(handle);
  const usageBefore = (await documentsPage(s, draft)).usage;
  const cycles = await measure(async () => {
    for (let i = 0; i < CYCLES; i++) {
      await upload(s, draft, [{ field: "doc-other", fileName: `vong-${i}.pdf`, bytes: FILE_BYTES }]);
      const page = await documentsPage(s, draft);
      for (const id of page.fileIds) await postForm(s, `/applications/${draft}/documents`, { intent: "remove", fileId: id });
    }
  });
  const sizeAfter = await schemaBytes(handle);
  const filesAfter = await fileBytes(handle);
  const usageAfter = (await documentsPage(s, draft)).usage;
  if (CYCLES > 0) {
    rows.push([`${CYCLES} upload-and-remove cycles of 10 MiB`, mb(cycles.memory.beforeMb), mb(cycles.memory.peakMb), mb(cycles.memory.peakMb - cycles.memory.beforeMb), mb(cycles.memory.afterMb), mb(cycles.memory.heapMb), mb(cycles.memory.externalMb), (cycles.ms / CYCLES).toFixed(0)]);
  }

  // 3. One request with a whole application's files.
  if (BIG_FILES > 0) {
    const second = await createDraft(s);
    const files = Array.from({ length: BIG_FILES }, (_, i) => ({ field: "doc-other", fileName: `ho-so-${i}.pdf`, bytes: FILE_BYTES }));
    const big = await measure(() => upload(s, second, files));
    rows.push([`1 request with ${BIG_FILES} files of 10 MiB`, mb(big.memory.beforeMb), mb(big.memory.peakMb), mb(big.memory.peakMb - big.memory.beforeMb), mb(big.memory.afterMb), mb(big.memory.heapMb), mb(big.memory.externalMb), big.ms.toFixed(0)]);
  }

  // 4. Other visitors while a 10 MiB upload streams in: GET / every 50 ms, before and during the upload.
  const probe = async (ms: number, until?: Promise<unknown>, pathname = "/") => {
    const times: number[] = [];
    let done = false;
    void until?.then(() => (done = true));
    const end = Date.now() + ms;
    while (until ? !done : Date.now() < end) {
      const t = performance.now();
      const res = await fetch(new URL(pathname, s.base));
      await res.arrayBuffer();
      times.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 50));
    }
    return times;
  };
  const idle = await probe(3000);
  const third = await createDraft(s);
  const started = performance.now();
  const uploading = upload(s, third, [{ field: "doc-other", fileName: "trong-khi.pdf", bytes: FILE_BYTES }]);
  const during = await probe(0, uploading);
  await uploading;
  const fourth = await createDraft(s);
  const uploadingAgain = upload(s, fourth, [{ field: "doc-other", fileName: "trong-khi-2.pdf", bytes: FILE_BYTES }]);
  const healthDuring = await probe(0, uploadingAgain, "/healthz");
  await uploadingAgain;
  const uploadMs = performance.now() - started;
  const stats = (u: number[]) => { const t = [...u].sort((a, b) => a - b); return `${t.length} requests, median ${lib.percentile(t, 50).toFixed(0)} ms, p90 ${lib.percentile(t, 90).toFixed(0)} ms, max ${t[t.length - 1]!.toFixed(0)} ms`; };
  const concurrency = [`GET / while idle: ${stats(idle)}`, `GET / during one 10 MiB upload (${uploadMs.toFixed(0)} ms): ${stats(during)}`, `GET /healthz (no database) during another: ${stats(healthDuring)}`];

  log("");
  for (const line of concurrency) log(line);
  log("");
  log(lib.formatTable(["phase", "RSS before MB", "peak RSS MB", "peak − before MB", "RSS after MB", "peak JS heap MB", "peak external MB", "ms per request"], rows));
  log("");
  if (CYCLES > 0) {
    log(`Database (tables + TOAST + indexes of the app's schema) before the cycles: ${(sizeBefore / MiB).toFixed(1)} MiB, after ${CYCLES} cycles: ${(sizeAfter / MiB).toFixed(1)} MiB (${((sizeAfter - sizeBefore) / MiB).toFixed(1)} MiB more).`);
    log(`File bytes in live rows before the cycles: ${(filesBefore / MiB).toFixed(1)} MiB, after: ${(filesAfter / MiB).toFixed(1)} MiB.`);
    log(`Usage on the documents page before the cycles: "${usageBefore}"; after: "${usageAfter}".`);
  }
}

await lib.runBenchmark(main, 20 * 60 * 1000);
