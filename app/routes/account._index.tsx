import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageTitle } from "~/components/ui.tsx";
import { requireUser } from "~/features/account/auth.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { needsSecondFactor } from "~/features/account/second-factor.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { t } = await getTranslator(request);
  return { title: t("account.title"), name: user.name, email: user.email, role: user.role, staff: needsSecondFactor(user) };
}

export default function Account() {
  const t = useT();
  const { name, email, role, staff } = useLoaderData<typeof loader>();
  return (
    <div className="narrow">
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
