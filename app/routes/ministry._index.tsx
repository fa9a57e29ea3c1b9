import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { QueuePage } from "~/features/review/ui/queue.tsx";
import { requireRole } from "~/features/account/auth.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { loadQueue } from "~/features/review/queue-page.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "ministry_reviewer");
  return loadQueue(request, user);
}

export default function NationalQueue() {
  return <QueuePage data={useLoaderData<typeof loader>()} basePath="/ministry" />;
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
