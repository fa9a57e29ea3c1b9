import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { PageTitle } from "~/components/ui.tsx";
import { requireRole } from "~/lib/auth.server.ts";
import { getTranslator } from "~/lib/i18n.server.ts";
import { pageTitle } from "~/lib/meta.ts";
import { useT } from "~/lib/use-t.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "enterprise");
  const { t } = await getTranslator(request);
  return { title: t("apps.title") };
}

export default function MyApplications() {
  const t = useT();
  return (
    <>
      <PageTitle>{t("apps.title")}</PageTitle>
      <p className="body">{t("apps.empty")}</p>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => pageTitle(data?.title);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
