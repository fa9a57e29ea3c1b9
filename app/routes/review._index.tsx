import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { PageTitle } from "~/components/ui.tsx";
import { requireRole } from "~/lib/auth.server.ts";
import { getTranslator } from "~/lib/i18n.server.ts";
import { pageTitle } from "~/lib/meta.ts";
import { useT } from "~/lib/use-t.ts";
import { getProvince } from "~/models/reference.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "province_reviewer");
  const { t } = await getTranslator(request);
  const province = await getProvince(user.province_code ?? "");
  const provinceName = province?.name_vi ?? "";
  return { title: t("queue.province.title", { province: provinceName }), provinceName };
}

export default function ProvinceQueue() {
  const t = useT();
  const { provinceName } = useLoaderData<typeof loader>();
  return (
    <>
      <PageTitle>{t("queue.province.title", { province: provinceName })}</PageTitle>
      <p className="body">{t("queue.empty")}</p>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
