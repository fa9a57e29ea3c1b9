import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireMemberApplication } from "~/features/application/application-guards.server.ts";
import { formatDate } from "~/platform/i18n/format.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { provinceInPhrase } from "~/features/reference/province-names.ts";
import { useLocale, useT } from "~/platform/i18n/use-t.ts";
import { getProvince } from "~/features/reference/reference.server.ts";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, app } = await requireMemberApplication(request, params.id);
  if (!app.reference) throw redirect(`/applications/${app.id}`);
  const { t, locale } = await getTranslator(request);
  const province = await getProvince(app.province_code ?? "");
  return {
    title: t("submitted.title"),
    id: app.id,
    reference: app.reference,
    dueAt: app.due_at,
    province: province ? provinceInPhrase(province, locale) : "",
    email: app.answers.contact?.email ?? user.email,
  };
}

export default function Submitted() {
  const t = useT();
  const locale = useLocale();
  const { id, reference, dueAt, province, email } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="panel panel--confirmation">
        <h1 className="heading-l">{t("submitted.title")}</h1>
        <p className="body">{t("submitted.reference")}</p>
        <p className="reference" data-testid="reference">
          {reference}
        </p>
      </div>
      <h2 className="heading-m">{t("submitted.next")}</h2>
      <p className="body">
        {t("submitted.nextBody", {
          agency: `${t("app.agencyProvince")} ${province}`,
          date: dueAt ? formatDate(dueAt, locale) : "",
          email,
        })}
      </p>
      <p className="body">
        <Link to={`/applications/${id}`}>{t("submitted.track")}</Link>
      </p>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
