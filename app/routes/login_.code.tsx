import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button, ErrorSummary, TextInput } from "~/components/form.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { homePathFor, requireSecondFactorStep, safeRedirectTarget, signedIn } from "~/features/account/auth.server.ts";
import { allowsCodeReuse, demoSecondFactorAid } from "~/seeds/demo.server.ts";
import { invalid, readForm, validate } from "~/platform/forms/forms.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { enrolledSecret, hasSecondFactor, verifySecondFactor } from "~/features/account/second-factor.server.ts";
import { clearCodeFailures, codeRetryAfter, recordCodeFailure } from "~/platform/security/throttle.server.ts";

const codeSchema = (t: Translate) =>
  z.object({
    code: z
      .string({ error: t("code.error.required") })
      .trim()
      .min(1, t("code.error.required"))
      .max(64, t("code.error.wrong")),
    redirectTo: z.string().optional(),
  });

export async function loader({ request }: LoaderFunctionArgs) {
  const { user } = await requireSecondFactorStep(request);
  const redirectTo = safeRedirectTarget(new URL(request.url).searchParams.get("redirectTo"), homePathFor(user));
  if (!(await hasSecondFactor(user.id))) throw redirect(`/account/two-factor?redirectTo=${encodeURIComponent(redirectTo)}`);
  const { t } = await getTranslator(request);
  const demo = demoSecondFactorAid(user, await enrolledSecret(user.id));
  return { title: t("code.title"), email: user.email, redirectTo, demoCode: demo?.code ?? null };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireSecondFactorStep(request);
  const { t } = await getTranslator(request);
  const values = await readForm(request);
  const result = validate(codeSchema(t), values);
  if (!result.ok) return invalid(result.errors, values);
  const target = safeRedirectTarget(result.data.redirectTo, homePathFor(user));

  const retryAfter = await codeRetryAfter(user.id);
  if (retryAfter > 0) {
    return invalid({ code: t("code.error.tooMany", { minutes: Math.ceil(retryAfter / 60) }) }, values, {
      status: 429,
      headers: { "Retry-After": String(retryAfter) },
    });
  }
  const used = await verifySecondFactor(user, result.data.code, context.requestId, { allowReuse: (secret) => allowsCodeReuse(user, secret) });
  if (!used) {
    await recordCodeFailure(user.id);
    return invalid({ code: t("code.error.wrong") }, { ...values, code: "" });
  }
  await clearCodeFailures(user.id);
  return signedIn(request, context, user, target, used === "recovery" ? { kind: "info", key: "flash.recoveryCodeUsed" } : undefined);
}

export default function SecondFactorCode() {
  const t = useT();
  const { email, redirectTo, demoCode } = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>();
  return (
    <div className="narrow">
      <ErrorSummary errors={state?.errors} />
      <PageTitle>{t("code.title")}</PageTitle>
      <p className="body">{t("code.lead", { email })}</p>
      {demoCode ? (
        <div className="inset" role="note" aria-labelledby="demo-aid-title" data-testid="demo-aid">
          <p className="body">
            <strong id="demo-aid-title">{t("code.demo.title")}</strong>
          </p>
          <p className="body">{t("code.demo.body", { code: demoCode })}</p>
        </div>
      ) : null}
      <Form method="post" noValidate>
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <TextInput name="code" label={t("code.field")} hint={t("code.hint")} autoComplete="one-time-code" spellCheck={false} width="half" state={state} />
        <Button>{t("code.submit")}</Button>
      </Form>
      <Form method="post" action="/logout">
        <Button variant="secondary">{t("code.cancel")}</Button>
      </Form>
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
