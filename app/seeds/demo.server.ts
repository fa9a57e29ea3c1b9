import { config } from "~/platform/config.server.ts";
import type { DB } from "~/platform/db/db.server.ts";
import type { Role, User } from "~/platform/db/db-types.ts";
import { hashPassword } from "~/features/account/password.server.ts";
import { totpCode } from "~/features/account/totp.server.ts";
import { enrolSecondFactorDirect, hasSecondFactor, needsSecondFactor } from "~/features/account/second-factor.server.ts";
import { createUser, findUserByEmail } from "~/features/account/user.server.ts";

export const DEMO_PASSWORD = "demo-nentangso-2026";
/** Published with the demo accounts (README, start-up output): the demo staff accounts' authenticator secret. */
export const DEMO_TOTP_SECRET = "NENTANGSODEMOSECRETKEYBKHCNTOTPQ";

export const DEMO_ACCOUNTS: { email: string; name: string; role: Role; provinceCode?: string }[] = [
  { email: "doanhnghiep@demo.nentangso.vn", name: "Nguyễn Văn An", role: "enterprise" },
  { email: "so.hanoi@demo.nentangso.vn", name: "Trần Thị Bình", role: "province_reviewer", provinceCode: "01" },
  { email: "so.hcm@demo.nentangso.vn", name: "Lê Minh Châu", role: "province_reviewer", provinceCode: "79" },
  { email: "bo@demo.nentangso.vn", name: "Phạm Quốc Dũng", role: "ministry_reviewer" },
  { email: "admin@demo.nentangso.vn", name: "Hoàng Thu Hà", role: "admin" },
];

/**
 * The one switch for sign-in aids that only a demonstration may have. Today it is the condition server.ts seeds the
 * demo accounts on (the embedded database, or SEED_DEMO); when config gains an explicit demo mode, change it here.
 */
export function demoAidsEnabled(): boolean {
  return config().mode === "demo";
}

function isDemoAccountWithPublishedSecret(user: Pick<User, "email">, secret: string): boolean {
  return demoAidsEnabled() && secret === DEMO_TOTP_SECRET && DEMO_ACCOUNTS.some((a) => a.email === user.email);
}

/** On the code page of a demo staff account: the code its published secret gives now. */
export function demoSecondFactorAid(user: Pick<User, "email">, secret: string | null): { code: string } | null {
  return secret && isDemoAccountWithPublishedSecret(user, secret) ? { code: totpCode(secret) } : null;
}

/**
 * A demo account's codes may be used more than once: its secret is public, so refusing a replay protects nothing,
 * and several people (and the end-to-end tests) sign in to the same demo account within one 30-second step.
 */
export function allowsCodeReuse(user: Pick<User, "email">, secret: string): boolean {
  return isDemoAccountWithPublishedSecret(user, secret);
}

/** Creates the demo accounts that are missing, staff enrolled with DEMO_TOTP_SECRET; returns them for printing. */
let demoHash: Promise<string> | undefined;
/** The demo password's hash, computed once per process: every demo account shares the published password. */
export function demoPasswordHash(): Promise<string> {
  return (demoHash ??= hashPassword(DEMO_PASSWORD));
}

export async function seedDemoAccounts(database: DB): Promise<typeof DEMO_ACCOUNTS> {
  const passwordHash = await demoPasswordHash();
  for (const account of DEMO_ACCOUNTS) {
    const user = (await findUserByEmail(account.email, database)) ?? (await createUser(database, { ...account, passwordHash, emailVerified: true }));
    if (needsSecondFactor(user) && !(await hasSecondFactor(user.id, database))) await enrolSecondFactorDirect(database, user.id, DEMO_TOTP_SECRET);
  }
  return DEMO_ACCOUNTS;
}
