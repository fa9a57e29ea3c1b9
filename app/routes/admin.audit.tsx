import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireRole } from "~/features/account/auth.server.ts";
import { loadAdminLog } from "~/features/audit/admin-log-page.server.ts";
import { AdminLogPage } from "~/features/audit/ui/admin-log.tsx";
import { pageTitle } from "~/platform/http/meta.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  return loadAdminLog(request);
}

export default function AdminAuditLog() {
  return <AdminLogPage data={useLoaderData<typeof loader>()} />;
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
