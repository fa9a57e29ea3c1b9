import type { Request, Response } from "express";
import { isLocale } from "~/platform/i18n/i18n.ts";
import { allTextsFile, textsFile, textsGroupOf, textsIndexFile } from "~/platform/i18n/i18n.server.ts";

/**
 * GET /texts/<locale>.<group>.<hash>.js: one group of a language's texts as a script (i18n.server.ts textsFile,
 * decision 026), or `/texts/<locale>.index.<hash>.js`, the names of every route's files. The current hash is kept
 * for a year (the name changes with the content). Any other name of the form, a page cached before a deploy (an older hash, a group this build does not have, or the single file of
 * decision 023, `/texts/<locale>.<hash>.js`), gets every text of the language with no-cache, so that page still
 * hydrates whole and the stale name is never kept.
 */
export function serveTexts(req: Request, res: Response): void {
  const name = String(req.params.file ?? "");
  const m = /^([a-z]{2})\.(?:([^/]+)\.)?([0-9a-f]{1,64})\.js$/.exec(name);
  if (!m || !isLocale(m[1])) {
    res.status(404).type("text/plain").send("Not Found");
    return;
  }
  const group = m[2] === undefined ? undefined : textsGroupOf(m[2]);
  const current = m[2] === "index" ? textsIndexFile(m[1]) : group === undefined ? undefined : textsFile(m[1], group);
  const fresh = current !== undefined && current.hash === m[3];
  res.set("Cache-Control", fresh ? "public, max-age=31536000, immutable" : "no-cache");
  res.type("text/javascript; charset=utf-8").send(fresh ? current.body : allTextsFile(m[1]).body);
}
