// Longer than 400 lines: one page with two forms (create and edit the enterprise) that share their fields, texts and error handling.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Button, Checkbox, ErrorSummary, Select, TextArea, TextInput, type FormState } from "~/components/form.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { VerificationTag } from "~/features/enterprise/ui/verification.tsx";
import { requireRole } from "~/features/account/auth.server.ts";
import { setFlash } from "~/platform/http/flash.server.ts";
import { invalid, readForm, validate, type FieldErrors, type FormValues } from "~/platform/forms/forms.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import type { Locale } from "~/platform/db/db-types.ts";
import { formatDate } from "~/platform/i18n/format.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { provinceName, provinceSortKey } from "~/features/reference/province-names.ts";
import { isMultipart, parseUpload, type UploadedFile } from "~/features/application/uploads.server.ts";
import { databaseFileStore } from "~/platform/db/file-store.server.ts";
import { useLocale, useT } from "~/platform/i18n/use-t.ts";
import { formatPhone } from "~/platform/forms/vn-formats.ts";
import { AlreadyMemberError, createEnterprise, TaxCodeTakenError, updateEnterprise } from "~/features/enterprise/enterprise.server.ts";
import { getMembership } from "~/features/account/membership.server.ts";
import { MAX_BYTES_PER_APPLICATION, MAX_FILE_BYTES, MAX_FILES_PER_APPLICATION } from "~/features/application/limits.server.ts";
import { listProvinces } from "~/features/reference/reference.server.ts";
import { verificationForEnterprise } from "~/features/enterprise/verification-queries.server.ts";
import { enterpriseSchemas } from "~/features/enterprise/enterprise-forms.server.ts";

const CERTIFICATE_TYPES = new Set(["application/pdf", "image/png", "image/jpeg"]);

async function sortedProvinces(locale: Locale) {
  const provinces = await listProvinces();
  return provinces
    .map((p) => ({ code: p.code, name: provinceName(p, locale), sortKey: locale === "vi" ? provinceSortKey(p) : p.name_en }))
    .sort((a, b) => a.sortKey.localeCompare(b.sortKey, locale));
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "enterprise");
  const { t, locale } = await getTranslator(request);
  const [membership, provinces] = await Promise.all([getMembership(user.id), sortedProvinces(locale)]);
  const e = membership?.enterprise;
  const editing = membership?.role === "owner" && new URL(request.url).searchParams.has("edit");
  const v = e ? await verificationForEnterprise(e) : null;
  return {
    title: t("enterprise.title"),
    accept: ".pdf,.png,.jpg,.jpeg",
    provinces: provinces.map(({ code, name }) => ({ code, name })),
    editing,
    membership: e
      ? {
          role: membership.role,
          enterprise: {
            taxCode: e.tax_code,
            legalName: e.legal_name,
            englishName: e.english_name ?? "",
            provinceCode: e.province_code,
            provinceName: provinces.find((p) => p.code === e.province_code)?.name ?? e.province_code,
            address: e.address,
            representativeName: e.representative_name,
            representativeTitle: e.representative_title,
            phone: formatPhone(e.phone),
            website: e.website ?? "",
          },
        }
      : null,
    verification: v
      ? {
          status: v.status,
          reason: v.reason,
          decidedAt: v.decidedAt,
          agency: [t("app.agencyProvince"), v.province?.name_vi].filter(Boolean).join(" "),
          claim: v.claim,
          openAgainst: v.openAgainst,
        }
      : null,
  };
}

/** Form fields as strings, and the certificate of a dispute if one was attached (the create form is multipart). */
async function readProfileForm(request: Request, t: Translate) {
  if (!isMultipart(request)) return { values: await readForm(request), evidence: undefined, fileErrors: {} as FieldErrors, refused: null };
  // Room for exactly one certificate: the parser refuses anything bigger before reading it.
  const usage = { files: MAX_FILES_PER_APPLICATION - 1, bytes: MAX_BYTES_PER_APPLICATION - MAX_FILE_BYTES };
  const upload = await parseUpload(request, { t, fileFields: ["evidence"], usage, store: databaseFileStore });
  if (!upload.complete) return { values: upload.values, evidence: undefined, fileErrors: upload.errors, refused: upload };
  const evidence: UploadedFile | undefined = upload.files.find((f) => f.field === "evidence");
  const fileErrors: FieldErrors = { ...upload.errors };
  if (evidence && !CERTIFICATE_TYPES.has(evidence.contentType)) fileErrors.evidence = t("upload.error.type", { name: evidence.fileName });
  // Only a certificate is kept, and only by the dispute that claims it; every other staged byte goes now.
  const kept = evidence && !fileErrors.evidence ? evidence : undefined;
  await databaseFileStore.discard(upload.files.filter((f) => f !== kept).map((f) => f.blobId));
  return { values: upload.values, evidence: kept, fileErrors, refused: null };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "enterprise");
  const { t } = await getTranslator(request);
  const form = await readProfileForm(request, t);
  const values: FormValues = form.values;
  if (form.refused)
    return invalid(form.fileErrors, values, { status: form.refused.status, headers: form.refused.closeConnection ? { Connection: "close" } : undefined });
  const [membership, provinces] = await Promise.all([getMembership(user.id), listProvinces()]);
  const provinceCodes = provinces.map((p) => p.code);

  if (values.intent === "update") {
    if (!membership) return redirect("/enterprise");
    if (membership.role !== "owner") throw new Response("Forbidden", { status: 403 });
    const result = validate(enterpriseSchemas.profile(t, provinceCodes), values);
    if (!result.ok) return invalid(result.errors, values);
    await updateEnterprise(user, membership.enterprise.id, result.data, context.requestId);
    return redirect("/enterprise", { headers: { "Set-Cookie": await setFlash({ kind: "success", key: "flash.enterpriseUpdated" }) } });
  }

  // A second tab still showing the creation form must not overwrite the profile that now exists.
  if (membership) return redirect("/enterprise");
  const result = validate(enterpriseSchemas.create(t, provinceCodes), values);
  const disputing = values.offerDispute === "yes";
  const dispute = disputing ? validate(enterpriseSchemas.dispute(t), values) : null;
  const errors: FieldErrors = { ...(result.ok ? {} : result.errors), ...(dispute && !dispute.ok ? dispute.errors : {}) };
  if (disputing) {
    Object.assign(errors, form.fileErrors);
    if (!form.evidence && !errors.evidence) errors.evidence = t("dispute.error.evidence");
  }
  if (!result.ok || Object.keys(errors).length > 0) {
    if (form.evidence) await databaseFileStore.discard([form.evidence.blobId]);
    return invalid(errors, values);
  }
  const claim = dispute?.ok && form.evidence ? { statement: dispute.data.statement, evidence: form.evidence } : undefined;
  if (!claim && form.evidence) await databaseFileStore.discard([form.evidence.blobId]);
  let filed: boolean;
  try {
    filed = (await createEnterprise(user, result.data, context.requestId, claim)).verification_status === "disputed";
  } catch (e) {
    if (form.evidence) await databaseFileStore.discard([form.evidence.blobId]);
    // Not refused for good: the page now offers to file a dispute with the certificate.
    if (e instanceof TaxCodeTakenError) return invalid({ taxCode: t("enterprise.error.taxCodeTaken") }, { ...values, offerDispute: "yes" });
    if (e instanceof AlreadyMemberError) return redirect("/enterprise");
    throw e;
  }
  const flash = filed ? "flash.disputeFiled" : "flash.enterpriseCreated";
  return redirect(filed ? "/enterprise" : "/applications", { headers: { "Set-Cookie": await setFlash({ kind: "success", key: flash }) } });
}

type Provinces = { code: string; name: string }[];

function ProfileFields({ state, provinces, taxCode }: { state?: FormState; provinces: Provinces; taxCode: string | null }) {
  const t = useT();
  return (
    <>
      <fieldset className="fieldset">
        <legend>{t("enterprise.group.identity")}</legend>
        <TextInput name="legalName" label={t("enterprise.field.legalName")} hint={t("enterprise.field.legalName.hint")} autoComplete="organization" required state={state} />
        <TextInput name="englishName" label={t("enterprise.field.englishName")} hint={t("enterprise.field.englishName.hint")} state={state} />
        {taxCode === null ? (
          <TextInput
            name="taxCode"
            label={t("enterprise.field.taxCode")}
            hint={t("enterprise.field.taxCode.hint")}
            width="half"
            inputMode="numeric"
            spellCheck={false}
            required
            state={state}
          />
        ) : (
          <div className="form-group">
            <p className="label">{t("enterprise.field.taxCode")}</p>
            <p className="body">{taxCode}</p>
            <p className="hint">{t("enterprise.taxCode.fixed")}</p>
          </div>
        )}
      </fieldset>
      <fieldset className="fieldset">
        <legend>{t("enterprise.group.headOffice")}</legend>
        <TextInput name="address" label={t("enterprise.field.address")} hint={t("enterprise.field.address.hint")} autoComplete="street-address" required state={state} />
        <Select
          name="provinceCode"
          label={t("enterprise.field.province")}
          hint={t("enterprise.field.province.hint")}
          placeholder={t("field.choose")}
          options={provinces.map((p) => ({ value: p.code, label: p.name }))}
          state={state}
        />
      </fieldset>
      <fieldset className="fieldset">
        <legend>{t("enterprise.group.representative")}</legend>
        <TextInput name="representativeName" label={t("enterprise.field.representativeName")} required state={state} />
        <TextInput
          name="representativeTitle"
          label={t("enterprise.field.representativeTitle")}
          hint={t("enterprise.field.representativeTitle.hint")}
          width="half"
          required
          state={state}
        />
      </fieldset>
      <fieldset className="fieldset">
        <legend>{t("enterprise.group.contact")}</legend>
        <TextInput
          name="phone"
          type="tel"
          label={t("enterprise.field.phone")}
          hint={t("enterprise.field.phone.hint")}
          autoComplete="tel"
          width="half"
          required
          state={state}
        />
        <TextInput
          name="website"
          type="url"
          label={t("enterprise.field.website")}
          hint={t("enterprise.field.website.hint")}
          autoComplete="url"
          spellCheck={false}
          state={state}
        />
      </fieldset>
    </>
  );
}

/** Shown once the tax code turned out to be held by another record: file a dispute instead of giving up. */
function DisputeFields({ state }: { state?: FormState }) {
  const t = useT();
  const { accept } = useLoaderData<typeof loader>();
  const error = state?.errors?.evidence;
  return (
    <fieldset className="fieldset" aria-describedby="dispute-lead">
      <legend>{t("dispute.legend")}</legend>
      <p className="body" id="dispute-lead">
        {t("dispute.lead")}
      </p>
      <input type="hidden" name="offerDispute" value="yes" />
      <Checkbox name="dispute" label={t("dispute.confirm")} state={state} />
      <TextArea name="statement" label={t("dispute.statement")} hint={t("dispute.statement.hint")} rows={4} state={state} />
      <div className={`form-group${error ? " form-group--error" : ""}`}>
        <label className="label" htmlFor="evidence">
          {t("dispute.evidence")}
        </label>
        <div className="hint" id="evidence-hint">
          {t("dispute.evidence.hint")}
        </div>
        {error ? (
          <p className="error-message" id="evidence-error">
            <span className="visually-hidden">Lỗi / Error: </span>
            {error}
          </p>
        ) : null}
        <input
          className={`file-upload${error ? " input--error" : ""}`}
          type="file"
          id="evidence"
          name="evidence"
          accept={accept}
          aria-describedby={["evidence-hint", error ? "evidence-error" : null].filter(Boolean).join(" ")}
          aria-invalid={error ? true : undefined}
        />
      </div>
    </fieldset>
  );
}

type VerificationView = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["verification"]>;

/** The enterprise's claim of its tax code: unverified, verified, not verified (why), or disputed (and how it ended). */
function VerificationSection({ v, taxCode }: { v: VerificationView; taxCode: string }) {
  const t = useT();
  const locale = useLocale();
  const date = v.decidedAt ? formatDate(v.decidedAt, locale) : "";
  return (
    <section aria-labelledby="verification-title">
      <h2 className="heading-m" id="verification-title">
        {t("verification.title")}
      </h2>
      <p className="body">
        <VerificationTag status={v.status} />
      </p>
      {v.status === "unverified" ? <p className="body">{t("verification.enterprise.unverified", { agency: v.agency })}</p> : null}
      {v.status === "verified" ? <p className="body">{t("verification.enterprise.verified", { agency: v.agency, date })}</p> : null}
      {v.status === "not_verified" ? (
        <>
          <p className="body">{t("verification.enterprise.not_verified", { agency: v.agency, date })}</p>
          <p className="inset summary-list__value">{v.reason}</p>
          <p className="body">{t("verification.enterprise.not_verifiedNext")}</p>
        </>
      ) : null}
      {v.status === "disputed" && v.claim ? (
        <>
          <p className="body">{t("verification.enterprise.disputed", { agency: v.agency, taxCode, date: formatDate(v.claim.filedAt, locale) })}</p>
          <dl className="summary-list">
            <div className="summary-list__row">
              <dt className="summary-list__key">{t("verification.enterprise.claimStatement")}</dt>
              <dd className="summary-list__value">{v.claim.statement}</dd>
            </div>
            <div className="summary-list__row">
              <dt className="summary-list__key">{t("verification.enterprise.claimEvidence")}</dt>
              <dd className="summary-list__value">{v.claim.evidence}</dd>
            </div>
          </dl>
        </>
      ) : null}
      {v.status === "refused" ? (
        <>
          <p className="body">{t("verification.enterprise.refused", { agency: v.agency, taxCode, date })}</p>
          <p className="inset summary-list__value">{v.reason}</p>
          <p className="body">{t("verification.enterprise.refusedNext", { agency: v.agency })}</p>
        </>
      ) : null}
      {v.openAgainst > 0 ? (
        <div className="banner banner--warning" role="status">
          <p className="banner__text">{t("verification.enterprise.openAgainst", { agency: v.agency, taxCode })}</p>
        </div>
      ) : null}
    </section>
  );
}

export default function EnterpriseProfile() {
  const t = useT();
  const { membership, provinces, editing, verification } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();

  if (!membership) {
    return (
      <>
        <ErrorSummary errors={failure?.errors} />
        <PageTitle>{t("enterprise.title")}</PageTitle>
        <p className="body">{t("enterprise.create.lead")}</p>
        <p className="body">{t("enterprise.create.colleague")}</p>
        <Form method="post" encType="multipart/form-data" noValidate>
          <input type="hidden" name="intent" value="create" />
          <ProfileFields state={failure} provinces={provinces} taxCode={null} />
          {failure?.values?.offerDispute === "yes" ? <DisputeFields state={failure} /> : null}
          <Button>{failure?.values?.offerDispute === "yes" ? t("dispute.submit") : t("enterprise.create.submit")}</Button>
        </Form>
      </>
    );
  }

  const e = membership.enterprise;
  const isOwner = membership.role === "owner";
  if (isOwner && (editing || failure)) {
    const state: FormState = { errors: failure?.errors, values: failure?.values ?? e };
    return (
      <>
        <ErrorSummary errors={failure?.errors} />
        <PageTitle caption={e.legalName}>{t("enterprise.edit.heading")}</PageTitle>
        <Form method="post" action="/enterprise?index" noValidate>
          <input type="hidden" name="intent" value="update" />
          <ProfileFields state={state} provinces={provinces} taxCode={e.taxCode} />
          <Button>{t("enterprise.edit.submit")}</Button>
        </Form>
        <p className="body">
          <Link to="/enterprise">{t("enterprise.edit.cancel")}</Link>
        </p>
      </>
    );
  }

  const rows: [string, string][] = [
    [t("enterprise.field.legalName"), e.legalName],
    [t("enterprise.short.englishName"), e.englishName || t("enterprise.notGiven")],
    [t("enterprise.field.taxCode"), e.taxCode],
    [t("enterprise.field.address"), `${e.address}, ${e.provinceName}`],
    [t("enterprise.group.representative"), `${e.representativeName} – ${e.representativeTitle}`],
    [t("enterprise.field.phone"), e.phone],
    [t("enterprise.short.website"), e.website || t("enterprise.notGiven")],
  ];
  return (
    <>
      <PageTitle caption={t("enterprise.title")}>{e.legalName}</PageTitle>
      <p className="body">{t("enterprise.yourRole", { role: t(`enterprise.role.${membership.role}`) })}</p>
      <div className="table-wrap">
        <table className="table">
          <caption className="table__caption">{t("enterprise.summary.caption")}</caption>
          <tbody>
            {rows.map(([label, value]) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td>{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {isOwner ? (
        <p className="body">
          <Link to="/enterprise?edit" className="button button--secondary">
            {t("enterprise.summary.edit")}
          </Link>
        </p>
      ) : (
        <p className="body">{t("enterprise.edit.ownersOnly")}</p>
      )}
      <p className="body">
        <Link to="/enterprise/members">{isOwner ? t("enterprise.membersLink") : t("enterprise.membersLinkReadOnly")}</Link>
      </p>
      {verification ? <VerificationSection v={verification} taxCode={e.taxCode} /> : null}
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
