import assert from "node:assert/strict";
import http from "node:http";
import { after, before, mock, test } from "node:test";
import type { ServerBuild } from "@remix-run/node";
import type { User } from "~/platform/db/db-types.ts";
import { logger } from "~/platform/ops/logger.server.ts";
import { completeApplication, DEMO_PLATFORM } from "~/seeds/demo-data.server.ts";
import { createDraft } from "~/features/application/drafts.server.ts";
import { criteriaItems, getCriteria } from "~/features/application/criteria.server.ts";
import { getApplication } from "~/features/application/queries.server.ts";
import { submitApplication } from "~/features/application/commands.server.ts";
import * as review from "~/features/review/commands.server.ts";
import { verifyEnterprise } from "~/features/enterprise/verification.server.ts";
import { Client, loadTestBuild, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, loginAs, staffUser } from "./helpers/fixtures.ts";

/**
 * A bounded fuzz of the whole HTTP surface: every route of the Remix build (its loaders with hostile query strings and
 * path parameters, its actions with hostile bodies) as every role, plus every form found on the pages each role can
 * reach. Fails on any 5xx, a body showing a stack trace, SQL or a server file path, response headers no proxy would
 * pass, or a visitor's mistake logged at error level. Fixed seed: the same requests every run. About 35 s of CPU
 * (≈ 40 s on an idle 2-core machine; FUZZ_DEBUG=<file> writes every request with its status and time).
 */
const FUZZ_REQUESTS = 2000;
// The suite always runs the same requests; another seed (FUZZ_SEED=n) explores further when hunting for defects.
const SEED = Number(process.env.FUZZ_SEED ?? 0x20261202);

let t: TestDb;
let app: TestApp;
let build: ServerBuild;

before(async () => {
  t = await createTestDb();
  app = await startTestApp(t);
  build = await loadTestBuild();
});
after(async () => {
  await app.close();
  await t.close();
});

// ---------- a seeded PRNG ----------

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = mulberry32(SEED);
const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
const chance = (p: number) => rnd() < p;

// ---------- hostile values ----------

const NASTY = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\u0007\u001b[31m\u007f",
  "\u0085\u009b",
  "\u202eevil\u202c",
  "😀🇻🇳",
  "e\u0301\u0302\u0303",
  "Nguyễn".normalize("NFD"),
  "\ud800",
  "\uFFFD\uFEFF",
  "%' or 1=1 --",
  "'; drop table users; --",
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "../../../../etc/passwd",
  "${7*7}{{7*7}}",
  "null",
  "undefined",
  "true",
  "-1",
  "0",
  "-0",
  "1.5",
  "1e309",
  "NaN",
  "Infinity",
  "9".repeat(40),
  "0x10",
  "[]",
  "{}",
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "javascript:alert(1)",
  "//evil.test",
  "/\\evil.test",
  "https://user:pass@evil.test/",
  "2026-02-30",
  "9999-99-99",
  "0000-00-00",
  "2026-13-01",
  "00000000-0000-0000-0000-000000000000",
  "------------------------------------",
  "ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ",
  "\r\n\r\n",
  "\t",
  "%",
  "%E0%A4%A",
  "a=b&c=d",
  "+84912345678",
  "0100109106",
  "criterion:user_scale",
];
const huge = () => (chance(0.03) ? "Ằ".repeat(1_500_000) : pick(["A", "ự", "\u0000", "%"]).repeat(60_000 + Math.floor(rnd() * 10_000)));
const nasty = () => (chance(0.12) ? huge() : chance(0.15) ? pick(NASTY) + pick(NASTY) : pick(NASTY));
const INVALID_UTF8 = [Buffer.from([0xff, 0xfe]), Buffer.from([0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]), Buffer.from([0xc0, 0x80]), Buffer.from([0xe2, 0x82])];

// What a response must never show: a stack frame, database error text or SQL, a path on the server.
const LEAKS: [string, RegExp][] = [
  ["stack trace", /\bat (?:async )?[\w$.<>[\]]+ \([^)\s]+:\d+:\d+\)|\n\s+at [^\n]+:\d+:\d+/],
  ["database error", /syntax error at or near|invalid input syntax for|violates (?:check|foreign key|unique|not-null) constraint|relation "[^"]+" does not exist|column "[^"]+" does not exist|invalid byte sequence for encoding|current transaction is aborted|SQLSTATE|PGlite|kysely/i],
  ["SQL", /\b(?:select\s[^<>\n]{0,120}\bfrom\s+"?(?:applications|enterprises|users|audit_events|attachments|sessions|outbox_emails)\b|insert\s+into\s+"?\w+"?\s*\(|update\s+"?\w+"?\s+set\s)/i],
  ["server file path", new RegExp(`${escapeRegExp(process.cwd())}|node_modules/|file:///|/home/\\w+/|\\b[\\w.-]+\\.server\\.tsx?\\b|\\bapp/(?:lib|models|routes)/`)],
];
/** encodeURIComponent that accepts lone surrogates (sent as U+FFFD, as a browser would). */
function enc(s: string): string {
  return encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd"));
}
function escapeRegExp(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// ---------- fixtures: an application in each state a role acts on ----------

interface Role {
  name: string;
  user?: User;
  home: string;
  cookie: string;
}

async function lock(id: string) {
  return (await getApplication(id))!.lock_version;
}

let ipCounter = 1;
/** Signs in with a fresh address (the sign-in throttle counts per address); the one sign-in of this file. */
async function login(user: User): Promise<string> {
  const client = new Client(app.url, `10.201.${Math.floor(ipCounter / 250)}.${ipCounter++ % 250}`);
  await loginAs(client, user);
  return [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
}

async function fixtures() {
  const owner = await enterpriseUser("79");
  const province = await staffUser("province_reviewer", "79");
  const ministry = await staffUser("ministry_reviewer");
  const admin = await staffUser("admin");
  const apps: string[] = [];
  const submitted = async () => {
    const draft = await createDraft(owner.user, owner.enterpriseId, "fuzz");
    await completeApplication(owner.user, draft.id, { ...DEMO_PLATFORM, name: `Nền tảng Thử nghiệm ${apps.length}`, publicUrl: `https://thu-nghiem-${apps.length}.example.vn` });
    apps.push(draft.id);
    await submitApplication(owner.user, draft.id, { requestId: "fuzz" });
    return draft.id;
  };
  const draft = await createDraft(owner.user, owner.enterpriseId, "fuzz");
  await completeApplication(owner.user, draft.id, DEMO_PLATFORM);
  await submitted();
  const inReview = await submitted();
  await review.assignApplication(province, inReview, { assigneeId: province.id, noConflict: true, lockVersion: await lock(inReview) }, "fuzz");
  const toMinistry = async () => {
    const id = await submitted();
    await review.assignApplication(province, id, { assigneeId: province.id, noConflict: true, lockVersion: await lock(id) }, "fuzz");
    const items = criteriaItems(await getCriteria((await getApplication(id))!.criteria_set_id));
    for (const item of items) await review.saveVerdict(province, id, { criterionKey: item.key, verdict: "met", note: "", lockVersion: await lock(id) }, "fuzz");
    await verifyEnterprise(province, id, { outcome: "verified", reason: "" }, "fuzz");
    await review.forwardToMinistry(province, id, { lockVersion: await lock(id), recommendation: "recognise", summary: "Đạt" }, "fuzz");
    await review.assignApplication(ministry, id, { assigneeId: ministry.id, noConflict: true, lockVersion: await lock(id) }, "fuzz");
    return id;
  };
  await toMinistry();
  const recognised = await toMinistry();
  await review.recognisePlatform(ministry, recognised, { lockVersion: await lock(recognised), decisionNumber: "1/QĐ-BKHCN", decisionDate: "2026-11-20" }, "fuzz");
  const changes = await submitted();
  await review.assignApplication(province, changes, { assigneeId: province.id, noConflict: true, lockVersion: await lock(changes) }, "fuzz");
  await review.requestChanges(province, changes, { lockVersion: await lock(changes), items: [{ target: "section:platform", note: "Bổ sung" }], replyBy: "2099-01-01", message: "" }, "fuzz");
  return { owner: owner.user, province, ministry, admin, ids: [draft.id, ...apps, recognised] };
}

// ---------- what the pages offer ----------

interface FormSpec {
  page: string;
  method: string;
  action: string;
  multipart: boolean;
  fields: [string, string[]][];
}

const decodeEntities = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) =>
    e[0] === "#" ? String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" } as Record<string, string>)[e.toLowerCase()]!,
  );
const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`, "i").exec(tag);
  return m ? decodeEntities(m[1]!) : undefined;
};

function formsOf(page: string, html: string): FormSpec[] {
  const out: FormSpec[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const tag = m[1]!;
    const fields = new Map<string, string[]>();
    const add = (name: string | undefined, value: string) => {
      if (!name) return;
      const list = fields.get(name) ?? [];
      if (!list.includes(value)) list.push(value);
      fields.set(name, list);
    };
    for (const f of m[2]!.matchAll(/<(input|button|textarea|select)\b([^>]*)>/gi)) {
      const kind = f[1]!.toLowerCase();
      const name = attr(f[2]!, "name");
      if (kind === "select") {
        const body = m[2]!.slice(f.index! + f[0].length).split(/<\/select>/i)[0]!;
        for (const o of body.matchAll(/<option\b[^>]*value="([^"]*)"/gi)) add(name, decodeEntities(o[1]!));
      } else add(name, attr(f[2]!, "value") ?? "");
    }
    out.push({
      page,
      method: (attr(tag, "method") ?? "get").toLowerCase(),
      action: attr(tag, "action") ?? page,
      multipart: /multipart\/form-data/i.test(attr(tag, "enctype") ?? ""),
      fields: [...fields],
    });
  }
  return out;
}

const templateOf = (p: string) =>
  p
    .split("?")[0]!
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, ":id")
    .replace(/\/\d+(?=\/|$)/g, "/:n")
    .replace(/\/criteria\/[^/]+$/, "/criteria/:key");

/** Every page a role reaches by following links from its home, at most a few per kind of page. */
async function crawl(role: Role): Promise<{ pages: string[]; forms: FormSpec[] }> {
  const queue = [role.home, "/", "/platforms", "/statistics"];
  const seen = new Set<string>();
  const perTemplate = new Map<string, number>();
  const pages: string[] = [];
  const forms: FormSpec[] = [];
  while (queue.length > 0 && pages.length < 120) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    const tpl = templateOf(next);
    // Enough of each kind of page to meet an application in each state (the fixtures have eight).
    if ((perTemplate.get(tpl) ?? 0) >= 8) continue;
    perTemplate.set(tpl, (perTemplate.get(tpl) ?? 0) + 1);
    const res = await fetch(app.url + next, { redirect: "manual", headers: { Cookie: role.cookie } });
    const type = res.headers.get("Content-Type") ?? "";
    const body = type.includes("text/html") ? await res.text() : (await res.arrayBuffer(), "");
    pages.push(next);
    for (const f of formsOf(next, body)) {
      const key = `${templateOf(f.action)} ${f.method} ${f.fields.map(([n]) => n).join(",")}`;
      if (!forms.some((g) => `${templateOf(g.action)} ${g.method} ${g.fields.map(([n]) => n).join(",")}` === key)) forms.push(f);
    }
    for (const l of body.matchAll(/<a\b[^>]*\shref="(\/[^"#]*)"/g)) {
      const href = decodeEntities(l[1]!);
      if (!href.startsWith("//") && !href.startsWith("/build/") && !seen.has(href)) queue.push(href);
    }
  }
  return { pages, forms };
}

/** The routes of the build as URL templates (":id" etc.), with whether each has a loader and an action. */
function manifestRoutes() {
  const routes = build.routes as Record<string, { id: string; path?: string; index?: boolean; parentId?: string; module: { loader?: unknown; action?: unknown } }>;
  const full = (id: string): string => {
    const r = routes[id]!;
    const parent = r.parentId && r.parentId !== "root" ? full(r.parentId) : "";
    return [parent, r.path ?? ""].filter(Boolean).join("/");
  };
  return Object.values(routes)
    .filter((r) => r.id !== "root")
    .map((r) => ({ id: r.id, template: `/${full(r.id)}`, index: Boolean(r.index), loader: Boolean(r.module.loader), action: Boolean(r.module.action) }));
}

// ---------- building one hostile request ----------

interface Req {
  method: string;
  url: string;
  body?: BodyInit;
  headers: Record<string, string>;
  describe: string;
}

const QUERY_NAMES = ["q", "page", "pageSize", "view", "after", "sector", "province", "pillar", "ownership", "sort", "assignee", "overdue", "token", "sent", "edit", "lang", "redirectTo", "index", "id", "n", "format"];

const RAW_QUERY_VALUES = ["%00", "a%00b", "%FF%FE", "%E0%A4%A", "%", "%C0%80", "%ED%A0%80", "%0D%0A", "%EF%BF%BE"];

/** Parameters the page's own GET forms use are chosen most often, with the values most likely to hurt. */
function hostileQuery(known: string[]): string {
  const p: string[] = [];
  const general = [...new Set([...known, ...QUERY_NAMES])];
  const n = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < n; i++) {
    const name = known.length > 0 && chance(0.7) ? pick(known) : chance(0.92) ? pick(general) : nasty().slice(0, 50);
    const raw = chance(0.35) ? pick(RAW_QUERY_VALUES) : enc(chance(0.1) ? nasty().slice(0, 3000) : nasty().slice(0, 300));
    p.push(`${enc(name)}=${raw}`);
    if (chance(0.2)) p.push(`${enc(name)}=${enc(pick(NASTY))}`);
  }
  return p.join("&");
}

function hostilePath(template: string, ids: string[]): string {
  return template.replace(/:(\w+)/g, () => {
    if (chance(0.4) && ids.length > 0) return pick(ids);
    return pick(["%00", "%E0%A4%A", "%FF", enc(pick(NASTY)), "0", "-1", "999999999999999999999", "1e309", "abc", "00000000-0000-0000-0000-000000000000", "x".repeat(300)]);
  });
}

function fill(template: string, ids: string[], keys: string[]): string {
  return template.replace(/:(\w+)/g, (_, name: string) => (name === "key" ? pick(keys) : name === "n" ? "1" : pick(ids)));
}

/** A form's fields as typed by a hostile visitor: one of huge, NUL, invalid UTF-8, wrong type, duplicated, missing. */
function hostileBody(form: FormSpec): { body: BodyInit; contentType?: string; describe: string } {
  const base: [string, string][] = form.fields.map(([name, values]) => [name, pick(values)]);
  const strategy = pick(["huge", "nul", "utf8", "type", "duplicate", "missing", "extra", "all", "raw", "json"] as const);
  let pairs = base.map(([k, v]) => [k, v] as [string, string]);
  const target = pairs.length > 0 ? Math.floor(rnd() * pairs.length) : -1;
  switch (strategy) {
    case "huge":
      if (target >= 0) pairs[target]![1] = huge();
      break;
    case "nul":
      pairs = pairs.map(([k, v]) => [k, chance(0.5) ? `${v}\u0000` : v.replace(/./u, "\u0000")]);
      break;
    case "type":
      pairs = pairs.map(([k, v]) => [k, chance(0.5) ? pick(["-1", "1e309", "NaN", "abc", "[]", "{}", "true", "9".repeat(30), "0x1F", "2026-02-30"]) : v]);
      break;
    case "duplicate":
      pairs = pairs.flatMap(([k, v]) => (chance(0.5) ? [[k, v] as [string, string], [k, nasty().slice(0, 200)] as [string, string]] : [[k, v] as [string, string]]));
      break;
    case "missing":
      pairs = chance(0.3) ? [] : pairs.filter(() => chance(0.5));
      break;
    case "extra":
      pairs.push([pick(["__proto__[x]", "constructor[prototype][x]", "a[b][c]", "x".repeat(5000), "\u0000", "intent", "lockVersion", "redirectTo"]), nasty().slice(0, 500)]);
      break;
    case "all":
      pairs = pairs.map(([k]) => [k, nasty()]);
      break;
    case "raw": {
      const parts = pairs.map(([k, v], i) =>
        Buffer.concat([Buffer.from(`${enc(k)}=`), i === target || chance(0.3) ? Buffer.concat([pick(INVALID_UTF8), Buffer.from(enc(v))]) : Buffer.from(enc(v))]),
      );
      const glue = Buffer.from("&");
      const joined = parts.flatMap((p, i) => (i === 0 ? [p] : [glue, p]));
      return { body: Buffer.concat([...joined, chance(0.5) ? Buffer.from("&%E0%A4%A=%&=&&") : Buffer.alloc(0)]), contentType: "application/x-www-form-urlencoded", describe: "raw invalid UTF-8" };
    }
    case "json":
      return { body: JSON.stringify(Object.fromEntries(pairs)), contentType: pick(["application/json", "text/plain", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded; charset=latin1"]), describe: "odd content type" };
  }
  if (form.multipart || chance(0.08)) {
    if (chance(0.15)) return { body: `--zz\r\nContent-Disposition: form-data; name="${pick(NASTY)}"\r\n\r\n${nasty().slice(0, 1000)}`, contentType: "multipart/form-data; boundary=zz", describe: `broken multipart (${strategy})` };
    const fd = new FormData();
    for (const [k, v] of pairs) fd.append(k, v);
    if (form.multipart && chance(0.7)) {
      const bytes = chance(0.5) ? new Uint8Array(Math.floor(rnd() * 4000)).map(() => Math.floor(rnd() * 256)) : new TextEncoder().encode("%PDF-1.7\n" + nasty().slice(0, 2000));
      fd.append(pick(form.fields.map(([n]) => n).concat("file", "files")), new Blob([bytes], { type: pick(["application/pdf", "image/png", "text/html", "", "application/x-msdownload"]) }), pick(["a.pdf", "../../x.pdf", "\u0000.pdf", "x".repeat(400) + ".pdf", "Hồ sơ.pdf".normalize("NFD"), "", ".pdf", "a.exe"]));
    }
    return { body: fd, describe: `multipart ${strategy}` };
  }
  return { body: new URLSearchParams(pairs).toString(), contentType: "application/x-www-form-urlencoded", describe: strategy };
}

// For an action whose form no page showed this role: the names forms of this app use.
const GENERIC_FIELDS: [string, string[]][] = [
  ["intent", ["take", "save", "later", "remove", "update", "accept"]],
  ["lockVersion", ["0", "1"]],
  ["token", ["0".repeat(43)]],
  ["email", ["a@b.vn"]],
  ["password", ["correct horse battery"]],
  ["passwordConfirm", ["correct horse battery"]],
  ["name", ["Nguyễn Văn A"]],
  ["reason", ["Lý do"]],
  ["note", ["Ghi chú"]],
  ["redirectTo", ["/"]],
];

// ---------- the run ----------

interface Finding {
  what: string;
  request: string;
  status: number;
  excerpt: string;
}

const trace: [number, string][] = [];
// Anyone can send malformed requests: only a fault of the server may be logged at error level.
const errorLogs = mock.method(logger(), "error", () => undefined);
// Response headers a common reverse proxy can still pass on (nginx's default buffer is 4–8 KB; 16 KB is generous).
const MAX_RESPONSE_HEADER_BYTES = 16 * 1024;

/** One request on its own connection (no keep-alive pool: a refused upload must not poison the next request). */
async function exchange(method: string, url: string, headers: Record<string, string>, body: Buffer | undefined): Promise<{ status: number; headerBytes: number; body: Buffer }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { method, host: target.hostname, port: target.port, path: target.pathname + target.search, headers: { ...headers, ...(body ? { "Content-Length": String(body.length) } : {}) }, agent: false, maxHeaderSize: 1024 * 1024 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headerBytes: res.rawHeaders.reduce((n, h) => n + Buffer.byteLength(h) + 2, 0), body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function encode(body: BodyInit | undefined, headers: Record<string, string>): Promise<{ body: Buffer | undefined; headers: Record<string, string> }> {
  if (body === undefined) return { body: undefined, headers };
  if (typeof body === "string") return { body: Buffer.from(body.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd")), headers };
  if (Buffer.isBuffer(body)) return { body, headers };
  const r = new Response(body);
  return { body: Buffer.from(await r.arrayBuffer()), headers: { "Content-Type": r.headers.get("Content-Type") ?? "", ...headers } };
}

async function send(role: Role, req: Req, findings: Finding[]) {
  const label = `${role.name} ${req.method} ${req.url.slice(0, 200)} (${req.describe})`;
  const started = performance.now();
  const errorsBefore = errorLogs.mock.callCount();
  const encoded = await encode(req.body, { Cookie: role.cookie, Origin: app.url, "X-Forwarded-For": "10.202.0.1", ...req.headers });
  let res: Awaited<ReturnType<typeof exchange>>;
  try {
    res = await exchange(req.method, app.url + req.url, encoded.headers, encoded.body);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Refusing an oversized upload before reading it closes the connection while the client is still sending.
    if ((code === "ECONNRESET" || code === "EPIPE") && (encoded.body?.length ?? 0) > 4 * 1024 * 1024) return;
    findings.push({ what: `network error ${code ?? String(e)}`, request: label, status: 0, excerpt: "" });
    return;
  }
  if (process.env.FUZZ_DEBUG) trace.push([performance.now() - started, `${res.status} ${label}`]);
  if (res.status < 500 && errorLogs.mock.callCount() > errorsBefore)
    findings.push({ what: "a visitor's mistake logged at error level", request: label, status: res.status, excerpt: JSON.stringify(errorLogs.mock.calls.at(-1)?.arguments).slice(0, 300) });
  const text = res.body.toString("utf8");
  if (res.status >= 500) findings.push({ what: `HTTP ${res.status}`, request: label, status: res.status, excerpt: text.replace(/<script[\s\S]*?<\/script>/g, "").slice(0, 300) });
  if (res.headerBytes > MAX_RESPONSE_HEADER_BYTES) findings.push({ what: `response headers of ${res.headerBytes} bytes`, request: label, status: res.status, excerpt: "" });
  for (const [what, re] of LEAKS) {
    const m = re.exec(text);
    if (m) findings.push({ what, request: label, status: res.status, excerpt: text.slice(Math.max(0, m.index - 100), m.index + 200) });
  }
}

test(`${FUZZ_REQUESTS} hostile requests against every route and form answer without a 5xx or leaked internals`, async () => {
  for (const v of NASTY) for (const [what, re] of LEAKS) assert.ok(!re.test(v), `the oracle must not flag the fuzz's own value ${JSON.stringify(v)} as ${what}`);

  const t0 = performance.now();
  const f = await fixtures();
  const phases: string[] = [`fixtures ${Math.round(performance.now() - t0)} ms`];
  const criterionKeys = criteriaItems(await getCriteria((await getApplication(f.ids[0]!))!.criteria_set_id)).map((i) => i.key);
  const attachment = await t.db.selectFrom("attachments").select("id").where("application_id", "=", f.ids[1]!).executeTakeFirst();
  const ids = [...f.ids, ...(attachment ? [attachment.id] : [])];
  const routes = manifestRoutes();
  assert.ok(routes.length > 30, "the build's routes were read");

  const roles: Role[] = [
    { name: "anonymous", home: "/", cookie: "" },
    { name: "enterprise", user: f.owner, home: "/applications", cookie: "" },
    { name: "province", user: f.province, home: "/review", cookie: "" },
    { name: "ministry", user: f.ministry, home: "/ministry", cookie: "" },
    { name: "admin", user: f.admin, home: "/admin/users", cookie: "" },
  ];
  const share: Record<string, number> = { anonymous: 0.15, enterprise: 0.35, province: 0.2, ministry: 0.2, admin: 0.1 };
  const findings: Finding[] = [];
  const covered = new Set<string>();
  let sent = 0;
  let relogins = 0;

  for (const role of roles) {
    if (role.user) role.cookie = await login(role.user);
    const t1 = performance.now();
    const { pages, forms } = await crawl(role);
    phases.push(`${role.name} crawl ${pages.length} pages ${forms.length} forms ${Math.round(performance.now() - t1)} ms`);
    if (process.env.FUZZ_DEBUG) phases.push(...pages.map((p) => `  page ${p}`), ...forms.map((x) => `  form ${x.method} ${x.action} ${x.fields.map(([n]) => n).join(",")}`));
    const t2 = performance.now();
    // Staying signed in matters more than fuzzing sign-out.
    const targets = forms.filter((x) => !(role.user && /^\/logout\b/.test(x.action)));
    const postForms = targets.filter((x) => x.method === "post");
    const getForms = targets.filter((x) => x.method === "get");
    const requests: Req[] = [];
    // Every route of the build at least once per role: its loader with a hostile query, its action with hostile fields.
    for (const r of routes) {
      if (role.user && r.id === "routes/logout") continue;
      const url = fill(r.template, ids, criterionKeys);
      if (r.loader) requests.push({ method: "GET", url: `${url}?${hostileQuery([])}`, headers: {}, describe: `route ${r.id}` });
      if (r.action) {
        const form = postForms.find((x) => templateOf(x.action) === templateOf(url)) ?? { page: url, method: "post", action: `${url}${r.index ? "?index" : ""}`, multipart: false, fields: GENERIC_FIELDS };
        const b = hostileBody(form);
        requests.push({ method: "POST", url: form.action, body: b.body, headers: b.contentType ? { "Content-Type": b.contentType } : {}, describe: `route ${r.id} action, ${b.describe}` });
      }
      covered.add(r.id);
    }
    const budget = Math.round(FUZZ_REQUESTS * share[role.name]!) - requests.length;
    for (let i = 0; i < budget; i++) {
      const kind = rnd();
      if (kind < 0.45 && postForms.length > 0) {
        const form = pick(postForms);
        const b = hostileBody(form);
        const url = chance(0.1) ? `${form.action.split("?")[0]}.data${form.action.includes("?") ? `?${form.action.split("?")[1]}` : ""}` : form.action;
        requests.push({ method: "POST", url, body: b.body, headers: b.contentType ? { "Content-Type": b.contentType } : {}, describe: `form on ${form.page}: ${b.describe}` });
      } else if (kind < 0.8) {
        // Pages with a search or filter form half of the time: their parameters reach the database.
        const searchPages = getForms.map((g) => g.action.split("?")[0]!);
        const page = searchPages.length > 0 && chance(0.5) ? pick(searchPages) : pick(pages).split("?")[0]!;
        const own = getForms.filter((g) => g.action.split("?")[0] === page).flatMap((g) => g.fields.map(([n]) => n));
        // A page without a form of its own (an export, a feed) is often the same query in another format.
        const known = own.length > 0 ? own : getForms.flatMap((g) => g.fields.map(([n]) => n));
        const url = chance(0.1) ? `${page === "/" ? "/_root" : page}.data` : page;
        requests.push({ method: "GET", url: `${url}?${hostileQuery(known)}`, headers: {}, describe: "query string" });
      } else if (kind < 0.93) {
        const r = pick(routes);
        requests.push({ method: r.action && chance(0.4) ? "POST" : "GET", url: hostilePath(r.template, ids), headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: undefined, describe: `path of ${r.id}` });
      } else {
        const page = pick(pages).split("?")[0]!;
        const method = pick(["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "POST"]);
        const headers: Record<string, string> = pick<Record<string, string>>([{}, { Accept: "application/json" }, { "Accept-Language": nasty().slice(0, 200).replace(/[^\t\x20-\x7e]/g, "") }, { Cookie: `${role.cookie}; lang=${enc(pick(NASTY))}` }]);
        requests.push({ method, url: page, headers, body: method === "POST" || method === "PUT" ? nasty().slice(0, 5000) : undefined, describe: "odd method or headers" });
      }
    }
    for (const [i, req] of requests.entries()) {
      await send(role, req, findings);
      sent++;
      if (findings.length >= 25) break;
      // A fuzzed form may sign the role out (or make its session invalid): sign in again to keep reaching its pages.
      if (role.user && i % 100 === 99 && (await exchange("GET", app.url + role.home, { Cookie: role.cookie }, undefined)).status === 302) {
        role.cookie = await login(role.user);
        relogins++;
      }
    }
    phases.push(`${role.name} fuzz ${requests.length} requests ${Math.round(performance.now() - t2)} ms`);
    if (findings.length >= 25) break;
  }
  if (process.env.FUZZ_DEBUG) console.error(phases.join("\n"));

  if (process.env.FUZZ_DEBUG) (await import("node:fs")).writeFileSync(process.env.FUZZ_DEBUG, trace.map(([ms, r]) => `${Math.round(ms)} ms ${r}`).join("\n"));
  assert.ok(sent >= FUZZ_REQUESTS * 0.95 || findings.length > 0, `${sent} requests sent`);
  assert.equal(covered.size, routes.length, "every route of the build was targeted");
  assert.ok(relogins <= 5, `${relogins} times a role had to sign in again`);
  assert.deepEqual(findings.slice(0, 25), [], `${findings.length} finding(s) in ${sent} requests`);
});
