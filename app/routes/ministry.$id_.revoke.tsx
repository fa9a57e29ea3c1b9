import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Button, ErrorSummary, TextArea, TextInput } from "~/components/form.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { requireRole } from "~/features/account/auth.server.ts";
import { transitionThenRedirect } from "~/platform/http/flash.server.ts";
import { invalid, readForm, validate } from "~/platform/forms/forms.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { reviewSchemas } from "~/features/review/review-forms.server.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { getApplicationForReviewer } from "~/features/review/queries.server.ts";
import { revokeRecognition } from "~/features/review/commands.server.ts";

async function requireRecognised(request: Request, id: string | undefined) {
  const user = await requireRole(request, "ministry_reviewer");
  const app = id ? await getApplicationForReviewer(user, id) : undefined;
  if (!app) throw new Response("Not Found", { status: 404 });
  if (app.status !== "recognised") throw redirect(`/ministry/${app.id}`);
  return { user, app };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { app } = await requireRecognised(request, params.id);
  const { t } = await getTranslator(request);
  return { title: t("revoke.title", { platform: app.platform_name }), id: app.id, platform: app.platform_name, lockVersion: app.lock_version };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, app } = await requireRecognised(request, params.id);
  const { t } = await getTranslator(request);
  const values = await readForm(request);
  const r = validate(reviewSchemas.revoke(t), values);
  if (!r.ok) return invalid(r.errors, values);
  const { lockVersion, decisionNumber, decisionDate, reason } = r.data;
  return transitionThenRedirect(`/ministry/${app.id}`, "revoke.done", () =>
    revokeRecognition(user, app.id, { lockVersion, decisionNumber: String(decisionNumber), decisionDate: String(decisionDate), reason: String(reason) }, context.requestId),
  );
}

export default function RevokeRecognition() {
  const t = useT();
  const { id, platform, lockVersion } = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>();
  return (
    <>
      <ErrorSummary errors={state?.errors} />
      <PageTitle>{t("revoke.title", { platform })}</PageTitle>
      <p className="warning-text">{t("revoke.lead")}</p>
      <Form method="post">
        <input type="hidden" name="lockVersion" value={lockVersion} />
        <TextInput name="decisionNumber" label={t("revoke.decisionNumber")} width="half" state={state} />
        <TextInput name="decisionDate" type="date" label={t("revoke.decisionDate")} width="short" state={state} />
        <TextArea name="reason" label={t("revoke.reason")} hint={t("revoke.reason.hint")} state={state} />
        <Button variant="warning">{t("revoke.confirm")}</Button>
      </Form>
      <p className="body">
        <Link to={`/ministry/${id}`}>{t("revoke.cancel")}</Link>
      </p>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
