// Longer than 400 lines: the review page is one screen (answers, verdict per criterion, notes, verification, decision forms) whose parts share its props; split further when a part is reused.
import { Link } from "@remix-run/react";
import type { ApplicationStatus, OutboxStatus } from "~/platform/db/db-types.ts";
import type { Recommendation, RejectionReason, SectionTarget } from "~/features/review/commands.server.ts";
import { textKeyOr } from "~/platform/i18n/messages-store.ts";
import { formatDate, formatDateTime, formatIsoDate } from "~/platform/i18n/format.ts";
import { useLocale, useT } from "~/platform/i18n/use-t.ts";
import { formatPhone } from "~/platform/forms/vn-formats.ts";
import { ApplicationAnswers, CriterionEvidence, type AnswersView } from "~/features/application/ui/application-answers.tsx";
import { ApplicationEmails, ApplicationStatusTag } from "~/features/application/ui/application-ui.tsx";
import { Button, ErrorSummary, fieldId, Form, Radios, TextArea, TextInput, type FormState } from "~/components/form.tsx";
import { RevokeRecognitionLink } from "./revoke-recognition.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { ReviewVerification, type ReviewVerificationData } from "~/features/enterprise/ui/verification.tsx";
import { VersionChanges } from "~/features/application/ui/version-changes.tsx";
import { localised } from "~/platform/i18n/localised.ts";
import type { ReviewIntent } from "~/features/review/review-intents.ts";

type Party = "enterprise" | "province" | "ministry" | "system";

interface Verdict {
  stage: "province" | "ministry";
  criterion_key: string;
  verdict: "met" | "not_met" | "needs_information";
  note: string;
  version: number;
  reviewer_name: string | null;
}

export interface ReviewData {
  base: "review" | "ministry";
  stage: "province" | "ministry";
  app: {
    id: string;
    reference: string;
    status: ApplicationStatus;
    lockVersion: number;
    currentVersion: number;
    platformName: string;
    provinceCode: string | null;
    dueAt: string | Date | null;
    assignedTo: string | null;
    provinceRecommendation: Recommendation | null;
    provinceSummary: string | null;
    decisionNumber: string | null;
    decisionDate: string | null;
    decisionReasons: string[] | null;
    decisionNote: string | null;
    revocationNumber: string | null;
    revocationDate: string | null;
    revocationReason: string | null;
  };
  unstaffed: boolean;
  replyByDefault: { days: number; date: string };
  canRevoke: boolean;
  enterprise: { legalName: string; taxCode: string; address: string; representative: string; phone: string; website: string | null } | null;
  me: string;
  canAct: boolean;
  canTake: boolean;
  answers: AnswersView["answers"];
  groups: { code: string; title_vi: string; title_en: string; items: { key: string; text_vi: string; text_en: string; evidence_vi: string; evidence_en: string }[] }[];
  categories: AnswersView["categories"];
  files: AnswersView["files"];
  changes: React.ComponentProps<typeof VersionChanges> | null;
  verdicts: Verdict[];
  notes: { id: number; body: string; created_at: string | Date; author_name: string }[];
  timeline: { id: number; action: string; party: Party; actor_name: string | null; from_state: string | null; to_state: string | null; reason: string | null; created_at: string | Date }[];
  /** Names of the organisations whose people this reviewer does not see. */
  agencies: Record<Party, string>;
  verification: ReviewVerificationData;
  changeRequests: { id: number; version: number; message: string; reply_by: string; created_at: string | Date; target: string | null; note: string | null }[];
  colleagues: { id: string; name: string; email: string }[];
  conflicted: string[];
  myConflict: { reason: string; declaredAt: string | Date } | null;
  emails: { id: number; to_address: string; subject: string; status: OutboxStatus; created_at: string | Date }[];
  reasons: readonly RejectionReason[];
  sectionTargets: readonly SectionTarget[];
}

type ActionState = (FormState & { conflict?: { status: ApplicationStatus } }) | undefined;

/** The scope of each review form's field ids (see Form): its intent, and the criterion for a verdict form. */
function formScope(values: Record<string, string> | undefined): string | undefined {
  if (!values?.intent) return undefined;
  return values.intent === "verdict" ? `verdict-${values.criterionKey ?? ""}` : values.intent;
}

function Hidden({ lockVersion, intent }: { lockVersion: number; intent: ReviewIntent }) {
  return (
    <>
      <input type="hidden" name="lockVersion" value={lockVersion} />
      <input type="hidden" name="intent" value={intent} />
    </>
  );
}

/** The review page shared by provincial and ministry reviewers: answers, checklist, notes, decisions, history. */
export function ReviewPage({ data, state }: { data: ReviewData; state: ActionState }) {
  const t = useT();
  const locale = useLocale();
  const { app } = data;
  const name = (o: { text_vi: string; text_en: string }) => localised(o, "text", locale);
  const verdictOf = (stage: "province" | "ministry", key: string) => data.verdicts.find((v) => v.stage === stage && v.criterion_key === key);
  const assignee = data.colleagues.find((c) => c.id === app.assignedTo);
  const stateFor = (intent: string): FormState | undefined => (state?.values?.intent === intent ? state : undefined);
  const items = data.groups.flatMap((g) => g.items);
  const targets = [...items.map((i) => ({ target: `criterion:${i.key}`, label: name(i) })), ...data.sectionTargets.map((s) => ({ target: s, label: t(`app.changes.target.${s}`) }))];
  return (
    <>
      <p className="body">
        <Link to={`/${data.base}`}>{t("common.back")}</Link>
      </p>
      {state?.conflict ? (
        <div className="banner banner--warning" role="alert">
          <p className="banner__text">{t("review.conflict", { status: t(`app.status.${state.conflict.status}`) })}</p>
        </div>
      ) : null}
      <ErrorSummary errors={state?.errors} scope={formScope(state?.values)} />
      <PageTitle caption={app.platformName}>{t("review.title", { reference: app.reference })}</PageTitle>
      <div className="panel">
        <p className="body">
          <ApplicationStatusTag status={app.status} />
        </p>
        {app.dueAt ? <p className="body">{t("app.due", { date: formatDate(app.dueAt, locale) })}</p> : null}
        {data.enterprise ? (
          <dl className="summary-list">
            <div className="summary-list__row">
              <dt className="summary-list__key">{t("queue.col.enterprise")}</dt>
              <dd className="summary-list__value">
                {data.enterprise.legalName} ({data.enterprise.taxCode})
                <span className="block">{data.enterprise.address}</span>
                <span className="block">{data.enterprise.representative}</span>
                <span className="block">{formatPhone(data.enterprise.phone)}</span>
              </dd>
            </div>
          </dl>
        ) : null}
      </div>

      <ReviewVerification
        v={data.verification}
        enterprise={data.enterprise}
        applicationId={app.id}
        version={app.currentVersion}
        lockVersion={app.lockVersion}
        state={stateFor("verify_enterprise")}
      />

      <section aria-labelledby="assignment">
        <h2 className="heading-m" id="assignment">
          {t("review.assignment")}
        </h2>
        <p className="body">{assignee ? t("review.assignedTo", { name: assignee.name }) : t("review.unassigned")}</p>
        {data.canTake || data.canAct ? (
          <div className="filters__row">
            {(data.canTake || app.assignedTo !== data.me) && !data.myConflict ? (
              <Form method="post" preventScrollReset scope="take">
                <Hidden lockVersion={app.lockVersion} intent="take" />
                <Radios
                  name="declaration"
                  legend={t("review.declaration.legend")}
                  hint={t("review.declaration.hint", { enterprise: data.enterprise?.legalName ?? "" })}
                  state={stateFor("take")}
                  options={[
                    { value: "none", label: t("review.declaration.none") },
                    { value: "conflict", label: t("review.declaration.conflict") },
                  ]}
                />
                <TextArea name="conflictReason" label={t("review.conflictReason")} state={stateFor("take")} rows={2} />
                <Button>{t("review.take")}</Button>
              </Form>
            ) : null}
            {app.assignedTo === data.me && !data.canTake && !data.myConflict ? (
              // Assigned by a colleague (no take, so no declaration yet): a conflict can still be declared; it releases it.
              <details className="details" open={Boolean(stateFor("declare_conflict"))}>
                <summary className="details__summary">{t("review.declareConflict")}</summary>
                <Form method="post" preventScrollReset scope="declare_conflict">
                  <Hidden lockVersion={app.lockVersion} intent="declare_conflict" />
                  <TextArea name="conflictReason" label={t("review.conflictReasonRequired")} state={stateFor("declare_conflict")} rows={2} />
                  <Button variant="secondary">{t("review.declareConflict")}</Button>
                </Form>
              </details>
            ) : null}
            {data.myConflict ? (
              <p className="inset">{t("review.conflictDeclared", { date: formatDate(data.myConflict.declaredAt, locale), reason: data.myConflict.reason })}</p>
            ) : null}
            {data.canAct && app.assignedTo ? (
              <Form method="post" preventScrollReset>
                <Hidden lockVersion={app.lockVersion} intent="release" />
                <Button variant="secondary">{t("review.release")}</Button>
              </Form>
            ) : null}
            <Form method="post" className="inline-form" preventScrollReset scope="assign">
              <Hidden lockVersion={app.lockVersion} intent="assign" />
              <div className={`form-group${stateFor("assign")?.errors?.assigneeId ? " form-group--error" : ""}`}>
                <label className="label" htmlFor={fieldId("assign", "assigneeId")}>
                  {t("review.assignTo")}
                </label>
                {stateFor("assign")?.errors?.assigneeId ? <p className="error-message">{stateFor("assign")?.errors?.assigneeId}</p> : null}
                <select className="select" id={fieldId("assign", "assigneeId")} name="assigneeId" defaultValue="">
                  <option value="">{t("field.choose")}</option>
                  {data.colleagues
                    .filter((c) => c.id !== app.assignedTo && c.id !== data.me && !data.conflicted.includes(c.id))
                    .map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.name} ({c.email})
                      </option>
                    ))}
                </select>
              </div>
              <Button variant="secondary">{t("review.assign")}</Button>
            </Form>
          </div>
        ) : null}
        {data.unstaffed ? <p className="inset">{t("review.unstaffed")}</p> : null}
        {!data.canAct && !data.canTake && !data.unstaffed ? <p className="inset">{t("review.readOnly")}</p> : null}
        {data.canTake ? <p className="inset">{t("review.notStarted")}</p> : null}
      </section>

      {data.changes ? <VersionChanges {...data.changes} /> : null}

      {data.stage === "ministry" && app.provinceRecommendation ? (
        <section className="inset" aria-labelledby="province-recommendation">
          <h2 className="heading-m" id="province-recommendation">
            {t("review.provinceRecommendation", { recommendation: t(`review.recommend.${app.provinceRecommendation}`) })}
          </h2>
          <p className="body summary-list__value">{app.provinceSummary}</p>
        </section>
      ) : null}

      <section aria-labelledby="checklist">
        <h2 className="heading-m" id="checklist">
          {t("review.checklist")}
        </h2>
        <p className="body">{t("review.checklistLead")}</p>
        {data.groups.map((g) => (
          <div key={g.code}>
            <h3 className="heading-s">{localised(g, "title", locale)}</h3>
            {g.items.map((item) => {
              const own = verdictOf(data.stage, item.key);
              const province = verdictOf("province", item.key);
              const self = data.answers.criteria?.[item.key];
              const fieldState = stateFor("verdict")?.values?.criterionKey === item.key ? stateFor("verdict") : undefined;
              return (
                // The evidence sits beside the verdict it supports (side by side on wide screens, above it on phones).
                <section className="verdict-card" key={item.key} id={`criterion-${item.key}`} aria-labelledby={`criterion-${item.key}-title`}>
                  <h4 className="heading-s" id={`criterion-${item.key}-title`}>
                    {name(item)}
                  </h4>
                  <div className="verdict-card__grid">
                    <div className="verdict-card__evidence">
                      <p className="hint">{localised(item, "evidence", locale)}</p>
                      <p className="body">
                        <strong>{t("review.enterpriseSays")}:</strong> {self?.assessment ? t(`assessment.${self.assessment}`) : t("common.notProvided")}
                      </p>
                      <div className="body">
                        <CriterionEvidence answer={self} files={data.files.filter((f) => f.slot === `criterion:${item.key}`)} applicationId={app.id} labelled />
                      </div>
                      {data.stage === "ministry" ? (
                        <p className="body">
                          <strong>{t("review.provinceVerdict")}:</strong> {province ? t(`review.verdict.${province.verdict}`) : t("review.noVerdict")}
                          {province?.note ? <span className="block">{province.note}</span> : null}
                        </p>
                      ) : null}
                    </div>
                    <div className="verdict-card__verdict">
                      {data.canAct ? (
                        <Form method="post" preventScrollReset scope={formScope({ intent: "verdict", criterionKey: item.key })}>
                          <Hidden lockVersion={app.lockVersion} intent="verdict" />
                          <input type="hidden" name="criterionKey" value={item.key} />
                          <Radios
                            name="verdict"
                            legend={`${data.stage === "ministry" ? t("review.ministryVerdict") : t("review.verdict")}: ${name(item)}`}
                            inline
                            state={fieldState}
                            defaultValue={own?.verdict}
                            options={(["met", "not_met", "needs_information"] as const).map((v) => ({ value: v, label: t(`review.verdict.${v}`) }))}
                          />
                          <TextArea name="note" label={`${t("review.verdictNote")} – ${name(item)}`} rows={2} defaultValue={own?.note} state={fieldState} />
                          <Button variant="secondary">
                            {t("review.saveVerdict")}
                            <span className="visually-hidden">: {name(item)}</span>
                          </Button>
                        </Form>
                      ) : (
                        <p className="body">
                          <strong>{data.stage === "ministry" ? t("review.ministryVerdict") : t("review.provinceVerdict")}:</strong>{" "}
                          {own ? t(`review.verdict.${own.verdict}`) : t("review.noVerdict")}
                          {own?.note ? <span className="block">{own.note}</span> : null}
                        </p>
                      )}
                    </div>
                  </div>
                </section>
              );
            })}
          </div>
        ))}
      </section>

      <details className="details">
        <summary>{t("review.answers", { n: app.currentVersion })}</summary>
        <ApplicationAnswers answers={data.answers} groups={data.groups} files={data.files} categories={data.categories} applicationId={app.id} />
      </details>

      <section aria-labelledby="notes">
        <h2 className="heading-m" id="notes">
          {t("review.notes")}
        </h2>
        <p className="hint">{t("review.notesLead")}</p>
        {data.notes.length === 0 ? (
          <p className="body">{t("review.noNotes")}</p>
        ) : (
          <ul className="timeline">
            {data.notes.map((n) => (
              <li className="timeline__item" key={n.id}>
                <strong>{n.author_name}</strong>
                <span className="timeline__date">{formatDateTime(n.created_at, locale)}</span>
                <p className="body summary-list__value">{n.body}</p>
              </li>
            ))}
          </ul>
        )}
        <Form method="post" preventScrollReset scope="note">
          <input type="hidden" name="intent" value="note" />
          <TextArea name="body" label={t("review.note")} rows={3} state={stateFor("note")} />
          <Button variant="secondary">{t("review.addNote")}</Button>
        </Form>
      </section>

      {data.canAct ? (
        <section aria-labelledby="decisions">
          <h2 className="heading-m" id="decisions">
            {t("review.decisions")}
          </h2>
          {data.stage === "province" ? (
            <>
              <details className="details" open={Boolean(stateFor("request_changes"))}>
                <summary>{t("review.requestChanges")}</summary>
                <Form method="post" preventScrollReset scope="request_changes">
                  <Hidden lockVersion={app.lockVersion} intent="request_changes" />
                  <p className="body">{t("review.requestChangesLead")}</p>
                  <div className={`form-group${stateFor("request_changes")?.errors?.reopen ? " form-group--error" : ""}`}>
                    <fieldset className="fieldset">
                      <legend id={fieldId("request_changes", "reopen")}>{t("review.requestChanges")}</legend>
                      {stateFor("request_changes")?.errors?.reopen ? <p className="error-message">{stateFor("request_changes")?.errors?.reopen}</p> : null}
                      {targets.map((x) => (
                        <div key={x.target} className="form-group">
                          <div className="checkbox">
                            <input className="checkbox__input" type="checkbox" id={fieldId("request_changes", `reopen:${x.target}`)} name="reopen" value={x.target} />
                            <label className="checkbox__label" htmlFor={fieldId("request_changes", `reopen:${x.target}`)}>
                              {t("review.reopen", { label: x.label })}
                            </label>
                          </div>
                          <TextArea name={`note:${x.target}`} label={t("review.noteFor", { label: x.label })} rows={2} state={stateFor("request_changes")} />
                        </div>
                      ))}
                    </fieldset>
                  </div>
                  <TextInput
                    name="replyBy"
                    type="date"
                    label={t("review.replyBy")}
                    hint={t("review.replyBy.hint", { days: data.replyByDefault.days, date: formatIsoDate(data.replyByDefault.date, locale) })}
                    defaultValue={data.replyByDefault.date}
                    width="short"
                    state={stateFor("request_changes")}
                  />
                  <TextArea name="message" label={t("review.message")} rows={3} state={stateFor("request_changes")} />
                  <Button>{t("review.sendChanges")}</Button>
                </Form>
              </details>
              <details className="details" open={Boolean(stateFor("forward"))}>
                <summary>{t("review.forward")}</summary>
                <Form method="post" preventScrollReset scope="forward">
                  <Hidden lockVersion={app.lockVersion} intent="forward" />
                  <Radios
                    name="recommendation"
                    legend={t("review.recommendation")}
                    state={stateFor("forward")}
                    options={(["recognise", "reject"] as const).map((r) => ({ value: r, label: t(`review.recommend.${r}`) }))}
                  />
                  <TextArea name="summary" label={t("review.summary")} rows={5} state={stateFor("forward")} />
                  <Button>{t("review.confirmForward")}</Button>
                </Form>
              </details>
            </>
          ) : (
            <>
              <details className="details" open={Boolean(stateFor("recognise"))}>
                <summary>{t("review.recognise")}</summary>
                <Form method="post" preventScrollReset scope="recognise">
                  <Hidden lockVersion={app.lockVersion} intent="recognise" />
                  <TextInput name="decisionNumber" label={t("review.decisionNumber")} width="half" state={stateFor("recognise")} />
                  <TextInput name="decisionDate" type="date" label={t("review.decisionDate")} width="short" state={stateFor("recognise")} />
                  <Button>{t("review.confirmRecognise")}</Button>
                </Form>
              </details>
              <details className="details" open={Boolean(stateFor("return"))}>
                <summary>{t("review.returnToProvince")}</summary>
                <Form method="post" preventScrollReset scope="return">
                  <Hidden lockVersion={app.lockVersion} intent="return" />
                  <TextArea name="note" label={t("review.returnNote")} rows={3} state={stateFor("return")} />
                  <Button variant="secondary">{t("review.confirmReturn")}</Button>
                </Form>
              </details>
            </>
          )}
          <details className="details" open={Boolean(stateFor("reject"))}>
            <summary>{t("review.reject")}</summary>
            <Form method="post" preventScrollReset scope="reject">
              <Hidden lockVersion={app.lockVersion} intent="reject" />
              <div className={`form-group${stateFor("reject")?.errors?.reasons ? " form-group--error" : ""}`}>
                <fieldset className="fieldset">
                  <legend>{t("review.reasons")}</legend>
                  {stateFor("reject")?.errors?.reasons ? <p className="error-message">{stateFor("reject")?.errors?.reasons}</p> : null}
                  {data.reasons.map((r, i) => (
                    <div className="checkbox" key={r}>
                      <input className="checkbox__input" type="checkbox" id={fieldId("reject", i === 0 ? "reasons" : `reasons-${r}`)} name="reasons" value={r} />
                      <label className="checkbox__label" htmlFor={fieldId("reject", i === 0 ? "reasons" : `reasons-${r}`)}>
                        {t(`reason.${r}`)}
                      </label>
                    </div>
                  ))}
                </fieldset>
              </div>
              <TextArea name="note" label={t("review.rejectNote")} rows={3} state={stateFor("reject")} />
              <Button variant="warning">{t("review.confirmReject")}</Button>
            </Form>
          </details>
        </section>
      ) : null}

      {app.decisionNumber ? (
        <p className="inset">
          {t("review.decisionNumber")}: {app.decisionNumber} – {app.decisionDate ? formatIsoDate(app.decisionDate, locale) : ""}
        </p>
      ) : null}
      {app.status === "revoked" ? (
        <p className="inset">
          {t("listing.revocation")}: {app.revocationNumber ?? ""} – {app.revocationDate ? formatIsoDate(app.revocationDate, locale) : ""}
          {app.revocationReason ? <span className="block summary-list__value">{app.revocationReason}</span> : null}
        </p>
      ) : null}
      {data.canRevoke ? <RevokeRecognitionLink id={app.id} status={app.status} /> : null}

      {data.changeRequests.length > 0 ? (
        <section aria-labelledby="change-requests">
          <h2 className="heading-m" id="change-requests">
            {t("review.changesHistory")}
          </h2>
          <ul>
            {data.changeRequests.map((c, i) => (
              <li key={`${c.id}-${c.target ?? i}`}>
                {t("app.version", { n: c.version })} · {formatIsoDate(c.reply_by, locale)} · {c.target ? targets.find((x) => x.target === c.target)?.label ?? c.target : ""}: {c.note}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <h2 className="heading-m">{t("app.timeline")}</h2>
      <ol className="timeline">
        {data.timeline
          .filter(
            (e) =>
              e.from_state !== null ||
              e.action === "application.created" ||
              e.action.startsWith("application.assign") ||
              e.action === "application.released" ||
              e.action.endsWith("conflict_declared"),
          )
          .map((e) => (
            <li className="timeline__item" key={e.id}>
              <strong>{t(textKeyOr(`timeline.${e.action}`, "timeline.other"))}</strong> – {e.actor_name ?? data.agencies[e.party]}
              <span className="timeline__date">{formatDateTime(e.created_at, locale)}</span>
              {e.reason ? <p className="body summary-list__value">{e.reason}</p> : null}
            </li>
          ))}
      </ol>

      <ApplicationEmails emails={data.emails} />
      <p className="body">
        <Link to={`/${data.base}/${data.app.id}/audit`}>{t("audit.app.link")}</Link>
      </p>
    </>
  );
}
