import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import { seedDemoApplications, seedDemoWorkflow } from "~/seeds/demo-data.server.ts";
import { allowsCodeReuse, DEMO_ACCOUNTS, DEMO_TOTP_SECRET, demoAidsEnabled, demoSecondFactorAid, seedDemoAccounts } from "~/seeds/demo.server.ts";
import { totpCode } from "~/features/account/totp.server.ts";
import { enrolledSecret } from "~/features/account/second-factor.server.ts";
import { findUserByEmail } from "~/features/account/user.server.ts";
import { seedDemoCatalogue } from "~/seeds/demo-catalogue.server.ts";
import { countListings } from "~/features/catalogue/catalogue.server.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";

let t: TestDb;
before(async () => {
  t = await createTestDb();
});
after(async () => {
  await t.close();
});

test("a fresh start holds a draft, a submitted application and every workflow state in both demo provinces", async () => {
  await seedDemoAccounts(t.db);
  await seedDemoApplications();
  await seedDemoWorkflow();
  await seedDemoWorkflow();
  const rows = await t.db
    .selectFrom("applications")
    .select(["province_code", "status", sql<number>`count(*)::int`.as("n")])
    .groupBy(["province_code", "status"])
    .execute();
  const has = (province: string, status: string) => rows.some((r) => r.province_code === province && r.status === status);
  for (const province of ["01", "79"]) {
    for (const status of ["submitted", "in_provincial_review", "changes_requested", "resubmitted", "forwarded", "in_ministry_review", "returned_to_province", "recognised", "rejected", "withdrawn"]) {
      assert.ok(has(province, status), `${province} has ${status}`);
    }
  }
  assert.ok(rows.some((r) => r.status === "draft"));
  const overdue = await t.db.selectFrom("applications").select("id").where("due_at", "<", sql<Date>`now()`).execute();
  assert.ok(overdue.length >= 2);
  const changes = await t.db.selectFrom("change_requests").select("id").execute();
  assert.ok(changes.length >= 4, "idempotent: a second run adds nothing");
  assert.equal(changes.length, 4);
});

test("demo staff accounts are enrolled with the published secret; the demo aid is for them only, and only in demo mode", async () => {
  await seedDemoAccounts(t.db);
  await seedDemoAccounts(t.db);
  for (const account of DEMO_ACCOUNTS) {
    const user = (await findUserByEmail(account.email, t.db))!;
    const secret = await enrolledSecret(user.id);
    if (account.role === "enterprise") {
      assert.equal(secret, null, "enterprise accounts have no second factor");
      continue;
    }
    assert.equal(secret, DEMO_TOTP_SECRET, account.email);
    const aid = demoSecondFactorAid(user, secret);
    assert.equal(Boolean(aid), demoAidsEnabled());
    if (aid) assert.equal(aid.code, totpCode(DEMO_TOTP_SECRET));
    assert.equal(allowsCodeReuse(user, secret!), demoAidsEnabled());
  }
  const stranger = { email: "someone@so.gov.vn" };
  assert.equal(demoSecondFactorAid(stranger, DEMO_TOTP_SECRET), null, "never for an account that is not a demo account");
  assert.equal(allowsCodeReuse(stranger, DEMO_TOTP_SECRET), false);
  const admin = (await findUserByEmail("admin@demo.nentangso.vn", t.db))!;
  assert.equal(demoSecondFactorAid(admin, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"), null, "never once the demo account has its own secret");
});

test("demo data stays coherent with enterprise verification: reviewed enterprises verified, the catalogue still listed", async () => {
  await seedDemoCatalogue();
  const reviewed = await t.db
    .selectFrom("enterprises")
    .select(["legal_name", "verification_status"])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("applications")
          .select("applications.id")
          .whereRef("applications.enterprise_id", "=", "enterprises.id")
          .where("applications.status", "in", ["forwarded", "in_ministry_review", "returned_to_province", "recognised", "revoked"]),
      ),
    )
    .execute();
  assert.ok(reviewed.length >= 14, `${reviewed.length} enterprises past a provincial review`);
  assert.deepEqual(reviewed.filter((e) => e.verification_status !== "verified"), [], "every enterprise forwarded to the ministry was verified");

  const anBinh = await t.db.selectFrom("enterprises").selectAll().where("tax_code", "=", "0112345605").orderBy("created_at").execute();
  assert.deepEqual(anBinh.map((e) => e.verification_status), ["unverified", "disputed"], "An Bình awaits its first review; a second account disputes its code");
  const dispute = await t.db.selectFrom("tax_code_disputes").selectAll().where("tax_code", "=", "0112345605").executeTakeFirstOrThrow();
  assert.equal(dispute.province_code, "01");
  assert.equal(dispute.resolved_at, null);

  assert.ok((await countListings({})) >= 12, "the demo catalogue still lists its platforms");
});
