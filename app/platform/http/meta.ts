import { errorStatus, errorTexts } from "./error-status.ts";
import { messagesOf } from "~/platform/i18n/messages-store.ts";
import type { RootData } from "~/platform/i18n/use-t.ts";

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
  if (error) title = messages[errorTexts(errorStatus(error)).title] ?? "Lỗi / Error";
  return [{ title: title ? `${title} – ${site}` : site }];
}
