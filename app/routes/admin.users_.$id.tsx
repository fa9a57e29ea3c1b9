import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button, ErrorSummary, Select } from "~/components/form.tsx";
import { PageTitle, StatusTag } from "~/components/ui.tsx";
import { requireRole } from "~/features/account/auth.server.ts";
import { EmailLimitedError } from "~/features/account/account.server.ts";
import { getUserById } from "~/features/account/user.server.ts";
import { changeStaffRole, changeUserStatus, NotManageableError, resendInvitation } from "~/features/admin/commands.server.ts";
import { isStaffRole, STAFF_ROLES } from "~/features/admin/staff-roles.ts";
import { listProvinces } from "~/features/reference/reference.server.ts";
import { provinceName } from "~/features/reference/province-names.ts";
import { setFlash } from "~/platform/http/flash.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { answerDomainError } from "~/platform/http/domain-errors.server.ts";
import { field } from "~/platform/forms/input.server.ts";
import { invalid, readForm, validate } from "~/platform/forms/forms.server.ts";
import { formatDateTime } from "~/platform/i18n/format.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { useLocale, useT } from "~/platform/i18n/use-t.ts";

const INTENTS = ["change_role", "resend", "deactivate", "reactivate"] as const;

const roleSchema = (t: Translate, provinceCodes: string[]) =>
  z
    .object({
      role: z.enum(STAFF_ROLES, { error: t("error.roleInvalid") }),
      provinceCode: z.string().optional(),
    })
    .superRefine((v, ctx) => {
      if (v.role === "province_reviewer" && !provinceCodes.includes(v.provinceCode ?? ""))
        ctx.addIssue({ code: "custom", path: ["provinceCode"], message: t("error.provinceRequired") });
    });

const paramsSchema = () => z.object({ id: field.uuid("Not a user id") });

/** Another staff member's account, or 404: the admin's own account and enterprise accounts are not managed here. */
async function manageable(request: Request, params: LoaderFunctionArgs["params"]) {
  const admin = await requireRole(request, "admin");
  const parsed = paramsSchema().safeParse(params);
  const user = parsed.success ? await getUserById(parsed.data.id) : undefined;
  if (!user || user.id === admin.id || !isStaffRole(user.role)) throw new Response("Not Found", { status: 404 });
  return { admin, user };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user } = await manageable(request, params);
  const { t } = await getTranslator(request);
  const provinces = await listProvinces();
  return {
    title: t("admin.user.title", { email: user.email }),
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      provinceCode: user.province_code,
      status: user.status,
      lastSignInAt: user.last_sign_in_at,
      createdAt: user.created_at,
    },
    provinces,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { admin, user } = await manageable(request, params);
  const { t } = await getTranslator(request);
  const values = await readForm(request);
  const intent = INTENTS.find((i) => i === values.intent);
  if (!intent) throw new Response("Bad Request", { status: 400 });
  const back = `/admin/users/${user.id}`;
  const done = async (key: "flash.roleChanged" | "flash.roleUnchanged" | "flash.invitationResent" | "flash.userDeactivated" | "flash.userReactivated") =>
    redirect(back, { headers: { "Set-Cookie": await setFlash({ kind: "success", key }) } });
  try {
    if (intent === "change_role") {
      const provinces = await listProvinces();
      const result = validate(
        roleSchema(
          t,
          provinces.map((p) => p.code)
        ),
        values
      );
      if (!result.ok) return invalid(result.errors, values);
      const changed = await changeStaffRole(admin, user.id, { role: result.data.role, provinceCode: result.data.provinceCode ?? null }, context.requestId);
      return done(changed ? "flash.roleChanged" : "flash.roleUnchanged");
    }
    if (intent === "resend") {
      await resendInvitation(admin, user.id, context.requestId, context.ip);
      return done("flash.invitationResent");
    }
    await changeUserStatus(admin, user.id, intent === "deactivate" ? "deactivated" : "active", context.requestId);
    return done(intent === "deactivate" ? "flash.userDeactivated" : "flash.userReactivated");
  } catch (e) {
    if (e instanceof EmailLimitedError) return invalid({ resend: t("error.emailLimited") }, values, { status: 429 });
    if (e instanceof NotManageableError) return invalid({ resend: t("admin.user.notManageable") }, values, { status: 409 });
    return answerDomainError(e);
  }
}

export default function AdminUser() {
  const t = useT();
  const locale = useLocale();
  const { user, provinces } = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>();
  const province = provinces.find((p) => p.code === user.provinceCode);
  return (
    <>
      <p className="body">
        <Link to="/admin/users" className="link">
          {t("admin.user.back")}
        </Link>
      </p>
      <ErrorSummary errors={state?.errors} />
      <PageTitle caption={t("admin.users.title")}>{user.name}</PageTitle>
      <h2 className="heading-m">{t("admin.user.details")}</h2>
      <dl className="summary-list">
        <div className="summary-list__row">
          <dt className="summary-list__key">{t("admin.users.col.email")}</dt>
          <dd className="summary-list__value">{user.email}</dd>
        </div>
        <div className="summary-list__row">
          <dt className="summary-list__key">{t("admin.users.col.role")}</dt>
          <dd className="summary-list__value">
            {t(`role.${user.role}`)}
            {province ? ` · ${provinceName(province, locale)}` : ""}
          </dd>
        </div>
        <div className="summary-list__row">
          <dt className="summary-list__key">{t("admin.users.col.status")}</dt>
          <dd className="summary-list__value">
            <StatusTag status={user.status} label={t(`status.${user.status}`)} />
          </dd>
        </div>
        <div className="summary-list__row">
          <dt className="summary-list__key">{t("admin.users.col.lastSignIn")}</dt>
          <dd className="summary-list__value">{user.lastSignInAt ? formatDateTime(user.lastSignInAt, locale) : t("admin.users.never")}</dd>
        </div>
        <div className="summary-list__row">
          <dt className="summary-list__key">{t("admin.user.created")}</dt>
          <dd className="summary-list__value">{formatDateTime(user.createdAt, locale)}</dd>
        </div>
      </dl>

      <h2 className="heading-m" id="change-role">
        {t("admin.user.changeRole")}
      </h2>
      <p className="body">{t("admin.user.changeRoleLead")}</p>
      <Form method="post" noValidate>
        <input type="hidden" name="intent" value="change_role" />
        <Select
          name="role"
          label={t("field.role")}
          state={state}
          defaultValue={user.role}
          options={STAFF_ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
        />
        <Select
          name="provinceCode"
          label={t("field.province")}
          hint={t("field.province.hint")}
          state={state}
          defaultValue={user.provinceCode ?? ""}
          placeholder={t("field.choose")}
          options={provinces.map((p) => ({ value: p.code, label: `${provinceName(p, locale)} (${p.code})` }))}
        />
        <Button>{t("admin.user.changeRoleSubmit")}</Button>
      </Form>

      {user.status === "invited" ? (
        <>
          <h2 className="heading-m" id="resend" tabIndex={-1}>
            {t("admin.user.invitation")}
          </h2>
          <p className="body">{t("admin.user.invitationLead")}</p>
          <Form method="post">
            <Button name="intent" value="resend" variant="secondary">
              {t("admin.user.resend")}
            </Button>
          </Form>
        </>
      ) : (
        <>
          <h2 className="heading-m">{t("admin.user.status")}</h2>
          <Form method="post">
            <Button name="intent" value={user.status === "active" ? "deactivate" : "reactivate"} variant={user.status === "active" ? "warning" : "secondary"}>
              {user.status === "active" ? t("admin.users.deactivate") : t("admin.users.reactivate")}
            </Button>
          </Form>
        </>
      )}
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
