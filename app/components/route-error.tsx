import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { errorStatus, errorTexts } from "~/platform/http/error-status.ts";
import { useRequestInfo } from "~/platform/i18n/request-info.tsx";
import { useRootData, useT } from "~/platform/i18n/use-t.ts";
import { PageTitle } from "./ui.tsx";

/** The error page inside the portal's frame, in the visitor's language, worded for its status; never a stack trace. */
export function RouteErrorBoundary() {
  const error = useRouteError();
  const root = useRootData();
  const { requestId } = useRequestInfo();
  const t = useT();
  const status = errorStatus(error);
  const invalidParams = isRouteErrorResponse(error) ? (error.data as { invalidParams?: unknown } | null)?.invalidParams : undefined;
  const badQuery = status === 400 && Array.isArray(invalidParams);
  const texts = errorTexts(status);
  return (
    <>
      <PageTitle>{badQuery ? t("error.badQuery.title") : t(texts.title)}</PageTitle>
      <p className="body">{badQuery ? t("error.badQuery.body", { params: invalidParams.join(", ") }) : t(texts.body)}</p>
      {status >= 500 ? (
        <p className="body">
          {t("error.requestId")}: <code>{requestId || root?.requestId}</code>
        </p>
      ) : null}
      <p className="body">
        <a href="/">{t("error.backHome")}</a>
      </p>
    </>
  );
}
