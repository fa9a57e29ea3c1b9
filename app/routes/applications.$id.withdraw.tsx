import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button } from "~/components/form.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { requireMemberApplication } from "~/features/application/application-guards.server.ts";
import { transitionThenRedirect } from "~/platform/http/flash.server.ts";
import { readForm } from "~/platform/forms/forms.server.ts";
import { field } from "~/platform/forms/input.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { canTransition } from "~/features/application/workflow.ts";
import { withdrawApplication } from "~/features/application/commands.server.ts";

// A factory, not a module-level value: the compiler could not drop a top-level zod call from the browser bundle.
const withdrawSchema = () =>
  z.object({ lockVersion: field.wholeNumber() });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, app } = await requireMemberApplication(request, params.id);
  if (!canTransition("withdraw", app.status, user.role)) throw redirect(`/applications/${app.id}`);
  const { t } = await getTranslator(request);
  return { title: t("app.withdraw"), id: app.id, reference: app.reference ?? app.platform_name, lockVersion: app.lock_version };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, app } = await requireMemberApplication(request, params.id);
  const parsed = withdrawSchema().safeParse(await readForm(request));
  if (!parsed.success) throw new Response("Bad Request", { status: 400 });
  return transitionThenRedirect(`/applications/${app.id}`, "app.withdrawn", () =>
    withdrawApplication(user, app.id, { lockVersion: parsed.data.lockVersion }, context.requestId),
  );
}

export default function Withdraw() {
  const t = useT();
  const { id, reference, lockVersion } = useLoaderData<typeof loader>();
  return (
    <>
      <PageTitle>{t("app.withdraw.title", { reference })}</PageTitle>
      <p className="warning-text">{t("app.withdraw.lead")}</p>
      <Form method="post">
        <input type="hidden" name="lockVersion" value={lockVersion} />
        <Button variant="warning">{t("app.withdraw.confirm")}</Button>
      </Form>
      <p className="body">
        <Link to={`/applications/${id}`}>{t("app.withdraw.cancel")}</Link>
      </p>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
