import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { QueuePage } from "~/components/queue.tsx";
import { requireRole } from "~/lib/auth.server.ts";
import { pageTitle } from "~/lib/meta.ts";
import { loadQueue } from "~/lib/queue.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "province_reviewer");
  return loadQueue(request, user);
}

export default function ProvinceQueue() {
  return <QueuePage data={useLoaderData<typeof loader>()} basePath="/review" />;
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
