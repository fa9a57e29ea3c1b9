import type { Answers } from "~/platform/db/db-types.ts";
import type { DocumentKind, PlatformField } from "~/features/application/limits.server.ts";
import { formatBytes, formatIsoDate } from "~/platform/i18n/format.ts";
import { useLocale, useT } from "~/platform/i18n/use-t.ts";
import { SummaryRow } from "./application-ui.tsx";
import { localised } from "~/platform/i18n/localised.ts";
import { intlLocale } from "~/platform/i18n/i18n.ts";

export interface AnswersView {
  answers: Answers;
  groups: { code: string; title_vi: string; title_en: string; items: { key: string; text_vi: string; text_en: string }[] }[];
  files: { id: string; slot: string; file_name: string; size_bytes: number }[];
  categories: { pillars: Named[]; sectors: Named[]; ownershipTypes: Named[] };
  applicationId: string;
  /** When set, each answer gets a "Change" link into the form. */
  editable?: (section: string, target?: string) => boolean;
}
interface Named {
  code: string;
  name_vi: string;
  name_en: string;
}

const DOC_KINDS: readonly DocumentKind[] = ["business_registration", "technical_description", "security_approval", "data_protection_plan", "other"];

type FileView = AnswersView["files"][number];

/** One criterion's evidence: the enterprise's explanation, its links and its files (download links). */
export function CriterionEvidence({
  answer,
  files,
  applicationId,
  labelled,
}: {
  answer: NonNullable<Answers["criteria"]>[string] | undefined;
  files: FileView[];
  applicationId: string;
  /** With a label before the links and the files (the reviewer's card); the summary list needs none. */
  labelled?: boolean;
}) {
  const t = useT();
  const links = answer?.links ?? [];
  return (
    <>
      {answer?.explanation ? <span className="block summary-list__value">{answer.explanation}</span> : null}
      {links.length ? (
        <>
          {labelled ? <span className="block evidence__label">{t("crit.links")}</span> : null}
          <ul className="file-list">
            {links.map((l) => (
              <li key={l}>
                <a href={l} rel="noopener noreferrer nofollow">
                  {l}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {files.length ? (
        <>
          {labelled ? <span className="block evidence__label">{t("crit.files")}</span> : null}
          <FileLinks files={files} applicationId={applicationId} />
        </>
      ) : null}
    </>
  );
}

function FileLinks({ files, applicationId }: { files: FileView[]; applicationId: string }) {
  return (
    <ul className="file-list">
      {files.map((f) => (
        <li key={f.id}>
          <a href={`/applications/${applicationId}/files/${f.id}`} download>
            {f.file_name}
          </a>{" "}
          ({formatBytes(f.size_bytes)})
        </li>
      ))}
    </ul>
  );
}

/** Every answer of an application, as a GOV.UK summary list; used by check-answers, versions and reviewers. */
export function ApplicationAnswers({ answers, groups, files, categories, applicationId, editable }: AnswersView) {
  const t = useT();
  const locale = useLocale();
  const p = answers.platform ?? {};
  const base = `/applications/${applicationId}`;
  const name = (list: Named[], code?: string) => {
    const found = list.find((x) => x.code === code);
    return found ? localised(found, "name", locale) : "";
  };
  const date = (v?: string) => (v ? formatIsoDate(v, locale) : "");
  const change = (section: string, target?: string) => (editable?.(section, target) ? `${base}/${section}${target ? `/${target}` : ""}` : undefined);
  const fileList = (slot: string) => {
    const list = files.filter((f) => f.slot === slot);
    return list.length === 0 ? "" : <FileLinks files={list} applicationId={applicationId} />;
  };
  const platformRows: [`platform.${PlatformField}`, string][] = [
    ["platform.name", p.name ?? ""],
    ["platform.shortDescription", p.shortDescription ?? ""],
    ["platform.longDescription", p.longDescription ?? ""],
    ["platform.pillar", name(categories.pillars, p.pillar)],
    ["platform.sector", name(categories.sectors, p.sector)],
    ["platform.ownershipType", name(categories.ownershipTypes, p.ownershipType)],
    ["platform.publicUrl", p.publicUrl ?? ""],
    ["platform.launchDate", date(p.launchDate)],
    ["platform.usersCount", p.usersCount ? `${Number(p.usersCount).toLocaleString(intlLocale(locale))} (${date(p.usersAsOf)})` : ""],
    ["platform.usersMethod", p.usersMethod ?? ""],
    ["platform.dataInVietnam", p.dataInVietnam ? t(p.dataInVietnam === "yes" ? "common.yes" : "common.no") : ""],
    ["platform.dataCentreProvider", p.dataCentreProvider ?? ""],
    ["platform.securityLevel", p.securityLevel ?? ""],
    ["platform.securityDecisionNumber", p.securityDecisionNumber ? `${p.securityDecisionNumber} (${date(p.securityDecisionDate)})` : ""],
  ];
  const c = answers.contact ?? {};
  return (
    <>
      <h2 className="heading-m">{t("section.platform")}</h2>
      <dl className="summary-list">
        {platformRows.map(([key, value]) => (
          <SummaryRow key={key} label={t(key)} value={value} changeHref={change("platform")} />
        ))}
      </dl>

      <h2 className="heading-m">{t("section.criteria")}</h2>
      {groups.map((g) => (
        <section key={g.code}>
          <h3 className="heading-s">{localised(g, "title", locale)}</h3>
          <dl className="summary-list">
            {g.items.map((item) => {
              const a = answers.criteria?.[item.key];
              return (
                <SummaryRow
                  key={item.key}
                  label={localised(item, "text", locale)}
                  changeHref={change("criteria", item.key)}
                  value={
                    a?.assessment ? (
                      <>
                        <strong>{t(`assessment.${a.assessment}`)}</strong>
                        <CriterionEvidence answer={a} files={files.filter((f) => f.slot === `criterion:${item.key}`)} applicationId={applicationId} />
                      </>
                    ) : (
                      ""
                    )
                  }
                />
              );
            })}
          </dl>
        </section>
      ))}

      <h2 className="heading-m">{t("section.documents")}</h2>
      <dl className="summary-list">
        {DOC_KINDS.map((kind) => (
          <SummaryRow key={kind} label={t(`doc.${kind}`)} value={fileList(`doc:${kind}`)} changeHref={change("documents")} />
        ))}
      </dl>

      <h2 className="heading-m">{t("section.contact")}</h2>
      <dl className="summary-list">
        <SummaryRow label={t("contact.name")} value={c.name ?? ""} changeHref={change("contact")} />
        <SummaryRow label={t("contact.title")} value={c.title ?? ""} changeHref={change("contact")} />
        <SummaryRow label={t("contact.email")} value={c.email ?? ""} changeHref={change("contact")} />
        <SummaryRow label={t("contact.phone")} value={c.phone ?? ""} changeHref={change("contact")} />
      </dl>

      <h2 className="heading-m">{t("section.declaration")}</h2>
      <dl className="summary-list">
        <SummaryRow
          label={t("declaration.accept")}
          value={answers.declaration?.accepted ? `${t("common.yes")} – ${answers.declaration.name ?? ""}` : ""}
          changeHref={change("declaration")}
        />
      </dl>
    </>
  );
}
