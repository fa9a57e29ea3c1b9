import type { ServerBuild } from "@remix-run/node";
import type { NextFunction, Request, Response } from "express";
import { escapeHtml } from "~/platform/mail/email-templates.server.ts";
import { translator } from "~/platform/i18n/i18n.server.ts";
import { logger } from "~/platform/ops/logger.server.ts";

/**
 * Requests no page of ours can produce, answered 400 before Remix sees them, logged at info (a visitor's mistake or a
 * scanner, never a fault of the server):
 * - a path whose percent-encoding does not decode (`/%E0%A4%A`): every router and static handler would throw on it;
 * - a legacy `?_data=` data request: with single fetch our pages ask for `….data`, and Remix logs each legacy
 *   request as an error (anyone could flood the logs).
 */
export function requestGuards(build: ServerBuild) {
  const stylesheets = stylesheetsOf(build);
  return (req: Request, res: Response, next: NextFunction) => {
    let refused: "path" | "legacy-data" | null = null;
    try {
      decodeURIComponent(req.path);
    } catch {
      refused = "path";
    }
    const query = req.originalUrl.indexOf("?");
    if (!refused && query >= 0 && new URLSearchParams(req.originalUrl.slice(query + 1)).has("_data")) refused = "legacy-data";
    if (!refused) return next();
    logger().info({ requestId: res.locals.requestId, reason: refused, method: req.method }, "request refused (400)");
    res.status(400).set("Cache-Control", "no-store");
    if (refused === "legacy-data") res.type("text/plain").send("Bad Request / Yêu cầu không hợp lệ");
    else res.type("html").send(badAddressPage(stylesheets, String(res.locals.requestId ?? "")));
  };
}

function stylesheetsOf(build: ServerBuild): string[] {
  try {
    const links = (build.routes.root?.module as { links?: () => { rel?: string; href?: string }[] }).links?.() ?? [];
    return links.filter((l) => l.rel === "stylesheet" && l.href).map((l) => l.href!);
  } catch {
    return [];
  }
}

/** A page in the portal's look, in both languages (we cannot read the visitor's choice from an address we cannot read). */
function badAddressPage(stylesheets: string[], requestId: string): string {
  const vi = translator("vi");
  const en = translator("en");
  const css = stylesheets.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join("");
  return `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(vi("error.badAddress.title"))} – ${escapeHtml(vi("app.name"))}</title>${css}<link rel="icon" href="/favicon.svg" type="image/svg+xml"></head>
<body><header class="header"><div class="header__top width-container"><a href="/" class="header__brand"><span class="header__emblem" aria-hidden="true">★</span>
<span><span class="header__ministry">${escapeHtml(vi("app.ministry"))}</span><span class="header__name">${escapeHtml(vi("app.name"))}</span></span></a></div></header>
<div class="width-container"><main id="main" class="main">
<h1 class="heading-l">${escapeHtml(vi("error.badAddress.title"))}</h1><p class="body">${escapeHtml(vi("error.badAddress.body"))}</p>
<div lang="en"><h2 class="heading-m">${escapeHtml(en("error.badAddress.title"))}</h2><p class="body">${escapeHtml(en("error.badAddress.body"))}</p></div>
<p class="body"><a href="/">${escapeHtml(vi("error.backHome"))}</a> · <a href="/" lang="en">${escapeHtml(en("error.backHome"))}</a></p>
<p class="body hint">${escapeHtml(vi("error.requestId"))} / Request id: <code>${escapeHtml(requestId)}</code></p>
</main></div></body></html>`;
}
