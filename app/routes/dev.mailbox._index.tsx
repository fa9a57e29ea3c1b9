import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageTitle, StatusTag, Table } from "~/components/ui.tsx";
import { requireDevMailbox } from "~/lib/dev-mailbox.server.ts";
import { db } from "~/lib/db.server.ts";
import { formatDateTime } from "~/lib/format.ts";
import { getTranslator } from "~/lib/i18n.server.ts";
import { pageTitle } from "~/lib/meta.ts";
import { useLocale, useT } from "~/lib/use-t.ts";
import { listRecentEmails } from "~/models/outbox.server.ts";

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
