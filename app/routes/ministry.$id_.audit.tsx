import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AuditReaderPage } from "~/features/review/ui/audit-reader.tsx";
import { loadAuditReader } from "~/features/review/review-route.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return loadAuditReader(request, "ministry", params.id);
}

export default function ApplicationAudit() {
  return <AuditReaderPage data={useLoaderData<typeof loader>()} />;
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
