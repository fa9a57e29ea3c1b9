import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button, Checkbox, ErrorSummary, TextInput } from "~/components/form.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { requireMemberApplication } from "~/features/application/application-guards.server.ts";
import { sectionFields } from "~/features/application/fields.server.ts";
import { invalid, readForm, validate } from "~/platform/forms/forms.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { saveOrRespond } from "~/features/application/section-action.server.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { canEditSection } from "~/features/application/editable.ts";
import { saveSection } from "~/features/application/drafts.server.ts";
import { now } from "~/platform/time/clock.ts";

const declarationSchema = (t: Translate) =>
  z.object({
    accepted: z.literal("yes", { error: t("error.declaration") }),
    name: sectionFields(t, true).text(t("declaration.name"), 200, { singleLine: true }),
  });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, app } = await requireMemberApplication(request, params.id);
  if (!canEditSection(app, "declaration")) throw new Response("Conflict", { status: 409 });
  const { t } = await getTranslator(request);
  return { title: t("section.declaration"), id: app.id, declaration: app.answers.declaration ?? { name: user.name } };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, app } = await requireMemberApplication(request, params.id);
  const { t } = await getTranslator(request);
  const values = await readForm(request);
  const result = validate(declarationSchema(t), values);
  if (!result.ok) return invalid(result.errors, values);
  const declaration = { accepted: true, name: String(result.data.name), acceptedAt: now().toISOString() };
  return saveOrRespond(() => saveSection(user, app.id, "declaration", declaration, context.requestId), `/applications/${app.id}/check`);
}

export default function DeclarationSection() {
  const t = useT();
  const { id, declaration } = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>();
  return (
    <>
      <p className="body">
        <Link to={`/applications/${id}`}>{t("common.backToTaskList")}</Link>
      </p>
      <ErrorSummary errors={state?.errors} />
      <PageTitle caption={t("app.title")}>{t("section.declaration")}</PageTitle>
      <p className="warning-text">{t("declaration.text")}</p>
      <Form method="post" noValidate>
        <Checkbox name="accepted" label={t("declaration.accept")} state={state} defaultChecked={Boolean(declaration.accepted)} />
        <TextInput name="name" label={t("declaration.name")} autoComplete="name" state={state} defaultValue={declaration.name} />
        <Button>{t("common.saveAndContinue")}</Button>
      </Form>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
