import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { Button, ErrorSummary } from "~/components/form.tsx";
import { FlashBanner, PageTitle } from "~/components/ui.tsx";
import { FileList, RemoveForms, UploadForm, type FileRow } from "~/features/application/ui/upload-progress.tsx";
import { requireMemberApplication } from "~/features/application/application-guards.server.ts";
import { setFlash } from "~/platform/http/flash.server.ts";
import { formatBytes } from "~/platform/i18n/format.ts";
import { readForm, type FieldErrors, type FormValues } from "~/platform/forms/forms.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { ACCEPT } from "~/features/application/file-checks.server.ts";
import { discardBody, isMultipart, parseUpload, quotaMessage, usageParams } from "~/features/application/uploads.server.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { addAttachmentsToSlots, attachmentUsage, listAttachments, QuotaError, removeAttachment, findLiveAttachment } from "~/features/application/files.server.ts";
import { canEditSection } from "~/features/application/editable.ts";
import { DOCUMENT_SLOTS, type DocumentKind } from "~/features/application/limits.server.ts";
import { isUuid } from "~/platform/forms/input.server.ts";
import { answerDomainError } from "~/platform/http/domain-errors.server.ts";
import { databaseFileStore } from "~/platform/db/file-store.server.ts";

/** Form field (and element id) of a slot: "doc:business_registration" → "doc-business_registration". */
const fieldOf = (slot: string) => slot.replace(":", "-");
// A function, not a module-level value: the classic compiler keeps top-level expressions in the browser bundle.
const slotsByField = () => new Map<string, string>(DOCUMENT_SLOTS.map((d) => [fieldOf(d.slot), d.slot]));

interface Failure {
  errors: FieldErrors;
  values: FormValues;
  notice?: string;
}

function failure(body: Failure, status: number, closeConnection = false) {
  return data<Failure>(body, { status, headers: closeConnection ? { Connection: "close" } : undefined });
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { app } = await requireMemberApplication(request, params.id);
  const { t } = await getTranslator(request);
  const [files, usage] = await Promise.all([listAttachments(app.id), attachmentUsage(app.id)]);
  return {
    title: t("section.documents"),
    id: app.id,
    editable: canEditSection(app, "documents"),
    accept: ACCEPT,
    usage: usageParams(usage),
    slots: DOCUMENT_SLOTS.map((d) => ({
      slot: d.slot,
      kind: d.kind,
      field: fieldOf(d.slot),
      required: d.required,
      files: files.filter((f) => f.slot === d.slot).map((f) => ({ id: f.id, name: f.file_name, size: formatBytes(f.size_bytes) })),
    })),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, app } = await requireMemberApplication(request, params.id);
  const { t } = await getTranslator(request);
  const here = `/applications/${app.id}/documents`;
  const notEditable = async () =>
    failure({ errors: {}, values: {}, notice: t("docs.notEditable") }, 409, isMultipart(request) ? await discardBody(request) : false);
  if (!canEditSection(app, "documents")) return notEditable();

  if (!isMultipart(request)) {
    const values = await readForm(request);
    if (values.intent !== "remove" || !isUuid(values.fileId ?? "")) throw new Response("Bad Request", { status: 400 });
    const file = await findLiveAttachment(app.id, values.fileId!);
    if (!file || !file.slot.startsWith("doc:")) throw new Response("Not Found", { status: 404 });
    try {
      await removeAttachment(user, app.id, file.id, context.requestId);
    } catch (e) {
      return answerDomainError(e, { notEditable });
    }
    return redirect(here, { headers: { "Set-Cookie": await setFlash({ kind: "success", key: "upload.flash.removed" }) } });
  }

  const SLOT_BY_FIELD = slotsByField();
  const upload = await parseUpload(request, {
    t,
    fileFields: [...SLOT_BY_FIELD.keys()],
    usage: await attachmentUsage(app.id),
    store: databaseFileStore,
    defaultField: fieldOf(DOCUMENT_SLOTS[0].slot),
  });
  // No file is saved when any is refused: the user fixes the one and sends the set again.
  if (upload.problems.length > 0) return failure({ errors: upload.errors, values: upload.values }, upload.status, upload.closeConnection);

  const files = upload.files.map((f) => ({ ...f, slot: SLOT_BY_FIELD.get(f.field)! }));
  try {
    await addAttachmentsToSlots(user, app.id, files, context.requestId);
  } catch (e) {
    const field = upload.files[0]!.field;
    if (e instanceof QuotaError) return failure({ errors: { [field]: quotaMessage(t, e.kind, e.usage) }, values: upload.values }, 413);
    return answerDomainError(e, { notEditable: () => failure({ errors: { [field]: t("docs.notEditable") }, values: upload.values }, 409) });
  }
  const saved = files.length > 0;
  if (upload.values.intent === "upload") {
    return redirect(here, { headers: saved ? { "Set-Cookie": await setFlash({ kind: "success", key: "upload.flash.added" }) } : undefined });
  }
  return redirect(`/applications/${app.id}`, saved ? { headers: { "Set-Cookie": await setFlash({ kind: "success", key: "upload.flash.added" }) } } : undefined);
}

export default function DocumentsSection() {
  const t = useT();
  const d = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>();
  return (
    <>
      <p className="body">
        <Link to={`/applications/${d.id}`}>{t("common.backToTaskList")}</Link>
      </p>
      <ErrorSummary errors={state?.errors} />
      {state?.notice ? <FlashBanner kind={Object.keys(state.errors ?? {}).length ? "info" : "warning"} text={state.notice} /> : null}
      <PageTitle caption={t("app.title")}>{t("section.documents")}</PageTitle>
      <p className="body">{t("docs.lead")}</p>
      <p className="hint">
        {t("upload.hint")} {t("upload.usage", d.usage)}
        {` ${t("upload.usageEnterprise", d.usage)}`}
      </p>
      {d.editable ? (
        <>
          <UploadForm id="documents-form">
            {d.slots.map((s) => (
              <SlotField key={s.slot} slot={s} appId={d.id} accept={d.accept} error={state?.errors?.[s.field]} />
            ))}
            <Button name="intent" value="continue">
              {t("common.saveAndContinue")}
            </Button>
            <Button name="intent" value="upload" variant="secondary">
              {t("docs.uploadAndStay")}
            </Button>
          </UploadForm>
          <RemoveForms files={d.slots.flatMap((s) => s.files)} />
        </>
      ) : (
        <>
          <p className="body">{t("docs.readOnly")}</p>
          {d.slots.map((s) => (
            <section key={s.slot} aria-labelledby={`${s.field}-title`}>
              <h2 className="heading-s" id={`${s.field}-title`}>
                {t(`doc.${s.kind}`)}
              </h2>
              {s.files.length ? <FileList files={s.files} appId={d.id} /> : <p className="body">{t("docs.noFiles")}</p>}
            </section>
          ))}
          <p className="body">
            <Link to={`/applications/${d.id}`} className="button button--primary">
              {t("common.backToTaskList")}
            </Link>
          </p>
        </>
      )}
    </>
  );
}

function SlotField({
  slot,
  appId,
  accept,
  error,
}: {
  slot: { slot: string; kind: DocumentKind; field: string; required: boolean; files: FileRow[] };
  appId: string;
  accept: string;
  error?: string;
}) {
  const t = useT();
  const { field } = slot;
  const describedBy = [`${field}-hint`, error ? `${field}-error` : null].filter(Boolean).join(" ");
  return (
    <div className={`form-group${error ? " form-group--error" : ""}`}>
      <label className="label" htmlFor={field}>
        {t(`doc.${slot.kind}`)} {slot.required ? null : <span className="hint-inline">{t("form.optional")}</span>}
      </label>
      <div className="hint" id={`${field}-hint`}>
        {t(`docs.hint.${slot.kind}`)}
      </div>
      {error ? (
        <p className="error-message" id={`${field}-error`}>
          <span className="visually-hidden">Lỗi / Error: </span>
          {error}
        </p>
      ) : null}
      {slot.files.length ? (
        <FileList files={slot.files} appId={appId} removable />
      ) : slot.required ? (
        <p className="body file-list__none">{t("docs.noFilesYet")}</p>
      ) : null}
      <input
        className={`file-upload${error ? " input--error" : ""}`}
        type="file"
        id={field}
        name={field}
        multiple
        accept={accept}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
      />
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
