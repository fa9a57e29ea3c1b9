import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireRole } from "~/features/account/auth.server.ts";
import { loadStaffStatistics, seesAllProvinces } from "~/features/statistics/page.server.ts";
import { StaffStatistics } from "~/features/statistics/ui/staff-statistics.tsx";
import { pageTitle } from "~/platform/http/meta.ts";

/** Staff statistics: a province reviewer sees their province; the ministry and administrators every province or one. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ["province_reviewer", "ministry_reviewer", "admin"]);
  if (!seesAllProvinces(user) && !user.province_code) throw new Response("Forbidden", { status: 403 });
  const page = await loadStaffStatistics(request, user);
  return data(page, { status: page.errors ? 400 : 200 });
}

export default function StaffStatisticsPage() {
  return <StaffStatistics data={useLoaderData<typeof loader>()} />;
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
