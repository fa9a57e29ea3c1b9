import { useRouteLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import type { Locale, Role } from "~/platform/db/db-types.ts";
import type { TextKey } from "./messages.server.ts";
import { makeTranslate, type Translate } from "./i18n.ts";
import { messagesOf } from "./messages-store.ts";
import { useRequestInfo } from "./request-info.tsx";

export interface RootData {
  locale: Locale;
  user: { id: string; email: string; name: string; role: Role; provinceCode: string | null } | null;
  flash: { kind: "success" | "info" | "warning"; key: TextKey } | null;
  requestId: string;
  devMailbox: boolean;
}

export function useRootData(): RootData | undefined {
  return useRouteLoaderData<RootData>("root");
}

export function useT(): Translate {
  const locale = useLocale();
  return useMemo(() => makeTranslate(messagesOf(locale), locale), [locale]);
}

/** The page's language: the root loader's, or the language cookie's when the root loader failed. */
export function useLocale(): Locale {
  const fallback = useRequestInfo().locale;
  return useRootData()?.locale ?? fallback;
}
