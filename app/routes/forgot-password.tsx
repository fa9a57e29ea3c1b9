import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button, ErrorSummary, TextInput } from "~/components/form.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { emailField, invalid, readForm, validate } from "~/lib/forms.server.ts";
import { getTranslator } from "~/lib/i18n.server.ts";
import type { Translate } from "~/lib/i18n.ts";
import { pageTitle } from "~/lib/meta.ts";
import { useT } from "~/lib/use-t.ts";
import { requestPasswordReset } from "~/models/account.server.ts";

const forgotSchema = (t: Translate) => z.object({ email: emailField(t) });

export async function loader({ request }: LoaderFunctionArgs) {
  const { t } = await getTranslator(request);
  const sent = new URL(request.url).searchParams.get("sent");
  return { title: t("forgot.title"), sent: sent?.slice(0, 254) ?? null };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { t } = await getTranslator(request);
  const values = await readForm(request);
  const result = validate(forgotSchema(t), values);
  if (!result.ok) return invalid(result.errors, values);
  await requestPasswordReset(result.data.email, context.ip);
  return redirect(`/forgot-password?sent=${encodeURIComponent(result.data.email)}`);
}

export default function ForgotPassword() {
  const t = useT();
  const { sent } = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>();
  return (
    <div className="narrow">
      <ErrorSummary errors={state?.errors} />
      <PageTitle>{t("forgot.title")}</PageTitle>
      {sent ? (
        <div className="panel" role="status">
          <p className="body">{t("forgot.sent", { email: sent })}</p>
        </div>
      ) : (
        <>
          <p className="body">{t("forgot.lead")}</p>
          <Form method="post" noValidate>
            <TextInput name="email" type="email" label={t("field.email")} autoComplete="email" spellCheck={false} state={state} />
            <Button>{t("forgot.submit")}</Button>
          </Form>
        </>
      )}
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
