import { data, redirect } from "@remix-run/node";
import type { AppLoadContext } from "@remix-run/node";
import { answerLabels } from "~/features/application/answer-labels.server.ts";
import { diffAnswers, diffFiles } from "~/features/application/answers-diff.ts";
import { requireRole } from "~/features/account/auth.server.ts";
import { setFlash } from "~/platform/http/flash.server.ts";
import { invalid, readFormWithLists, validate, type FieldErrors, type FormValues } from "~/platform/forms/forms.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { answerDomainError } from "~/platform/http/domain-errors.server.ts";
import { isReviewIntent, type ReviewIntent } from "./review-intents.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import type { TextKey } from "~/platform/i18n/messages.server.ts";
import { reviewSchemas } from "./review-forms.server.ts";
import { canTransition } from "~/features/application/workflow.ts";
import { criteriaItems, getCriteria } from "~/features/application/criteria.server.ts";
import { getVersion, listApplicationEmails, listChangeRequests, listTimeline } from "~/features/application/queries.server.ts";
import { listAttachmentsByIds } from "~/features/application/files.server.ts";
import { addInternalNote, assignApplication, defaultReplyBy, forwardToMinistry, MissingVerdictsError, recognisePlatform, rejectApplication, RECOMMENDATIONS, REJECTION_REASONS, requestChanges, returnToProvince, saveVerdict, type ChangeTarget, type SectionTarget } from "./commands.server.ts";
import { getApplicationForReviewer, listInternalNotes, listVerdicts, stageOf } from "./queries.server.ts";
import { listColleagues } from "./queues.server.ts";
import { readApplicationAudit } from "./audit-reader.server.ts";
import { conflictedAmong, ConflictOfInterestError, DeclarationRequiredError, declareConflict, declaredConflict } from "./conflicts.server.ts";
import { formatDate } from "~/platform/i18n/format.ts";
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

/** The audit reader of one application (/review/:id/audit, /ministry/:id/audit): for reviewers who may see it, else 404. */
export async function loadAuditReader(request: Request, base: ReviewBase, id: string | undefined) {
  const { user, app } = await requireReviewApplication(request, base, id);
  const { t } = await getTranslator(request);
  const lines = await readApplicationAudit(request, app, stageOf(user));
  return { title: t("audit.app.title", { reference: app.reference ?? "" }), base, id: app.id, platformName: app.platform_name, lines };
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
  const [province, verification, myConflict, conflicted] = await Promise.all([
    app.province_code ? getProvince(app.province_code) : undefined,
    verificationForReview(app, stage),
    declaredConflict(user.id, app.enterprise_id),
    conflictedAmong(
      colleagues.map((c) => c.id),
      app.enterprise_id,
    ),
  ]);
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
    /** Colleagues who declared a conflict with this enterprise: not offered in the assign list. */
    conflicted: colleagues.filter((c) => conflicted.has(c.id)).map((c) => c.id),
    /** This reviewer's declared conflict with the enterprise: no take form, a notice instead. */
    myConflict: myConflict ? { reason: myConflict.reason, declaredAt: myConflict.created_at } : null,
    emails,
    reasons: REJECTION_REASONS,
    sectionTargets: SECTION_TARGETS,
  };
}

interface IntentInput {
  user: Awaited<ReturnType<typeof requireReviewApplication>>["user"];
  app: Awaited<ReturnType<typeof requireReviewApplication>>["app"];
  t: Translate;
  values: FormValues;
  lists: Record<string, string[]>;
  items: { key: string }[];
  requestId: string;
}

/** A form done with another outcome than its handler's usual flash (a take refused by a declared conflict). */
class Done {
  constructor(
    readonly flash: TextKey,
    readonly kind: "success" | "warning" | "info",
  ) {}
}

/** One review form: its schema and one model call. Field errors to show again, or nothing when it is done. */
interface IntentHandler {
  flash: TextKey;
  run: (input: IntentInput) => Promise<FieldErrors | Done | void>;
}

/** Bad input of a form whose every field is hidden: a forged or stale post, not the user's mistake. */
function badRequest(): never {
  throw new Response("Bad Request", { status: 400 });
}

/** Release (nobody): the assign form without a choice. */
function assignTo(who: (input: IntentInput) => string | null): IntentHandler {
  return {
    flash: "flash.assigned",
    run: async (input) => {
      const r = validate(reviewSchemas.assign(), input.values);
      if (!r.ok) return badRequest();
      await assignApplication(input.user, input.app.id, { assigneeId: who(input), lockVersion: r.data.lockVersion }, input.requestId);
    },
  };
}

/**
 * Take: the reviewer declares no conflict of interest with the enterprise (then takes it) or declares one (recorded,
 * the stage's other reviewers told, not taken). Without a declaration: 400 with the field's error.
 */
const take: IntentHandler = {
  flash: "flash.assigned",
  run: async ({ user, app, t, values, requestId }) => {
    const r = validate(reviewSchemas.take(t), values);
    if (!r.ok) return r.errors;
    if (r.data.declaration === "conflict") {
      await declareConflict(user, app.id, r.data.conflictReason, requestId);
      return new Done("flash.conflictDeclared", "warning");
    }
    await assignApplication(user, app.id, { assigneeId: user.id, lockVersion: r.data.lockVersion, noConflict: true }, requestId);
  },
};

// Typed by ReviewIntent: an intent added to REVIEW_INTENTS without its handler does not compile.
const INTENTS: Record<ReviewIntent, IntentHandler> = {
  take,
  declare_conflict: {
    flash: "flash.conflictDeclared",
    run: async ({ user, app, t, values, requestId }) => {
      const r = validate(reviewSchemas.declareConflict(t), values);
      if (!r.ok) return r.errors;
      await declareConflict(user, app.id, r.data.conflictReason, requestId);
      return new Done("flash.conflictDeclared", "warning");
    },
  },
  release: assignTo(() => null),
  assign: {
    flash: "flash.assigned",
    run: async ({ user, app, t, values, requestId }) => {
      const r = validate(reviewSchemas.assign(), values);
      if (!r.ok) return badRequest();
      if (!r.data.assigneeId) return { assigneeId: t("error.choose", { field: t("queue.col.assignee").toLowerCase() }) };
      // Taking it oneself goes with a declaration about conflicts of interest: the take form, not this one.
      if (r.data.assigneeId === user.id) return { assigneeId: t("error.assignSelf") };
      await assignApplication(user, app.id, { assigneeId: r.data.assigneeId, lockVersion: r.data.lockVersion }, requestId);
    },
  },
  verdict: {
    flash: "flash.verdictSaved",
    run: async ({ user, app, t, values, items, requestId }) => {
      const r = validate(reviewSchemas.verdict(t, items.map((i) => i.key)), values);
      if (!r.ok) return r.errors;
      await saveVerdict(user, app.id, r.data, requestId);
    },
  },
  note: {
    flash: "flash.noteAdded",
    run: async ({ user, app, t, values, requestId }) => {
      const r = validate(reviewSchemas.note(t), values);
      if (!r.ok) return r.errors;
      await addInternalNote(user, app.id, r.data.body, requestId);
    },
  },
  request_changes: {
    flash: "flash.changesRequested",
    run: async ({ user, app, t, values, lists, items, requestId }) => {
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
      if (!r.ok || Object.keys(errors).length > 0) return errors;
      await requestChanges(user, app.id, { lockVersion: r.data.lockVersion, items: chosen, replyBy: r.data.replyBy, message: r.data.message }, requestId);
    },
  },
  reject: {
    flash: "flash.rejected",
    run: async ({ user, app, t, values, lists, requestId }) => {
      const r = validate(reviewSchemas.reject(t), { ...values, reasons: lists.reasons ?? [] } as never);
      if (!r.ok) return r.errors;
      await rejectApplication(user, app.id, { lockVersion: r.data.lockVersion, reasons: r.data.reasons, note: r.data.note }, requestId);
    },
  },
  forward: {
    flash: "flash.forwarded",
    run: async ({ user, app, t, values, requestId }) => {
      const r = validate(reviewSchemas.forward(t), values);
      if (!r.ok) return r.errors;
      await forwardToMinistry(user, app.id, r.data, requestId);
    },
  },
  return: {
    flash: "flash.returned",
    run: async ({ user, app, t, values, requestId }) => {
      const r = validate(reviewSchemas.returnToProvince(t), values);
      if (!r.ok) return r.errors;
      await returnToProvince(user, app.id, { lockVersion: r.data.lockVersion, note: r.data.note }, requestId);
    },
  },
  recognise: {
    flash: "flash.recognised",
    run: async ({ user, app, t, values, requestId }) => {
      const r = validate(reviewSchemas.recognise(t), values);
      if (!r.ok) return r.errors;
      await recognisePlatform(user, app.id, r.data, requestId);
    },
  },
  verify_enterprise: {
    flash: "flash.enterpriseVerified",
    run: async ({ user, app, t, values, requestId }) => {
      const r = validate(verificationSchemas.verify(t), values);
      if (!r.ok) return r.errors;
      await verifyEnterprise(user, app.id, { outcome: r.data.verification, reason: r.data.verificationReason }, requestId);
    },
  },
};

/** Every review form posts here with an intent; the intent's handler validates and acts, the errors are mapped here. */
export async function reviewAction(request: Request, context: AppLoadContext, base: ReviewBase, id: string | undefined) {
  const { user, app } = await requireReviewApplication(request, base, id);
  const { t, locale } = await getTranslator(request);
  const { values, lists } = await readFormWithLists(request);
  const intent = values.intent;
  if (!isReviewIntent(intent)) return badRequest();
  const handler = INTENTS[intent];
  const fail = (errors: FieldErrors) => invalid(errors, { ...values }, { status: 400 });
  const items = criteriaItems(await getCriteria(app.criteria_set_id));
  let errors: FieldErrors | Done | void;
  try {
    errors = await handler.run({ user, app, t, values, lists, items, requestId: context.requestId });
  } catch (e) {
    if (e instanceof VerificationRequirementsError)
      return fail({ verification: e.missing.map((m) => t(`error.verification.${m}`)).join(" ") });
    if (e instanceof VerificationBlockedError) return fail({ verification: t("error.verification.blocked") });
    if (e instanceof EnterpriseNotVerifiedError)
      return fail({ "enterprise-verification": t(base === "ministry" ? "error.notVerified.ministry" : e.disputed ? "error.notVerified.disputed" : "error.notVerified") });
    if (e instanceof DeclarationRequiredError) return fail({ declaration: t("error.declaration") });
    if (e instanceof ConflictOfInterestError)
      return invalid(e.self ? { declaration: t("error.conflictDeclared", { date: formatDate(e.declaredAt, locale) }) } : { assigneeId: t("error.assigneeConflict") }, { ...values }, { status: 403 });
    if (e instanceof MissingVerdictsError) return fail({ summary: t("error.missingVerdicts", { count: e.missing.length }) });
    return answerDomainError(e, { conflict: (c) => data({ conflict: { status: c.current.status }, errors: {} as FieldErrors, values: {} }, { status: 409 }) });
  }
  if (errors instanceof Done) return redirect(`/${base}/${app.id}`, { headers: { "Set-Cookie": await setFlash({ kind: errors.kind, key: errors.flash }) } });
  if (errors) return fail(errors);
  return redirect(`/${base}/${app.id}`, { headers: { "Set-Cookie": await setFlash({ kind: "success", key: handler.flash }) } });
}
