import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageTitle } from "~/components/ui.tsx";
import { requireMemberApplication } from "~/features/application/application-guards.server.ts";
import type { Application } from "~/platform/db/db-types.ts";
import { needsChanges, canEditCriterion } from "~/features/application/editable.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { getCriteria, type CriteriaItem } from "~/features/application/criteria.server.ts";
import { listAttachments } from "~/features/application/files.server.ts";
import { openChangeRequest } from "~/features/application/queries.server.ts";
import { localised } from "~/platform/i18n/localised.ts";

type ItemState = "not_started" | "in_progress" | "completed" | "locked" | "needs_changes";

const TAG_COLOUR: Record<ItemState, string> = { not_started: "grey", in_progress: "blue", completed: "green", locked: "grey", needs_changes: "yellow" };

/** Completed means what submission needs: an assessment, an explanation and, where the item asks for it, evidence. */
function itemState(app: Application, item: CriteriaItem, slots: Set<string>, addressed: ReadonlySet<string>): ItemState {
  if (!canEditCriterion(app, item.key)) return "locked";
  if (needsChanges(app, addressed, `criterion:${item.key}`)) return "needs_changes";
  const answer = app.answers.criteria?.[item.key];
  const hasFiles = slots.has(`criterion:${item.key}`);
  const hasEvidence = (answer?.links?.length ?? 0) > 0 || hasFiles;
  if (answer?.assessment && answer.explanation && (!item.evidence_required || answer.assessment === "not_met" || hasEvidence)) return "completed";
  return answer?.assessment || answer?.explanation || hasEvidence ? "in_progress" : "not_started";
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { app } = await requireMemberApplication(request, params.id);
  const { t, locale } = await getTranslator(request);
  const [groups, files, changeRequest] = await Promise.all([getCriteria(app.criteria_set_id), listAttachments(app.id), openChangeRequest(app.id)]);
  const slots = new Set(files.map((f) => f.slot));
  const addressed = new Set((changeRequest?.items ?? []).filter((i) => i.addressed_at).map((i) => i.target));
  const shaped = groups.map((g) => ({
    code: g.code,
    title: localised(g, "title", locale),
    items: g.items.map((i) => ({ key: i.key, text: localised(i, "text", locale), state: itemState(app, i, slots, addressed) })),
  }));
  const all = shaped.flatMap((g) => g.items);
  // While changes are requested the count is about the reopened criteria, not the whole list.
  const counted = app.status === "changes_requested" ? all.filter((i) => i.state !== "locked") : all;
  return {
    title: t("section.criteria"),
    id: app.id,
    groups: shaped,
    changes: app.status === "changes_requested",
    done: counted.filter((i) => i.state === "completed").length,
    total: counted.length,
  };
}

export default function CriteriaList() {
  const t = useT();
  const { id, groups, changes, done, total } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="body">
        <Link to={`/applications/${id}`}>{t("common.backToTaskList")}</Link>
      </p>
      <PageTitle caption={t("app.title")}>{t("section.criteria")}</PageTitle>
      <p className="body">{t("crit.list.lead")}</p>
      <p className="body">
        <strong>{t(changes ? "crit.list.progressChanges" : "crit.list.progress", { done, total })}</strong>
      </p>
      {groups.map((g) => (
        <section key={g.code} aria-labelledby={`group-${g.code}`}>
          <h2 className="heading-m" id={`group-${g.code}`}>
            {g.code}. {g.title}
          </h2>
          <ul className="task-list">
            {g.items.map((i) => (
              <li className="task-list__item" key={i.key}>
                <Link to={`/applications/${id}/criteria/${i.key}`} aria-describedby={`status-${i.key}`}>
                  {i.text}
                </Link>
                <span id={`status-${i.key}`}>
                  <strong className={`tag tag--${TAG_COLOUR[i.state]}`}>{t(`section.state.${i.state}`)}</strong>
                </span>
              </li>
            ))}
          </ul>
        </section>
      ))}
      <p className="body">
        <Link to={`/applications/${id}`} className="button button--secondary">
          {t("common.backToTaskList")}
        </Link>
      </p>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
