import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button } from "~/components/form.tsx";
import { PageTitle, StatusTag, Table } from "~/components/ui.tsx";
import { requireRole } from "~/features/account/auth.server.ts";
import { db } from "~/platform/db/db.server.ts";
import { redirectWithFlash } from "~/platform/http/flash.server.ts";
import { formatDateTime } from "~/platform/i18n/format.ts";
import { readForm } from "~/platform/forms/forms.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useLocale, useT } from "~/platform/i18n/use-t.ts";
import { listOutboxForAdmin, outboxStats, retryEmailsAsAdmin, type AdminOutboxRow } from "~/platform/mail/outbox.server.ts";

const LIST_LIMIT = 50;

// A factory, not a module-level value: the compiler could not drop a top-level zod call from the browser bundle.
const retrySchema = () =>
  z.discriminatedUnion("intent", [
    z.object({ intent: z.literal("retry"), id: z.coerce.number().int().positive().max(2_147_483_647) }),
    z.object({ intent: z.literal("retryAll") }),
  ]);

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const { t } = await getTranslator(request);
  const [stats, lists] = await Promise.all([outboxStats(db()), listOutboxForAdmin(db(), LIST_LIMIT)]);
  return { title: t("admin.outbox.title"), stats, ...lists };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireRole(request, "admin");
  const parsed = retrySchema().safeParse(await readForm(request));
  if (!parsed.success) throw new Response("Bad Request", { status: 400 });
  const form = parsed.data;
  const retried = await retryEmailsAsAdmin(db(), admin, context.requestId, form.intent === "retry" ? form.id : undefined);
  if (retried === 0) return redirectWithFlash("/admin/outbox", { kind: "warning", key: "flash.outboxNothingRetried" });
  return redirectWithFlash("/admin/outbox", { kind: "success", key: form.intent === "retry" ? "flash.outboxRetried" : "flash.outboxRetriedAll" });
}

function age(t: Translate, seconds: number): string {
  if (seconds < 120) return t("admin.outbox.age.seconds", { count: seconds });
  if (seconds < 2 * 3600) return t("admin.outbox.age.minutes", { count: Math.floor(seconds / 60) });
  return t("admin.outbox.age.hours", { count: Math.floor(seconds / 3600) });
}

function Rows({ rows, failed }: { rows: AdminOutboxRow[]; failed: boolean }) {
  const t = useT();
  const locale = useLocale();
  return (
    <>
      {rows.map((r) => (
        <tr key={r.id}>
          <td>{r.to}</td>
          <td>
            <code>{r.template}</code>
          </td>
          <td>{formatDateTime(r.createdAt, locale)}</td>
          <td>{r.attempts}</td>
          <td>{r.lastError ?? ""}</td>
          <td>
            {failed ? (
              r.retryable ? (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="id" value={r.id} />
                  <button type="submit" name="intent" value="retry" className="link-button">
                    {t("admin.outbox.retry")}
                    <span className="visually-hidden">
                      {" "}
                      {r.to} {r.template}
                    </span>
                  </button>
                </Form>
              ) : (
                t("admin.outbox.notRetryable")
              )
            ) : r.status === "sending" ? (
              <StatusTag status="sending" label={t("admin.outbox.sendingNow")} />
            ) : (
              formatDateTime(r.nextAttemptAt, locale)
            )}
          </td>
        </tr>
      ))}
    </>
  );
}

export default function AdminOutbox() {
  const t = useT();
  const { stats, pending, failed } = useLoaderData<typeof loader>();
  const head = (last: string) => [
    t("admin.outbox.col.to"),
    t("admin.outbox.col.template"),
    t("admin.outbox.col.created"),
    t("admin.outbox.col.attempts"),
    t("admin.outbox.col.lastError"),
    last,
  ];
  return (
    <>
      <PageTitle>{t("admin.outbox.title")}</PageTitle>
      <p className="body">{t("admin.outbox.lead")}</p>
      <h2 className="heading-m">{t("admin.outbox.stats")}</h2>
      <dl className="summary-list">
        {[
          { id: "outbox-pending", key: t("admin.outbox.pendingCount"), value: stats.pending },
          {
            id: "outbox-oldest",
            key: t("admin.outbox.oldest"),
            value: stats.oldestPendingAgeSeconds === null ? t("admin.outbox.oldest.none") : age(t, stats.oldestPendingAgeSeconds),
          },
          { id: "outbox-failed", key: t("admin.outbox.failedCount"), value: stats.failed },
        ].map((row) => (
          <div className="summary-list__row" key={row.id}>
            <dt className="summary-list__key">{row.key}</dt>
            <dd className="summary-list__value" id={row.id}>
              {row.value}
            </dd>
          </div>
        ))}
      </dl>

      <h2 className="heading-m" id="failed">
        {t("admin.outbox.failed.title")}
      </h2>
      {failed.length === 0 ? (
        <p className="body">{t("admin.outbox.failed.none")}</p>
      ) : (
        <>
          {stats.failed > failed.length ? <p className="body">{t("admin.outbox.shown", { shown: failed.length, total: stats.failed })}</p> : null}
          <Table caption={t("admin.outbox.failed.title")} head={head(t("admin.outbox.col.actions"))}>
            <Rows rows={failed} failed />
          </Table>
          <p className="body">{t("admin.outbox.retryAll.hint")}</p>
          <Form method="post">
            <Button name="intent" value="retryAll" variant="secondary">
              {t("admin.outbox.retryAll")}
            </Button>
          </Form>
        </>
      )}

      <h2 className="heading-m" id="pending">
        {t("admin.outbox.pending.title")}
      </h2>
      {pending.length === 0 ? (
        <p className="body">{t("admin.outbox.pending.none")}</p>
      ) : (
        <>
          {stats.pending > pending.length ? <p className="body">{t("admin.outbox.shown", { shown: pending.length, total: stats.pending })}</p> : null}
          <Table caption={t("admin.outbox.pending.title")} head={head(t("admin.outbox.col.next"))}>
            <Rows rows={pending} failed={false} />
          </Table>
        </>
      )}
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
