import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { SummaryRow } from "~/features/application/ui/application-ui.tsx";
import { Button, ErrorSummary, Radios, TextArea } from "~/components/form.tsx";
import { FlashBanner, PageTitle } from "~/components/ui.tsx";
import { FileList, RemoveForms, UploadForm } from "~/features/application/ui/upload-progress.tsx";
import { requireMemberApplication } from "~/features/application/application-guards.server.ts";
import type { Application } from "~/platform/db/db-types.ts";
import { setFlash } from "~/platform/http/flash.server.ts";
import { formatBytes, formatIsoDate } from "~/platform/i18n/format.ts";
import { criterionSchema, MAX_LINKS } from "~/features/application/criterion-form.server.ts";
import { readForm, validate, type FieldErrors, type FormValues } from "~/platform/forms/forms.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { ACCEPT } from "~/features/application/file-checks.server.ts";
import { discardBody, isMultipart, parseUpload, quotaMessage, usageParams } from "~/features/application/uploads.server.ts";
import { useLocale, useT } from "~/platform/i18n/use-t.ts";
import { addAttachments, attachmentUsage, listAttachments, QuotaError, removeAttachment, findLiveAttachment } from "~/features/application/files.server.ts";
import { canEditCriterion } from "~/features/application/editable.ts";
import { criteriaItems, getCriteria, type CriteriaItem } from "~/features/application/criteria.server.ts";
import { answerDomainError } from "~/platform/http/domain-errors.server.ts";
import { openChangeRequest } from "~/features/application/queries.server.ts";
import { saveCriterion } from "~/features/application/drafts.server.ts";
import { databaseFileStore } from "~/platform/db/file-store.server.ts";
import { localised } from "~/platform/i18n/localised.ts";

const FILE_FIELD = "evidence";

interface Failure {
  errors: FieldErrors;
  values: FormValues;
  notice?: string;
}

function failure(body: Failure, status: number, closeConnection = false) {
  return data<Failure>(body, { status, headers: closeConnection ? { Connection: "close" } : undefined });
}

async function loadItem(app: Application, key: string | undefined) {
  const groups = await getCriteria(app.criteria_set_id);
  const items = criteriaItems(groups);
  const index = items.findIndex((i) => i.key === key);
  const item = items[index];
  if (!item) return undefined;
  const group = groups.find((g) => g.items.includes(item))!;
  return { groups, items, index, item, group };
}

/** Where "Save and continue" goes: the next criterion this application may still change, else the list. */
function nextHref(app: Application, items: CriteriaItem[], index: number): string {
  const next = items.slice(index + 1).find((i) => canEditCriterion(app, i.key));
  return next ? `/applications/${app.id}/criteria/${next.key}` : `/applications/${app.id}/criteria`;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { app } = await requireMemberApplication(request, params.id);
  const { locale } = await getTranslator(request);
  const found = await loadItem(app, params.key);
  if (!found) throw new Response("Not Found", { status: 404 });
  const { items, index, item, group } = found;
  const [all, usage, changeRequest] = await Promise.all([listAttachments(app.id), attachmentUsage(app.id), openChangeRequest(app.id)]);
  const requested = changeRequest?.items.find((i) => i.target === `criterion:${item.key}`);
  const answer = app.answers.criteria?.[item.key] ?? {};
  return {
    title: localised(item, "text", locale),
    id: app.id,
    item: {
      key: item.key,
      text: localised(item, "text", locale),
      evidence: localised(item, "evidence", locale),
      evidenceRequired: item.evidence_required,
    },
    groupTitle: `${group.code}. ${localised(group, "title", locale)}`,
    position: { n: index + 1, total: items.length },
    answer: { assessment: answer.assessment ?? ("" as const), explanation: answer.explanation ?? "", links: (answer.links ?? []).join("\n") },
    files: all
      .filter((f) => f.slot === `criterion:${item.key}`)
      .map((f) => ({ id: f.id, name: f.file_name, size: formatBytes(f.size_bytes) })),
    editable: canEditCriterion(app, item.key),
    request: requested && changeRequest ? { note: requested.note, replyBy: changeRequest.reply_by } : null,
    next: nextHref(app, items, index),
    accept: ACCEPT,
    maxLinks: MAX_LINKS,
    usage: usageParams(usage),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, app } = await requireMemberApplication(request, params.id);
  const { t } = await getTranslator(request);
  const found = await loadItem(app, params.key);
  if (!found) {
    if (isMultipart(request)) await discardBody(request);
    throw new Response("Not Found", { status: 404 });
  }
  const { items, index, item } = found;
  const slot = `criterion:${item.key}`;
  const here = `/applications/${app.id}/criteria/${item.key}`;
  const notEditable = async () =>
    failure({ errors: {}, values: {}, notice: t("crit.notEditable") }, 409, isMultipart(request) ? await discardBody(request) : false);
  if (!canEditCriterion(app, item.key)) return notEditable();

  if (!isMultipart(request)) {
    const values = await readForm(request);
    if (values.intent !== "remove") throw new Response("Bad Request", { status: 400 });
    const file = await findLiveAttachment(app.id, values.fileId ?? "");
    if (!file || file.slot !== slot) throw new Response("Not Found", { status: 404 });
    try {
      await removeAttachment(user, app.id, file.id, context.requestId);
    } catch (e) {
      return answerDomainError(e, { notEditable });
    }
    return redirect(here, { headers: { "Set-Cookie": await setFlash({ kind: "success", key: "upload.flash.removed" }) } });
  }

  const upload = await parseUpload(request, { t, fileFields: [FILE_FIELD], usage: await attachmentUsage(app.id), store: databaseFileStore });
  const values = upload.values;
  // The parse stopped part-way: the text after the refused file never arrived, so only the upload error is shown.
  if (!upload.complete) return failure({ errors: upload.errors, values }, upload.status, upload.closeConnection);

  const complete = values.intent !== "later";
  const checked = validate(criterionSchema(t, complete), values);
  const errors: FieldErrors = checked.ok ? {} : { ...checked.errors };
  if (checked.ok && complete && item.evidence_required && checked.data.assessment !== "not_met" && checked.data.links.length === 0) {
    const stored = (await listAttachments(app.id)).some((f) => f.slot === slot);
    if (!stored && upload.files.length === 0) errors[FILE_FIELD] = t("crit.error.evidence");
  }
  // A refused file: nothing is saved, so the set of files and the answer stay together; the typed text comes back.
  if (upload.problems.length > 0) return failure({ errors: { ...errors, ...upload.errors }, values }, upload.status);

  let notice: string | undefined;
  if (upload.files.length > 0) {
    try {
      await addAttachments(user, app.id, slot, upload.files, context.requestId);
    } catch (e) {
      if (e instanceof QuotaError) return failure({ errors: { ...errors, [FILE_FIELD]: quotaMessage(t, e.kind, e.usage) }, values }, 413);
      return answerDomainError(e, { notEditable });
    }
    notice = t("upload.savedWithErrors", { count: upload.files.length });
  }
  // Valid files are kept even when the answer has mistakes: choosing them again would be the user's loss, not ours.
  if (!checked.ok || Object.keys(errors).length > 0) return failure({ errors, values, notice }, 400);

  const { assessment, explanation, links } = checked.data;
  try {
    await saveCriterion(
      user,
      app.id,
      item.key,
      { ...(assessment ? { assessment } : {}), ...(explanation ? { explanation } : {}), ...(links.length ? { links } : {}) },
      context.requestId,
    );
  } catch (e) {
    return answerDomainError(e, { notEditable });
  }
  if (!complete) {
    return redirect(`/applications/${app.id}`, { headers: { "Set-Cookie": await setFlash({ kind: "success", key: "crit.flash.savedForLater" }) } });
  }
  return redirect(nextHref(app, items, index));
}

export default function CriterionPage() {
  const t = useT();
  const d = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>();
  const locale = useLocale();
  const fileError = state?.errors?.[FILE_FIELD];
  const fileDescribedBy = [`${FILE_FIELD}-hint`, fileError ? `${FILE_FIELD}-error` : null].filter(Boolean).join(" ");
  return (
    <>
      <p className="body">
        <Link to={`/applications/${d.id}/criteria`}>{t("crit.backToList")}</Link>
      </p>
      <ErrorSummary errors={state?.errors} />
      {state?.notice ? <FlashBanner kind={state.errors && Object.keys(state.errors).length ? "info" : "warning"} text={state.notice} /> : null}
      <PageTitle caption={`${d.groupTitle} · ${t("crit.position", { n: d.position.n, total: d.position.total })}`}>{d.item.text}</PageTitle>
      {d.request ? (
        <section className="inset" aria-labelledby="change-request-title">
          <h2 className="heading-s" id="change-request-title">
            {t("crit.request.title")}
          </h2>
          <p className="body summary-list__value">{d.request.note}</p>
          <p className="body">{t("crit.request.replyBy", { date: formatIsoDate(d.request.replyBy, locale) })}</p>
        </section>
      ) : null}
      <div className="inset">
        <p className="body">
          <strong>{t("crit.evidenceNeeded")}</strong> {d.item.evidence}
        </p>
        <p className="body">{d.item.evidenceRequired ? t("crit.evidenceRequired") : t("crit.evidenceOptional")}</p>
      </div>

      {d.editable ? (
        <>
          <UploadForm id="criterion-form">
            <Radios
              name="assessment"
              legend={t("crit.assessment")}
              state={state}
              defaultValue={d.answer.assessment}
              options={(["meets", "partly", "not_met"] as const).map((a) => ({ value: a, label: t(`assessment.${a}`) }))}
            />
            <TextArea name="explanation" label={t("crit.explanation")} hint={t("crit.explanation.hint")} state={state} defaultValue={d.answer.explanation} rows={6} />
            <TextArea name="links" label={t("crit.links")} hint={t("crit.links.hint", { max: d.maxLinks })} state={state} defaultValue={d.answer.links} rows={3} />
            <div className={`form-group${fileError ? " form-group--error" : ""}`}>
              <label className="label" htmlFor={FILE_FIELD}>
                {t("crit.files")}
              </label>
              <div className="hint" id={`${FILE_FIELD}-hint`}>
                {t("upload.hint")} {t("upload.usage", d.usage)}
                {` ${t("upload.usageEnterprise", d.usage)}`}
              </div>
              {fileError ? (
                <p className="error-message" id={`${FILE_FIELD}-error`}>
                  <span className="visually-hidden">Lỗi / Error: </span>
                  {fileError}
                </p>
              ) : null}
              <FileList files={d.files} appId={d.id} removable />
              <input
                className={`file-upload${fileError ? " input--error" : ""}`}
                type="file"
                id={FILE_FIELD}
                name={FILE_FIELD}
                multiple
                accept={d.accept}
                aria-describedby={fileDescribedBy}
                aria-invalid={fileError ? true : undefined}
              />
            </div>
            <Button name="intent" value="continue">
              {t("common.saveAndContinue")}
            </Button>
            <Button name="intent" value="later" variant="secondary">
              {t("common.saveForLater")}
            </Button>
          </UploadForm>
          <RemoveForms files={d.files} />
        </>
      ) : (
        <>
          <p className="body">{t("crit.readOnly")}</p>
          <dl className="summary-list">
            <SummaryRow label={t("crit.assessment")} value={d.answer.assessment ? t(`assessment.${d.answer.assessment}`) : ""} />
            <SummaryRow label={t("crit.explanation")} value={d.answer.explanation} />
            <SummaryRow label={t("crit.links")} value={d.answer.links} />
            <SummaryRow label={t("crit.files")} value={d.files.length ? <FileList files={d.files} appId={d.id} /> : ""} />
          </dl>
          <p className="body">
            <Link to={d.next} className="button button--primary">
              {t("crit.continue")}
            </Link>
          </p>
        </>
      )}
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
