import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ApplicationStatusTag } from "~/features/application/ui/application-ui.tsx";
import { Button, ErrorSummary } from "~/components/form.tsx";
import { PageTitle, Table } from "~/components/ui.tsx";
import { requireMembership } from "~/features/application/application-guards.server.ts";
import { requireRole } from "~/features/account/auth.server.ts";
import { setFlash } from "~/platform/http/flash.server.ts";
import { formatDateTime } from "~/platform/i18n/format.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useLocale, useT } from "~/platform/i18n/use-t.ts";
import { createDraft, DraftLimitError } from "~/features/application/drafts.server.ts";
import { listApplicationsForEnterprise } from "~/features/application/queries.server.ts";
import { getMembership } from "~/features/account/membership.server.ts";

/** Where the start button sits: the error summary links to it when the enterprise may not open another draft. */
const START = "start-application";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "enterprise");
  const { t } = await getTranslator(request);
  const membership = await getMembership(user.id);
  const applications = membership ? await listApplicationsForEnterprise(membership.enterprise.id) : [];
  return { title: t("apps.title"), enterprise: membership?.enterprise.legal_name ?? null, applications };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, membership } = await requireMembership(request);
  let app;
  try {
    app = await createDraft(user, membership.enterprise.id, context.requestId);
  } catch (e) {
    if (!(e instanceof DraftLimitError)) throw e;
    const { t } = await getTranslator(request);
    return data({ errors: { [START]: t("apps.error.draftLimit", { max: e.max }) } }, { status: 400 });
  }
  return redirect(`/applications/${app.id}`, { headers: { "Set-Cookie": await setFlash({ kind: "success", key: "apps.created" }) } });
}

export default function MyApplications() {
  const t = useT();
  const locale = useLocale();
  const { enterprise, applications } = useLoaderData<typeof loader>();
  const refused = useActionData<typeof action>()?.errors?.[START];
  if (!enterprise) {
    return (
      <>
        <PageTitle>{t("apps.title")}</PageTitle>
        <p className="body">{t("apps.needProfile")}</p>
        <Link to="/enterprise" className="button button--primary">
          {t("apps.createProfile")}
        </Link>
      </>
    );
  }
  return (
    <>
      <ErrorSummary errors={refused ? { [START]: refused } : undefined} />
      <PageTitle caption={enterprise}>{t("apps.title")}</PageTitle>
      <Form method="post">
        <div className={refused ? "form-group form-group--error" : undefined} id={START} tabIndex={-1}>
          {refused ? (
            <p className="error-message" id={`${START}-error`}>
              <span className="visually-hidden">Lỗi / Error: </span>
              {refused}
            </p>
          ) : null}
          <Button>{t("apps.start")}</Button>
        </div>
      </Form>
      {applications.length === 0 ? (
        <p className="body">{t("apps.empty")}</p>
      ) : (
        <Table caption={t("apps.caption", { enterprise })} head={[t("apps.col.platform"), t("apps.col.reference"), t("apps.col.status"), t("apps.col.updated")]}>
          {applications.map((a) => (
            <tr key={a.id}>
              <td>
                <Link to={`/applications/${a.id}`}>{a.platform_name || t("apps.untitled")}</Link>
              </td>
              <td>{a.reference ?? "—"}</td>
              <td>
                <ApplicationStatusTag status={a.status} />
              </td>
              <td>{formatDateTime(a.updated_at, locale)}</td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
