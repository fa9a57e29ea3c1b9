import { config } from "~/platform/config.server.ts";
import type { TextKey, Translate } from "~/platform/i18n/i18n.ts";
import { formatIsoDate } from "~/platform/i18n/format.ts";
import type { Locale } from "~/platform/db/db-types.ts";
import type { FeedEvent } from "./catalogue.server.ts";

export const FEED_SIZE = 50;

const ENTRY_TITLE: Record<FeedEvent["action"], TextKey> = {
  "application.recognise": "feed.recognise",
  "application.revoke": "feed.revoke",
  "application.withdraw_listing": "feed.withdraw_listing",
};

export function xmlEscape(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** What the entry's decision is: the revocation decision for a revocation, the recognition decision otherwise. */
function entrySummary(e: FeedEvent, t: Translate, locale: Locale): string {
  const date = (iso: string | null) => (iso ? formatIsoDate(iso, locale) : "");
  if (e.action === "application.revoke")
    return t("feed.summary.revoke", { enterprise: e.enterprise_name, number: e.revocation_number ?? "", date: date(e.revocation_date), reason: e.revocation_reason ?? "" });
  const recognition = { enterprise: e.enterprise_name, number: e.decision_number ?? "", date: date(e.decision_date) };
  return t(e.action === "application.withdraw_listing" ? "feed.summary.withdraw_listing" : "feed.summary", recognition);
}

/**
 * Atom 1.0 feed of catalogue changes, one entry per event (a recognition, a revocation, a withdrawal from the list),
 * so a subscriber sees each change once. Entry ids are permanent (the audit event id never changes).
 */
export function catalogueFeed(events: FeedEvent[], t: Translate, locale: Locale): string {
  const base = config().publicUrl;
  const host = new URL(base).hostname;
  const updated = events[0] ? new Date(events[0].created_at).toISOString() : "2026-01-01T00:00:00.000Z";
  const entries = events.map((e) => {
    const kind = e.action.replace(/^application\./, "");
    const url = `${base}/platforms/${e.id}`;
    const summary = entrySummary(e, t, locale);
    return [
      "  <entry>",
      `    <id>tag:${host},2026:catalogue-event:${e.event_id}</id>`,
      `    <title>${xmlEscape(t(ENTRY_TITLE[e.action], { platform: e.name }))}</title>`,
      `    <updated>${new Date(e.created_at).toISOString()}</updated>`,
      `    <link rel="alternate" type="text/html" href="${xmlEscape(url)}"/>`,
      `    <category term="${xmlEscape(kind)}"/>`,
      `    <summary>${xmlEscape(e.short_description ? `${summary} ${e.short_description}` : summary)}</summary>`,
      "  </entry>",
    ].join("\n");
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${locale}">`,
    `  <id>${xmlEscape(`${base}/platforms/feed.atom`)}</id>`,
    `  <title>${xmlEscape(t("feed.title"))}</title>`,
    `  <updated>${updated}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlEscape(`${base}/platforms/feed.atom`)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlEscape(`${base}/platforms`)}"/>`,
    `  <author><name>${xmlEscape(t("certificate.issuer"))}</name></author>`,
    ...entries,
    "</feed>",
    "",
  ].join("\n");
}
