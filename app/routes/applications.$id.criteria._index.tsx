import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageTitle } from "~/components/ui.tsx";
import { requireMemberApplication } from "~/lib/application-guards.server.ts";
import type { Application } from "~/lib/db-types.ts";
import { getTranslator } from "~/lib/i18n.server.ts";
import { pageTitle } from "~/lib/meta.ts";
import { useT } from "~/lib/use-t.ts";
import { canEditCriterion, getCriteria, listAttachments, type CriteriaItem } from "~/models/application.server.ts";

type ItemState = "not_started" | "in_progress" | "completed" | "locked";

const TAG_COLOUR: Record<ItemState, string> = { not_started: "grey", in_progress: "blue", completed: "green", locked: "grey" };

/** Completed means what submission needs: an assessment, an explanation and, where the item asks for it, evidence. */
function itemState(app: Application, item: CriteriaItem, slots: Set<string>): ItemState {
  if (!canEditCriterion(app, item.key)) return "locked";
  const answer = app.answers.criteria?.[item.key];
  const hasFiles = slots.has(`criterion:${item.key}`);
  const hasEvidence = (answer?.links?.length ?? 0) > 0 || hasFiles;
  if (answer?.assessment && answer.explanation && (!item.evidence_required || answer.assessment === "not_met" || hasEvidence)) return "completed";
  return answer?.assessment || answer?.explanation || hasEvidence ? "in_progress" : "not_started";
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { app } = await requireMemberApplication(request, params.id);
  const { t, locale } = await getTranslator(request);
  const [groups, files] = await Promise.all([getCriteria(app.criteria_set_id), listAttachments(app.id)]);
  const slots = new Set(files.map((f) => f.slot));
  const vi = locale === "vi";
  const shaped = groups.map((g) => ({
    code: g.code,
    title: vi ? g.title_vi : g.title_en,
    items: g.items.map((i) => ({ key: i.key, text: vi ? i.text_vi : i.text_en, state: itemState(app, i, slots) })),
  }));
  const all = shaped.flatMap((g) => g.items);
  return {
    title: t("section.criteria"),
    id: app.id,
    groups: shaped,
    done: all.filter((i) => i.state === "completed").length,
    total: all.length,
  };
}

export default function CriteriaList() {
  const t = useT();
  const { id, groups, done, total } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="body">
        <Link to={`/applications/${id}`}>{t("common.backToTaskList")}</Link>
      </p>
      <PageTitle caption={t("app.title")}>{t("section.criteria")}</PageTitle>
      <p className="body">{t("crit.list.lead")}</p>
      <p className="body">
        <strong>{t("crit.list.progress", { done, total })}</strong>
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
