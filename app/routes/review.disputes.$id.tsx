import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ApplicationStatusTag } from "~/features/application/ui/application-ui.tsx";
import { Button, ErrorSummary, Radios, TextArea } from "~/components/form.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { VerificationTag } from "~/features/enterprise/ui/verification.tsx";
import { requireRole } from "~/features/account/auth.server.ts";
import { setFlash } from "~/platform/http/flash.server.ts";
import { formatBytes, formatDate, formatDateTime } from "~/platform/i18n/format.ts";
import { invalid, readForm, validate } from "~/platform/forms/forms.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useLocale, useT } from "~/platform/i18n/use-t.ts";
import { verificationSchemas } from "~/features/enterprise/verification-forms.server.ts";
import { formatPhone } from "~/platform/forms/vn-formats.ts";
import { answerDomainError } from "~/platform/http/domain-errors.server.ts";
import { listProvinces } from "~/features/reference/reference.server.ts";
import { DisputeResolvedError, resolveDispute, WinnerWithoutCertificateError } from "~/features/enterprise/verification.server.ts";
import { getDisputeForReviewer } from "~/features/enterprise/verification-queries.server.ts";

async function requireDispute(request: Request, id: string | undefined) {
  const user = await requireRole(request, "province_reviewer");
  const found = await getDisputeForReviewer(user, id ?? "");
  if (!found) throw new Response("Not Found", { status: 404 });
  return { user, ...found };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { dispute, holder, claimant } = await requireDispute(request, params.id);
  const { t } = await getTranslator(request);
  const provinces = await listProvinces();
  const provinceName = (code: string) => provinces.find((p) => p.code === code)?.name_vi ?? code;
  const party = (p: typeof holder) => ({ ...p, provinceName: provinceName(p.provinceCode), phone: formatPhone(p.phone) });
  return {
    title: t("dispute.title", { taxCode: dispute.tax_code }),
    dispute: {
      id: dispute.id,
      taxCode: dispute.tax_code,
      filedAt: dispute.created_at,
      statement: dispute.statement,
      resolvedAt: dispute.resolved_at,
      winner: dispute.winner_enterprise_id === holder.id ? "holder" : dispute.winner_enterprise_id === claimant.id ? "claimant" : null,
      reason: dispute.resolution_reason,
    },
    holder: party(holder),
    claimant: party(claimant),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, dispute } = await requireDispute(request, params.id);
  const { t } = await getTranslator(request);
  const values = await readForm(request);
  const r = validate(verificationSchemas.resolve(t), values);
  if (!r.ok) return invalid(r.errors, values);
  try {
    await resolveDispute(user, dispute.id, r.data, context.requestId);
  } catch (e) {
    if (e instanceof WinnerWithoutCertificateError) return invalid({ winner: t("dispute.error.noCertificate") }, values);
    if (e instanceof DisputeResolvedError) return invalid({ winner: t("dispute.error.resolved") }, values, { status: 409 });
    return answerDomainError(e);
  }
  return redirect(`/review/disputes/${dispute.id}`, { headers: { "Set-Cookie": await setFlash({ kind: "success", key: "flash.disputeResolved" }) } });
}

type Party = ReturnType<typeof useLoaderData<typeof loader>>["holder"];

function PartyCard({ heading, id, p, disputeId }: { heading: string; id: string; p: Party; disputeId: string }) {
  const t = useT();
  const locale = useLocale();
  const rows: [string, React.ReactNode][] = [
    [t("enterprise.field.legalName"), p.legalName],
    [t("enterprise.short.englishName"), p.englishName || t("enterprise.notGiven")],
    [t("enterprise.field.address"), `${p.address}, ${p.provinceName}`],
    [t("enterprise.group.representative"), p.representative],
    [t("enterprise.field.phone"), p.phone],
    [t("enterprise.short.website"), p.website || t("enterprise.notGiven")],
    [t("dispute.registeredAt"), formatDateTime(p.createdAt, locale)],
    [t("review.verification.state"), <VerificationTag status={p.status} key="s" />],
    [
      t("dispute.files"),
      p.files.length === 0
        ? t("dispute.noFiles")
        : p.files.map((f) => (
            <span className="block" key={f.id}>
              <a href={`/review/disputes/${disputeId}/files/${f.id}`}>{f.name}</a> ({formatBytes(f.size)},{" "}
              {f.reference ? t("dispute.fromApplication", { reference: f.reference }) : t("dispute.filedWith")})
            </span>
          )),
    ],
    [
      t("dispute.applications"),
      p.applications.length === 0
        ? t("dispute.noApplications")
        : p.applications.map((a) => (
            <span className="block" key={a.id}>
              {a.reviewable ? <Link to={`/review/${a.id}`}>{a.reference}</Link> : a.reference} – {a.platform_name} <ApplicationStatusTag status={a.status} />
            </span>
          )),
    ],
  ];
  return (
    <section aria-labelledby={id}>
      <h2 className="heading-m" id={id}>
        {heading}
      </h2>
      <dl className="summary-list">
        {rows.map(([label, value]) => (
          <div className="summary-list__row" key={label}>
            <dt className="summary-list__key">{label}</dt>
            <dd className="summary-list__value">{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export default function Dispute() {
  const t = useT();
  const locale = useLocale();
  const { dispute, holder, claimant } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <>
      <p className="body">
        <Link to="/review/disputes">{t("common.back")}</Link>
      </p>
      <ErrorSummary errors={failure?.errors} />
      <PageTitle caption={t("disputes.title")}>{t("dispute.title", { taxCode: dispute.taxCode })}</PageTitle>
      <p className="body">{t("disputes.lead")}</p>
      <PartyCard heading={t("dispute.holder")} id="holder" p={holder} disputeId={dispute.id} />
      <PartyCard heading={t("dispute.claimant")} id="claimant" p={claimant} disputeId={dispute.id} />
      <section aria-labelledby="statement">
        <h2 className="heading-m" id="statement">
          {t("dispute.statementOf")}
        </h2>
        <p className="hint">{formatDateTime(dispute.filedAt, locale)}</p>
        <p className="body summary-list__value">{dispute.statement}</p>
      </section>
      <section aria-labelledby="decision">
        <h2 className="heading-m" id="decision">
          {t("dispute.decide")}
        </h2>
        {dispute.resolvedAt ? (
          <>
            <p className="inset">
              {t("dispute.resolvedOn", { date: formatDate(dispute.resolvedAt, locale), winner: dispute.winner === "holder" ? holder.legalName : claimant.legalName })}
            </p>
            <p className="body">
              <strong>{t("dispute.resolutionReason")}:</strong> <span className="summary-list__value">{dispute.reason}</span>
            </p>
          </>
        ) : (
          <Form method="post" noValidate>
            <Radios
              name="winner"
              legend={t("dispute.winner", { taxCode: dispute.taxCode })}
              state={failure}
              options={[
                { value: "holder", label: `${holder.legalName} – ${t("dispute.holder")}` },
                { value: "claimant", label: `${claimant.legalName} – ${t("dispute.claimant")}` },
              ]}
            />
            <TextArea name="reason" label={t("dispute.reason")} rows={4} state={failure} />
            <Button>{t("dispute.resolve")}</Button>
          </Form>
        )}
      </section>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
