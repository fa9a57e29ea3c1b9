import type { OutboxStatus, Role } from "~/platform/db/db-types.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import type { WorkflowAction } from "./workflow.ts";

/**
 * Who may know what about an application. Three audiences read it: the enterprise that applied, the provincial
 * department that reviews it and the ministry. People are named only to their own organisation; to the others an
 * organisation acts under its agency name. Every loader that returns audit events or emails goes through this module
 * (via listTimeline and listApplicationEmails), so what a page hides is never in its data either.
 */
export type Audience = "enterprise" | "province" | "ministry";
/** The organisation behind an event; "system" for the portal itself and administrators. */
export type Party = Audience | "system";

const EVERYONE: readonly Audience[] = ["enterprise", "province", "ministry"];
const STAFF: readonly Audience[] = ["province", "ministry"];

export function partyOf(role: Role | string | null): Party {
  switch (role) {
    case "enterprise":
      return "enterprise";
    case "province_reviewer":
      return "province";
    case "ministry_reviewer":
      return "ministry";
    default:
      return "system";
  }
}

export function audienceOf(role: Role): Audience {
  const party = partyOf(role);
  if (party === "system") throw new Error(`No application audience for role ${role}`);
  return party;
}

interface EventRule {
  /** "everyone": a step of the procedure; "own": only the acting organisation knows it happened. */
  seen: "everyone" | "own";
  /** Who may read the text typed with it (the audit event's reason). */
  reason: readonly Audience[];
}

const STEP: EventRule = { seen: "everyone", reason: EVERYONE };
const OWN: EventRule = { seen: "own", reason: EVERYONE };

/**
 * Every workflow action must be classified (the type requires a rule for each). The province's summary for the ministry
 * and the ministry's note to the province are between the agencies; a request for changes, a rejection or a revocation
 * is addressed to the enterprise.
 */
const WORKFLOW_EVENTS: Record<`application.${WorkflowAction}`, EventRule> = {
  "application.submit": STEP,
  "application.take": STEP,
  "application.request_changes": STEP,
  "application.resubmit": STEP,
  "application.forward": { seen: "everyone", reason: STAFF },
  "application.reject_province": STEP,
  "application.take_ministry": STEP,
  "application.return_to_province": { seen: "everyone", reason: STAFF },
  "application.recognise": STEP,
  "application.reject_ministry": STEP,
  "application.withdraw": STEP,
  "application.withdraw_listing": STEP,
  "application.revoke": STEP,
};

/** Events outside the state machine. Anything not listed here is shown to nobody. */
const OTHER_EVENTS: Record<string, EventRule> = {
  "application.created": STEP,
  "application.assigned": OWN,
  "application.released": OWN,
  // A reviewer's declaration about a conflict of interest with the enterprise: their own organisation's business.
  "application.no_conflict_declared": OWN,
  "application.conflict_declared": OWN,
  "application.verdict": OWN,
  "application.internal_note": OWN,
  "application.section_saved": OWN,
  "application.criterion_saved": OWN,
  "application.files_added": OWN,
  "application.file_removed": OWN,
};

/** Events on an enterprise record that its reviewers read in the verification step (its own page shows its state). */
const ENTERPRISE_EVENTS: Record<string, EventRule> = {
  "enterprise.verified": STEP,
  "enterprise.not_verified": STEP,
  "enterprise.refused": STEP,
  "enterprise.dispute_filed": STEP,
};

export function eventRule(action: string): EventRule | undefined {
  return (WORKFLOW_EVENTS as Record<string, EventRule>)[action] ?? OTHER_EVENTS[action] ?? ENTERPRISE_EVENTS[action];
}

export interface AuditRow {
  id: number;
  action: string;
  actor_role: string | null;
  actor_name: string | null;
  from_state: string | null;
  to_state: string | null;
  reason: string | null;
  created_at: Date;
}

export interface TimelineEntry {
  id: number;
  action: string;
  /** The organisation that acted. */
  party: Party;
  /** The person who acted, only for an audience of the same organisation. */
  actor_name: string | null;
  from_state: string | null;
  to_state: string | null;
  reason: string | null;
  created_at: Date;
}

/** The events of one application (or enterprise record) as an audience may know them. */
export function timelineFor(audience: Audience, rows: readonly AuditRow[]): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const row of rows) {
    const rule = eventRule(row.action);
    const party = partyOf(row.actor_role);
    if (!rule || (rule.seen === "own" && party !== audience)) continue;
    out.push({
      id: row.id,
      action: row.action,
      party,
      actor_name: party === audience ? row.actor_name : null,
      from_state: row.from_state,
      to_state: row.to_state,
      reason: rule.reason.includes(audience) ? row.reason : null,
      created_at: row.created_at,
    });
  }
  return out;
}

export interface EmailRow {
  id: number;
  to_address: string;
  subject: string;
  status: OutboxStatus;
  created_at: Date;
  sent_at: Date | null;
  /** Role of the account the email was queued for (user_id), if any. */
  recipient_role: Role | null;
  /** Role of a staff account with the same address, if any (an email queued without user_id). */
  address_role: Role | null;
}

export interface EmailEntry {
  id: number;
  to_address: string;
  subject: string;
  status: OutboxStatus;
  created_at: Date;
  sent_at: Date | null;
}

/** Emails about one application: everyone sees what went to the enterprise; staff also see what went to their own organisation. */
export function emailsFor(audience: Audience, rows: readonly EmailRow[]): EmailEntry[] {
  return rows
    .filter((r) => {
      const party = r.recipient_role ? partyOf(r.recipient_role) : r.address_role ? partyOf(r.address_role) : "enterprise";
      return party === "enterprise" || party === audience;
    })
    .map(({ id, to_address, subject, status, created_at, sent_at }) => ({ id, to_address, subject, status, created_at, sent_at }));
}

/** The review stage whose verdicts an audience may read, and whose reviewers it may see named. */
export function verdictStagesFor(audience: Exclude<Audience, "enterprise">): readonly ("province" | "ministry")[] {
  // The province's verdicts are its formal findings for the ministry; the ministry's stay with it until it decides.
  return audience === "ministry" ? ["province", "ministry"] : ["province"];
}

/** How each organisation is named to an audience that does not see its people. */
export function agencyNames(
  t: Translate,
  locale: "vi" | "en",
  p: { province?: { name_vi: string; name_ascii: string } | null; enterpriseName?: string | null },
): Record<Party, string> {
  const province = p.province ? (locale === "vi" ? p.province.name_vi : p.province.name_ascii) : "";
  return {
    enterprise: p.enterpriseName || t("role.enterprise"),
    province: [t("app.agencyProvince"), province].filter(Boolean).join(" "),
    ministry: t("app.ministry"),
    system: t("app.name"),
  };
}
