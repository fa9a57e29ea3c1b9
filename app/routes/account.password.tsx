import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { z } from "zod";
import { Button, ErrorSummary, TextInput } from "~/components/form.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { getSessionState, requireUser } from "~/features/account/auth.server.ts";
import { setFlash } from "~/platform/http/flash.server.ts";
import { invalid, readForm, validate } from "~/platform/forms/forms.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { field } from "~/platform/forms/input.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { passwordIssue } from "~/features/account/password-form.server.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { changePassword } from "~/features/account/account.server.ts";
import { loginGate, recordLoginFailure, recordLoginSuccess } from "~/platform/security/throttle.server.ts";

const changeSchema = (t: Translate) =>
  z
    .object({ currentPassword: field.password(t), password: field.password(t), passwordConfirm: z.string().optional() })
    .superRefine((v, ctx) => {
      const issue = passwordIssue(t, v.password);
      if (issue) ctx.addIssue({ code: "custom", path: ["password"], message: issue });
      else if (v.password !== v.passwordConfirm) ctx.addIssue({ code: "custom", path: ["passwordConfirm"], message: t("error.passwordMismatch") });
    });

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const { t } = await getTranslator(request);
  return { title: t("password.title") };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const session = (await getSessionState(request))!;
  const { t } = await getTranslator(request);
  const values = await readForm(request);
  const result = validate(changeSchema(t), values);
  if (!result.ok) return invalid(result.errors, values);
  // Guessing the current password here counts like guessing it on the sign-in page.
  const attempt = { email: user.email, ip: context.ip, trustedDevice: null };
  const gate = await loginGate(attempt);
  if (!gate.ok) {
    return invalid({ currentPassword: t("error.tooManyAttempts", { minutes: Math.ceil(gate.retryAfterSeconds / 60) }) }, values, { status: 429 });
  }
  const changed = await changePassword(
    user,
    { currentPassword: result.data.currentPassword, newPassword: result.data.password, keepSessionIdHash: session.idHash },
    context.requestId,
  );
  if (!changed) {
    await recordLoginFailure(attempt, gate);
    return invalid({ currentPassword: t("error.currentPasswordWrong") }, values);
  }
  await recordLoginSuccess(attempt);
  return redirect("/account", { headers: { "Set-Cookie": await setFlash({ kind: "success", key: "flash.passwordChanged" }) } });
}

export default function ChangePassword() {
  const t = useT();
  const state = useActionData<typeof action>();
  return (
    <div className="narrow">
      <ErrorSummary errors={state?.errors} />
      <PageTitle>{t("password.title")}</PageTitle>
      <p className="body">{t("password.lead")}</p>
      <Form method="post" noValidate>
        <TextInput name="currentPassword" type="password" label={t("field.currentPassword")} autoComplete="current-password" state={state} />
        <TextInput name="password" type="password" label={t("field.newPassword")} hint={t("field.password.hint")} autoComplete="new-password" state={state} />
        <TextInput name="passwordConfirm" type="password" label={t("field.passwordConfirm")} autoComplete="new-password" state={state} />
        <Button>{t("password.submit")}</Button>
      </Form>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
