import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button, ErrorSummary, TextInput } from "~/components/form.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { getUser, homePathFor } from "~/features/account/auth.server.ts";
import { invalid, readForm, validate } from "~/platform/forms/forms.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { field } from "~/platform/forms/input.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { passwordIssue } from "~/features/account/password-form.server.ts";
import { signupEmailBounced } from "~/features/account/bounce-notice.server.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { signUpEnterprise } from "~/features/account/account.server.ts";

const signupSchema = (t: Translate) =>
  z
    .object({
      name: field.text(t, t("field.name"), { max: 200, singleLine: true }),
      email: field.email(t, t("field.email")),
      password: field.password(t),
      passwordConfirm: z.string().optional(),
    })
    .superRefine((v, ctx) => {
      const issue = passwordIssue(t, v.password);
      if (issue) ctx.addIssue({ code: "custom", path: ["password"], message: issue });
      else if (v.password !== v.passwordConfirm)
        ctx.addIssue({ code: "custom", path: ["passwordConfirm"], message: t("error.passwordMismatch") });
    });

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  if (user) throw redirect(homePathFor(user));
  const { t } = await getTranslator(request);
  const url = new URL(request.url);
  const sentTo = url.searchParams.get("sent")?.slice(0, 254) ?? null;
  const receipt = url.searchParams.get("receipt");
  const bounced = await signupEmailBounced(sentTo, receipt);
  return {
    title: bounced ? t("bounce.title") : sentTo ? t("signup.checkEmail.title") : t("signup.title"),
    sentTo,
    bounced,
    again: sentTo && receipt ? `/signup?${new URLSearchParams({ sent: sentTo, receipt })}` : null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { t, locale } = await getTranslator(request);
  const values = await readForm(request);
  const result = validate(signupSchema(t), values);
  if (!result.ok) return invalid(result.errors, values);
  const receipt = await signUpEnterprise({ ...result.data, locale, requestId: context.requestId, ip: context.ip });
  return redirect(`/signup?${new URLSearchParams({ sent: result.data.email, receipt })}`);
}

export default function Signup() {
  const t = useT();
  const { sentTo, bounced, again } = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>();
  if (sentTo && bounced) {
    return (
      <div className="narrow">
        <PageTitle>{t("bounce.title")}</PageTitle>
        <div className="banner banner--warning" role="alert">
          <p className="banner__text">{t("bounce.signup", { email: sentTo })}</p>
        </div>
        <p className="body">
          <Link to="/signup">{t("signup.title")}</Link>
        </p>
      </div>
    );
  }
  if (sentTo) {
    return (
      <div className="narrow">
        <div className="panel" role="status">
          <PageTitle>{t("signup.checkEmail.title")}</PageTitle>
          <p className="body">{t("signup.checkEmail.body", { email: sentTo })}</p>
        </div>
        <p className="body">{t("signup.checkEmail.notReceived")}</p>
        {again ? (
          <p className="body">
            {t("bounce.checkAgain")} <Link to={again} reloadDocument>{t("bounce.checkAgain.link")}</Link>
          </p>
        ) : null}
      </div>
    );
  }
  return (
    <div className="narrow">
      <ErrorSummary errors={state?.errors} />
      <PageTitle>{t("signup.title")}</PageTitle>
      <p className="body">{t("signup.lead")}</p>
      <Form method="post" noValidate>
        <TextInput name="name" label={t("field.name")} autoComplete="name" state={state} />
        <TextInput name="email" type="email" label={t("field.email")} hint={t("field.email.hint")} autoComplete="email" spellCheck={false} state={state} />
        <TextInput name="password" type="password" label={t("field.password")} hint={t("field.password.hint")} autoComplete="new-password" state={state} />
        <TextInput name="passwordConfirm" type="password" label={t("field.passwordConfirm")} autoComplete="new-password" state={state} />
        <Button>{t("signup.submit")}</Button>
      </Form>
      <p className="body">
        {t("home.signInPrompt")} <Link to="/login">{t("nav.signIn")}</Link>
      </p>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
