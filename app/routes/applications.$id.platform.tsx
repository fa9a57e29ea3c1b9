import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button, ErrorSummary, Radios, Select, TextArea, TextInput } from "~/components/form.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { requireMemberApplication } from "~/features/application/application-guards.server.ts";
import type { PlatformAnswers } from "~/platform/db/db-types.ts";
import { isCompleteIntent, sectionFields } from "~/features/application/fields.server.ts";
import { invalid, readForm, validate } from "~/platform/forms/forms.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { saveOrRespond } from "~/features/application/section-action.server.ts";
import { useLocale, useT } from "~/platform/i18n/use-t.ts";
import { canEditSection } from "~/features/application/editable.ts";
import { saveSection } from "~/features/application/drafts.server.ts";
import { listCategories } from "~/features/reference/reference.server.ts";
import { localised } from "~/platform/i18n/localised.ts";

type Categories = Awaited<ReturnType<typeof listCategories>>;

const platformSchema = (t: Translate, complete: boolean, c: Categories) => {
  const f = sectionFields(t, complete);
  return z
    .object({
      name: f.text(t("platform.name"), 200, { singleLine: true }),
      shortDescription: f.text(t("platform.shortDescription"), 300),
      longDescription: f.text(t("platform.longDescription"), 10_000),
      pillar: f.choice(t("platform.pillar"), c.pillars.map((p) => p.code)),
      sector: f.choice(t("platform.sector"), c.sectors.map((s) => s.code)),
      ownershipType: f.choice(t("platform.ownershipType"), c.ownershipTypes.map((o) => o.code)),
      publicUrl: f.url(t("platform.publicUrl")),
      launchDate: f.pastDate(t("platform.launchDate")),
      usersCount: f.count(t("platform.usersCount")),
      usersAsOf: f.pastDate(t("platform.usersAsOf")),
      usersMethod: f.text(t("platform.usersMethod"), 500),
      dataInVietnam: f.choice(t("platform.dataInVietnam"), ["yes", "no"]),
      dataCentreProvider: f.text(t("platform.dataCentreProvider"), 200, { singleLine: true }),
      securityLevel: f.choice(t("platform.securityLevel"), ["1", "2", "3", "4", "5"]),
      securityDecisionNumber: f.text(t("platform.securityDecisionNumber"), 100, { singleLine: true }),
      securityDecisionDate: f.pastDate(t("platform.securityDecisionDate")),
    })
    .superRefine((v, ctx) => {
      const sector = c.sectors.find((s) => s.code === v.sector);
      if (sector?.pillar_code && v.pillar && sector.pillar_code !== v.pillar)
        ctx.addIssue({ code: "custom", path: ["sector"], message: t("error.sectorPillar") });
    });
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { app } = await requireMemberApplication(request, params.id);
  if (!canEditSection(app, "platform")) throw new Response("Conflict", { status: 409 });
  const { t } = await getTranslator(request);
  return { title: t("section.platform"), id: app.id, platform: app.answers.platform ?? {}, categories: await listCategories() };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, app } = await requireMemberApplication(request, params.id);
  const { t } = await getTranslator(request);
  const values = await readForm(request);
  const result = validate(platformSchema(t, isCompleteIntent(values), await listCategories()), values);
  if (!result.ok) return invalid(result.errors, values);
  const platform = Object.fromEntries(Object.entries(result.data).filter(([, v]) => v !== "")) as PlatformAnswers;
  return saveOrRespond(() => saveSection(user, app.id, "platform", platform, context.requestId), `/applications/${app.id}`);
}

export default function PlatformSection() {
  const t = useT();
  const locale = useLocale();
  const { id, platform, categories } = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>();
  const v = platform as Record<string, string | undefined>;
  const name = (o: { name_vi: string; name_en: string }) => localised(o, "name", locale);
  return (
    <>
      <p className="body">
        <Link to={`/applications/${id}`}>{t("common.backToTaskList")}</Link>
      </p>
      <ErrorSummary errors={state?.errors} />
      <PageTitle caption={t("app.title")}>{t("section.platform")}</PageTitle>
      <Form method="post" noValidate>
        <TextInput name="name" label={t("platform.name")} state={state} defaultValue={v.name} />
        <TextInput name="shortDescription" label={t("platform.shortDescription")} hint={t("platform.shortDescription.hint")} state={state} defaultValue={v.shortDescription} />
        <TextArea name="longDescription" label={t("platform.longDescription")} hint={t("platform.longDescription.hint")} state={state} defaultValue={v.longDescription} rows={8} />
        <Select name="pillar" label={t("platform.pillar")} state={state} defaultValue={v.pillar} placeholder={t("field.choose")} options={categories.pillars.map((p) => ({ value: p.code, label: name(p) }))} />
        <Select name="sector" label={t("platform.sector")} state={state} defaultValue={v.sector} placeholder={t("field.choose")} options={categories.sectors.map((s) => ({ value: s.code, label: name(s) }))} />
        <Radios name="ownershipType" legend={t("platform.ownershipType")} state={state} defaultValue={v.ownershipType} options={categories.ownershipTypes.map((o) => ({ value: o.code, label: name(o) }))} />
        <TextInput name="publicUrl" type="url" label={t("platform.publicUrl")} hint={t("platform.publicUrl.hint")} state={state} defaultValue={v.publicUrl} spellCheck={false} />
        <TextInput name="launchDate" type="date" label={t("platform.launchDate")} hint={t("platform.launchDate.hint")} state={state} defaultValue={v.launchDate} width="short" />
        <fieldset className="fieldset">
          <legend>{t("platform.users")}</legend>
          <TextInput name="usersCount" label={t("platform.usersCount")} state={state} defaultValue={v.usersCount} width="short" inputMode="numeric" />
          <TextInput name="usersAsOf" type="date" label={t("platform.usersAsOf")} state={state} defaultValue={v.usersAsOf} width="short" />
          <TextInput name="usersMethod" label={t("platform.usersMethod")} hint={t("platform.usersMethod.hint")} state={state} defaultValue={v.usersMethod} />
        </fieldset>
        <Radios name="dataInVietnam" legend={t("platform.dataInVietnam")} state={state} defaultValue={v.dataInVietnam} inline options={[{ value: "yes", label: t("common.yes") }, { value: "no", label: t("common.no") }]} />
        <TextInput name="dataCentreProvider" label={t("platform.dataCentreProvider")} state={state} defaultValue={v.dataCentreProvider} />
        <fieldset className="fieldset">
          <legend>{t("platform.security")}</legend>
          <Select name="securityLevel" label={t("platform.securityLevel")} state={state} defaultValue={v.securityLevel} placeholder={t("field.choose")} options={["1", "2", "3", "4", "5"].map((l) => ({ value: l, label: l }))} />
          <TextInput name="securityDecisionNumber" label={t("platform.securityDecisionNumber")} state={state} defaultValue={v.securityDecisionNumber} width="half" />
          <TextInput name="securityDecisionDate" type="date" label={t("platform.securityDecisionDate")} state={state} defaultValue={v.securityDecisionDate} width="short" />
        </fieldset>
        <Button name="intent" value="continue">{t("common.saveAndContinue")}</Button>
        <Button name="intent" value="later" variant="secondary">{t("common.saveForLater")}</Button>
      </Form>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
