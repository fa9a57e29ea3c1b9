import type { AnswerChange } from "~/features/application/answers-diff.ts";
import { useT } from "~/platform/i18n/use-t.ts";

interface Props {
  since: number;
  changes: AnswerChange[];
  labels: Record<string, string>;
  added: { id: string; file_name: string; slot: string }[];
  removed: { id: string; file_name: string; slot: string }[];
}

/** What changed between two submitted versions, field by field and file by file. */
export function VersionChanges({ since, changes, labels, added, removed }: Props) {
  const t = useT();
  const empty = changes.length === 0 && added.length === 0 && removed.length === 0;
  return (
    <section aria-labelledby="changes-since" className="inset">
      <h2 className="heading-m" id="changes-since">
        {t("version.changedSince", { n: since })}
      </h2>
      {empty ? (
        <p className="body">{t("version.noChanges")}</p>
      ) : (
        <ul className="change-list">
          {changes.map((c) => (
            <li key={c.path}>
              <strong>{labels[c.path] ?? c.path}</strong>
              <del className="change-list__before">{c.before}</del>
              <ins className="change-list__after">{c.after}</ins>
            </li>
          ))}
          {added.map((f) => (
            <li key={f.id}>
              <ins className="change-list__after">+ {f.file_name}</ins> <span className="hint">({labels[f.slot] ?? f.slot})</span>
            </li>
          ))}
          {removed.map((f) => (
            <li key={f.id}>
              <del className="change-list__before">− {f.file_name}</del> <span className="hint">({labels[f.slot] ?? f.slot})</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
