import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Button } from "~/components/form.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { setFlash } from "~/platform/http/flash.server.ts";
import { readForm } from "~/platform/forms/forms.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { verifyEmailToken } from "~/features/account/account.server.ts";
import { peekUserToken } from "~/features/account/user.server.ts";

// GET only shows the button: link scanners that follow the emailed URL must not confirm the account.
export async function loader({ request }: LoaderFunctionArgs) {
  const { t } = await getTranslator(request);
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const valid = token.length > 0 && token.length < 200 && Boolean(await peekUserToken(token, "verify_email"));
  return { title: t("verify.title"), token: valid ? token : null };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const values = await readForm(request);
  const ok = (values.token ?? "").length < 200 && (await verifyEmailToken(values.token ?? "", context.requestId));
  if (!ok) return redirect("/verify-email");
  return redirect("/login", { headers: { "Set-Cookie": await setFlash({ kind: "success", key: "flash.emailVerified" }) } });
}

export default function VerifyEmail() {
  const t = useT();
  const { token } = useLoaderData<typeof loader>();
  return (
    <div className="narrow">
      <PageTitle>{t("verify.title")}</PageTitle>
      {token ? (
        <Form method="post">
          <p className="body">{t("verify.lead")}</p>
          <input type="hidden" name="token" value={token} />
          <Button>{t("verify.confirm")}</Button>
        </Form>
      ) : (
        <p className="body">{t("verify.invalid")}</p>
      )}
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
