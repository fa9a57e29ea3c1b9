import { sql, type SelectQueryBuilder } from "kysely";
import type { Database, Role } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import { nowMs } from "~/platform/time/clock.ts";

import { RECENT_DAYS, STALE_DAYS, type SignInFilter, type UserStatus } from "./user-filters.ts";

export const USERS_PAGE_SIZE = 50;

export interface UserFilters {
  role?: Role;
  provinceCode?: string;
  status?: UserStatus;
  signIn?: SignInFilter;
  /** Part of the email address or the name, any case. */
  q?: string;
}

const DAY_MS = 24 * 3600 * 1000;

function filtered<O>(query: SelectQueryBuilder<Database, "users", O>, f: UserFilters) {
  let q = query;
  if (f.role) q = q.where("users.role", "=", f.role);
  if (f.provinceCode) q = q.where("users.province_code", "=", f.provinceCode);
  if (f.status) q = q.where("users.status", "=", f.status);
  if (f.signIn === "never") q = q.where("users.last_sign_in_at", "is", null);
  if (f.signIn === "recent") q = q.where("users.last_sign_in_at", ">=", new Date(nowMs() - RECENT_DAYS * DAY_MS));
  if (f.signIn === "stale") {
    const before = new Date(nowMs() - STALE_DAYS * DAY_MS);
    q = q.where((eb) => eb.or([eb("users.last_sign_in_at", "is", null), eb("users.last_sign_in_at", "<", before)]));
  }
  if (f.q) {
    const like = `%${f.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb(sql<string>`lower(users.email)`, "like", like), eb(sql<string>`lower(users.name)`, "like", like)]));
  }
  return q;
}

/** One page of the admin's user list, by role then address, with the number of accounts the filters match. */
export async function listUsersPage(f: UserFilters, page: number) {
  const [rows, total] = await Promise.all([
    filtered(db().selectFrom("users"), f)
      .select([
        "users.id",
        "users.email",
        "users.name",
        "users.role",
        "users.status",
        "users.province_code",
        "users.last_sign_in_at",
        "users.created_at",
      ])
      .orderBy("users.role")
      .orderBy(sql`lower(users.email)`)
      .offset((page - 1) * USERS_PAGE_SIZE)
      .limit(USERS_PAGE_SIZE)
      .execute(),
    filtered(db().selectFrom("users"), f).select(sql<number>`count(*)::int`.as("n")).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n), pageSize: USERS_PAGE_SIZE };
}
