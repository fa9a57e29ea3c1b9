import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ApplicationEmails, ApplicationStatusTag } from "~/features/application/ui/application-ui.tsx";
import { ListingActions } from "~/features/application/ui/listing-actions.tsx";
import { PageTitle, StatusTag } from "~/components/ui.tsx";
import { requireMemberApplication } from "~/features/application/application-guards.server.ts";
import { formatDate, formatDateTime, formatIsoDate } from "~/platform/i18n/format.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useLocale, useT } from "~/platform/i18n/use-t.ts";
import { needsChanges, canEditSection } from "~/features/application/editable.ts";
import { canTransition, IN_PROGRESS_STATUSES } from "~/features/application/workflow.ts";
import { agencyNames } from "~/features/application/disclosure.server.ts";
import { expectedDate } from "~/features/review/deadlines.server.ts";
import { getProvince } from "~/features/reference/reference.server.ts";
import { criteriaItems, getCriteria } from "~/features/application/criteria.server.ts";
import { listApplicationEmails, listChangeRequests, listTimeline, listVersions, openChangeRequest } from "~/features/application/queries.server.ts";
import { listAttachments } from "~/features/application/files.server.ts";
import { SECTIONS } from "~/features/application/limits.server.ts";
import { sectionStates } from "~/features/application/completeness.server.ts";
import { changeTargetLabel } from "~/features/application/answer-labels.server.ts";
import { textKeyOr } from "~/platform/i18n/messages-store.ts";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, app } = await requireMemberApplication(request, params.id);
  const { t, locale } = await getTranslator(request);
  const [groups, files, timeline, versions, emails, changes] = await Promise.all([
    getCriteria(app.criteria_set_id),
    listAttachments(app.id),
    listTimeline(app.id, "enterprise"),
    listVersions(app.id),
    listApplicationEmails(app.id, "enterprise"),
    openChangeRequest(app.id),
  ]);
  const [changeHistory, province] = await Promise.all([listChangeRequests(app.id), app.province_code ? getProvince(app.province_code) : undefined]);
  const agencies = agencyNames(t, locale, { province });
  const items = criteriaItems(groups);
  const states = sectionStates(app, groups, files);
  const editable = app.status === "draft" || app.status === "changes_requested";
  const addressed = new Set((changes?.items ?? []).filter((i) => i.addressed_at).map((i) => i.target));
  // A reopened part reads "needs changes" until it is saved again, even if its old answers were complete.
  const sectionNeedsChanges = (s: (typeof SECTIONS)[number]) =>
    s === "criteria" ? app.reopened.some((r) => r.startsWith("criterion:") && needsChanges(app, addressed, r)) : needsChanges(app, addressed, `section:${s}`);
  const label = (target: string) => changeTargetLabel(t, locale, items, target);
  return {
    title: app.platform_name || t("app.title"),
    app: {
      id: app.id,
      status: app.status,
      reference: app.reference,
      platformName: app.platform_name,
      updatedAt: app.updated_at,
      dueAt: app.due_at ? expectedDate(app.due_at, app.overdue_notified_for) : null,
      decisionNumber: app.decision_number,
      decisionDate: app.decision_date,
      decisionReasons: app.status === "rejected" ? (app.decision_reasons ?? []) : [],
      decisionNote: app.status === "rejected" ? app.decision_note : null,
    },
    history: changeHistory
      .filter((c) => c.resolved_at && c.target)
      .map((c) => ({ key: `${c.id}-${c.target}`, version: c.version, label: label(c.target!), note: c.note ?? "" })),
    tasks: editable
      ? SECTIONS.map((s) => ({
          section: s,
          state: !canEditSection(app, s) ? ("locked" as const) : sectionNeedsChanges(s) ? ("needs_changes" as const) : states[s],
          editable: canEditSection(app, s),
        }))
      : [],
    changes: changes
      ? { replyBy: changes.reply_by, message: changes.message, items: changes.items.map((i) => ({ target: i.target, label: label(i.target), note: i.note })) }
      : null,
    timeline: timeline
      .filter((e) => e.from_state !== null || e.action === "application.created")
      .map((e) => ({ id: e.id, action: e.action, by: e.party === "enterprise" ? null : agencies[e.party], reason: e.reason, createdAt: e.created_at })),
    versions,
    emails,
    canWithdraw: canTransition("withdraw", app.status, user.role),
    editable,
  };
}

const SECTION_PATHS = { platform: "platform", criteria: "criteria", documents: "documents", contact: "contact", declaration: "declaration" };

export default function ApplicationOverview() {
  const t = useT();
  const locale = useLocale();
  const { app, tasks, changes, history, timeline, versions, emails, canWithdraw, editable } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="body">
        <Link to="/applications">{t("common.back")}</Link>
      </p>
      <PageTitle caption={app.reference ? `${t("app.reference")}: ${app.reference}` : t("app.title")}>
        {app.platformName || t("apps.untitled")}
      </PageTitle>
      <div className="panel">
        <p className="body">
          <ApplicationStatusTag status={app.status} />
        </p>
        <p className="body">{t(`app.statusText.${app.status}`)}</p>
        {app.dueAt && IN_PROGRESS_STATUSES.includes(app.status) ? (
          <p className="body">{t("app.due", { date: formatDate(app.dueAt, locale) })}</p>
        ) : null}
      </div>

      {app.decisionNumber ? (
        <p className="inset">
          {t("review.decisionNumber")}: <strong>{app.decisionNumber}</strong> – {app.decisionDate ? formatIsoDate(app.decisionDate, locale) : ""}
        </p>
      ) : null}
      <ListingActions id={app.id} status={app.status} listed={app.decisionNumber !== null} />
      {app.decisionReasons.length > 0 || app.decisionNote ? (
        <section className="inset" aria-labelledby="reasons-title">
          <h2 className="heading-m" id="reasons-title">
            {t("review.reasons")}
          </h2>
          <ul>
            {app.decisionReasons.map((r) => (
              <li key={r}>{t(textKeyOr(`reason.${r}`, "reason.other"))}</li>
            ))}
          </ul>
          {app.decisionNote ? <p className="body summary-list__value">{app.decisionNote}</p> : null}
        </section>
      ) : null}

      {changes ? (
        <section aria-labelledby="changes-title" className="inset">
          <h2 className="heading-m" id="changes-title">
            {t("app.changes.title")}
          </h2>
          <p className="body">
            <strong>{t("app.changes.replyBy", { date: formatIsoDate(changes.replyBy, locale) })}</strong>
          </p>
          {changes.message ? <p className="body">{changes.message}</p> : null}
          <ul>
            {changes.items.map((i) => (
              <li key={i.target}>
                <strong>{i.label}</strong>: {i.note}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {editable ? (
        <>
          <h2 className="heading-m">{t("app.taskList")}</h2>
          <p className="body">{t("app.taskListLead")}</p>
          <p className="hint">{t("app.lastSaved", { time: formatDateTime(app.updatedAt, locale) })}</p>
          <ol className="task-list">
            {tasks.map((task) => (
              <li className="task-list__item" key={task.section}>
                {task.editable ? (
                  <Link to={`/applications/${app.id}/${SECTION_PATHS[task.section]}`} aria-describedby={`status-${task.section}`}>
                    {t(`section.${task.section}`)}
                  </Link>
                ) : (
                  <span>{t(`section.${task.section}`)}</span>
                )}
                <span id={`status-${task.section}`}>
                  <StatusTag
                    status={task.state === "completed" ? "active" : task.state === "in_progress" ? "invited" : task.state === "needs_changes" ? "pending" : "deactivated"}
                    label={t(`section.state.${task.state}`)}
                  />
                </span>
              </li>
            ))}
          </ol>
          <Link to={`/applications/${app.id}/check`} className="button button--primary">
            {app.status === "changes_requested" ? t("app.checkAndResubmit") : t("app.checkAndSubmit")}
          </Link>
        </>
      ) : null}

      {history.length > 0 ? (
        <>
          <h2 className="heading-m">{t("app.messages")}</h2>
          <ul>
            {history.map((h) => (
              <li key={h.key}>
                {t("app.version", { n: h.version })} – <strong>{h.label}</strong>: {h.note}
              </li>
            ))}
          </ul>
        </>
      ) : null}

      {versions.length > 0 ? (
        <>
          <h2 className="heading-m">{t("app.versions")}</h2>
          <ul>
            {versions.map((v) => (
              <li key={v.version}>
                <Link to={`/applications/${app.id}/versions/${v.version}`}>
                  {t("app.versionSubmitted", { n: v.version, date: formatDateTime(v.submitted_at, locale) })}
                </Link>
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <h2 className="heading-m">{t("app.timeline")}</h2>
      <ol className="timeline">
        {timeline.map((e) => (
          <li className="timeline__item" key={e.id}>
            <strong>{t(textKeyOr(`timeline.${e.action}`, "timeline.other"))}</strong>
            {e.by ? ` – ${e.by}` : null}
            <span className="timeline__date">
              <time dateTime={new Date(e.createdAt).toISOString()}>{formatDateTime(e.createdAt, locale)}</time>
            </span>
            {e.reason ? <p className="body">{e.reason}</p> : null}
          </li>
        ))}
      </ol>

      <ApplicationEmails emails={emails} />

      {canWithdraw ? (
        <p className="body">
          <Link to={`/applications/${app.id}/withdraw`} className="button button--warning">
            {t("app.withdraw")}
          </Link>
        </p>
      ) : null}
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
