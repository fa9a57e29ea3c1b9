import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Button } from "~/components/form.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { getUser, requireRole } from "~/features/account/auth.server.ts";
import { setFlash } from "~/platform/http/flash.server.ts";
import { readForm } from "~/platform/forms/forms.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { acceptEnterpriseInvitation, AlreadyMemberError, findEnterpriseInvitation } from "~/features/enterprise/enterprise.server.ts";
import { getMembership } from "~/features/account/membership.server.ts";
import { normaliseEmail } from "~/features/account/user.server.ts";

type JoinState =
  | { kind: "invalid" }
  | { kind: "anonymous"; email: string; enterprise: string; role: "owner" | "member"; loginHref: string }
  | { kind: "wrongEmail"; email: string; current: string }
  | { kind: "alreadyMember"; enterprise: string }
  | { kind: "ready"; enterprise: string; role: "owner" | "member"; token: string };

function plausibleToken(token: string): boolean {
  return token.length > 0 && token.length < 200;
}

// GET only shows the invitation: link scanners that follow the emailed URL must not accept it.
export async function loader({ request }: LoaderFunctionArgs) {
  const { t } = await getTranslator(request);
  const user = await getUser(request);
  if (user && user.role !== "enterprise") throw new Response("Forbidden", { status: 403 });
  const url = new URL(request.url);
  const token = url.searchParams.get("token") ?? "";
  const invitation = plausibleToken(token) ? await findEnterpriseInvitation(token) : undefined;
  const title = t("enterprise.join.title");
  let state: JoinState;
  if (!invitation) state = { kind: "invalid" };
  else if (!user) {
    const back = `/enterprise/join?token=${encodeURIComponent(token)}`;
    const loginHref = `/login?redirectTo=${encodeURIComponent(back)}`;
    state = { kind: "anonymous", email: invitation.email, enterprise: invitation.legal_name, role: invitation.role, loginHref };
  } else {
    const membership = await getMembership(user.id);
    if (membership) state = { kind: "alreadyMember", enterprise: membership.enterprise.legal_name };
    else if (normaliseEmail(user.email) !== invitation.email) state = { kind: "wrongEmail", email: invitation.email, current: user.email };
    else state = { kind: "ready", enterprise: invitation.legal_name, role: invitation.role, token };
  }
  return { title, state };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "enterprise");
  const values = await readForm(request);
  const token = values.token ?? "";
  if (!plausibleToken(token)) return redirect("/enterprise/join");
  const back = `/enterprise/join?token=${encodeURIComponent(token)}`;
  let accepted: boolean;
  try {
    accepted = await acceptEnterpriseInvitation(user, token, context.requestId);
  } catch (e) {
    // The page explains it: the account already belongs to an enterprise.
    if (e instanceof AlreadyMemberError) return redirect(back);
    throw e;
  }
  // Used, expired or meant for another address: the page says which.
  if (!accepted) return redirect(back);
  return redirect("/applications", { headers: { "Set-Cookie": await setFlash({ kind: "success", key: "flash.enterpriseJoined" }) } });
}

export default function JoinEnterprise() {
  const t = useT();
  const { state } = useLoaderData<typeof loader>();
  return (
    <div className="narrow">
      <PageTitle>{t("enterprise.join.title")}</PageTitle>
      {state.kind === "invalid" ? <p className="body">{t("enterprise.join.invalid")}</p> : null}
      {state.kind === "anonymous" ? (
        <>
          <p className="body">{t("enterprise.join.lead", { enterprise: state.enterprise, role: t(`enterprise.role.${state.role}`).toLowerCase() })}</p>
          <p className="body">{t("enterprise.join.anonymous", { email: state.email })}</p>
          <p className="body">
            <Link to={state.loginHref} className="button button--primary">
              {t("enterprise.join.signIn")}
            </Link>
          </p>
          <p className="body">{t("enterprise.join.noAccount", { email: state.email })}</p>
          <p className="body">
            <Link to="/signup">{t("enterprise.join.signUp")}</Link>
          </p>
        </>
      ) : null}
      {state.kind === "wrongEmail" ? (
        <p className="body">{t("enterprise.join.wrongEmail", { email: state.email, current: state.current })}</p>
      ) : null}
      {state.kind === "alreadyMember" ? (
        <>
          <p className="body">{t("enterprise.join.alreadyMember", { enterprise: state.enterprise })}</p>
          <p className="body">{t("enterprise.join.alreadyMemberHint")}</p>
          <p className="body">
            <Link to="/enterprise">{t("enterprise.join.toEnterprise")}</Link>
          </p>
        </>
      ) : null}
      {state.kind === "ready" ? (
        <Form method="post">
          <p className="body">{t("enterprise.join.lead", { enterprise: state.enterprise, role: t(`enterprise.role.${state.role}`).toLowerCase() })}</p>
          <input type="hidden" name="token" value={state.token} />
          <Button>{t("enterprise.join.accept")}</Button>
        </Form>
      ) : null}
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
