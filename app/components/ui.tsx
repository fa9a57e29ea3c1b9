import type { ReactNode } from "react";

export function FlashBanner({ kind, text }: { kind: "success" | "info" | "warning"; text: string }) {
  return (
    <div className={`banner banner--${kind}`} role={kind === "warning" ? "alert" : "status"}>
      <p className="banner__text">{text}</p>
    </div>
  );
}

const TAG_COLOURS: Record<string, string> = {
  active: "green",
  invited: "blue",
  deactivated: "grey",
  sent: "green",
  pending: "yellow",
  sending: "yellow",
  failed: "red",
};

/** A coloured tag; `status` picks the colour only, the caller words it (each status family has its own texts). */
export function StatusTag({ status, label }: { status: string; label: string }) {
  return <strong className={`tag tag--${TAG_COLOURS[status] ?? "grey"}`}>{label}</strong>;
}

export function Table({ caption, head, children }: { caption: string; head: ReactNode[]; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="table__caption">{caption}</caption>
        <thead>
          <tr>
            {head.map((h, i) => (
              <th scope="col" key={i}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

export function PageTitle({ children, caption }: { children: ReactNode; caption?: string }) {
  return (
    <h1 className="heading-l">
      {caption ? <span className="caption">{caption}</span> : null}
      {children}
    </h1>
  );
}
