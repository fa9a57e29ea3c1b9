import { data, redirect } from "@remix-run/node";
import type { AppLoadContext } from "@remix-run/node";
import { answerLabels } from "~/features/application/answer-labels.server.ts";
import { diffAnswers, diffFiles } from "~/features/application/answers-diff.ts";
import { requireRole } from "~/features/account/auth.server.ts";
import { setFlash } from "~/platform/http/flash.server.ts";
import { invalid, readFormWithLists, validate, type FieldErrors } from "~/platform/forms/forms.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import type { TextKey } from "~/platform/i18n/messages.server.ts";
import { reviewSchemas } from "./review-forms.server.ts";
import { canTransition } from "~/features/application/workflow.ts";
import { ConflictError, ForbiddenTransitionError, NotFoundError } from "~/platform/errors.ts";
import { criteriaItems, getCriteria } from "~/features/application/criteria.server.ts";
import { getVersion, listApplicationEmails, listChangeRequests, listTimeline } from "~/features/application/queries.server.ts";
import { listAttachmentsByIds } from "~/features/application/files.server.ts";
import { addInternalNote, assignApplication, defaultReplyBy, forwardToMinistry, MissingVerdictsError, recognisePlatform, rejectApplication, RECOMMENDATIONS, REJECTION_REASONS, requestChanges, returnToProvince, saveVerdict, type ChangeTarget, type SectionTarget } from "./commands.server.ts";
import { getApplicationForReviewer, listInternalNotes, listVerdicts, stageOf } from "./queries.server.ts";
import { listColleagues } from "./queues.server.ts";
import { getEnterprise } from "~/features/enterprise/enterprise.server.ts";
import { CERTIFICATE_SLOT, EnterpriseNotVerifiedError, VerificationBlockedError, VerificationRequirementsError, verifyEnterprise } from "~/features/enterprise/verification.server.ts";
import { verificationForReview } from "~/features/enterprise/verification-queries.server.ts";
import { HOLDING_STATUSES } from "~/platform/db/db-types.ts";
import { verificationSchemas } from "~/features/enterprise/verification-forms.server.ts";
import { getProvince, listCategories } from "~/features/reference/reference.server.ts";
import { agencyNames } from "~/features/application/disclosure.server.ts";

const ROLE = { review: "province_reviewer", ministry: "ministry_reviewer" } as const;
export type ReviewBase = keyof typeof ROLE;
export const SECTION_TARGETS = ["section:platform", "section:documents", "section:contact"] as const satisfies readonly SectionTarget[];

async function requireReviewApplication(request: Request, base: ReviewBase, id: string | undefined) {
  const user = await requireRole(request, ROLE[base]);
  const app = id ? await getApplicationForReviewer(user, id) : undefined;
  if (!app) throw new Response("Not Found", { status: 404 });
  return { user, app };
}

export async function loadReview(request: Request, base: ReviewBase, id: string | undefined) {
  const { user, app } = await requireReviewApplication(request, base, id);
  const { t, locale } = await getTranslator(request);
  const stage = stageOf(user);
  const [groups, categories, version, previous, verdicts, notes, timeline, changeRequests, colleagues, emails, enterprise, replyBy] = await Promise.all([
    getCriteria(app.criteria_set_id),
    listCategories(),
    getVersion(app.id, app.current_version),
    app.current_version > 1 ? getVersion(app.id, app.current_version - 1) : undefined,
    listVerdicts(app.id, stage),
    listInternalNotes(app.id, stage),
    listTimeline(app.id, stage),
    listChangeRequests(app.id),
    listColleagues(user),
    listApplicationEmails(app.id, stage),
    getEnterprise(app.enterprise_id),
    defaultReplyBy(),
  ]);
  const [province, verification] = await Promise.all([app.province_code ? getProvince(app.province_code) : undefined, verificationForReview(app, stage)]);
  if (!version) throw new Response("Not Found", { status: 404 });
  const files = await listAttachmentsByIds(app.id, version.attachment_ids);
  let changes = null;
  if (previous) {
    const previousFiles = await listAttachmentsByIds(app.id, previous.attachment_ids);
    changes = { since: previous.version, changes: diffAnswers(previous.answers, version.answers), ...diffFiles(previousFiles, files), labels: answerLabels(t, locale, groups) };
  }
  const reviewing = stage === "province" ? "in_provincial_review" : "in_ministry_review";
  const agencies = agencyNames(t, locale, { province, enterpriseName: enterprise?.legal_name });
  return {
    title: t("review.title", { reference: app.reference ?? "" }),
    base,
    stage,
    app: {
      id: app.id,
      reference: app.reference ?? "",
      status: app.status,
      lockVersion: app.lock_version,
      currentVersion: app.current_version,
      platformName: app.platform_name,
      provinceCode: app.province_code,
      dueAt: app.due_at,
      // An assignee of the other stage is not this reviewer's business (nor their account id).
      assignedTo: colleagues.some((c) => c.id === app.assigned_to) ? app.assigned_to : null,
      provinceRecommendation: RECOMMENDATIONS.find((r) => r === app.province_recommendation) ?? null,
      provinceSummary: app.province_summary,
      decisionNumber: app.decision_number,
      decisionDate: app.decision_date,
      decisionReasons: app.decision_reasons,
      decisionNote: app.decision_note,
      revocationNumber: app.revocation_number,
      revocationDate: app.revocation_date,
      revocationReason: app.revocation_reason,
    },
    // The ministry sees it before it reached the ministry only in the "unstaffed provinces" view: read-only.
    unstaffed: stage === "ministry" && app.reached_ministry_at === null,
    replyByDefault: replyBy,
    canRevoke: canTransition("revoke", app.status, user.role),
    enterprise: enterprise
      ? { legalName: enterprise.legal_name, taxCode: enterprise.tax_code, address: enterprise.address, representative: `${enterprise.representative_name} – ${enterprise.representative_title}`, phone: enterprise.phone, website: enterprise.website }
      : null,
    me: user.id,
    canAct: app.status === reviewing,
    canTake: canTransition(stage === "province" ? "take" : "take_ministry", app.status, user.role),
    answers: version.answers,
    groups,
    categories,
    files,
    changes,
    verdicts,
    notes,
    timeline,
    agencies,
    verification: {
      status: verification.status,
      reason: verification.reason,
      decidedAt: verification.decidedAt,
      representative: verification.representative,
      certificates: files.filter((f) => f.slot === CERTIFICATE_SLOT).map((f) => ({ id: f.id, name: f.file_name })),
      canVerify: stage === "province" && app.status === reviewing && HOLDING_STATUSES.includes(verification.status) && !verification.dispute,
      disputed: Boolean(verification.dispute),
      disputeHref: verification.dispute?.resolvableHere ? `/review/disputes/${verification.dispute.id}` : null,
      history: verification.history.map((h) => ({ id: h.id, action: h.action, by: h.actor_name ?? agencies[h.party], reason: h.reason, created_at: h.created_at })),
    },
    changeRequests,
    colleagues,
    emails,
    reasons: REJECTION_REASONS,
    sectionTargets: SECTION_TARGETS,
  };
}

const FLASH: Record<string, TextKey> = {
  take: "flash.assigned",
  assign: "flash.assigned",
  release: "flash.assigned",
  verdict: "flash.verdictSaved",
  note: "flash.noteAdded",
  request_changes: "flash.changesRequested",
  reject: "flash.rejected",
  forward: "flash.forwarded",
  return: "flash.returned",
  recognise: "flash.recognised",
  verify_enterprise: "flash.enterpriseVerified",
};

/** Every review form posts here with an intent; each intent has its own schema and one model call. */
export async function reviewAction(request: Request, context: AppLoadContext, base: ReviewBase, id: string | undefined) {
  const { user, app } = await requireReviewApplication(request, base, id);
  const { t } = await getTranslator(request);
  const { values, lists } = await readFormWithLists(request);
  const intent = values.intent ?? "";
  const fail = (errors: FieldErrors) => invalid(errors, { ...values }, { status: 400 });
  const done = async () =>
    redirect(`/${base}/${app.id}`, { headers: { "Set-Cookie": await setFlash({ kind: "success", key: FLASH[intent] ?? "flash.assigned" }) } });
  const items = criteriaItems(await getCriteria(app.criteria_set_id));
  try {
    switch (intent) {
      case "take":
      case "release":
      case "assign": {
        const r = validate(reviewSchemas.assign(), values);
        if (!r.ok) throw new Response("Bad Request", { status: 400 });
        const assigneeId = intent === "take" ? user.id : intent === "release" ? null : r.data.assigneeId || null;
        if (intent === "assign" && !assigneeId) return fail({ assigneeId: t("error.choose", { field: t("queue.col.assignee").toLowerCase() }) });
        await assignApplication(user, app.id, { assigneeId, lockVersion: r.data.lockVersion }, context.requestId);
        return done();
      }
      case "verdict": {
        const r = validate(reviewSchemas.verdict(t, items.map((i) => i.key)), values);
        if (!r.ok) return fail(r.errors);
        await saveVerdict(user, app.id, { ...r.data, note: String(r.data.note) }, context.requestId);
        return done();
      }
      case "note": {
        const r = validate(reviewSchemas.note(t), values);
        if (!r.ok) return fail(r.errors);
        await addInternalNote(user, app.id, String(r.data.body), context.requestId);
        return done();
      }
      case "request_changes": {
        const r = validate(reviewSchemas.requestChanges(t), values);
        const errors: FieldErrors = r.ok ? {} : { ...r.errors };
        const allowed = new Set<string>([...items.map((i) => `criterion:${i.key}`), ...SECTION_TARGETS]);
        const targets = (lists.reopen ?? []).filter((x) => allowed.has(x));
        if (targets.length === 0) errors.reopen = t("error.reopenNone");
        const chosen: { target: ChangeTarget; note: string }[] = [];
        for (const target of targets) {
          const note = reviewSchemas.changeNote(t, t("review.note")).safeParse(values[`note:${target}`]);
          if (!note.success || !note.data) errors[`note:${target}`] = note.success ? t("error.noteFor") : note.error.issues[0]!.message;
          else chosen.push({ target: target as ChangeTarget, note: note.data });
        }
        if (!r.ok || Object.keys(errors).length > 0) return fail(errors);
        await requestChanges(user, app.id, { lockVersion: r.data.lockVersion, items: chosen, replyBy: String(r.data.replyBy), message: String(r.data.message) }, context.requestId);
        return done();
      }
      case "reject": {
        const r = validate(reviewSchemas.reject(t), { ...values, reasons: lists.reasons ?? [] } as never);
        if (!r.ok) return fail(r.errors);
        await rejectApplication(user, app.id, { lockVersion: r.data.lockVersion, reasons: r.data.reasons, note: String(r.data.note) }, context.requestId);
        return done();
      }
      case "forward": {
        const r = validate(reviewSchemas.forward(t), values);
        if (!r.ok) return fail(r.errors);
        await forwardToMinistry(user, app.id, { ...r.data, summary: String(r.data.summary) }, context.requestId);
        return done();
      }
      case "return": {
        const r = validate(reviewSchemas.returnToProvince(t), values);
        if (!r.ok) return fail(r.errors);
        await returnToProvince(user, app.id, { lockVersion: r.data.lockVersion, note: String(r.data.note) }, context.requestId);
        return done();
      }
      case "recognise": {
        const r = validate(reviewSchemas.recognise(t), values);
        if (!r.ok) return fail(r.errors);
        await recognisePlatform(user, app.id, { lockVersion: r.data.lockVersion, decisionNumber: String(r.data.decisionNumber), decisionDate: String(r.data.decisionDate) }, context.requestId);
        return done();
      }
      case "verify_enterprise": {
        const r = validate(verificationSchemas.verify(t), values);
        if (!r.ok) return fail(r.errors);
        await verifyEnterprise(user, app.id, { outcome: r.data.verification, reason: r.data.verificationReason }, context.requestId);
        return done();
      }
      default:
        throw new Response("Bad Request", { status: 400 });
    }
  } catch (e) {
    if (e instanceof VerificationRequirementsError)
      return fail({ verification: e.missing.map((m) => t(`error.verification.${m}`)).join(" ") });
    if (e instanceof VerificationBlockedError) return fail({ verification: t("error.verification.blocked") });
    if (e instanceof EnterpriseNotVerifiedError)
      return fail({ "enterprise-verification": t(base === "ministry" ? "error.notVerified.ministry" : e.disputed ? "error.notVerified.disputed" : "error.notVerified") });
    if (e instanceof ConflictError) return data({ conflict: { status: e.current.status }, errors: {} as FieldErrors, values: {} }, { status: 409 });
    if (e instanceof MissingVerdictsError) return fail({ summary: t("error.missingVerdicts", { count: e.missing.length }) });
    if (e instanceof ForbiddenTransitionError) throw new Response("Forbidden", { status: 403 });
    if (e instanceof NotFoundError) throw new Response("Not Found", { status: 404 });
    throw e;
  }
}
