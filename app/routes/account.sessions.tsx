import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Button } from "~/components/form.tsx";
import { PageTitle, StatusTag, Table } from "~/components/ui.tsx";
import { getSessionState, requireUser, sessionPolicy } from "~/features/account/auth.server.ts";
import { setFlash } from "~/platform/http/flash.server.ts";
import { formatDateTime } from "~/platform/i18n/format.ts";
import { readForm } from "~/platform/forms/forms.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { describeUserAgent } from "~/platform/http/user-agent.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { endOtherSessions } from "~/features/account/account.server.ts";
import { listActiveSessions } from "~/features/account/session.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const session = (await getSessionState(request))!;
  const { t, locale } = await getTranslator(request);
  const sessions = await listActiveSessions(user.id, sessionPolicy(), session.idHash);
  return {
    title: t("sessions.title"),
    sessions: sessions.map((s) => ({
      device: describeUserAgent(s.user_agent),
      userAgent: s.user_agent ?? "",
      ip: s.ip ?? "",
      started: formatDateTime(s.created_at, locale),
      lastSeen: formatDateTime(s.last_seen_at, locale),
      current: s.current,
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const session = (await getSessionState(request))!;
  const values = await readForm(request);
  if (values.intent !== "signOutOthers") throw new Response("Bad Request", { status: 400 });
  await endOtherSessions(user, session.idHash, context.requestId);
  return redirect("/account/sessions", { headers: { "Set-Cookie": await setFlash({ kind: "success", key: "flash.otherSessionsEnded" }) } });
}

export default function Sessions() {
  const t = useT();
  const { sessions } = useLoaderData<typeof loader>();
  const others = sessions.filter((s) => !s.current).length;
  return (
    <>
      <PageTitle>{t("sessions.title")}</PageTitle>
      <p className="body">{t("sessions.lead")}</p>
      <Table caption={t("sessions.title")} head={[t("sessions.col.device"), t("sessions.col.ip"), t("sessions.col.started"), t("sessions.col.lastSeen")]}>
        {sessions.map((s, i) => (
          <tr key={i} data-testid={s.current ? "current-session" : "other-session"}>
            <td>
              <span title={s.userAgent}>{s.device ?? t("sessions.unknownDevice")}</span>
              {s.current ? (
                <>
                  {" "}
                  <StatusTag status="active" label={t("sessions.current")} />
                </>
              ) : null}
            </td>
            <td>{s.ip}</td>
            <td>{s.started}</td>
            <td>{s.lastSeen}</td>
          </tr>
        ))}
      </Table>
      {others > 0 ? (
        <Form method="post">
          <input type="hidden" name="intent" value="signOutOthers" />
          <Button variant="warning">{t("sessions.signOutOthers")}</Button>
        </Form>
      ) : (
        <p className="body">{t("sessions.onlyThis")}</p>
      )}
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
