import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button, ErrorSummary, Form, TextInput } from "~/components/form.tsx";
import { PageTitle, Table } from "~/components/ui.tsx";
import { requireRole } from "~/features/account/auth.server.ts";
import { changeDeadlines, listDeadlines } from "~/features/admin/settings.server.ts";
import { DEADLINE_FIELDS, DEADLINE_MAX_DAYS, DEADLINE_MIN_DAYS, DEADLINE_SETTINGS, type DeadlineField, type DeadlineSetting } from "~/features/admin/deadline-settings.ts";
import { invalid, readForm, validate } from "~/platform/forms/forms.server.ts";
import { field } from "~/platform/forms/input.server.ts";
import { redirectWithFlash } from "~/platform/http/flash.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { useT } from "~/platform/i18n/use-t.ts";

type Step = DeadlineField;
const stepOf = (key: DeadlineSetting): Step => DEADLINE_FIELDS[key];

// A factory, not a module-level value: the compiler could not drop a top-level zod call from the browser bundle.
const deadlinesSchema = (t: Translate) => {
  const days = (step: Step) => field.workingDays(t, t(`admin.deadlines.step.${step}`), { min: DEADLINE_MIN_DAYS, max: DEADLINE_MAX_DAYS });
  return z.object({ province: days("province"), ministry: days("ministry"), enterpriseReply: days("enterpriseReply") });
};

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const { t } = await getTranslator(request);
  return { title: t("admin.deadlines.title"), deadlines: await listDeadlines() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireRole(request, "admin");
  const { t } = await getTranslator(request);
  const values = await readForm(request);
  const parsed = validate(deadlinesSchema(t), values);
  if (!parsed.ok) return invalid(parsed.errors, values);
  const days = Object.fromEntries(DEADLINE_SETTINGS.map((key) => [key, parsed.data[stepOf(key)]])) as Record<DeadlineSetting, number>;
  const changed = await changeDeadlines(admin, days, context.requestId);
  return redirectWithFlash("/admin/deadlines", changed.length > 0 ? { kind: "success", key: "flash.deadlinesSaved" } : { kind: "info", key: "flash.deadlinesUnchanged" });
}

export default function AdminDeadlines() {
  const t = useT();
  const { deadlines } = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>();
  return (
    <>
      <ErrorSummary errors={state?.errors} />
      <PageTitle>{t("admin.deadlines.title")}</PageTitle>
      <p className="body">{t("admin.deadlines.lead")}</p>
      <p className="inset">{t("admin.deadlines.appliesLater")}</p>
      <Table caption={t("admin.deadlines.caption")} head={[t("admin.deadlines.col.step"), t("admin.deadlines.col.days"), t("admin.deadlines.col.default")]}>
        {deadlines.map((d) => (
          <tr key={d.key}>
            <td>
              {t(`admin.deadlines.step.${stepOf(d.key)}`)}
              <br />
              <span className="hint">{t(`admin.deadlines.step.${stepOf(d.key)}.meaning`)}</span>
            </td>
            <td>{d.days}</td>
            <td>{d.defaultDays}</td>
          </tr>
        ))}
      </Table>
      <h2 className="heading-m" id="deadlines-form">
        {t("admin.deadlines.form")}
      </h2>
      <Form method="post" aria-labelledby="deadlines-form" noValidate>
        {deadlines.map((d) => (
          <TextInput
            key={d.key}
            name={d.field}
            label={t(`admin.deadlines.step.${stepOf(d.key)}`)}
            hint={t("admin.deadlines.hint", { min: DEADLINE_MIN_DAYS, max: DEADLINE_MAX_DAYS })}
            state={state}
            defaultValue={String(d.days)}
            inputMode="numeric"
            width="short"
            required
          />
        ))}
        <Button>{t("admin.deadlines.save")}</Button>
      </Form>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);
