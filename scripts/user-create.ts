import { parseArgs } from "node:util";
import { openDatabase } from "../app/server/bootstrap.server.ts";
import { loadConfig } from "../app/platform/config.server.ts";
import { ROLES, type Role } from "../app/platform/db/db-types.ts";
import { setDb } from "../app/platform/db/db.server.ts";
import { passwordProblem } from "../app/features/account/password.server.ts";
import { createUserDirect, EmailTakenError } from "../app/features/account/account.server.ts";
import { getProvince } from "../app/features/reference/reference.server.ts";

const usage = `Usage: npm run user:create -- --email a@b.vn --name "Họ Tên" --role province_reviewer --province 01 --password "…"
Roles: ${ROLES.join(", ")}. --province is required for province_reviewer only.`;

const { values } = parseArgs({
  options: {
    email: { type: "string" },
    name: { type: "string" },
    role: { type: "string" },
    province: { type: "string" },
    password: { type: "string" },
  },
});
const fail = (message: string): never => {
  console.error(`${message}\n${usage}`);
  process.exit(2);
};
const email = values.email ?? fail("--email is required");
const role = (ROLES as readonly string[]).includes(values.role ?? "") ? (values.role as Role) : fail("--role is not valid");
const password = values.password ?? fail("--password is required");
const problem = passwordProblem(password);
if (problem) fail(`--password is ${problem.replace("_", " ")}`);
if (role === "province_reviewer" && !values.province) fail("--province is required for province_reviewer");

const handle = await openDatabase(loadConfig());
setDb(handle);
try {
  if (role === "province_reviewer" && !(await getProvince(values.province!))) fail(`Unknown province code ${values.province}`);
  const user = await createUserDirect({
    email,
    name: values.name ?? email,
    role,
    provinceCode: role === "province_reviewer" ? values.province! : null,
    password,
  });
  console.log(`Created ${user.role} ${user.email} (${user.id})`);
} catch (e) {
  console.error(e instanceof EmailTakenError ? `An account with ${email} already exists.` : e);
  process.exitCode = 1;
} finally {
  await handle.close();
}
