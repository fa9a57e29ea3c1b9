import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button, ErrorSummary, TextInput } from "~/components/form.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { requireMemberApplication } from "~/features/application/application-guards.server.ts";
import { isCompleteIntent, sectionFields } from "~/features/application/fields.server.ts";
import { formatPhone } from "~/platform/forms/vn-formats.ts";
import { invalid, readForm, validate } from "~/platform/forms/forms.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { saveOrRespond } from "~/features/application/section-action.server.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { canEditSection } from "~/features/application/editable.ts";
import { saveSection } from "~/features/application/drafts.server.ts";

const contactSchema = (t: Translate, complete: boolean) => {
  const f = sectionFields(t, complete);
  return z.object({
    name: f.text(t("contact.name"), 200, { singleLine: true }),
    title: f.text(t("contact.title"), 200, { singleLine: true }),
    email: f.email(t("contact.email")),
    phone: f.phone(t("contact.phone")),
  });
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, app } = await requireMemberApplication(request, params.id);
  if (!canEditSection(app, "contact")) throw new Response("Conflict", { status: 409 });
  const { t } = await getTranslator(request);
  const contact = app.answers.contact ?? { name: user.name, email: user.email };
  return { title: t("section.contact"), id: app.id, contact: { ...contact, phone: contact.phone ? formatPhone(contact.phone) : "" } };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, app } = await requireMemberApplication(request, params.id);
  const { t } = await getTranslator(request);
  const values = await readForm(request);
  const result = validate(contactSchema(t, isCompleteIntent(values)), values);
  if (!result.ok) return invalid(result.errors, values);
  const contact = Object.fromEntries(Object.entries(result.data).filter(([, v]) => v !== ""));
  return saveOrRespond(() => saveSection(user, app.id, "contact", contact, context.requestId), `/applications/${app.id}`);
}

export default function ContactSection() {
  const t = useT();
  const { id, contact } = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>();
  return (
    <>
      <p className="body">
        <Link to={`/applications/${id}`}>{t("common.backToTaskList")}</Link>
      </p>
      <ErrorSummary errors={state?.errors} />
      <PageTitle caption={t("app.title")}>{t("section.contact")}</PageTitle>
      <Form method="post" noValidate>
        <TextInput name="name" label={t("contact.name")} autoComplete="name" state={state} defaultValue={contact.name} />
        <TextInput name="title" label={t("contact.title")} autoComplete="organization-title" state={state} defaultValue={contact.title} />
        <TextInput name="email" type="email" label={t("contact.email")} hint={t("contact.email.hint")} autoComplete="email" spellCheck={false} state={state} defaultValue={contact.email} />
        <TextInput name="phone" type="tel" label={t("contact.phone")} hint={t("contact.phone.hint")} autoComplete="tel" state={state} defaultValue={contact.phone} width="half" />
        <Button name="intent" value="continue">{t("common.saveAndContinue")}</Button>
        <Button name="intent" value="later" variant="secondary">{t("common.saveForLater")}</Button>
      </Form>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
