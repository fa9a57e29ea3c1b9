import { isRouteErrorResponse } from "@remix-run/react";
import { messagesOf } from "./messages-store.ts";
import type { RootData } from "./use-t.ts";

interface MetaArgsLike {
  data?: unknown;
  error?: unknown;
  matches: { id: string; data?: unknown }[];
}

/** "<page> – <site>" in the page's language; error pages get the error's title. */
export function pageTitle({ data, error, matches }: MetaArgsLike) {
  const root = matches.find((m) => m.id === "root")?.data as RootData | undefined;
  const messages = messagesOf(root?.locale ?? "vi");
  const site = messages["app.short"] ?? "Nền tảng số quốc gia";
  let title = (data as { title?: string } | undefined)?.title;
  if (error) {
    const status = isRouteErrorResponse(error) ? error.status : 500;
    const key = status === 404 || status === 410 ? "error.notFound.title" : status === 403 ? "error.forbidden.title" : "error.title";
    title = messages[key] ?? "Lỗi / Error";
  }
  return [{ title: title ? `${title} – ${site}` : site }];
}
