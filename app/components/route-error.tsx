import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { useRequestInfo } from "~/lib/request-info.tsx";
import { useRootData, useT } from "~/lib/use-t.ts";

/** Friendly error in the user's language (both languages when even the root data is missing); never a stack trace. */
export function RouteErrorBoundary() {
  const error = useRouteError();
  const root = useRootData();
  const { requestId } = useRequestInfo();
  const t = useT();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const bilingual = !root;
  let title = bilingual
    ? status === 404
      ? "Không tìm thấy trang / Page not found"
      : "Đã có lỗi xảy ra / Sorry, something went wrong"
    : t("error.title");
  let body = bilingual
    ? "Rất tiếc, hệ thống gặp sự cố. Vui lòng thử lại sau. / The service had a problem. Please try again later."
    : t("error.body");
  if (!bilingual && (status === 404 || status === 410)) [title, body] = [t("error.notFound.title"), t("error.notFound.body")];
  if (!bilingual && status === 403) [title, body] = [t("error.forbidden.title"), t("error.forbidden.body")];
  if (!bilingual && status === 429) [title, body] = [t("error.tooMany.title"), t("error.tooManyAttempts", { minutes: 15 })];
  if (!bilingual && status === 400) [title, body] = [t("error.title"), t("error.body")];
  const invalidParams = isRouteErrorResponse(error) ? (error.data as { invalidParams?: unknown } | null)?.invalidParams : undefined;
  if (!bilingual && status === 400 && Array.isArray(invalidParams))
    [title, body] = [t("error.badQuery.title"), t("error.badQuery.body", { params: invalidParams.join(", ") })];
  return (
    <>
      <h1 className="heading-l">{title}</h1>
      <p className="body">{body}</p>
      {status >= 500 ? (
        <p className="body">
          {bilingual ? "Mã yêu cầu / Request id" : t("error.requestId")}: <code>{requestId || root?.requestId}</code>
        </p>
      ) : null}
      <p className="body">
        <a href="/">{bilingual ? "Về trang chủ / Home" : t("error.backHome")}</a>
      </p>
    </>
  );
}
