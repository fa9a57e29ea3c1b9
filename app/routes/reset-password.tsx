import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { NewPasswordForm } from "~/features/account/ui/new-password-form.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { setFlash } from "~/platform/http/flash.server.ts";
import { invalid, readForm, validate } from "~/platform/forms/forms.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { newPasswordSchema } from "~/features/account/password-form.server.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { resetPasswordWithToken } from "~/features/account/account.server.ts";
import { peekUserToken } from "~/features/account/user.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const { t } = await getTranslator(request);
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const valid = token.length > 0 && token.length < 200 && Boolean(await peekUserToken(token, "reset_password"));
  return { title: t("reset.title"), token: valid ? token : null };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { t } = await getTranslator(request);
  const values = await readForm(request);
  const result = validate(newPasswordSchema(t), values);
  if (!result.ok) return invalid(result.errors, values);
  const ok = await resetPasswordWithToken(result.data.token, result.data.password, context.requestId);
  if (!ok) return redirect("/reset-password");
  return redirect("/login", { headers: { "Set-Cookie": await setFlash({ kind: "success", key: "flash.passwordReset" }) } });
}

export default function ResetPassword() {
  const t = useT();
  const { token } = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>();
  return (
    <div className="narrow">
      <PageTitle>{t("reset.title")}</PageTitle>
      {token ? (
        <NewPasswordForm token={token} state={state} submitLabel={t("reset.submit")} />
      ) : (
        <>
          <p className="body">{t("reset.invalid")}</p>
          <p className="body">
            <Link to="/forgot-password">{t("reset.again")}</Link>
          </p>
        </>
      )}
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
