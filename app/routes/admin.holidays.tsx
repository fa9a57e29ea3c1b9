import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button, ErrorSummary, Form, Select, TextInput } from "~/components/form.tsx";
import { PageTitle, Table } from "~/components/ui.tsx";
import { requireRole } from "~/features/account/auth.server.ts";
import { addCalendarDay, DayTakenError, removeCalendarDay } from "~/features/admin/calendar.server.ts";
import type { CALENDAR_KINDS } from "~/features/reference/calendar.server.ts";
import { listCalendarYear, listCalendarYears } from "~/features/reference/calendar.server.ts";
import { db } from "~/platform/db/db.server.ts";
import { NotFoundError } from "~/platform/errors.ts";
import { invalid, readForm, validate } from "~/platform/forms/forms.server.ts";
import { field, isIsoDate, parseSearchParams } from "~/platform/forms/input.server.ts";
import { redirectWithFlash } from "~/platform/http/flash.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { formatDate } from "~/platform/i18n/format.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { useLocale, useT } from "~/platform/i18n/use-t.ts";
import { now } from "~/platform/time/clock.ts";
import { isWeekendDate, vietnamDate } from "~/platform/time/working-days.ts";

const KINDS = ["holiday", "swapped", "compensatory", "make_up"] as const satisfies typeof CALENDAR_KINDS;

// Factories, not module-level values: the compiler could not drop a top-level zod call from the browser bundle.
const yearParams = () => z.object({ year: field.search(4) });

const addSchema = (t: Translate) =>
  z
    .object({
      intent: z.literal("add"),
      day: field.date(t, t("admin.holidays.field.day"), { minYear: 2000 }),
      kind: field.choice(t("error.holidayKind"), KINDS),
      nameVi: field.text(t, t("admin.holidays.field.nameVi"), { max: 300, singleLine: true }),
      nameEn: field.text(t, t("admin.holidays.field.nameEn"), { max: 300, singleLine: true }),
    })
    .superRefine((v, ctx) => {
      if (v.day > "2100-12-31") ctx.addIssue({ code: "custom", path: ["day"], message: t("error.holidayYear") });
      else if (v.kind === "make_up" && !isWeekendDate(v.day)) ctx.addIssue({ code: "custom", path: ["day"], message: t("error.holidayMakeUpWeekday") });
      else if (v.kind !== "make_up" && isWeekendDate(v.day)) ctx.addIssue({ code: "custom", path: ["day"], message: t("error.holidayOffWeekend") });
    });

const removeSchema = () => z.object({ intent: z.literal("remove"), day: z.string().refine((v) => isIsoDate(v, 2000)) });

function chosenYear(request: Request, years: number[]): number {
  const asked = Number.parseInt(parseSearchParams(request, yearParams()).year ?? "", 10);
  if (asked >= 2000 && asked <= 2100) return asked;
  const current = Number(vietnamDate(now()).slice(0, 4));
  return years.includes(current) || years.length === 0 ? current : years[years.length - 1]!;
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const { t } = await getTranslator(request);
  const years = await listCalendarYears(db());
  const year = chosenYear(request, years);
  const days = await listCalendarYear(year, db());
  return { title: t("admin.holidays.title", { year }), year, years: [...new Set([...years, year])].sort(), days };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireRole(request, "admin");
  const { t } = await getTranslator(request);
  const values = await readForm(request);
  if (values.intent === "remove") {
    const parsed = removeSchema().safeParse(values);
    if (!parsed.success) throw new Response("Bad Request", { status: 400 });
    const to = `/admin/holidays?year=${parsed.data.day.slice(0, 4)}`;
    try {
      await removeCalendarDay(admin, parsed.data.day, context.requestId);
    } catch (e) {
      if (e instanceof NotFoundError) return redirectWithFlash(to, { kind: "warning", key: "flash.holidayMissing" });
      throw e;
    }
    return redirectWithFlash(to, { kind: "success", key: "flash.holidayRemoved" });
  }
  const parsed = validate(addSchema(t), { ...values, intent: "add" });
  if (!parsed.ok) return invalid(parsed.errors, values);
  const { day, kind, nameVi, nameEn } = parsed.data;
  try {
    await addCalendarDay(admin, { day, kind, nameVi, nameEn }, context.requestId);
  } catch (e) {
    if (e instanceof DayTakenError) return invalid({ day: t("error.holidayTaken") }, values);
    throw e;
  }
  return redirectWithFlash(`/admin/holidays?year=${day.slice(0, 4)}`, { kind: "success", key: "flash.holidayAdded" });
}

export default function AdminHolidays() {
  const t = useT();
  const locale = useLocale();
  const { year, years, days } = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>();
  return (
    <>
      <ErrorSummary errors={state?.errors} />
      <PageTitle>{t("admin.holidays.title", { year })}</PageTitle>
      <p className="body">{t("admin.holidays.lead")}</p>
      <p className="inset">{t("admin.holidays.appliesLater")}</p>
      <nav aria-label={t("admin.holidays.years")}>
        <p className="body">
          {years.map((y, i) => (
            <span key={y}>
              {i > 0 ? " · " : ""}
              {y === year ? (
                <strong aria-current="page">{y}</strong>
              ) : (
                <Link to={`/admin/holidays?year=${y}`} className="link">
                  {y}
                </Link>
              )}
            </span>
          ))}
        </p>
      </nav>
      {days.length === 0 ? (
        <p className="body">{t("admin.holidays.none")}</p>
      ) : (
        <Table
          caption={t("admin.holidays.caption", { year })}
          head={[t("admin.holidays.col.date"), t("admin.holidays.col.kind"), t("admin.holidays.col.name"), t("admin.holidays.col.actions")]}
        >
          {days.map((d) => (
            <tr key={d.day}>
              <td>
                <time dateTime={d.day}>{formatDate(new Date(`${d.day}T12:00:00+07:00`), locale)}</time>
              </td>
              <td>{t(`admin.holidays.kind.${d.kind}`)}</td>
              <td lang={locale === "vi" ? "vi" : "en"}>{locale === "vi" ? d.name_vi : d.name_en}</td>
              <td>
                <Form method="post" className="inline-form">
                  <input type="hidden" name="day" value={d.day} />
                  <button type="submit" name="intent" value="remove" className="link-button">
                    {t("admin.holidays.remove")}
                    <span className="visually-hidden"> {d.day}</span>
                  </button>
                </Form>
              </td>
            </tr>
          ))}
        </Table>
      )}
      <h2 className="heading-m" id="holiday-add">
        {t("admin.holidays.add")}
      </h2>
      <Form method="post" aria-labelledby="holiday-add" noValidate>
        <input type="hidden" name="intent" value="add" />
        <TextInput name="day" label={t("admin.holidays.field.day")} hint={t("admin.holidays.field.day.hint")} state={state} width="short" spellCheck={false} required />
        <Select
          name="kind"
          label={t("admin.holidays.field.kind")}
          state={state}
          options={KINDS.map((k) => ({ value: k, label: t(`admin.holidays.kind.${k}`) }))}
        />
        <TextInput name="nameVi" label={t("admin.holidays.field.nameVi")} state={state} required />
        <TextInput name="nameEn" label={t("admin.holidays.field.nameEn")} state={state} required />
        <Button>{t("admin.holidays.addSubmit")}</Button>
      </Form>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);
