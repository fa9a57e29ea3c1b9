import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { NewPasswordForm } from "~/features/account/ui/new-password-form.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { setFlash } from "~/platform/http/flash.server.ts";
import { invalid, readForm, validate } from "~/platform/forms/forms.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { newPasswordSchema } from "~/features/account/password-form.server.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { acceptInvite } from "~/features/account/account.server.ts";
import { peekUserToken } from "~/features/account/user.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const { t } = await getTranslator(request);
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const user = token.length > 0 && token.length < 200 ? await peekUserToken(token, "invite") : undefined;
  return {
    title: t("invite.title"),
    invite: user && user.status === "invited" ? { token, email: user.email, role: user.role } : null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { t } = await getTranslator(request);
  const values = await readForm(request);
  const result = validate(newPasswordSchema(t), values);
  if (!result.ok) return invalid(result.errors, values);
  const ok = await acceptInvite(result.data.token, result.data.password, context.requestId);
  if (!ok) return redirect("/invite");
  return redirect("/login", { headers: { "Set-Cookie": await setFlash({ kind: "success", key: "flash.inviteAccepted" }) } });
}

export default function Invite() {
  const t = useT();
  const { invite } = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>();
  return (
    <div className="narrow">
      <PageTitle>{t("invite.title")}</PageTitle>
      {invite ? (
        <>
          <p className="body">{t("invite.lead", { role: t(`role.${invite.role}`), email: invite.email })}</p>
          <NewPasswordForm token={invite.token} state={state} submitLabel={t("invite.submit")} />
        </>
      ) : (
        <p className="body">{t("invite.invalid")}</p>
      )}
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
