import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageTitle } from "~/components/ui.tsx";
import { requireDevMailbox } from "~/platform/mail/dev-mailbox.server.ts";
import { config } from "~/platform/config.server.ts";
import { db } from "~/platform/db/db.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { readDeliveredEmail } from "~/platform/mail/mailer.server.ts";
import { getEmail } from "~/platform/mail/outbox.server.ts";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireDevMailbox(context);
  const id = Number(params.id);
  const email = Number.isSafeInteger(id) && id > 0 ? await getEmail(db(), id) : undefined;
  if (!email) throw new Response("Not Found", { status: 404 });
  const { t } = await getTranslator(request);
  // The database keeps a message without its link's token; the local delivery has it as the recipient got it.
  const delivered = await readDeliveredEmail(config().mailDir, email.id);
  const text = delivered && delivered.to === email.to_address && delivered.subject === email.subject ? delivered.text : email.text_body;
  return { title: `${email.subject} – ${t("mailbox.title")}`, email: { to_address: email.to_address, subject: email.subject, text_body: text } };
}

// The HTML body is shown as its text twin: rendering stored HTML here would need its own sandbox and CSP.
export default function MailboxMessage() {
  const t = useT();
  const { email } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="body">
        <Link to="/dev/mailbox">{t("mailbox.back")}</Link>
      </p>
      <PageTitle caption={`${t("mailbox.col.to")}: ${email.to_address}`}>{email.subject}</PageTitle>
      <div className="mail-body" data-testid="mail-body">
        {linkify(email.text_body)}
      </div>
    </>
  );
}

function linkify(text: string) {
  return text.split(/(https?:\/\/\S+)/g).map((part, i) =>
    /^https?:\/\//.test(part) ? (
      <a key={i} href={part}>
        {part}
      </a>
    ) : (
      part
    ),
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
