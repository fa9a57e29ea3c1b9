import type { Application } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { isTextKey } from "~/platform/i18n/messages-store.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { agencyNames, timelineFor, type Audience, type Party } from "~/features/application/disclosure.server.ts";
import { listApplicationAuditEvents, listApplicationEmails } from "~/features/application/queries.server.ts";
import { criteriaItems, getCriteria } from "~/features/application/criteria.server.ts";
import { getEnterprise } from "~/features/enterprise/enterprise.server.ts";
import { verificationForReview } from "~/features/enterprise/verification-queries.server.ts";
import { getProvince } from "~/features/reference/reference.server.ts";
import { auditActionLabel } from "~/features/audit/labels.server.ts";

/** One line of an audit reader: when, who (a person of the viewer's organisation, else the agency), what, details. */
export interface AuditLine {
  key: string;
  at: Date;
  actor: string;
  role: string;
  action: string;
  details: string[];
}


/** Names of the accounts an event's data points at (assignees), for the reader's details. */
function listUserNames(ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db().selectFrom("users").select(["id", "name"]).where("id", "in", [...ids]).execute();
}

function statusLabel(t: Translate, status: string): string {
  const key = `app.status.${status}`;
  return isTextKey(key) ? t(key) : status;
}

const short = (text: string) => (text.length > 60 ? `${text.slice(0, 57).trimEnd()}…` : text);

const str = (v: unknown): string | null => (typeof v === "string" && v ? v : null);

/**
 * The details a reader shows for an event. What an event's data holds (verdicts, assignees, recommendations) is
 * shown only to the acting organisation, as its people's names are (docs/decisions/011): `own` says so.
 */
function details(
  t: Translate,
  e: { action: string; from_state: string | null; to_state: string | null; reason: string | null },
  data: Record<string, unknown> | null,
  own: boolean,
  names: Map<string, string>,
  criteria: Map<string, string>,
): string[] {
  const out: string[] = [];
  if (e.from_state && e.to_state) out.push(t("audit.detail.state", { from: statusLabel(t, e.from_state), to: statusLabel(t, e.to_state) }));
  if (e.reason) out.push(t("audit.detail.reason", { reason: e.reason }));
  if (!own || !data) return out;
  const verdict = str(data.verdict);
  const criterion = str(data.criterion);
  if (verdict && criterion) {
    const vKey = `review.verdict.${verdict}`;
    out.push(t("audit.detail.verdict", { criterion: criteria.get(criterion) ?? criterion, verdict: isTextKey(vKey) ? t(vKey) : verdict }));
  }
  if ("assignee" in data) {
    const who = str(data.assignee);
    out.push(who ? t("audit.detail.assignee", { name: names.get(who) ?? "—" }) : t("audit.detail.released"));
  }
  const recommendation = str(data.recommendation);
  if (recommendation) {
    const rKey = `review.recommend.${recommendation}`;
    out.push(t("review.provinceRecommendation", { recommendation: isTextKey(rKey) ? t(rKey) : recommendation }));
  }
  if (Array.isArray(data.reasons))
    for (const r of data.reasons) {
      const key = `reason.${String(r)}`;
      out.push(isTextKey(key) ? t(key) : String(r));
    }
  const number = str(data.decisionNumber);
  if (number) out.push(`${t("review.decisionNumber")}: ${number}${str(data.decisionDate) ? ` (${str(data.decisionDate)})` : ""}`);
  return out;
}

/**
 * The audit reader of one application for a reviewer who may see it (the caller checked that): its audit events as
 * the viewer's organisation may know them (timelineFor decides which events and reasons; data and names only for the
 * organisation's own events), the verification of its enterprise record, and the emails about it that it may see,
 * merged in time order.
 */
export async function readApplicationAudit(request: Request, app: Application, audience: Exclude<Audience, "enterprise">): Promise<AuditLine[]> {
  const { t, locale } = await getTranslator(request);
  const [rows, emails, verification, groups, enterprise, province] = await Promise.all([
    listApplicationAuditEvents(app.id),
    listApplicationEmails(app.id, audience),
    verificationForReview(app, audience),
    getCriteria(app.criteria_set_id),
    getEnterprise(app.enterprise_id),
    app.province_code ? getProvince(app.province_code) : undefined,
  ]);
  const visible = timelineFor(audience, rows);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const assignees = new Set<string>();
  for (const e of visible) {
    const a = e.party === audience ? byId.get(e.id)?.data?.assignee : undefined;
    if (typeof a === "string") assignees.add(a);
  }
  const names = new Map((await listUserNames([...assignees])).map((u) => [u.id, u.name]));
  // A criterion by its number in the list and its opening words, as the review page lists them.
  const criteria = new Map(criteriaItems(groups).map((i, n) => [i.key, `${n + 1}. ${short(locale === "vi" ? i.text_vi : i.text_en)}`]));
  const agencies = agencyNames(t, locale, { province, enterpriseName: enterprise?.legal_name });
  // The role says no more than the organisation (already known): a reviewer's, the enterprise's, or the system's.
  const partyRole = (party: Party, role: string | null) => {
    const key = `role.${role}`;
    return party !== "system" && isTextKey(key) ? t(key) : t("audit.system");
  };
  const lines: AuditLine[] = visible.map((e) => {
    const own = e.party === audience;
    const row = byId.get(e.id)!;
    return {
      key: `e${e.id}`,
      at: e.created_at,
      actor: e.actor_name ?? agencies[e.party],
      role: partyRole(e.party, row.actor_role),
      action: auditActionLabel(t, e.action),
      details: details(t, e, row.data, own, names, criteria),
    };
  });
  // The enterprise record's verification, a step of this application's review (already through timelineFor).
  for (const v of verification.history)
    lines.push({
      key: `v${v.id}`,
      at: v.created_at,
      actor: v.actor_name ?? agencies[v.party],
      role: partyRole(v.party, v.party === "province" ? "province_reviewer" : v.party === "ministry" ? "ministry_reviewer" : v.party === "enterprise" ? "enterprise" : null),
      action: auditActionLabel(t, v.action),
      details: v.reason ? [t("audit.detail.reason", { reason: v.reason })] : [],
    });
  for (const m of emails)
    lines.push({
      key: `m${m.id}`,
      at: m.sent_at ?? m.created_at,
      actor: t("audit.system"),
      role: t("audit.system"),
      action: t("audit.action.email"),
      details: [t("audit.detail.email", { to: m.to_address, subject: m.subject, status: t(`audit.emailStatus.${m.status}`) })],
    });
  return lines.sort((a, b) => a.at.getTime() - b.at.getTime() || a.key.localeCompare(b.key));
}
