import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { ReviewPage } from "~/features/review/ui/review-page.tsx";
import { pageTitle } from "~/platform/http/meta.ts";
import { loadReview, reviewAction } from "~/features/review/review-route.server.ts";
import { revalidateOnConflict } from "~/platform/http/revalidate.ts";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return loadReview(request, "ministry", params.id);
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return reviewAction(request, context, "ministry", params.id);
}

export default function MinistryReview() {
  return <ReviewPage data={useLoaderData<typeof loader>()} state={useActionData<typeof action>()} />;
}

export const shouldRevalidate = revalidateOnConflict;

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
