import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button, ErrorSummary, TextInput } from "~/components/form.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { getUser, homePathFor, safeRedirectTarget, startSession, trustedDeviceFor } from "~/features/account/auth.server.ts";
import { invalid, readForm, validate } from "~/platform/forms/forms.server.ts";
import { confirmationBounced } from "~/features/account/bounce-notice.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { field } from "~/platform/forms/input.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { checkCredentials, resendVerification } from "~/features/account/account.server.ts";
import { loginGate, recordLoginFailure, recordLoginSuccess } from "~/platform/security/throttle.server.ts";

const loginSchema = (t: Translate) =>
  z.object({ email: field.email(t, t("field.email")), password: field.password(t), redirectTo: z.string().optional() });

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  if (user) throw redirect(homePathFor(user));
  const { t } = await getTranslator(request);
  return { title: t("login.title"), redirectTo: safeRedirectTarget(new URL(request.url).searchParams.get("redirectTo"), "") };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { t } = await getTranslator(request);
  const values = await readForm(request);
  const result = validate(loginSchema(t), values);
  if (!result.ok) return invalid(result.errors, values);
  const { email, password, redirectTo } = result.data;

  const attempt = { email, ip: context.ip, trustedDevice: await trustedDeviceFor(request, email) };
  const gate = await loginGate(attempt);
  if (!gate.ok) {
    const message =
      gate.reason === "account"
        ? t("error.tooManyAttempts", { minutes: Math.ceil(gate.retryAfterSeconds / 60) })
        : t("error.tryAgainInSeconds", { seconds: gate.retryAfterSeconds });
    return invalid({ email: message }, values, { status: 429, headers: { "Retry-After": String(gate.retryAfterSeconds) } });
  }
  const check = await checkCredentials(email, password);
  if (!check.ok) {
    if (check.reason === "unverified" && check.user) {
      // The password was right: this person may learn that the last confirmation did not reach the address.
      const bounced = await confirmationBounced(check.user.id);
      await resendVerification(check.user, context.ip);
      return invalid({ email: bounced ? t("bounce.login", { email: check.user.email }) : t("login.unverified") }, values);
    }
    await recordLoginFailure(attempt, gate);
    return invalid({ email: t("error.credentials") }, values);
  }
  await recordLoginSuccess(attempt);
  return startSession(request, context, check.user, redirectTo ?? null);
}

export default function Login() {
  const t = useT();
  const state = useActionData<typeof action>();
  const { redirectTo } = useLoaderData<typeof loader>();
  return (
    <div className="narrow">
      <ErrorSummary errors={state?.errors} />
      <PageTitle>{t("login.title")}</PageTitle>
      <Form method="post" noValidate>
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <TextInput name="email" type="email" label={t("field.email")} autoComplete="username" spellCheck={false} state={state} />
        <TextInput name="password" type="password" label={t("field.password")} autoComplete="current-password" state={state} />
        <Button>{t("login.submit")}</Button>
      </Form>
      <p className="body">
        <Link to="/forgot-password">{t("login.forgot")}</Link>
      </p>
      <p className="body">
        {t("login.noAccount")} <Link to="/signup">{t("nav.signUp")}</Link>
      </p>
    </div>
  );
}

// Document responses keep only cookies from actions unless the route passes headers on.
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const headers = new Headers();
  const retryAfter = actionHeaders.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return headers;
};

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
