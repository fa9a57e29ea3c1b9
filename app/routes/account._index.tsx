import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button, ErrorSummary, Form, Radios } from "~/components/form.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { requireUser } from "~/features/account/auth.server.ts";
import { choosesNotices, getNoticePreference, NOTICE_PREFERENCES, setNoticePreference } from "~/features/account/notice-preference.server.ts";
import { digestHour } from "~/features/application/digest.server.ts";
import { invalid, readForm, validate } from "~/platform/forms/forms.server.ts";
import { field } from "~/platform/forms/input.server.ts";
import { setFlash } from "~/platform/http/flash.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { needsSecondFactor } from "~/features/account/second-factor.server.ts";

const noticesSchema = (t: Translate) => z.object({ newApplicationNotices: field.choice(t("error.noticePreference"), NOTICE_PREFERENCES) });

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { t } = await getTranslator(request);
  const notices = choosesNotices(user) ? { preference: await getNoticePreference(user), hour: await digestHour() } : null;
  return { title: t("account.title"), name: user.name, email: user.email, role: user.role, staff: needsSecondFactor(user), notices };
}

/** The reviewers' choice of how they hear about new and resubmitted applications (issue 12). */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (!choosesNotices(user)) throw new Response("Forbidden", { status: 403 });
  const { t } = await getTranslator(request);
  const values = await readForm(request);
  const result = validate(noticesSchema(t), values);
  if (!result.ok) return invalid(result.errors, values);
  await setNoticePreference(user, result.data.newApplicationNotices, context.requestId);
  return redirect("/account", { headers: { "Set-Cookie": await setFlash({ kind: "success", key: "flash.noticesSaved" }) } });
}

export default function Account() {
  const t = useT();
  const { name, email, role, staff, notices } = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>();
  return (
    <div className="narrow">
      <ErrorSummary errors={state?.errors} />
      <PageTitle>{t("account.title")}</PageTitle>
      <dl className="summary-list">
        <div className="summary-list__row">
          <dt className="summary-list__key">{t("field.name")}</dt>
          <dd className="summary-list__value">{name}</dd>
        </div>
        <div className="summary-list__row">
          <dt className="summary-list__key">{t("field.email")}</dt>
          <dd className="summary-list__value">{email}</dd>
        </div>
        <div className="summary-list__row">
          <dt className="summary-list__key">{t("field.role")}</dt>
          <dd className="summary-list__value">{t(`role.${role}`)}</dd>
        </div>
      </dl>
      {notices ? (
        <section aria-labelledby="notices">
          <h2 className="heading-m" id="notices">
            {t("account.notices.heading")}
          </h2>
          <Form method="post" noValidate>
            <Radios
              name="newApplicationNotices"
              legend={t("account.notices.legend")}
              hint={t("account.notices.hint")}
              state={state}
              defaultValue={notices.preference}
              options={[
                { value: "immediate", label: t("account.notices.immediate") },
                { value: "digest", label: t("account.notices.digest", { hour: String(notices.hour) }) },
              ]}
            />
            <Button>{t("account.notices.submit")}</Button>
          </Form>
        </section>
      ) : null}
      <h2 className="heading-m">{t("account.security")}</h2>
      <ul className="body">
        <li>
          <Link to="/account/password">{t("account.password.link")}</Link>
        </li>
        <li>
          <Link to="/account/sessions">{t("account.sessions.link")}</Link>
        </li>
        {staff ? (
          <li>
            <Link to="/account/two-factor">{t("account.twofactor.link")}</Link>
          </li>
        ) : null}
      </ul>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
