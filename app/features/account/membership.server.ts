import type { Kysely, Transaction } from "kysely";
import type { Database, Enterprise } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";

type Executor = Kysely<Database> | Transaction<Database>;

/** The enterprise a user belongs to (an enterprise account has at most one), and their role in it. */
export interface Membership {
  enterprise: Enterprise;
  role: "owner" | "member";
}

export async function getMembership(userId: string, ex: Executor = db()): Promise<Membership | undefined> {
  const row = await ex
    .selectFrom("enterprise_members")
    .innerJoin("enterprises", "enterprises.id", "enterprise_members.enterprise_id")
    .selectAll("enterprises")
    .select("enterprise_members.role as member_role")
    .where("enterprise_members.user_id", "=", userId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { member_role, ...enterprise } = row;
  return { enterprise, role: member_role };
}
