import type { MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/platform/http/meta.ts";

/**
 * Every address no other route takes. Answering 404 from a route (not from "no route matches") runs the root loader,
 * so the not-found page has the header, the navigation, the signed-in user and the visitor's language.
 */
export async function loader() {
  throw new Response("Not Found", { status: 404 });
}

export async function action() {
  throw new Response("Not Found", { status: 404 });
}

// Never rendered (the loader always throws); a page route, not a resource route, so the ErrorBoundary renders.
export default function NotFound() {
  return null;
}

export const meta: MetaFunction = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
