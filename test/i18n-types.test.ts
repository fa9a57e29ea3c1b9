import assert from "node:assert/strict";
import { test } from "node:test";
import type { Locale } from "~/platform/db/db-types.ts";
import type { TextKey } from "~/platform/i18n/i18n.ts";
import { translator } from "~/platform/i18n/i18n.server.ts";
import { localised } from "~/platform/i18n/localised.ts";
import { isTextKey, textKeyOr } from "~/platform/i18n/messages-store.ts";

// The @ts-expect-error lines are the test: `npm run typecheck` fails as soon as one of them compiles, that is, as
// soon as `t()` or `localised()` stop checking what they are given. The assertions only keep the run honest.

test("t() takes only keys of the dictionary, plural families by their base name", () => {
  const t = translator("en");
  assert.equal(t("app.short").length > 0, true);
  assert.equal(t("queue.count", { count: 2 }), "2 applications");
  const field: "pillar" | "sector" = "sector";
  assert.equal(t(`platform.${field}`), translator("en")("platform.sector"));
  const family: TextKey = "catalogue.count";
  assert.equal(t(family, { count: 1 }), "1 platform found");

  // @ts-expect-error a misspelt key
  assert.equal(t("no.such.key"), "no.such.key");
  // @ts-expect-error one form of a plural family: the family is asked for by its name and picks the form itself
  t("queue.count#one", { count: 1 });
  // @ts-expect-error a key built from any string
  t(`platform.${String(field)}x`);
  // @ts-expect-error a translator does not take any string
  const loose: (key: string) => string = t;
  void loose;
});

test("a key built from stored data is checked at run time", () => {
  translator("vi");
  assert.equal(isTextKey("timeline.application.submit"), true);
  assert.equal(isTextKey("queue.count"), true, "a plural family by its name");
  assert.equal(isTextKey("queue.count#one"), false, "not one of its forms");
  assert.equal(isTextKey("constructor"), false, "nothing inherited from Object");
  assert.equal(textKeyOr("reason.duplicate", "reason.other"), "reason.duplicate");
  assert.equal(textKeyOr("reason.retired_code", "reason.other"), "reason.other");
});

test("localised() reads the field of the reader's language, and only fields stored in both", () => {
  const row = { code: "a", name_vi: "Giáo dục", name_en: "Education", note_vi: "chỉ tiếng Việt" };
  const read = (locale: Locale) => localised(row, "name", locale);
  assert.equal(read("vi"), "Giáo dục");
  assert.equal(read("en"), "Education");
  // @ts-expect-error note has no English twin
  localised(row, "note", "en");
  // @ts-expect-error not a field at all
  localised(row, "title", "vi");
});
