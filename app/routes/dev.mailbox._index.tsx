import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageTitle, StatusTag, Table } from "~/components/ui.tsx";
import { requireDevMailbox } from "~/platform/mail/dev-mailbox.server.ts";
import { db } from "~/platform/db/db.server.ts";
import { formatDateTime } from "~/platform/i18n/format.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useLocale, useT } from "~/platform/i18n/use-t.ts";
import { listRecentEmails } from "~/platform/mail/outbox.server.ts";

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireDevMailbox(context);
  const { t } = await getTranslator(request);
  const emails = await listRecentEmails(db());
  return { title: t("mailbox.title"), emails };
}

export default function Mailbox() {
  const t = useT();
  const locale = useLocale();
  const { emails } = useLoaderData<typeof loader>();
  return (
    <>
      <PageTitle>{t("mailbox.title")}</PageTitle>
      <p className="body">{t("mailbox.lead")}</p>
      {emails.length === 0 ? (
        <p className="body">{t("mailbox.empty")}</p>
      ) : (
        <Table caption={t("mailbox.title")} head={[t("mailbox.col.created"), t("mailbox.col.to"), t("mailbox.col.subject"), t("mailbox.col.status")]}>
          {emails.map((e) => (
            <tr key={e.id}>
              <td>{formatDateTime(e.created_at, locale)}</td>
              <td>{e.to_address}</td>
              <td>
                <Link to={`/dev/mailbox/${e.id}`}>{e.subject}</Link>
              </td>
              <td>
                <StatusTag status={e.status} label={e.status} />
              </td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
