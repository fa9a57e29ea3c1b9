import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ApplicationAnswers } from "~/features/application/ui/application-answers.tsx";
import { PageTitle } from "~/components/ui.tsx";
import { VersionChanges } from "~/features/application/ui/version-changes.tsx";
import { requireMemberApplication } from "~/features/application/application-guards.server.ts";
import { answerLabels } from "~/features/application/answer-labels.server.ts";
import { diffAnswers, diffFiles } from "~/features/application/answers-diff.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { getCriteria } from "~/features/application/criteria.server.ts";
import { getVersion } from "~/features/application/queries.server.ts";
import { listAttachmentsByIds } from "~/features/application/files.server.ts";
import { listCategories } from "~/features/reference/reference.server.ts";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { app } = await requireMemberApplication(request, params.id);
  const n = Number(params.n);
  const version = Number.isSafeInteger(n) && n > 0 ? await getVersion(app.id, n) : undefined;
  if (!version) throw new Response("Not Found", { status: 404 });
  const { t, locale } = await getTranslator(request);
  const [groups, categories, files, previous] = await Promise.all([
    getCriteria(app.criteria_set_id),
    listCategories(),
    listAttachmentsByIds(app.id, version.attachment_ids),
    n > 1 ? getVersion(app.id, n - 1) : undefined,
  ]);
  let changes = null;
  if (previous) {
    const previousFiles = await listAttachmentsByIds(app.id, previous.attachment_ids);
    changes = { since: n - 1, changes: diffAnswers(previous.answers, version.answers), ...diffFiles(previousFiles, files), labels: answerLabels(t, locale, groups) };
  }
  return {
    title: t("version.title", { n, reference: app.reference ?? "" }),
    id: app.id,
    n,
    reference: app.reference ?? "",
    answers: version.answers,
    groups,
    categories,
    files,
    changes,
  };
}

export default function VersionPage() {
  const t = useT();
  const { id, n, reference, answers, groups, categories, files, changes } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="body">
        <Link to={`/applications/${id}`}>{t("common.back")}</Link>
      </p>
      <PageTitle>{t("version.title", { n, reference })}</PageTitle>
      <p className="inset">{t("version.readOnly")}</p>
      {changes ? <VersionChanges {...changes} /> : null}
      <ApplicationAnswers answers={answers} groups={groups} files={files} categories={categories} applicationId={id} />
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
