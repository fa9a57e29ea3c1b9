import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button, ErrorSummary, TextInput, type FormState } from "~/components/form.tsx";
import { PageTitle, Table } from "~/components/ui.tsx";
import { requireMembership } from "~/features/application/application-guards.server.ts";
import { setFlash } from "~/platform/http/flash.server.ts";
import { formatDate } from "~/platform/i18n/format.ts";
import { invalid, readForm, validate } from "~/platform/forms/forms.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { field } from "~/platform/forms/input.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useT } from "~/platform/i18n/use-t.ts";
import { inviteMember, listMembers, listPendingInvitations, removeMember } from "~/features/enterprise/enterprise.server.ts";
import { EmailLimitedError } from "~/platform/mail/outbox.server.ts";
import { normaliseEmail } from "~/features/account/user.server.ts";

const MEMBER_ROLES = ["owner", "member"] as const;

const inviteSchema = (t: Translate) =>
  z.object({
    intent: z.literal("invite"),
    email: field.email(t, t("field.email")),
    role: z.enum(MEMBER_ROLES, { error: t("enterprise.error.roleRequired") }),
  });

// A factory, not a module-level value: the compiler could not drop a top-level zod call from the browser bundle.
const removeSchema = () =>
  z.object({
  intent: z.literal("remove"),
  userId: field.uuid("Not a user id"),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, membership } = await requireMembership(request);
  const { t, locale } = await getTranslator(request);
  const [members, invitations] = await Promise.all([listMembers(membership.enterprise.id), listPendingInvitations(membership.enterprise.id)]);
  return {
    title: t("enterprise.members.title"),
    enterpriseName: membership.enterprise.legal_name,
    isOwner: membership.role === "owner",
    me: user.id,
    members: members.map((m) => ({ id: m.id, email: m.email, name: m.name, role: m.role })),
    invitations: invitations.map((i) => ({ id: i.id, email: i.email, role: i.role, expires: formatDate(i.expires_at, locale) })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, membership } = await requireMembership(request);
  if (membership.role !== "owner") throw new Response("Forbidden", { status: 403 });
  const { t } = await getTranslator(request);
  const values = await readForm(request);
  const enterpriseId = membership.enterprise.id;

  if (values.intent === "invite") {
    const result = validate(inviteSchema(t), values);
    if (!result.ok) return invalid(result.errors, values);
    const members = await listMembers(enterpriseId);
    if (members.some((m) => normaliseEmail(m.email) === normaliseEmail(result.data.email)))
      return invalid({ email: t("enterprise.error.alreadyInEnterprise") }, values);
    try {
      await inviteMember(user, membership.enterprise, { email: result.data.email, role: result.data.role }, context.requestId, context.ip);
    } catch (e) {
      if (e instanceof EmailLimitedError) return invalid({ email: t("error.emailLimited") }, values, { status: 429 });
      throw e;
    }
    return redirect("/enterprise/members", {
      headers: { "Set-Cookie": await setFlash({ kind: "success", key: "flash.enterpriseMemberInvited" }) },
    });
  }

  const parsed = removeSchema().safeParse(values);
  if (!parsed.success || parsed.data.userId === user.id) throw new Response("Bad Request", { status: 400 });
  const removed = await removeMember(user, enterpriseId, parsed.data.userId, context.requestId);
  if (!removed) return redirect("/enterprise/members");
  return redirect("/enterprise/members", {
    headers: { "Set-Cookie": await setFlash({ kind: "success", key: "flash.enterpriseMemberRemoved" }) },
  });
}

/** Radios in a fieldset, GOV.UK style: the first radio carries the field id so the error summary link lands on it. */
function RoleRadios({ state }: { state?: FormState }) {
  const t = useT();
  const error = state?.errors?.role;
  const selected = state?.values?.role ?? "member";
  return (
    <div className={`form-group${error ? " form-group--error" : ""}`}>
      <fieldset className="fieldset" aria-describedby={error ? "role-error" : undefined}>
        <legend>{t("enterprise.members.invite.role")}</legend>
        {error ? (
          <p className="error-message" id="role-error">
            <span className="visually-hidden">Lỗi / Error: </span>
            {error}
          </p>
        ) : null}
        <div className="radios">
          {MEMBER_ROLES.map((role, i) => {
            const id = i === 0 ? "role" : `role-${role}`;
            return (
              <div className="radios__item" key={role}>
                <input
                  className="radios__input"
                  type="radio"
                  id={id}
                  name="role"
                  value={role}
                  defaultChecked={selected === role}
                  aria-describedby={`role-${role}-hint`}
                />
                <div>
                  <label className="radios__label" htmlFor={id}>
                    {t(`enterprise.role.${role}`)}
                  </label>
                  <div className="hint" id={`role-${role}-hint`}>
                    {t(`enterprise.role.${role}.hint`)}
                  </div>
                </div>
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

export default function EnterpriseMembers() {
  const t = useT();
  const { enterpriseName, isOwner, me, members, invitations } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const head = [t("enterprise.members.col.email"), t("enterprise.members.col.name"), t("enterprise.members.col.role")];
  return (
    <>
      <ErrorSummary errors={failure?.errors} />
      <PageTitle caption={enterpriseName}>{t("enterprise.members.title")}</PageTitle>
      <p className="body">{t("enterprise.members.lead", { enterprise: enterpriseName })}</p>
      <Table caption={t("enterprise.members.caption")} head={isOwner ? [...head, t("enterprise.members.col.actions")] : head}>
        {members.map((m) => (
          <tr key={m.id}>
            <td>{m.email}</td>
            <td>
              {m.name}
              {m.id === me ? ` ${t("enterprise.members.self")}` : null}
            </td>
            <td>{t(`enterprise.role.${m.role}`)}</td>
            {isOwner ? (
              <td>
                {m.id === me ? null : (
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="userId" value={m.id} />
                    <button type="submit" name="intent" value="remove" className="link-button">
                      {t("enterprise.members.remove")}
                      <span className="visually-hidden"> {m.email}</span>
                    </button>
                  </Form>
                )}
              </td>
            ) : null}
          </tr>
        ))}
      </Table>
      {invitations.length > 0 ? (
        <Table
          caption={t("enterprise.members.pending.caption")}
          head={[t("enterprise.members.col.email"), t("enterprise.members.col.role"), t("enterprise.members.col.expires")]}
        >
          {invitations.map((i) => (
            <tr key={i.id}>
              <td>{i.email}</td>
              <td>{t(`enterprise.role.${i.role}`)}</td>
              <td>{i.expires}</td>
            </tr>
          ))}
        </Table>
      ) : (
        <p className="body">{t("enterprise.members.pending.empty")}</p>
      )}
      {isOwner ? (
        <>
          <h2 className="heading-m" id="invite">
            {t("enterprise.members.invite.heading")}
          </h2>
          <p className="body">{t("enterprise.members.invite.lead")}</p>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="invite" />
            <TextInput
              name="email"
              type="email"
              label={t("field.email")}
              hint={t("enterprise.members.invite.email.hint")}
              spellCheck={false}
              required
              state={failure}
            />
            <RoleRadios state={failure} />
            <Button>{t("enterprise.members.invite.submit")}</Button>
          </Form>
        </>
      ) : (
        <p className="body">{t("enterprise.members.readOnly")}</p>
      )}
      <p className="body">
        <Link to="/enterprise">{t("enterprise.members.back")}</Link>
      </p>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
