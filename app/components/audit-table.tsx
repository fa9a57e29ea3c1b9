import { formatDateTime } from "~/platform/i18n/format.ts";
import { useLocale, useT } from "~/platform/i18n/use-t.ts";
import { Table } from "./ui.tsx";

/** One audit event as a reader shows it; the texts are the loader's (already translated and disclosed). */
export interface AuditTableLine {
  key: string;
  at: string | Date;
  actor: string;
  role: string;
  action: string;
  details: string[];
  /** What the event is about (the admin log, which spans records). */
  subject?: string;
}

/** The audit readers' table: time, actor, role, action, details (and the subject, in the admin log). */
export function AuditTable({ caption, lines, withSubject = false }: { caption: string; lines: readonly AuditTableLine[]; withSubject?: boolean }) {
  const t = useT();
  const locale = useLocale();
  if (lines.length === 0) return <p className="body">{t("audit.none")}</p>;
  return (
    <Table
      caption={caption}
      head={[t("audit.col.time"), t("audit.col.actor"), t("audit.col.role"), t("audit.col.action"), ...(withSubject ? [t("audit.col.entity")] : []), t("audit.col.details")]}
    >
      {lines.map((l) => (
        <tr key={l.key}>
          <td>
            <time dateTime={new Date(l.at).toISOString()}>{formatDateTime(l.at, locale)}</time>
          </td>
          <td>{l.actor}</td>
          <td>{l.role}</td>
          <td>{l.action}</td>
          {withSubject ? <td>{l.subject ?? ""}</td> : null}
          <td>
            {l.details.length === 1 ? l.details[0] : l.details.length > 1 ? (
              <ul>
                {l.details.map((d, i) => (
                  <li key={i}>{d}</li>
                ))}
              </ul>
            ) : null}
          </td>
        </tr>
      ))}
    </Table>
  );
}
