import type { Role } from "~/platform/db/db-types.ts";

/** The roles an admin invites and manages; enterprise accounts are their owners' own. */
export const STAFF_ROLES = ["province_reviewer", "ministry_reviewer", "admin"] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

export function isStaffRole(role: Role): role is StaffRole {
  return (STAFF_ROLES as readonly Role[]).includes(role);
}
