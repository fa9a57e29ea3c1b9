import { isRouteErrorResponse } from "@remix-run/react";
import type { TextKey } from "~/platform/i18n/messages.server.ts";

interface ErrorTexts {
  title: TextKey;
  body: TextKey;
}

/** Wording of the error page per HTTP status; another 4xx reads as 400 and another 5xx as 500. */
const TEXTS = {
  400: { title: "error.badRequest.title", body: "error.badRequest.body" },
  403: { title: "error.forbidden.title", body: "error.forbidden.body" },
  404: { title: "error.notFound.title", body: "error.notFound.body" },
  405: { title: "error.methodNotAllowed.title", body: "error.methodNotAllowed.body" },
  409: { title: "error.conflict.title", body: "error.conflict.body" },
  410: { title: "error.gone.title", body: "error.gone.body" },
  413: { title: "error.tooLarge.title", body: "error.tooLarge.body" },
  429: { title: "error.tooMany.title", body: "error.tooMany.body" },
  500: { title: "error.title", body: "error.body" },
  503: { title: "error.unavailable.title", body: "error.unavailable.body" },
} as const satisfies Record<number, ErrorTexts>;

export type ErrorStatus = keyof typeof TEXTS;

/** The HTTP status an error stands for: a thrown Response keeps its own, anything else is a server error. */
export function errorStatus(error: unknown): number {
  return isRouteErrorResponse(error) ? error.status : 500;
}

export function errorTexts(status: number): ErrorTexts {
  if (status in TEXTS) return TEXTS[status as ErrorStatus];
  return status >= 400 && status < 500 ? TEXTS[400] : TEXTS[500];
}
