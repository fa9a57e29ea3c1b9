import type { LoaderFunctionArgs } from "@remix-run/node";
import { catalogueFeed, FEED_SIZE } from "~/features/catalogue/atom.server.ts";
import { translator } from "~/platform/i18n/i18n.server.ts";
import { publicResponse } from "~/platform/http/public-response.server.ts";
import { listFeedEvents } from "~/features/catalogue/catalogue.server.ts";

/**
 * GET /platforms/feed.atom: the latest recognitions, revocations and withdrawals. Vietnamese, or English with
 * ?lang=en: the language is in the URL, not a cookie, so shared caches may keep the response.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const locale = new URL(request.url).searchParams.get("lang") === "en" ? "en" : "vi";
  const events = await listFeedEvents(FEED_SIZE);
  return publicResponse(request, catalogueFeed(events, translator(locale), locale), { contentType: "application/atom+xml; charset=utf-8" });
}
