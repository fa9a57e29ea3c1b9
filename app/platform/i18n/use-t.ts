import { matchRoutes, useMatches, useNavigation, useRouteLoaderData } from "@remix-run/react";
import { useEffect, useMemo } from "react";
import type { Locale, Role } from "~/platform/db/db-types.ts";
import { makeTranslate, type Translate } from "./i18n.ts";
import { messagesOf, textsReady } from "./messages-store.ts";
import { useRequestInfo } from "./request-info.tsx";

export interface RootData {
  locale: Locale;
  user: { id: string; email: string; name: string; role: Role; provinceCode: string | null } | null;
  /** Written in the page's language by the root loader (its key comes from an action, not from client code). */
  flash: { kind: "success" | "info" | "warning"; text: string } | null;
  requestId: string;
  devMailbox: boolean;
}

export function useRootData(): RootData | undefined {
  return useRouteLoaderData<RootData>("root");
}

const reported = new Set<string>();

/** In the browser, a key its page's texts lack is logged (once): the browser tests fail on console errors. */
function reportingMissing(messages: Record<string, string>, t: Translate): Translate {
  if (typeof document === "undefined") return t;
  return (key, params) => {
    if (messages[key] === undefined && messages[`${key}#other`] === undefined && !reported.has(key)) {
      reported.add(key);
      console.error(`text not loaded on this page: ${key}`);
    }
    return t(key, params);
  };
}

/**
 * The translator of the page's language. In the browser, when the page's routes' texts are not loaded yet (a
 * client-side navigation to another route), it suspends until they are: the router renders in a transition, so the
 * previous page stays on screen meanwhile (decision 026).
 */
export function useT(): Translate {
  const locale = useLocale();
  const matches = useMatches();
  const t = useMemo(() => {
    const messages = messagesOf(locale);
    return reportingMissing(messages, makeTranslate(messages, locale));
  }, [locale]);
  const pending = textsReady(
    locale,
    matches.map((m) => m.id),
  );
  if (pending) throw pending;
  return t;
}

/** The page's language: the root loader's, or the language cookie's when the root loader failed. */
export function useLocale(): Locale {
  const fallback = useRequestInfo().locale;
  return useRootData()?.locale ?? fallback;
}

/**
 * Starts loading the next page's texts as soon as a navigation begins, beside its data, so that useT seldom has to
 * wait after the data has come (root Layout). A route the router does not know yet (lazy discovery) is left to useT.
 */
export function usePreloadNextTexts(): void {
  const pathname = useNavigation().location?.pathname;
  const locale = useLocale();
  useEffect(() => {
    if (!pathname) return;
    const routes = (window as { __remixRouter?: { routes: Parameters<typeof matchRoutes>[0] } }).__remixRouter?.routes ?? [];
    const ids = (matchRoutes(routes, pathname) ?? []).map((m) => m.route.id).filter((id): id is string => id !== undefined);
    if (ids.length > 0) void textsReady(locale, ids);
  }, [pathname, locale]);
}
