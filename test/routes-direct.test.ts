/**
 * The fast layer: route loaders and actions called directly (test/helpers/routes.ts), no server and no rendering.
 * Guards, scoping and validation are decided there, so they are checked here for every route in milliseconds; the
 * HTTP tests check the same stack end to end, with markup, headers and middleware.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import type { User } from "~/platform/db/db-types.ts";
import { completeApplication, DEMO_PLATFORM } from "~/seeds/demo-data.server.ts";
import { createDraft } from "~/features/application/drafts.server.ts";
import { submitApplication } from "~/features/application/commands.server.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, staffUser } from "./helpers/fixtures.ts";
import { runAction, runLoader, sessionCookieFor, type RouteModule } from "./helpers/routes.ts";

const ROUTES_DIR = path.resolve("app/routes");
const NO_SUCH_ID = "5b0c3a52-8f4e-4c1d-9a7b-2d6e1f0c9a44";

let t: TestDb;
const as: Record<"enterprise" | "otherEnterprise" | "province" | "otherProvince" | "ministry" | "admin", string> = {} as never;
let hanoiApp: string;
let hcmApp: string;

async function submitted(owner: { user: User; enterpriseId: string }, n: number): Promise<string> {
  const draft = await createDraft(owner.user, owner.enterpriseId, "direct");
  await completeApplication(owner.user, draft.id, { ...DEMO_PLATFORM, name: `Nền tảng trực tiếp ${n}`, publicUrl: `https://truc-tiep-${n}.example.vn` });
  await submitApplication(owner.user, draft.id, { requestId: "direct" });
  return draft.id;
}

before(async () => {
  t = await createTestDb();
  const hanoi = await enterpriseUser("01");
  const hcm = await enterpriseUser("79");
  hanoiApp = await submitted(hanoi, 1);
  hcmApp = await submitted(hcm, 2);
  as.enterprise = await sessionCookieFor(hanoi.user);
  as.otherEnterprise = await sessionCookieFor(hcm.user);
  as.province = await sessionCookieFor(await staffUser("province_reviewer", "01"));
  as.otherProvince = await sessionCookieFor(await staffUser("province_reviewer", "79"));
  as.ministry = await sessionCookieFor(await staffUser("ministry_reviewer"));
  as.admin = await sessionCookieFor(await staffUser("admin"));
});
after(() => t.close());

const load = async (file: string): Promise<RouteModule> => (await import(pathToFileURL(path.join(ROUTES_DIR, file)).href)) as RouteModule;

/** The URL and params of a route file for ids that exist nowhere ("applications.$id._index.tsx" → /applications/<id>). */
function routeFor(file: string): { url: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  const segments = file
    .replace(/\.tsx?$/, "")
    .split(/(?<!\[)\.(?![^[]*\])/)
    .filter((s) => s !== "_index")
    .map((s) => {
      if (s === "$") return (params["*"] = "no/such/page");
      if (s.startsWith("$")) {
        const name = s.slice(1).replace(/_$/, "");
        return (params[name] = name === "n" ? "1" : name === "key" ? "no-such-criterion" : NO_SUCH_ID);
      }
      return s.replace(/_$/, "").replace(/\[(.*?)\]/g, "$1");
    });
  return { url: "/" + segments.join("/"), params };
}

describe("every route's loader, called directly", () => {
  const files = fs.readdirSync(ROUTES_DIR).filter((f) => /\.tsx?$/.test(f));

  test("as a visitor and as every role, with ids that exist nowhere: data, a redirect or a 4xx, never an exception", async () => {
    const viewers: [string, string | null][] = [["visitor", null], ...Object.entries(as)];
    const failures: string[] = [];
    let calls = 0;
    for (const file of files) {
      const mod = await load(file);
      if (!mod.loader) continue;
      const { url, params } = routeFor(file);
      for (const [who, cookie] of viewers) {
        calls++;
        try {
          const out = await runLoader(mod, url, { as: cookie, params });
          if (out.status >= 500) failures.push(`${file} as ${who}: ${out.status}`);
        } catch (error) {
          failures.push(`${file} as ${who}: threw ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(calls >= files.length * viewers.length * 0.9, `walked ${calls} loader calls`);
  });

  test("staff and member pages send a visitor to sign in, with the way back, and refuse the wrong role with 403", async () => {
    const pages: [string, string, keyof typeof as][] = [
      ["review._index.tsx", "/review", "province"],
      ["ministry._index.tsx", "/ministry", "ministry"],
      ["admin.users.tsx", "/admin/users", "admin"],
      ["admin.audit.tsx", "/admin/audit", "admin"],
      ["applications._index.tsx", "/applications", "enterprise"],
    ];
    for (const [file, url, owner] of pages) {
      const mod = await load(file);
      const visitor = await runLoader(mod, url);
      assert.equal(visitor.status, 302, `${url} as a visitor`);
      assert.equal(visitor.location, `/login?redirectTo=${encodeURIComponent(url)}`);
      for (const [who, cookie] of Object.entries(as)) {
        const out = await runLoader(mod, url, { as: cookie });
        const mayEnter = who === owner || (owner === "province" && who === "otherProvince") || (owner === "enterprise" && who === "otherEnterprise");
        if (mayEnter) assert.equal(out.status, 200, `${url} as ${who}`);
        else assert.equal(out.status, 403, `${url} as ${who}`);
      }
    }
  });
});

describe("scoping", () => {
  test("a province's queue lists its own applications only; another province's application is a 404 to its reviewers", async () => {
    const queue = await load("review._index.tsx");
    const hanoi = JSON.stringify((await runLoader(queue, "/review", { as: as.province })).data);
    const hcm = JSON.stringify((await runLoader(queue, "/review", { as: as.otherProvince })).data);
    assert.ok(hanoi.includes(hanoiApp) && !hanoi.includes(hcmApp), "Hà Nội's queue");
    assert.ok(hcm.includes(hcmApp) && !hcm.includes(hanoiApp), "TP. Hồ Chí Minh's queue");

    const page = await load("review.$id.tsx");
    assert.equal((await runLoader(page, `/review/${hanoiApp}`, { as: as.province, params: { id: hanoiApp } })).status, 200);
    const other = await runLoader(page, `/review/${hcmApp}`, { as: as.province, params: { id: hcmApp } });
    assert.equal(other.status, 404);
    assert.ok(!JSON.stringify(other.data).includes(hcmApp));
  });

  test("an enterprise sees its own application and gets a 404 for another enterprise's", async () => {
    const page = await load("applications.$id._index.tsx");
    assert.equal((await runLoader(page, `/applications/${hanoiApp}`, { as: as.enterprise, params: { id: hanoiApp } })).status, 200);
    assert.equal((await runLoader(page, `/applications/${hcmApp}`, { as: as.enterprise, params: { id: hcmApp } })).status, 404);
  });

  test("the ministry's queue does not list applications still with their province", async () => {
    const queue = await load("ministry._index.tsx");
    const data = JSON.stringify((await runLoader(queue, "/ministry", { as: as.ministry })).data);
    assert.ok(!data.includes(hanoiApp) && !data.includes(hcmApp));
  });
});

describe("staff statistics scoping", () => {
  type Page = { national: boolean; scopeName: string; figures: { totals: { received: number }; provinces: { provinceCode: string }[] } | null };
  const stats = async (url: string, as?: string) => {
    const out = await runLoader(await load("staff.statistics.tsx"), url, { as });
    return { status: out.status, location: out.location, page: out.data as Page };
  };

  test("a visitor signs in, an enterprise is refused, and a province reviewer sees their province whatever ?province says", async () => {
    const visitor = await stats("/staff/statistics");
    assert.equal(visitor.status, 302);
    assert.equal(visitor.location, `/login?redirectTo=${encodeURIComponent("/staff/statistics")}`);
    assert.equal((await stats("/staff/statistics", as.enterprise)).status, 403);
    for (const url of ["/staff/statistics", "/staff/statistics?province=79", "/staff/statistics?province=99"]) {
      const { status, page } = await stats(url, as.province);
      assert.equal(status, 200, url);
      assert.equal(page.national, false, url);
      assert.equal(page.figures?.totals.received, 1, `${url}: Hà Nội's one submission, not Hồ Chí Minh City's`);
    }
  });

  test("the ministry and administrators see every province, or the one they pick; an unknown province is a 400", async () => {
    for (const who of [as.ministry, as.admin]) {
      const all = await stats("/staff/statistics", who);
      assert.equal(all.status, 200);
      assert.equal(all.page.national, true);
      assert.equal(all.page.figures?.totals.received, 2);
      assert.deepEqual(all.page.figures?.provinces.map((p) => p.provinceCode).sort(), ["01", "79"]);
      const hcm = await stats("/staff/statistics?province=79", who);
      assert.equal(hcm.page.national, false);
      assert.equal(hcm.page.figures?.totals.received, 1);
      const bad = await stats("/staff/statistics?province=99", who);
      assert.equal(bad.status, 400);
      assert.equal(bad.page.figures, null);
    }
  });
});

describe("actions", () => {
  test("sign-up with bad input: 400, a message per field, what was typed kept except the password", async () => {
    const out = await runAction(await load("signup.tsx"), "/signup", { name: "", email: "khong-phai-email", password: "ngan", passwordConfirm: "khac" });
    assert.equal(out.status, 400);
    const { errors, values } = out.data as { errors: Record<string, string>; values: Record<string, string> };
    assert.deepEqual(Object.keys(errors).sort(), ["email", "name", "password"]);
    assert.equal(values.email, "khong-phai-email");
    assert.equal(values.password, undefined);
    assert.equal(values.passwordConfirm, undefined);
  });

  test("a reviewer's action on another province's application is a 404, whatever the intent", async () => {
    const page = await load("review.$id.tsx");
    for (const intent of ["assign", "verdict", "forward", "reject", "no-such-intent"]) {
      const out = await runAction(page, `/review/${hcmApp}`, { intent, lock: "0" }, { as: as.province, params: { id: hcmApp } });
      assert.equal(out.status, 404, intent);
    }
  });

  test("an unknown review intent on one's own application is a 400, not a 5xx", async () => {
    const out = await runAction(await load("review.$id.tsx"), `/review/${hanoiApp}`, { intent: "no-such-intent", lock: "0" }, { as: as.province, params: { id: hanoiApp } });
    assert.equal(out.status, 400);
  });
});
