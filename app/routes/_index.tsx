import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useRootData, useT } from "~/platform/i18n/use-t.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const { t } = await getTranslator(request);
  return { title: t("home.title") };
}

export default function Home() {
  const t = useT();
  const user = useRootData()?.user;
  return (
    <>
      <h1 className="heading-l">{t("home.title")}</h1>
      <p className="lead">{t("home.lead")}</p>
      <h2 className="heading-m">{t("home.stepsTitle")}</h2>
      <ol className="steps">
        {(["step1", "step2", "step3"] as const).map((step) => (
          <li key={step}>
            <h3 className="heading-s">{t(`home.${step}.title`)}</h3>
            <p className="body">{t(`home.${step}.body`)}</p>
          </li>
        ))}
      </ol>
      <p className="body">{t("home.emailNote")}</p>
      {user ? null : (
        <>
          <Link to="/signup" className="button button--primary" role="button">
            {t("home.start")}
          </Link>
          <p className="body">
            {t("home.signInPrompt")} <Link to="/login">{t("nav.signIn")}</Link>
          </p>
        </>
      )}
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
