import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button, ErrorSummary, FormScope, Select, TextInput } from "~/components/form.tsx";
import { PageTitle, StatusTag, Table } from "~/components/ui.tsx";
import { requireRole } from "~/features/account/auth.server.ts";
import { setFlash } from "~/platform/http/flash.server.ts";
import { invalid, readForm, validate } from "~/platform/forms/forms.server.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { field, parseSearchParams } from "~/platform/forms/input.server.ts";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { provinceName, provinceShortName } from "~/features/reference/province-names.ts";
import { useLocale, useRootData, useT } from "~/platform/i18n/use-t.ts";
import { EmailLimitedError, EmailTakenError } from "~/features/account/account.server.ts";
import { changeUserStatus, inviteStaff } from "~/features/admin/commands.server.ts";
import { listUsersPage, type UserFilters } from "~/features/admin/queries.server.ts";
import { SIGN_IN_FILTERS, USER_STATUSES } from "~/features/admin/user-filters.ts";
import { STAFF_ROLES } from "~/features/admin/staff-roles.ts";
import { formatDateTime } from "~/platform/i18n/format.ts";
import { listProvinces } from "~/features/reference/reference.server.ts";
import { AWAITING_PROVINCE } from "~/features/application/workflow.ts";
import { listUnstaffedProvinces } from "~/features/account/user.server.ts";

const ALL_ROLES = ["enterprise", ...STAFF_ROLES] as const;

// Unknown filter values (a stale bookmark) are dropped, as the queues do; the page number is clamped.
const listParams = () =>
  z.object({
    q: field.search(100),
    role: field.search(40),
    province: field.search(10),
    status: field.search(20),
    signIn: field.search(20),
    page: field.search(6),
  });

const inviteSchema = (t: Translate, provinceCodes: string[]) =>
  z
    .object({
      intent: z.literal("invite"),
      name: field.text(t, t("field.name"), { max: 200, singleLine: true }),
      email: field.email(t, t("field.email")),
      role: z.enum(STAFF_ROLES, { error: t("error.roleInvalid") }),
      provinceCode: z.string().optional(),
    })
    .superRefine((v, ctx) => {
      if (v.role === "province_reviewer" && !provinceCodes.includes(v.provinceCode ?? ""))
        ctx.addIssue({
          code: "custom",
          path: ["provinceCode"],
          message: t("error.provinceRequired"),
        });
    });

// A factory, not a module-level value: the compiler could not drop a top-level zod call from the browser bundle.
const statusSchema = () =>
  z.object({
    intent: z.enum(["deactivate", "reactivate"]),
    userId: field.uuid("Not a user id"),
  });

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const { t } = await getTranslator(request);
  const p = parseSearchParams(request, listParams());
  const provinces = await listProvinces();
  const filters: UserFilters = {
    q: p.q || undefined,
    role: ALL_ROLES.find((r) => r === p.role),
    provinceCode: provinces.some((x) => x.code === p.province) ? p.province : undefined,
    status: USER_STATUSES.find((s) => s === p.status),
    signIn: SIGN_IN_FILTERS.find((s) => s === p.signIn),
  };
  const requested = Math.max(1, Math.min(100_000, Number.parseInt(p.page ?? "", 10) || 1));
  const [list, unstaffed] = await Promise.all([listUsersPage(filters, requested), listUnstaffedProvinces(AWAITING_PROVINCE)]);
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  const shown = {
    q: filters.q ?? "",
    role: filters.role ?? "",
    province: filters.provinceCode ?? "",
    status: filters.status ?? "",
    signIn: filters.signIn ?? "",
  };
  const link = (page: number) =>
    `?${new URLSearchParams({
      ...Object.fromEntries(Object.entries(shown).filter(([, v]) => v)),
      ...(page > 1 ? { page: String(page) } : {}),
    })}`;
  return {
    title: t("admin.users.title"),
    users: list.rows,
    total: list.total,
    page: Math.min(requested, pages),
    pages,
    previous: requested > 1 ? link(Math.min(requested, pages) - 1) : null,
    next: requested < pages ? link(requested + 1) : null,
    filters: shown,
    provinces,
    unstaffed,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireRole(request, "admin");
  const { t, locale } = await getTranslator(request);
  const values = await readForm(request);
  if (values.intent === "invite") {
    const provinces = await listProvinces();
    const result = validate(
      inviteSchema(
        t,
        provinces.map((p) => p.code)
      ),
      values
    );
    if (!result.ok) return invalid(result.errors, values);
    try {
      await inviteStaff(
        admin,
        {
          ...result.data,
          provinceCode: result.data.role === "province_reviewer" ? result.data.provinceCode ?? null : null,
          locale,
        },
        context.requestId,
        context.ip
      );
    } catch (e) {
      if (e instanceof EmailTakenError) return invalid({ email: t("error.emailTaken") }, values);
      if (e instanceof EmailLimitedError)
        return invalid({ email: t("error.emailLimited") }, values, {
          status: 429,
        });
      throw e;
    }
    // The list opens on the invitee: on a long list they could be pages away.
    return redirect(`/admin/users?${new URLSearchParams({ q: result.data.email })}`, {
      headers: { "Set-Cookie": await setFlash({ kind: "success", key: "flash.userInvited" }) },
    });
  }
  const parsed = statusSchema().safeParse(values);
  if (!parsed.success) throw new Response("Bad Request", { status: 400 });
  const { intent, userId } = parsed.data;
  await changeUserStatus(admin, userId, intent === "deactivate" ? "deactivated" : "active", context.requestId);
  const key = intent === "deactivate" ? "flash.userDeactivated" : "flash.userReactivated";
  return redirect("/admin/users", {
    headers: { "Set-Cookie": await setFlash({ kind: "success", key }) },
  });
}

export default function AdminUsers() {
  const t = useT();
  const locale = useLocale();
  const me = useRootData()?.user;
  const { users, provinces, unstaffed, total, page, pages, previous, next, filters } = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>();
  const shortName = (code: string | null) => {
    const p = provinces.find((x) => x.code === code);
    return p ? provinceShortName(p, locale) : "";
  };
  return (
    <>
      <ErrorSummary errors={state?.errors} />
      <PageTitle>{t("admin.users.title")}</PageTitle>
      <FormScope scope="filter">
        <Form method="get" className="filters" role="search" aria-labelledby="filters-title">
          <h2 className="heading-s" id="filters-title">
            {t("admin.users.filters")}
          </h2>
          <TextInput name="q" label={t("admin.users.filter.q")} defaultValue={filters.q} spellCheck={false} />
          <div className="filters__row">
            <Select
              name="role"
              label={t("admin.users.filter.role")}
              defaultValue={filters.role}
              placeholder={t("admin.users.filter.any")}
              options={ALL_ROLES.map((r) => ({
                value: r,
                label: t(`role.${r}`),
              }))}
            />
            <Select
              name="province"
              label={t("admin.users.filter.province")}
              defaultValue={filters.province}
              placeholder={t("admin.users.filter.any")}
              options={provinces.map((p) => ({
                value: p.code,
                label: provinceShortName(p, locale),
              }))}
            />
            <Select
              name="status"
              label={t("admin.users.filter.status")}
              defaultValue={filters.status}
              placeholder={t("admin.users.filter.any")}
              options={USER_STATUSES.map((s) => ({
                value: s,
                label: t(`status.${s}`),
              }))}
            />
            <Select
              name="signIn"
              label={t("admin.users.filter.signIn")}
              defaultValue={filters.signIn}
              placeholder={t("admin.users.filter.any")}
              options={SIGN_IN_FILTERS.map((s) => ({
                value: s,
                label: t(`admin.users.filter.signIn.${s}`),
              }))}
            />
          </div>
          <Button>{t("admin.users.filter.submit")}</Button>{" "}
          <Link to="/admin/users" className="link">
            {t("admin.users.filter.clear")}
          </Link>
        </Form>
      </FormScope>
      <p className="body" role="status">
        {t("admin.users.count", { count: total })}
        {pages > 1 ? ` · ${t("admin.users.page", { page, pages })}` : ""}
      </p>
      <Table
        caption={t("admin.users.caption")}
        head={[
          t("admin.users.col.email"),
          t("admin.users.col.name"),
          t("admin.users.col.role"),
          t("admin.users.col.province"),
          t("admin.users.col.status"),
          t("admin.users.col.lastSignIn"),
          t("admin.users.col.actions"),
        ]}
      >
        {users.map((u) => (
          <tr key={u.id}>
            <td>{u.email}</td>
            <td>{u.name}</td>
            <td>{t(`role.${u.role}`)}</td>
            <td>{shortName(u.province_code)}</td>
            <td>
              <StatusTag status={u.status} label={t(`status.${u.status}`)} />
            </td>
            <td>{u.last_sign_in_at ? formatDateTime(u.last_sign_in_at, locale) : t("admin.users.never")}</td>
            <td>
              {u.id !== me?.id && u.role !== "enterprise" ? (
                <>
                  <Link to={`/admin/users/${u.id}`} className="link">
                    {t("admin.users.manage")}
                    <span className="visually-hidden"> {u.email}</span>
                  </Link>{" "}
                </>
              ) : null}
              {u.id === me?.id ? (
                t("admin.users.self")
              ) : u.status === "invited" ? null : (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="userId" value={u.id} />
                  <button type="submit" name="intent" value={u.status === "active" ? "deactivate" : "reactivate"} className="link-button">
                    {u.status === "active" ? t("admin.users.deactivate") : t("admin.users.reactivate")}
                    <span className="visually-hidden"> {u.email}</span>
                  </button>
                </Form>
              )}
            </td>
          </tr>
        ))}
      </Table>
      {previous || next ? (
        <nav className="pagination" aria-label={t("admin.users.page", { page, pages })}>
          {previous ? (
            <Link to={previous} rel="prev" className="link">
              {t("admin.users.previous")}
            </Link>
          ) : null}{" "}
          {next ? (
            <Link to={next} rel="next" className="link">
              {t("admin.users.next")}
            </Link>
          ) : null}
        </nav>
      ) : null}
      <h2 className="heading-m" id="unstaffed">
        {t("admin.unstaffed.title")}
      </h2>
      {unstaffed.length === 0 ? (
        <p className="body">{t("admin.unstaffed.none")}</p>
      ) : (
        <>
          <p className="body">{t("admin.unstaffed.lead")}</p>
          <Table caption={t("admin.unstaffed.title")} head={[t("admin.unstaffed.col.province"), t("admin.unstaffed.col.waiting")]}>
            {unstaffed.map((p) => (
              <tr key={p.code}>
                <td>
                  {p.name_vi} ({p.code})
                </td>
                <td>{p.waiting}</td>
              </tr>
            ))}
          </Table>
        </>
      )}
      <h2 className="heading-m" id="invite">
        {t("admin.users.invite")}
      </h2>
      <p className="body">{t("admin.users.inviteLead")}</p>
      <Form method="post" noValidate aria-labelledby="invite">
        <input type="hidden" name="intent" value="invite" />
        <TextInput name="name" label={t("field.name")} state={state} />
        <TextInput name="email" type="email" label={t("field.email")} spellCheck={false} state={state} />
        <Select
          name="role"
          label={t("field.role")}
          state={state}
          placeholder={t("field.choose")}
          options={STAFF_ROLES.map((r) => ({
            value: r,
            label: t(`role.${r}`),
          }))}
        />
        <Select
          name="provinceCode"
          label={t("field.province")}
          hint={t("field.province.hint")}
          state={state}
          placeholder={t("field.choose")}
          options={provinces.map((p) => ({
            value: p.code,
            label: `${provinceName(p, locale)} (${p.code})`,
          }))}
        />
        <Button>{t("admin.users.submit")}</Button>
      </Form>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
