import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { Client, startTestApp, type TestApp } from "./helpers/app.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, loginAs, staffUser } from "./helpers/fixtures.ts";

// A deployment behind HTTPS: set before the Remix build is imported (its cookies are made when it loads).
process.env.PUBLIC_URL = "https://nentangso.example.gov.vn";
process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "auth-https-"));

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

/** The Set-Cookie line for `name` split into its attributes, names lower-cased. */
function cookieAttributes(res: Response, name: string): Map<string, string> | undefined {
  const line = res.headers.getSetCookie().find((l) => l.startsWith(`${name}=`));
  if (!line) return undefined;
  return new Map(line.split(";").slice(1).map((part) => {
    const [k, ...v] = part.trim().split("=");
    return [k!.toLowerCase(), v.join("=")] as [string, string];
  }));
}

describe("cookies over HTTPS", () => {
  test("the session cookie is __Host-sid: Secure, Path=/, no Domain; signed-in pages work with it", async () => {
    const { user } = await enterpriseUser();
    const c = new Client(app.url, "198.23.0.1");
    const res = await loginAs(c, user);
    const sid = cookieAttributes(res, "__Host-sid");
    assert.ok(sid, `Set-Cookie: ${res.headers.getSetCookie().join(" | ")}`);
    assert.ok(sid.has("secure"));
    assert.equal(sid.get("path"), "/");
    assert.ok(!sid.has("domain"));
    assert.ok(sid.has("httponly"));
    assert.equal(sid.get("samesite"), "Lax");
    assert.ok(!res.headers.getSetCookie().some((l) => l.startsWith("sid=")), "no plain sid cookie");
    const home = await c.get("/applications");
    assert.equal(home.status, 200);
    assert.equal(home.headers.get("Cache-Control"), "no-store");
    const device = cookieAttributes(res, "__Host-did");
    assert.ok(device?.has("secure") && device.get("path") === "/" && !device.has("domain"), "the device cookie is a __Host- cookie too");
  });

  test("a staff member passes both steps with __Host- cookies", async () => {
    const reviewer = await staffUser("province_reviewer", "79");
    const c = new Client(app.url, "198.23.0.2");
    await loginAs(c, reviewer);
    assert.ok(c.cookies.has("__Host-sid"));
    assert.equal((await c.get("/review")).status, 200);
  });
});
