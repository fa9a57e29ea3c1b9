import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { QueuePage } from "~/features/review/ui/queue.tsx";
import { requireRole } from "~/features/account/auth.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { loadQueue } from "~/features/review/queue-page.server.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { countOpenDisputes } from "~/features/enterprise/verification-queries.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "province_reviewer");
  const [queue, openDisputes] = await Promise.all([loadQueue(request, user), countOpenDisputes(user.province_code!)]);
  return { ...queue, openDisputes };
}

export default function ProvinceQueue() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  return (
    <>
      {data.openDisputes > 0 ? (
        <div className="banner banner--warning" role="status">
          <p className="banner__text">
            {t("disputes.banner", { n: data.openDisputes })} <Link to="/review/disputes">{t("disputes.bannerLink")}</Link>
          </p>
        </div>
      ) : null}
      <QueuePage data={data} basePath="/review" />
      <p className="body">
        <Link to="/review/disputes">{t("disputes.viewAll")}</Link>
      </p>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
