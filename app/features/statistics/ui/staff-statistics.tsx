import { Button, ErrorSummary, Form, Select, TextInput, type FormState } from "~/components/form.tsx";
import { PageTitle, Table } from "~/components/ui.tsx";
import { HorizontalBarChart } from "~/features/catalogue/ui/charts.tsx";
import { formatIsoDate } from "~/platform/i18n/format.ts";
import { localised } from "~/platform/i18n/localised.ts";
import { useLocale, useT } from "~/platform/i18n/use-t.ts";
import { onTimeText, overviewRows, provinceHeaders, statisticsFormats, totalDecided } from "../format.ts";
import type { StatisticsPage } from "../page.server.ts";

type Figures = NonNullable<StatisticsPage["figures"]>;
type Totals = Figures["totals"];

const formats = statisticsFormats;

function useOnTime() {
  const t = useT();
  const locale = useLocale();
  return (r: { onTime: number; timedDecisions: number }) => onTimeText(t, locale, r);
}

function Overview({ totals, outcomes }: { totals: Totals; outcomes: readonly string[] }) {
  const t = useT();
  const onTime = useOnTime();
  const rows = overviewRows(t, totals, outcomes);
  return (
    <section aria-labelledby="overview-heading">
      <h2 className="heading-m" id="overview-heading">
        {t("staffStats.overview")}
      </h2>
      <p className="hint">{t("staffStats.overview.hint")}</p>
      <HorizontalBarChart
        id="overview-chart"
        title={t("staffStats.overview")}
        summary={t("staffStats.chart.summary", {
          items: rows.map((r) => `${r.label}: ${r.value}`).join("; "),
        })}
        rows={rows.map((r) => ({ label: r.label, value: r.value }))}
      />
      <Table caption={t("staffStats.overview")} head={[t("staffStats.col.figure"), t("staffStats.col.count")]}>
        {rows.map((r) => (
          <tr key={r.key} data-figure={r.key}>
            <td>{r.label}</td>
            <td className="numeric">{r.value}</td>
          </tr>
        ))}
        <tr data-figure="onTime">
          <td>{t("staffStats.onTime")}</td>
          <td className="numeric">{onTime(totals)}</td>
        </tr>
      </Table>
      <p className="hint">{t("staffStats.onTime.hint")}</p>
    </section>
  );
}

function Steps({ steps }: { steps: Figures["steps"] }) {
  const t = useT();
  const { days } = formats(useLocale());
  const measured = steps.filter((s) => s.medianWorkingDays !== null);
  const label = (s: string) => t(`app.status.${s}` as "app.status.recognised");
  return (
    <section aria-labelledby="steps-heading">
      <h2 className="heading-m" id="steps-heading">
        {t("staffStats.steps")}
      </h2>
      <p className="hint">{t("staffStats.steps.hint")}</p>
      {measured.length === 0 ? (
        <p className="body">{t("staffStats.none")}</p>
      ) : (
        <>
          <HorizontalBarChart
            id="steps-chart"
            title={t("staffStats.steps")}
            summary={t("staffStats.chart.summary", {
              items: measured.map((s) => `${label(s.status)}: ${days(s.medianWorkingDays!)}`).join("; "),
            })}
            rows={measured.map((s) => ({
              label: label(s.status),
              value: s.medianWorkingDays!,
            }))}
            format={days}
          />
          <Table caption={t("staffStats.steps")} head={[t("staffStats.col.step"), t("staffStats.col.stays"), t("staffStats.col.median")]}>
            {steps.map((s) => (
              <tr key={s.status} data-step={s.status}>
                <td>{label(s.status)}</td>
                <td className="numeric">{s.stays}</td>
                <td className="numeric">{s.medianWorkingDays === null ? "—" : days(s.medianWorkingDays)}</td>
              </tr>
            ))}
          </Table>
        </>
      )}
    </section>
  );
}

function Provinces({ provinces }: { provinces: Figures["provinces"] }) {
  const t = useT();
  const locale = useLocale();
  const onTime = useOnTime();
  const name = (r: { name_vi: string; name_en: string }) => localised(r, "name", locale);
  return (
    <section aria-labelledby="provinces-heading">
      <h2 className="heading-m" id="provinces-heading">
        {t("staffStats.provinces")}
      </h2>
      {provinces.length === 0 ? (
        <p className="body">{t("staffStats.none")}</p>
      ) : (
        <>
          <HorizontalBarChart
            id="provinces-chart"
            title={t("staffStats.received")}
            summary={t("staffStats.chart.summary", {
              items: provinces.map((p) => `${name(p)}: ${p.received}`).join("; "),
            })}
            rows={provinces.map((p) => ({ label: name(p), value: p.received }))}
          />
          <Table
            caption={t("staffStats.provinces")}
            head={provinceHeaders(t)}
          >
            {provinces.map((p) => (
              <tr key={p.provinceCode} data-province={p.provinceCode}>
                <td>{name(p)}</td>
                <td className="numeric">{p.received}</td>
                <td className="numeric">{p.inReview}</td>
                <td className="numeric">{p.waitingOnEnterprise}</td>
                <td className="numeric">{p.overdue}</td>
                <td className="numeric">{totalDecided(p)}</td>
                <td className="numeric">{onTime(p)}</td>
              </tr>
            ))}
          </Table>
        </>
      )}
    </section>
  );
}

function Workload({ workload, national }: { workload: Figures["workload"]; national: boolean }) {
  const t = useT();
  return (
    <section aria-labelledby="workload-heading">
      <h2 className="heading-m" id="workload-heading">
        {t("staffStats.workload")}
      </h2>
      {national ? <p className="hint">{t("staffStats.workload.national")}</p> : null}
      {workload.length === 0 ? (
        <p className="body">{t("staffStats.noReviewers")}</p>
      ) : (
        <>
          <HorizontalBarChart
            id="workload-chart"
            title={t("staffStats.col.open")}
            summary={t("staffStats.chart.summary", {
              items: workload.map((w) => `${w.name}: ${w.open}`).join("; "),
            })}
            rows={workload.map((w) => ({ label: w.name, value: w.open }))}
          />
          <Table
            caption={t("staffStats.workload")}
            head={[t("staffStats.col.reviewer"), t("staffStats.col.assigned"), t("staffStats.col.open"), t("staffStats.col.decidedInPeriod")]}
          >
            {workload.map((w) => (
              <tr key={w.id} data-reviewer={w.id}>
                <td>{w.name}</td>
                <td className="numeric">{w.assigned}</td>
                <td className="numeric">{w.open}</td>
                <td className="numeric">{w.decided}</td>
              </tr>
            ))}
          </Table>
        </>
      )}
    </section>
  );
}

/** Plain links (no JavaScript needed) to the page's tables, for the same period and scope, as CSV and as Excel. */
function ExportLinks({ values }: { values: StatisticsPage["values"] }) {
  const t = useT();
  const query = new URLSearchParams(Object.entries(values).filter(([, v]) => v)).toString();
  return (
    <div className="export-links">
      <p className="hint" id="export-hint">
        {t("staffStats.export.hint")}
      </p>
      <p className="body">
        <a href={`/staff/statistics/export/csv?${query}`} download aria-describedby="export-hint">
          {t("export.csv")}
        </a>
        {" · "}
        <a href={`/staff/statistics/export/xlsx?${query}`} download aria-describedby="export-hint">
          {t("export.xlsx")}
        </a>
      </p>
    </div>
  );
}

export function StaffStatistics({ data }: { data: StatisticsPage }) {
  const t = useT();
  const locale = useLocale();
  const state: FormState = {
    errors: data.errors ?? undefined,
    values: data.values,
  };
  const f = data.figures;
  return (
    <>
      <ErrorSummary errors={data.errors ?? undefined} />
      <PageTitle caption={data.scopeName}>{data.title}</PageTitle>
      <p className="lead">{t("staffStats.lead")}</p>
      <Form method="get" className="filters" role="search" aria-labelledby="period-heading">
        <h2 className="heading-s" id="period-heading">
          {t("staffStats.filter")}
        </h2>
        <TextInput name="from" type="date" label={t("staffStats.from")} hint={t("staffStats.dateHint")} width="short" state={state} />
        <TextInput name="to" type="date" label={t("staffStats.to")} width="short" state={state} />
        {data.canPickProvince ? (
          <Select
            name="province"
            label={t("staffStats.province")}
            state={state}
            placeholder={t("staffStats.allProvinces")}
            options={data.provinces.map((p) => ({
              value: p.code,
              label: localised(p, "name", locale),
            }))}
          />
        ) : null}
        <Button>{t("staffStats.apply")}</Button>
      </Form>
      {f ? (
        <>
          <p className="body" id="period">
            <strong>
              {t("staffStats.period", {
                scope: data.scopeName,
                from: formatIsoDate(f.period.from, locale),
                to: formatIsoDate(f.period.to, locale),
              })}
            </strong>
          </p>
          <ExportLinks values={data.values} />
          <Overview totals={f.totals} outcomes={data.outcomes} />
          <Steps steps={f.steps} />
          {data.national ? <Provinces provinces={f.provinces} /> : null}
          <Workload workload={f.workload} national={data.national} />
        </>
      ) : null}
    </>
  );
}
