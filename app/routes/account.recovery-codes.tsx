import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageTitle } from "~/components/ui.tsx";
import { homePathFor, requireUser, safeRedirectTarget, takeRecoveryCodes } from "~/features/account/auth.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useT } from "~/platform/i18n/use-t.ts";

// Shown once: the loader clears the cookie that carried the codes here.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { t } = await getTranslator(request);
  const { codes, clear } = await takeRecoveryCodes(request, user.id);
  const next = safeRedirectTarget(new URL(request.url).searchParams.get("redirectTo"), homePathFor(user));
  return data({ title: t("recovery.title"), codes, next }, { headers: { "Set-Cookie": clear } });
}

export default function RecoveryCodes() {
  const t = useT();
  const { codes, next } = useLoaderData<typeof loader>();
  return (
    <div className="narrow">
      <PageTitle>{t("recovery.title")}</PageTitle>
      {codes ? (
        <>
          <p className="body">{t("recovery.lead")}</p>
          <ul className="recovery-codes" aria-label={t("recovery.listLabel")} data-testid="recovery-codes" lang="en">
            {codes.map((code) => (
              <li key={code}>
                <code>{code}</code>
              </li>
            ))}
          </ul>
          <p className="body">
            <Link to={next} className="button button--primary">
              {t("recovery.continue")}
            </Link>
          </p>
        </>
      ) : (
        <>
          <p className="body">{t("recovery.gone")}</p>
          <p className="body">
            <Link to="/account/two-factor">{t("account.twofactor.link")}</Link>
          </p>
        </>
      )}
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
