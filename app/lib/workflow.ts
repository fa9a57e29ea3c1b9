import type { ApplicationStatus, Role } from "./db-types.ts";

/**
 * The application's whole life in one table. Every state change goes through `transition()` in
 * app/models/application.server.ts, which checks this table, the actor's province and the version.
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
  resubmit: { from: ["changes_requested"], to: "resubmitted", role: "enterprise" },
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
