import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { endSession } from "~/lib/auth.server.ts";
import { setFlash } from "~/lib/flash.server.ts";

export async function loader() {
  throw new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
}

export async function action({ request }: ActionFunctionArgs) {
  const headers = await endSession(request);
  headers.append("Set-Cookie", await setFlash({ kind: "success", key: "flash.signedOut" }));
  return redirect("/", { headers });
}
