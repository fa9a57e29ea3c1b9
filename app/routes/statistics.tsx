import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GroupedColumnChart, HorizontalBarChart } from "~/features/catalogue/ui/charts.tsx";
import { PageTitle, Table } from "~/components/ui.tsx";
import { loadStatistics } from "~/features/catalogue/catalogue-stats.server.ts";
import type { Locale } from "~/platform/db/db-types.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useLocale, useT } from "~/platform/i18n/use-t.ts";
import { localised } from "~/platform/i18n/localised.ts";
import { intlLocale } from "~/platform/i18n/i18n.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const [{ t }, stats] = await Promise.all([getTranslator(request), loadStatistics()]);
  return { title: t("stats.title"), stats };
}

function numberFormat(locale: Locale, digits = 0) {
  const f = new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return (n: number) => f.format(n);
}

function percent(locale: Locale, share: number) {
  return new Intl.NumberFormat(intlLocale(locale), { style: "percent", maximumFractionDigits: 0 }).format(share);
}

function monthLabel(month: string) {
  const [y, m] = month.split("-");
  return `${Number(m)}/${y}`;
}

function CountSection({ id, title, head, rows }: { id: string; title: string; head: string; rows: { code: string; name_vi: string; name_en: string; n: number }[] }) {
  const t = useT();
  const locale = useLocale();
  const name = (r: { name_vi: string; name_en: string }) => localised(r, "name", locale);
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 className="heading-m" id={`${id}-heading`}>
        {title}
      </h2>
      {rows.length === 0 ? (
        <p className="body">{t("stats.none")}</p>
      ) : (
        <>
          <HorizontalBarChart
            id={`${id}-chart`}
            title={title}
            summary={t("stats.chart.summary", { items: rows.map((r) => `${name(r)}: ${r.n}`).join("; ") })}
            rows={rows.map((r) => ({ label: name(r), value: r.n }))}
          />
          <Table caption={title} head={[head, t("stats.col.count")]}>
            {rows.map((r) => (
              <tr key={r.code}>
                <td>{name(r)}</td>
                <td className="numeric">{r.n}</td>
              </tr>
            ))}
          </Table>
        </>
      )}
    </section>
  );
}

export default function Statistics() {
  const t = useT();
  const locale = useLocale();
  const { stats } = useLoaderData<typeof loader>();
  const days = numberFormat(locale, 1);
  const name = (r: { name_vi: string; name_en: string }) => localised(r, "name", locale);
  const withMedian = stats.provinces.filter((p) => p.medianDays !== null);
  return (
    <>
      <PageTitle>{t("stats.title")}</PageTitle>
      <p className="lead">{t("stats.lead")}</p>
      <p className="panel stats-total">
        <strong>{t("stats.recognised", { count: stats.recognised })}</strong> · <Link to="/platforms">{t("nav.catalogue")}</Link>
      </p>

      <CountSection id="pillar" title={t("stats.byPillar")} head={t("catalogue.filter.pillar")} rows={stats.byPillar} />
      <CountSection id="sector" title={t("stats.bySector")} head={t("catalogue.filter.sector")} rows={stats.bySector} />
      <CountSection id="province" title={t("stats.byProvince")} head={t("catalogue.filter.province")} rows={stats.byProvince} />

      <section aria-labelledby="months-heading">
        <h2 className="heading-m" id="months-heading">
          {t("stats.months")}
        </h2>
        <p className="hint">{t("stats.months.hint")}</p>
        {stats.months.length === 0 ? (
          <p className="body">{t("stats.none")}</p>
        ) : (
          <>
            <GroupedColumnChart
              id="months-chart"
              title={t("stats.months")}
              summary={t("stats.chart.summary", {
                items: stats.months.map((m) => `${monthLabel(m.month)}: ${t("stats.received")} ${m.received}, ${t("stats.decided")} ${m.decided}`).join("; "),
              })}
              series={[t("stats.received"), t("stats.decided")]}
              groups={stats.months.map((m) => ({ label: monthLabel(m.month), values: [m.received, m.decided] }))}
            />
            <Table caption={t("stats.months")} head={[t("stats.col.month"), t("stats.received"), t("stats.decided")]}>
              {stats.months.map((m) => (
                <tr key={m.month}>
                  <td>{monthLabel(m.month)}</td>
                  <td className="numeric">{m.received}</td>
                  <td className="numeric">{m.decided}</td>
                </tr>
              ))}
            </Table>
          </>
        )}
      </section>

      <section aria-labelledby="provinces-heading">
        <h2 className="heading-m" id="provinces-heading">
          {t("stats.provinces")}
        </h2>
        <p className="hint">{t("stats.provinces.hint", { days: stats.slaWorkingDays })}</p>
        {stats.provinces.length === 0 ? (
          <p className="body">{t("stats.none")}</p>
        ) : (
          <>
            <HorizontalBarChart
              id="median-chart"
              title={t("stats.chart.median")}
              summary={t("stats.chart.summary", { items: withMedian.map((p) => `${name(p)}: ${days(p.medianDays!)}`).join("; ") })}
              rows={withMedian.map((p) => ({ label: name(p), value: p.medianDays! }))}
              format={days}
            />
            <Table caption={t("stats.provinces")} head={[t("stats.col.department"), t("stats.col.handled"), t("stats.col.median"), t("stats.col.onTime")]}>
              {stats.provinces.map((p) => (
                <tr key={p.code}>
                  <td>{name(p)}</td>
                  <td className="numeric">{p.decided}</td>
                  <td className="numeric">{p.medianDays === null ? "—" : days(p.medianDays)}</td>
                  <td className="numeric">
                    {p.onTimeShare === null ? "—" : t("stats.onTime", { share: percent(locale, p.onTimeShare), n: p.decidedOnTime, total: p.decided })}
                  </td>
                </tr>
              ))}
            </Table>
          </>
        )}
      </section>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
