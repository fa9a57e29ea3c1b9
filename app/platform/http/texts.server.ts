import type { Request, Response } from "express";
import { isLocale } from "~/platform/i18n/i18n.ts";
import { textsFile } from "~/platform/i18n/i18n.server.ts";

/**
 * GET /texts/<locale>.<hash>.js: a language's texts as a script (i18n.server.ts textsFile). The current hash is kept
 * for a year (the name changes with the content); any other hash, a page cached before a deploy, gets the current
 * texts with no-cache, so that page still hydrates and the stale name is never kept. Decision 023.
 */
export function serveTexts(req: Request, res: Response): void {
  const m = /^([a-z]{2})\.([0-9a-f]{1,64})\.js$/.exec(String(req.params.file ?? ""));
  if (!m || !isLocale(m[1])) {
    res.status(404).type("text/plain").send("Not Found");
    return;
  }
  const file = textsFile(m[1]);
  res.set("Cache-Control", m[2] === file.hash ? "public, max-age=31536000, immutable" : "no-cache");
  res.type("text/javascript; charset=utf-8").send(file.body);
}
