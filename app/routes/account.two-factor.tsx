import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button, ErrorSummary, TextInput } from "~/components/form.tsx";
import { PageTitle } from "~/components/ui.tsx";
import {
  fullSessionHeaders,
  getSessionState,
  homePathFor,
  recoveryCodesHeader,
  safeRedirectTarget,
} from "~/features/account/auth.server.ts";
import type { User } from "~/platform/db/db-types.ts";
import { formatDate } from "~/platform/i18n/format.ts";
import { invalid, readForm, validate } from "~/platform/forms/forms.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { groupedSecret, totpQrDataUrl } from "~/features/account/totp.server.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import {
  confirmEnrolment,
  enrolmentSecret,
  needsSecondFactor,
  regenerateRecoveryCodes,
  secondFactorStatus,
  verifySecondFactor,
} from "~/features/account/second-factor.server.ts";
import { clearCodeFailures, codeRetryAfter, recordCodeFailure } from "~/platform/security/throttle.server.ts";

const codeSchema = (t: Translate) =>
  z.object({
    intent: z.enum(["enrol", "regenerate"]),
    code: z
      .string({ error: t("code.error.required") })
      .trim()
      .min(1, t("code.error.required"))
      .max(64, t("code.error.wrong")),
    redirectTo: z.string().optional(),
  });

/**
 * Who may be here: a staff member between the password and a first second factor (enrolment), or a signed-in staff
 * member (status, new recovery codes). A half-signed-in account that already has a second factor must give it on the
 * code page: enrolling again would let a password alone replace it.
 */
async function viewer(request: Request): Promise<{ user: User; pending: boolean; enrolled: boolean }> {
  const state = await getSessionState(request);
  if (!state) throw redirect(`/login?redirectTo=${encodeURIComponent("/account/two-factor")}`);
  const { user, secondFactorPending: pending } = state;
  if (!needsSecondFactor(user)) throw new Response("Forbidden", { status: 403 });
  const { enrolled } = await secondFactorStatus(user.id);
  if (pending && enrolled) throw redirect("/login/code");
  return { user, pending, enrolled };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, enrolled } = await viewer(request);
  const { t, locale } = await getTranslator(request);
  const redirectTo = safeRedirectTarget(new URL(request.url).searchParams.get("redirectTo"), homePathFor(user));
  if (enrolled) {
    const status = await secondFactorStatus(user.id);
    return {
      title: t("twofactor.status.title"),
      view: "status" as const,
      since: status.enrolledAt ? formatDate(status.enrolledAt, locale) : "",
      codesLeft: status.recoveryCodesLeft,
      redirectTo,
    };
  }
  const secret = await enrolmentSecret(user.id);
  if (!secret) throw redirect("/account/two-factor");
  return {
    title: t("twofactor.title"),
    view: "enrol" as const,
    email: user.email,
    secret: groupedSecret(secret),
    qr: await totpQrDataUrl(secret, user.email),
    redirectTo,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, pending, enrolled } = await viewer(request);
  const { t } = await getTranslator(request);
  const values = await readForm(request);
  const result = validate(codeSchema(t), values);
  if (!result.ok) return invalid(result.errors, values);
  const { intent, code } = result.data;

  const retryAfter = await codeRetryAfter(user.id);
  if (retryAfter > 0) {
    return invalid({ code: t("code.error.tooMany", { minutes: Math.ceil(retryAfter / 60) }) }, values, { status: 429 });
  }

  if (intent === "enrol" && !enrolled) {
    const target = safeRedirectTarget(result.data.redirectTo, homePathFor(user));
    const enrolment = await confirmEnrolment(user, code, context.requestId);
    if (!enrolment.ok) {
      if (enrolment.reason === "enrolled") return redirect("/account/two-factor");
      await recordCodeFailure(user.id);
      return invalid({ code: t("twofactor.error.wrong") }, { ...values, code: "" });
    }
    await clearCodeFailures(user.id);
    const headers = pending ? await fullSessionHeaders(request, context, user) : new Headers();
    headers.append("Set-Cookie", await recoveryCodesHeader(user.id, enrolment.recoveryCodes));
    return redirect(`/account/recovery-codes?redirectTo=${encodeURIComponent(target)}`, { headers });
  }

  if (intent === "regenerate" && enrolled && !pending) {
    // Only a code from the app: a recovery code must not be able to mint a fresh set of itself.
    const used = /^\d{6}$/.test(code.replace(/\s/g, "")) ? await verifySecondFactor(user, code, context.requestId) : null;
    if (!used) {
      await recordCodeFailure(user.id);
      return invalid({ code: t("code.error.wrong") }, { ...values, code: "" });
    }
    await clearCodeFailures(user.id);
    const codes = await regenerateRecoveryCodes(user, context.requestId);
    return redirect(`/account/recovery-codes?redirectTo=${encodeURIComponent("/account/two-factor")}`, {
      headers: { "Set-Cookie": await recoveryCodesHeader(user.id, codes) },
    });
  }
  throw new Response("Bad Request", { status: 400 });
}

export default function TwoFactor() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>();
  if (data.view === "status") {
    return (
      <div className="narrow">
        <ErrorSummary errors={state?.errors} />
        <PageTitle>{t("twofactor.status.title")}</PageTitle>
        <p className="body">{t("twofactor.status.on", { date: data.since })}</p>
        <p className="body">{t("twofactor.status.codesLeft", { count: data.codesLeft })}</p>
        <h2 className="heading-m">{t("twofactor.regenerate.heading")}</h2>
        <p className="body">{t("twofactor.regenerate.lead")}</p>
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="regenerate" />
          <TextInput name="code" label={t("code.field")} autoComplete="one-time-code" inputMode="numeric" spellCheck={false} width="short" state={state} />
          <Button variant="secondary">{t("twofactor.regenerate.submit")}</Button>
        </Form>
      </div>
    );
  }
  return (
    <div className="narrow">
      <ErrorSummary errors={state?.errors} />
      <PageTitle>{t("twofactor.title")}</PageTitle>
      <p className="body">{t("twofactor.lead")}</p>
      <ol className="steps">
        <li>
          <p className="body">{t("twofactor.step1")}</p>
        </li>
        <li>
          <p className="body">{t("twofactor.step2")}</p>
          <img src={data.qr} width={220} height={220} alt={t("twofactor.qrAlt", { email: data.email })} />
          <p className="body">{t("twofactor.manual")}</p>
          <p className="body">
            <code data-testid="totp-secret" lang="en">
              {data.secret}
            </code>
          </p>
        </li>
        <li>
          <p className="body">{t("twofactor.step3")}</p>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="enrol" />
            <input type="hidden" name="redirectTo" value={data.redirectTo} />
            <TextInput name="code" label={t("code.field")} autoComplete="one-time-code" inputMode="numeric" spellCheck={false} width="short" state={state} />
            <Button>{t("twofactor.submit")}</Button>
          </Form>
        </li>
      </ol>
      <Form method="post" action="/logout">
        <Button variant="secondary">{t("code.cancel")}</Button>
      </Form>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
