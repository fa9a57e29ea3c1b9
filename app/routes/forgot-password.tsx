import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button, ErrorSummary, TextInput } from "~/components/form.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { invalid, readForm, validate } from "~/platform/forms/forms.server.ts";
import { resetEmailBounced } from "~/features/account/bounce-notice.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { field } from "~/platform/forms/input.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { requestPasswordReset } from "~/features/account/account.server.ts";

const forgotSchema = (t: Translate) => z.object({ email: field.email(t, t("field.email")) });

export async function loader({ request }: LoaderFunctionArgs) {
  const { t } = await getTranslator(request);
  const url = new URL(request.url);
  const sent = url.searchParams.get("sent")?.slice(0, 254) ?? null;
  const bounced = await resetEmailBounced(request, sent, url.searchParams.get("receipt"));
  return { title: bounced ? t("bounce.title") : t("forgot.title"), sent, bounced };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { t } = await getTranslator(request);
  const values = await readForm(request);
  const result = validate(forgotSchema(t), values);
  if (!result.ok) return invalid(result.errors, values);
  const receipt = await requestPasswordReset(result.data.email, context.ip);
  return redirect(`/forgot-password?${new URLSearchParams({ sent: result.data.email, receipt })}`);
}

export default function ForgotPassword() {
  const t = useT();
  const { sent, bounced } = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>();
  return (
    <div className="narrow">
      <ErrorSummary errors={state?.errors} />
      <PageTitle>{bounced ? t("bounce.title") : t("forgot.title")}</PageTitle>
      {sent && bounced ? (
        <div className="banner banner--warning" role="alert">
          <p className="banner__text">{t("bounce.reset", { email: sent })}</p>
        </div>
      ) : sent ? (
        <>
          <div className="panel" role="status">
            <p className="body">{t("forgot.sent", { email: sent })}</p>
          </div>
          <p className="body">{t("forgot.notReceived")}</p>
        </>
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
