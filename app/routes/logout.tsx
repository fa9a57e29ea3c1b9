import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { endSession } from "~/features/account/auth.server.ts";
import { setFlash } from "~/platform/http/flash.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";

export async function loader() {
  throw new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
}

export async function action({ request }: ActionFunctionArgs) {
  const headers = await endSession(request);
  headers.append("Set-Cookie", await setFlash({ kind: "success", key: "flash.signedOut" }));
  return redirect("/", { headers });
}

// Never rendered (the loader always throws); a page route, not a resource route, so that a GET of this address gets
// the portal's 405 page rather than bare text.
export default function SignOut() {
  return null;
}

export const meta: MetaFunction = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
