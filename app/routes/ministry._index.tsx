import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { PageTitle } from "~/components/ui.tsx";
import { requireRole } from "~/lib/auth.server.ts";
import { getTranslator } from "~/lib/i18n.server.ts";
import { pageTitle } from "~/lib/meta.ts";
import { useT } from "~/lib/use-t.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "ministry_reviewer");
  const { t } = await getTranslator(request);
  return { title: t("queue.national.title") };
}

export default function NationalQueue() {
  const t = useT();
  return (
    <>
      <PageTitle>{t("queue.national.title")}</PageTitle>
      <p className="body">{t("queue.empty")}</p>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
