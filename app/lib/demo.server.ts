import type { DB } from "./db.server.ts";
import type { Role } from "./db-types.ts";
import { hashPassword } from "./password.server.ts";
import { createUser, findUserByEmail } from "~/models/user.server.ts";

export const DEMO_PASSWORD = "demo-nentangso-2026";

export const DEMO_ACCOUNTS: { email: string; name: string; role: Role; provinceCode?: string }[] = [
  { email: "doanhnghiep@demo.nentangso.vn", name: "Nguyễn Văn An", role: "enterprise" },
  { email: "so.hanoi@demo.nentangso.vn", name: "Trần Thị Bình", role: "province_reviewer", provinceCode: "01" },
  { email: "so.hcm@demo.nentangso.vn", name: "Lê Minh Châu", role: "province_reviewer", provinceCode: "79" },
  { email: "bo@demo.nentangso.vn", name: "Phạm Quốc Dũng", role: "ministry_reviewer" },
  { email: "admin@demo.nentangso.vn", name: "Hoàng Thu Hà", role: "admin" },
];

/** Creates the demo accounts that are missing; returns them for printing. */
export async function seedDemoAccounts(database: DB): Promise<typeof DEMO_ACCOUNTS> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const account of DEMO_ACCOUNTS) {
    if (await findUserByEmail(account.email, database)) continue;
    await createUser(database, { ...account, passwordHash, emailVerified: true });
  }
  return DEMO_ACCOUNTS;
}
