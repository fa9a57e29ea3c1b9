import assert from "node:assert/strict";
import { createUserDirect } from "~/features/account/account.server.ts";
import { hashPassword } from "~/features/account/password.server.ts";
import { createEnterprise } from "~/features/enterprise/enterprise.server.ts";
import { emailContent } from "~/platform/mail/outbox.server.ts";
import { enrolSecondFactorDirect } from "~/features/account/second-factor.server.ts";
import type { User } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import { newTotpSecret, totpCode } from "~/features/account/totp.server.ts";
import type { Client } from "./app.ts";

let n = 0;
export const PASSWORD = "correct horse battery";
export const uniqueEmail = (p = "u") => `${p}${Date.now()}${n++}@dn.vn`;

const W = [31, 29, 23, 19, 17, 13, 7, 5, 3];
/** A fresh valid mã số doanh nghiệp for the province prefix. */
export function validTaxCode(prefix = "01"): string {
  for (;;) {
    const body = prefix + String(Math.floor(Math.random() * 9_000_000) + 1_000_000);
    const d = body.split("").map(Number);
    const check = 10 - (W.reduce((s, w, i) => s + w * d[i]!, 0) % 11);
    if (check < 10) return body + check;
  }
}

let passwordHash: Promise<string> | undefined;
/** PASSWORD's hash, computed once per test process: fixture accounts differ by email, not by password. */
const fixtureHash = () => (passwordHash ??= hashPassword(PASSWORD));

export async function enterpriseUser(provinceCode = "79"): Promise<{ user: User; enterpriseId: string }> {
  const user = await createUserDirect({ email: uniqueEmail("dn"), name: "Trần Văn B", role: "enterprise", provinceCode: null, passwordHash: await fixtureHash() });
  const enterprise = await createEnterprise(
    user,
    {
      taxCode: validTaxCode(provinceCode === "01" ? "01" : "79"),
      legalName: `Công ty TNHH Thử nghiệm ${n++}`,
      englishName: null,
      provinceCode,
      address: "1 Lê Lợi, phường Sài Gòn",
      representativeName: "Trần Văn B",
      representativeTitle: "Giám đốc",
      phone: "+84912345678",
      website: null,
    },
    "test",
  );
  return { user, enterpriseId: enterprise.id };
}

export type StaffRole = "province_reviewer" | "ministry_reviewer" | "admin";
/** A staff account enrolled in two-step verification, with the secret its authenticator app would hold. */
export type StaffUser = User & { totpSecret: string };

export async function staffUser(role: StaffRole, provinceCode: string | null = null, email = uniqueEmail(role), name: string = role): Promise<StaffUser> {
  const user = await createUserDirect({ email, name, role, provinceCode, passwordHash: await fixtureHash() });
  const totpSecret = newTotpSecret();
  await enrolSecondFactorDirect(db(), user.id, totpSecret);
  return { ...user, totpSecret };
}

/**
 * The current code of a staff user's app. Tests sign one reviewer in more often than a person could (each code works
 * once), so this forgets which code was used last; auth-http.test.ts tests the refusal of a reused code without it.
 */
export async function currentCode(user: StaffUser): Promise<string> {
  await db().updateTable("user_totp").set({ last_used_step: null }).where("user_id", "=", user.id).execute();
  return totpCode(user.totpSecret);
}

/** Password step, then code step: a staff user signed in on `client`. Returns the last response (a redirect). */
export async function loginStaff(client: Client, user: StaffUser, password = PASSWORD, form: Record<string, string> = {}): Promise<Response> {
  const first = await client.post("/login", { email: user.email, password, ...form });
  const next = first.headers.get("Location") ?? "";
  assert.equal(first.status, 302, `password step of ${user.email}: ${first.status}`);
  assert.match(next, /^\/login\/code\?/, `password step of ${user.email} should lead to the code step, not ${next}`);
  const redirectTo = new URL(next, "http://x").searchParams.get("redirectTo") ?? "";
  const done = await client.post("/login/code", { code: await currentCode(user), redirectTo });
  assert.equal(done.status, 302, `code step of ${user.email}: ${done.status}`);
  return done;
}

/** Any user signed in on `client`: enterprise users with the password, staff from staffUser() with their code too. */
export async function loginAs(client: Client, user: User | StaffUser, password = PASSWORD, form: Record<string, string> = {}): Promise<Response> {
  if ("totpSecret" in user) return loginStaff(client, user, password, form);
  const res = await client.post("/login", { email: user.email, password, ...form });
  assert.equal(res.status, 302, `sign-in of ${user.email}: ${res.status}`);
  return res;
}

/**
 * The text of the latest email to `to` as it is sent. The outbox stores links without their tokens (the full body is
 * sealed), so tests read it the way the mail worker does.
 */
export async function lastEmailText(to: string, where: { template?: string } = {}): Promise<string> {
  let query = db().selectFrom("outbox_emails").select(["text_body", "html_body", "sealed_body"]).where("to_address", "=", to.toLowerCase());
  if (where.template) query = query.where("template", "=", where.template);
  const row = await query.orderBy("id", "desc").executeTakeFirst();
  assert.ok(row, `no email to ${to}`);
  return emailContent(row).text;
}
