import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getUser, homePathFor, safeRedirectTarget } from "~/features/account/auth.server.ts";
import { readForm } from "~/platform/forms/forms.server.ts";
import { langCookie } from "~/platform/i18n/i18n.server.ts";
import { isLocale } from "~/platform/i18n/i18n.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { setUserLocale } from "~/features/account/user.server.ts";

export async function loader() {
  throw new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
}

export async function action({ request }: ActionFunctionArgs) {
  const values = await readForm(request);
  const lang = isLocale(values.lang) ? values.lang : "vi";
  const user = await getUser(request);
  // Signed-in users get their emails in the language they chose.
  if (user && user.locale !== lang) await setUserLocale(user.id, lang);
  return redirect(safeRedirectTarget(values.redirectTo, user ? homePathFor(user) : "/"), { headers: { "Set-Cookie": await langCookie.serialize(lang) } });
}

// Never rendered (the loader always throws); a page route, not a resource route, so that a GET of this address gets
// the portal's 405 page rather than bare text.
export default function LanguageSwitch() {
  return null;
}

export const meta: MetaFunction = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
