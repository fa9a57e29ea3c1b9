// The statutory deadlines the ministry sets, in working days (docs/decisions/030): shared by the page and the command.
export const DEADLINE_SETTINGS = ["sla.province.working_days", "sla.ministry.working_days", "sla.enterprise_reply.working_days"] as const;
export type DeadlineSetting = (typeof DEADLINE_SETTINGS)[number];

/** The form's field name of each setting (dots are awkward in ids and in error-summary anchors). */
export const DEADLINE_FIELDS = {
  "sla.province.working_days": "province",
  "sla.ministry.working_days": "ministry",
  "sla.enterprise_reply.working_days": "enterpriseReply",
} as const satisfies Record<DeadlineSetting, string>;
export type DeadlineField = (typeof DEADLINE_FIELDS)[DeadlineSetting];

export const DEADLINE_MIN_DAYS = 1;
export const DEADLINE_MAX_DAYS = 90;
