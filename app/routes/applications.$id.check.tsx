import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ApplicationAnswers } from "~/features/application/ui/application-answers.tsx";
import { canEditCriterion, canEditSection } from "~/features/application/editable.ts";
import { Button } from "~/components/form.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { requireMemberApplication } from "~/features/application/application-guards.server.ts";
import type { Application, Locale } from "~/platform/db/db-types.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { provinceInPhrase } from "~/features/reference/province-names.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { answerDomainError } from "~/platform/http/domain-errors.server.ts";
import { criteriaItems, getCriteria, type CriteriaGroup } from "~/features/application/criteria.server.ts";
import { findActiveHolder, submitApplication } from "~/features/application/commands.server.ts";
import { findSimilarApplications } from "~/features/application/queries.server.ts";
import { IncompleteError, PlatformTakenError } from "~/features/application/errors.server.ts";
import { listAttachments } from "~/features/application/files.server.ts";
import { missingForSubmission, type MissingItem } from "~/features/application/completeness.server.ts";
import { getMembership } from "~/features/account/membership.server.ts";
import { getProvince, listCategories } from "~/features/reference/reference.server.ts";
import { localised } from "~/platform/i18n/localised.ts";

function describeMissing(t: Translate, locale: Locale, groups: CriteriaGroup[], appId: string, m: MissingItem) {
  const item = criteriaItems(groups).find((i) => i.key === m.target);
  const itemText = item ? localised(item, "text", locale) : m.target;
  const base = `/applications/${appId}`;
  switch (m.section) {
    case "platform":
      return { text: t("missing.platform", { field: t(`platform.${m.target}`) }), href: `${base}/platform#${m.target}` };
    case "criteria":
      return { text: t(m.key === "criteria.evidence" ? "missing.criteria.evidence" : "missing.criteria.answer", { item: itemText }), href: `${base}/criteria/${m.target}` };
    case "documents":
      return { text: t("missing.documents", { doc: t(`doc.${m.kind}`) }), href: `${base}/documents` };
    case "contact":
      return { text: t("missing.contact", { field: t(`contact.${m.target}`) }), href: `${base}/contact#${m.target}` };
    case "declaration":
      return { text: t("missing.declaration"), href: `${base}/declaration` };
  }
}

async function checkData(request: Request, app: Application) {
  const { t, locale } = await getTranslator(request);
  const [groups, files, categories, similar, membership, holder] = await Promise.all([
    getCriteria(app.criteria_set_id),
    listAttachments(app.id),
    listCategories(),
    findSimilarApplications(app),
    getMembership(app.created_by),
    app.status === "draft" ? findActiveHolder(app) : undefined,
  ]);
  const provinceCode = app.province_code ?? membership?.enterprise.province_code ?? "";
  const province = await getProvince(provinceCode);
  const missing = missingForSubmission(app, groups, files).map((m) => describeMissing(t, locale, groups, app.id, m));
  if (holder) missing.unshift({ text: t("check.platformTaken", { reference: holder.reference ?? "—", name: holder.platform_name }), href: `/applications/${app.id}/platform#publicUrl` });
  return { t, groups, files, categories, similar, province: province ? provinceInPhrase(province, locale) : "", missing };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { app } = await requireMemberApplication(request, params.id);
  if (app.status !== "draft" && app.status !== "changes_requested") throw redirect(`/applications/${app.id}`);
  const { t, groups, files, categories, similar, province, missing } = await checkData(request, app);
  return {
    title: t("check.title"),
    app: { id: app.id, status: app.status, answers: app.answers, reopened: app.reopened },
    groups,
    files,
    categories,
    similar,
    province,
    missing,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, app } = await requireMemberApplication(request, params.id);
  const done = redirect(`/applications/${app.id}/submitted`);
  if (app.status !== "draft" && app.status !== "changes_requested") return done;
  try {
    await submitApplication(user, app.id, { requestId: context.requestId });
  } catch (e) {
    if (e instanceof IncompleteError) return data({ incomplete: true }, { status: 400 });
    if (e instanceof PlatformTakenError) return data({ incomplete: true }, { status: 409 });
    // A double-click or replayed post finds the application already submitted: show the same confirmation.
    return answerDomainError(e, { conflict: (c) => (c.current.status !== "draft" && c.current.status !== "changes_requested" ? done : undefined) });
  }
  return done;
}

export default function CheckAnswers() {
  const t = useT();
  const { app, groups, files, categories, similar, province, missing } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const editable = (section: string, target?: string) =>
    section === "criteria" && target ? canEditCriterion(app, target) : canEditSection(app, section as "platform");
  const resubmission = app.status === "changes_requested";
  return (
    <>
      <p className="body">
        <Link to={`/applications/${app.id}`}>{t("common.backToTaskList")}</Link>
      </p>
      {missing.length > 0 ? (
        <div className="error-summary" role={actionData ? "alert" : undefined} aria-labelledby="missing-title" tabIndex={-1}>
          <h2 className="error-summary__title" id="missing-title">
            {t("check.missingTitle")}
          </h2>
          <p className="body">{t("check.missingLead")}</p>
          <ul className="error-summary__list">
            {missing.map((m) => (
              <li key={m.text}>
                <a href={m.href}>{m.text}</a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <PageTitle caption={t("app.title")}>{t("check.title")}</PageTitle>
      <p className="body">{t("check.lead", { province })}</p>
      {similar.length > 0 ? (
        <p className="warning-text" role="note">
          {t("check.duplicate", { list: similar.map((s) => `${s.platform_name} (${s.reference ?? "—"})`).join(", ") })}
        </p>
      ) : null}
      <ApplicationAnswers answers={app.answers} groups={groups} files={files} categories={categories} applicationId={app.id} editable={editable} />
      <Form method="post">
        <Button>{resubmission ? t("check.resubmit") : t("check.submit")}</Button>
      </Form>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
