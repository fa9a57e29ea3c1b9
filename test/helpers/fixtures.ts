import { createUserDirect } from "~/models/account.server.ts";
import { createEnterprise } from "~/models/enterprise.server.ts";
import type { User } from "~/lib/db-types.ts";

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

export async function enterpriseUser(provinceCode = "79"): Promise<{ user: User; enterpriseId: string }> {
  const user = await createUserDirect({ email: uniqueEmail("dn"), name: "Trần Văn B", role: "enterprise", provinceCode: null, password: PASSWORD });
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

export async function staffUser(role: "province_reviewer" | "ministry_reviewer" | "admin", provinceCode: string | null = null) {
  const email = uniqueEmail(role);
  return createUserDirect({ email, name: role, role, provinceCode, password: PASSWORD });
}
