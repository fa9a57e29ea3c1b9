import type { ApplicationStatus, Role } from "~/platform/db/db-types.ts";

/**
 * The application's whole life in one table. Every state change goes through `transition()` in
 * app/features/application/transition.server.ts, which checks this table, the actor's province and the version.
 */
export type WorkflowAction =
  | "submit"
  | "take"
  | "request_changes"
  | "resubmit"
  | "forward"
  | "reject_province"
  | "take_ministry"
  | "return_to_province"
  | "recognise"
  | "reject_ministry"
  | "withdraw"
  | "withdraw_listing"
  | "revoke";

interface Rule {
  from: readonly ApplicationStatus[];
  to: ApplicationStatus;
  role: Role;
  /** Where the application goes instead of `to` while it still has an active reviewer of the stage `to` waits for. */
  toWhenAssigned?: ApplicationStatus;
}

const WITHDRAWABLE: readonly ApplicationStatus[] = [
  "draft",
  "submitted",
  "in_provincial_review",
  "changes_requested",
  "resubmitted",
  "forwarded",
  "in_ministry_review",
  "returned_to_province",
];

export const WORKFLOW: Record<WorkflowAction, Rule> = {
  submit: { from: ["draft"], to: "submitted", role: "enterprise" },
  take: { from: ["submitted", "resubmitted", "returned_to_province"], to: "in_provincial_review", role: "province_reviewer" },
  request_changes: { from: ["in_provincial_review"], to: "changes_requested", role: "province_reviewer" },
  // The reviewer who asked for the changes is still its reviewer: the answer goes straight back into their review.
  resubmit: { from: ["changes_requested"], to: "resubmitted", toWhenAssigned: "in_provincial_review", role: "enterprise" },
  forward: { from: ["in_provincial_review"], to: "forwarded", role: "province_reviewer" },
  reject_province: { from: ["in_provincial_review"], to: "rejected", role: "province_reviewer" },
  take_ministry: { from: ["forwarded"], to: "in_ministry_review", role: "ministry_reviewer" },
  return_to_province: { from: ["in_ministry_review"], to: "returned_to_province", role: "ministry_reviewer" },
  recognise: { from: ["in_ministry_review"], to: "recognised", role: "ministry_reviewer" },
  reject_ministry: { from: ["in_ministry_review"], to: "rejected", role: "ministry_reviewer" },
  withdraw: { from: WITHDRAWABLE, to: "withdrawn", role: "enterprise" },
  withdraw_listing: { from: ["recognised"], to: "withdrawn", role: "enterprise" },
  revoke: { from: ["recognised"], to: "revoked", role: "ministry_reviewer" },
};

export const FINAL_STATES: readonly ApplicationStatus[] = ["recognised", "rejected", "withdrawn", "revoked"];

/** Every status the workflow knows (derived from the table). */
export const WORKFLOW_STATUSES: readonly ApplicationStatus[] = [
  ...new Set(Object.values(WORKFLOW).flatMap((r) => [...r.from, r.to, ...(r.toWhenAssigned ? [r.toWhenAssigned] : [])])),
];

/**
 * Statuses in which an application holds its platform: submitted and not yet ended, or recognised (listed). An
 * enterprise has at most one such application per platform address (the unique index applications_one_active_per_platform,
 * checked against this list by test/schema-hygiene.test.ts).
 */
export const ACTIVE_APPLICATION_STATUSES: readonly ApplicationStatus[] = WORKFLOW_STATUSES.filter(
  (s) => s !== "draft" && (s === "recognised" || !FINAL_STATES.includes(s)),
);

/** A status in which the ministry acts (derived from the table): once an application reaches one, the ministry may see it for good. */
export function isMinistryStage(status: ApplicationStatus): boolean {
  return actionsFor(status, "ministry_reviewer").length > 0;
}

/** Statuses that wait for a provincial reviewer to take the application (derived: where "take" starts). */
export const AWAITING_PROVINCE: readonly ApplicationStatus[] = WORKFLOW.take.from;

/** Statuses that wait for a ministry reviewer to take the application (derived: where "take_ministry" starts). */
export const AWAITING_MINISTRY: readonly ApplicationStatus[] = WORKFLOW.take_ministry.from;

/** Submitted and not ended: the application is somewhere in the workflow (drafts and final states excluded). */
export const IN_PROGRESS_STATUSES: readonly ApplicationStatus[] = WORKFLOW_STATUSES.filter((s) => s !== "draft" && !FINAL_STATES.includes(s));

/** Statuses in which staff have the next move, so the review deadline runs (derived from who acts where). */
export const STAFF_TURN_STATUSES: readonly ApplicationStatus[] = IN_PROGRESS_STATUSES.filter(
  (s) => actionsFor(s, "province_reviewer").length > 0 || actionsFor(s, "ministry_reviewer").length > 0,
);

/** Statuses past the province's part: with the ministry, or ended. */
export const PAST_PROVINCE_STATUSES: readonly ApplicationStatus[] = WORKFLOW_STATUSES.filter((s) => isMinistryStage(s) || FINAL_STATES.includes(s));

export function canTransition(action: WorkflowAction, from: ApplicationStatus, role: Role): boolean {
  const rule = WORKFLOW[action];
  return rule.role === role && rule.from.includes(from);
}

export function actionsFor(status: ApplicationStatus, role: Role): WorkflowAction[] {
  return (Object.keys(WORKFLOW) as WorkflowAction[]).filter((a) => canTransition(a, status, role));
}

/** Statuses whose answers the enterprise may edit (all of a draft; reopened parts while changes are requested). */
export function isEditable(status: ApplicationStatus): boolean {
  return status === "draft" || status === "changes_requested";
}

// ---------- who is told ----------

/** Every email a workflow action can send. Each has a renderer (app/features/application/notifications.server.ts, typed by this union). */
export type NoticeTemplate =
  | "submission_receipt"
  | "reviewer_new_application"
  | "unstaffed_province"
  | "taken"
  | "changes_requested"
  | "resubmission_receipt"
  | "reviewer_resubmitted"
  | "forwarded"
  | "ministry_new_application"
  | "rejected"
  | "province_outcome"
  | "ministry_taken"
  | "returned"
  | "province_returned"
  | "recognised"
  | "withdrawal_receipt"
  | "withdrawn"
  | "listing_withdrawal_receipt"
  | "listing_withdrawn"
  | "revoked";

/**
 * Who receives it. enterprise: the application's contact. province: the application's provincial reviewer, or every
 * active reviewer of its province while nobody is assigned. ministry: likewise for the ministry. admins: every active
 * administrator. Staff never get an email about their own action.
 */
export type Audience = "enterprise" | "province" | "ministry" | "admins";

/**
 * submitted: the application was submitted at least once (withdrawing a draft tells nobody). reached_ministry: it was
 * forwarded to the ministry at some point. province_unstaffed: its province has no active reviewer. first_receipt: the
 * province takes a newly submitted application (not one coming back).
 */
export type NoticeCondition = "submitted" | "reached_ministry" | "province_unstaffed" | "first_receipt";

export type Notice = NoticeTemplate | { template: NoticeTemplate; when: NoticeCondition };
export type NoticeSet = { readonly [A in Audience]?: Notice };

const IF_UNSTAFFED = { template: "unstaffed_province", when: "province_unstaffed" } as const;

/**
 * Who is told about each action: the one table. `transition()` queues these emails inside its transaction, so no
 * route or command can forget them; the type makes a new action in WORKFLOW fail to compile until it has an entry,
 * and test/workflow.test.ts drives every action and compares the outbox with this table.
 */
export const NOTICES: Record<WorkflowAction, NoticeSet> = {
  submit: { enterprise: "submission_receipt", province: "reviewer_new_application", admins: IF_UNSTAFFED },
  take: { enterprise: { template: "taken", when: "first_receipt" } },
  request_changes: { enterprise: "changes_requested" },
  resubmit: { enterprise: "resubmission_receipt", province: "reviewer_resubmitted", admins: IF_UNSTAFFED },
  forward: { enterprise: "forwarded", ministry: "ministry_new_application" },
  reject_province: { enterprise: "rejected" },
  take_ministry: { enterprise: "ministry_taken" },
  return_to_province: { enterprise: "returned", province: "province_returned", admins: IF_UNSTAFFED },
  recognise: { enterprise: "recognised", province: "province_outcome" },
  reject_ministry: { enterprise: "rejected", province: "province_outcome" },
  withdraw: {
    enterprise: { template: "withdrawal_receipt", when: "submitted" },
    province: { template: "withdrawn", when: "submitted" },
    ministry: { template: "withdrawn", when: "reached_ministry" },
  },
  withdraw_listing: { enterprise: "listing_withdrawal_receipt", province: "listing_withdrawn", ministry: "listing_withdrawn" },
  revoke: { enterprise: "revoked", province: "province_outcome" },
};

export function noticeTemplate(n: Notice): NoticeTemplate {
  return typeof n === "string" ? n : n.template;
}

export function noticeCondition(n: Notice): NoticeCondition | null {
  return typeof n === "string" ? null : n.when;
}
