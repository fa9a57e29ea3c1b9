/** The filters of the admin's user list, shared by its query (server) and its form (browser). */
export const SIGN_IN_FILTERS = ["recent", "stale", "never"] as const;
export type SignInFilter = (typeof SIGN_IN_FILTERS)[number];
export const USER_STATUSES = ["active", "invited", "deactivated"] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** "recent": signed in within this many days; "stale": not within STALE_DAYS (or never). */
export const RECENT_DAYS = 30;
export const STALE_DAYS = 90;
