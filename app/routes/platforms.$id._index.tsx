import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PublicTimeline, SummaryList } from "~/features/catalogue/ui/catalogue.tsx";
import { PageTitle, Table } from "~/components/ui.tsx";
import { criteriaStatus, localName, makeLabels, requireListing, revocationJson } from "~/features/catalogue/open-data.server.ts";
import { formatDate, formatIsoDate } from "~/platform/i18n/format.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useLocale, useT } from "~/platform/i18n/use-t.ts";
import { getCriteriaSetVersion, listFilterOptions } from "~/features/catalogue/catalogue.server.ts";
import { localised } from "~/platform/i18n/localised.ts";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const state = await requireListing(params.id);
  const [{ locale }, options] = await Promise.all([getTranslator(request), listFilterOptions()]);
  const labels = makeLabels(options);
  const l = state.listing;
  const listed = state.endedBy === null;
  const [criteria, set] = listed ? await Promise.all([criteriaStatus(l), getCriteriaSetVersion(l.criteria_set_id)]) : [[], undefined];
  const body = {
    title: l.name,
    id: l.id,
    name: l.name,
    shortDescription: l.short_description ?? "",
    longDescription: l.long_description ?? "",
    enterprise: locale === "en" && l.enterprise_english_name ? `${l.enterprise_english_name} (${l.enterprise_name})` : l.enterprise_name,
    taxCode: l.enterprise_tax_code,
    province: localName(labels.province(l.province_code), locale),
    pillar: localName(labels.pillar(l.pillar), locale),
    sector: localName(labels.sector(l.sector), locale),
    ownership: localName(labels.ownership(l.ownership_type), locale),
    website: l.public_url && /^https?:\/\//i.test(l.public_url) ? l.public_url : "",
    launchDate: l.launch_date ?? "",
    decisionNumber: l.decision_number ?? "",
    decisionDate: l.decision_date ?? "",
    events: state.events.map((e) => ({ id: e.id, action: e.action, date: new Date(e.created_at).toISOString() })),
    gone: state.endedBy ? { by: state.endedBy, since: state.endedAt!, revocation: revocationJson(l) } : null,
    criteriaVersion: set ? localised(set, "title", locale) : "",
    criteria: criteria.map((c) => ({
      key: c.key,
      group: c.groupTitle[locale],
      text: c.text[locale],
      declared: c.declared,
      verifications: c.verifications,
    })),
  };
  // A revoked or withdrawn listing keeps its address and says since when: 410 Gone, not 404.
  return data(body, { status: listed ? 200 : 410 });
}

function groupsOf<T extends { group: string }>(rows: T[]): { group: string; rows: T[] }[] {
  const out: { group: string; rows: T[] }[] = [];
  for (const r of rows) {
    const last = out.at(-1);
    if (last?.group === r.group) last.rows.push(r);
    else out.push({ group: r.group, rows: [r] });
  }
  return out;
}

export default function PlatformPage() {
  const t = useT();
  const locale = useLocale();
  const p = useLoaderData<typeof loader>();
  const date = (iso: string) => (iso ? formatIsoDate(iso, locale) : "");
  return (
    <>
      <p className="body">
        <Link to="/platforms">{t("listing.back")}</Link>
      </p>
      <PageTitle caption={t("listing.caption")}>{p.name}</PageTitle>
      {p.gone ? (
        <div className="warning-text catalogue-gone" role="note">
          <p className="body">{t("listing.gone.title")}</p>
          <p className="body">{t(p.gone.by === "revoked" ? "listing.gone.revoked" : "listing.gone.withdrawn", { date: formatDate(p.gone.since, locale) })}</p>
          {p.gone.revocation ? (
            <dl className="summary-list">
              {p.gone.revocation.number ? (
                <div className="summary-list__row">
                  <dt className="summary-list__key">{t("listing.revocation")}</dt>
                  <dd className="summary-list__value">
                    {t("listing.decisionValue", { number: p.gone.revocation.number, date: date(p.gone.revocation.date ?? "") })}
                  </dd>
                </div>
              ) : null}
              {p.gone.revocation.reason ? (
                <div className="summary-list__row">
                  <dt className="summary-list__key">{t("listing.revocationReason")}</dt>
                  <dd className="summary-list__value">{p.gone.revocation.reason}</dd>
                </div>
              ) : null}
            </dl>
          ) : null}
        </div>
      ) : (
        <p className="body">
          <strong className="tag tag--green">{t("listing.status.recognised")}</strong>
        </p>
      )}
      {p.shortDescription ? <p className="lead">{p.shortDescription}</p> : null}

      <h2 className="heading-m">{t("listing.facts")}</h2>
      <SummaryList
        rows={[
          { label: t("listing.enterprise"), value: p.enterprise },
          { label: t("listing.taxCode"), value: p.taxCode },
          { label: t("listing.province"), value: p.province },
          { label: t("listing.pillar"), value: p.pillar },
          { label: t("listing.sector"), value: p.sector },
          { label: t("listing.ownership"), value: p.ownership },
          {
            label: t("listing.website"),
            value: p.website ? (
              <a href={p.website} rel="nofollow noopener noreferrer">
                {p.website}
              </a>
            ) : (
              ""
            ),
          },
          { label: t("listing.launchDate"), value: date(p.launchDate) },
          { label: t("listing.decision"), value: t("listing.decisionValue", { number: p.decisionNumber, date: date(p.decisionDate) }) },
        ]}
      />
      {!p.gone ? (
        <p className="body catalogue-actions">
          <Link to={`/platforms/${p.id}/certificate`} className="button button--secondary">
            {t("listing.certificate")}
          </Link>
          <a href={`/api/v1/platforms/${p.id}`}>{t("listing.json")}</a>
        </p>
      ) : null}

      {p.longDescription ? (
        <>
          <h2 className="heading-m">{t("listing.description")}</h2>
          <p className="body catalogue-description">{p.longDescription}</p>
        </>
      ) : null}

      {p.criteria.length > 0 ? (
        <>
          <h2 className="heading-m">{t("listing.criteria")}</h2>
          <p className="body">{t("listing.criteria.lead", { version: p.criteriaVersion })}</p>
          {groupsOf(p.criteria).map((g) => (
            <Table key={g.group} caption={g.group} head={[t("listing.col.criterion"), t("listing.col.declared"), t("listing.col.verified")]}>
              {g.rows.map((c) => (
                <tr key={c.key}>
                  <td>{c.text}</td>
                  <td>{t(`listing.declared.${c.declared ?? "none"}`)}</td>
                  <td>
                    {c.verifications.length === 0 ? (
                      <span className="catalogue-unverified">{t("listing.verified.none")}</span>
                    ) : (
                      <ul className="catalogue-verifications">
                        {c.verifications.map((v) => (
                          <li key={v.stage}>
                            <strong className="tag tag--green tag--small">✓</strong> {t(`listing.verified.${v.stage}`, { date: formatDate(v.date, locale) })}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </Table>
          ))}
        </>
      ) : null}

      <h2 className="heading-m">{t("listing.timeline")}</h2>
      <PublicTimeline events={p.events} />
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
