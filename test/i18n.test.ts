import assert from "node:assert/strict";
import { test } from "node:test";
import provincesFile from "../db/reference/provinces-2025.json";
import { makeTranslate } from "~/platform/i18n/i18n.ts";
import { MESSAGES } from "~/platform/i18n/messages.server.ts";
import { englishProvinceName, provinceInPhrase, provinceName, provinceShortName, type ProvinceRow } from "~/features/reference/province-names.ts";

const en = makeTranslate(MESSAGES.en, "en");
const vi = makeTranslate(MESSAGES.vi, "vi");

test("plural forms follow Intl.PluralRules, with the count in the language's digits", () => {
  assert.equal(en("queue.count", { count: 1 }), "1 application");
  assert.equal(en("queue.count", { count: 0 }), "0 applications");
  assert.equal(en("queue.count", { count: 2 }), "2 applications");
  assert.equal(en("queue.count", { count: 1234 }), "1,234 applications");
  assert.equal(vi("queue.count", { count: 1 }), "1 hồ sơ");
  assert.equal(vi("queue.count", { count: 1234 }), "1.234 hồ sơ");
  assert.equal(en("error.missingVerdicts", { count: 1 }), "1 criterion still has no verdict");
  assert.equal(en("error.missingVerdicts", { count: 3 }), "3 criteria still have no verdict");
  assert.equal(en("catalogue.count", { count: 1 }), "1 platform found");
  assert.match(en("upload.savedWithErrors", { count: 1 }), /^The file you chose has been saved\./);
  assert.equal(vi("catalogue.count", { count: 1 }), "Tìm thấy 1 nền tảng");
});

test("plain messages are untouched: placeholders filled, unknown keys shown as the key", () => {
  assert.equal(en("crit.position", { n: 2, total: 11 }), "Criterion 2 of 11");
  // @ts-expect-error the type refuses it; at run time an unknown key still reads as itself, never as a blank
  assert.equal(en("no.such.key"), "no.such.key");
});

test("every English text that counts things ('{count} <word>') is a plural family with both forms", () => {
  const problems: string[] = [];
  for (const [key, text] of Object.entries(MESSAGES.en)) {
    if (/\{count\} \p{L}/u.test(text) && !/#(one|other)$/.test(key)) problems.push(`${key}: "${text}" has no plural forms`);
    const family = /^(.*)#(one|other)$/.exec(key)?.[1];
    if (family && !(`${family}#one` in MESSAGES.en && `${family}#other` in MESSAGES.en)) problems.push(`${family}: English needs #one and #other`);
  }
  for (const key of Object.keys(MESSAGES.vi)) {
    const family = /^(.*)#other$/.exec(key)?.[1];
    if (family && !(`${family}#one` in MESSAGES.en)) problems.push(`${family}: no English singular`);
  }
  assert.deepEqual(problems, []);
});

const provinces = provincesFile.provinces.map((p) => ({ ...p, kind: p.type })) as ProvinceRow[];
const byCode = (code: string) => provinces.find((p) => p.code === code)!;

test("province names: one English form everywhere; small-letter kind inside a Vietnamese phrase, except Thành phố Hồ Chí Minh", () => {
  assert.equal(englishProvinceName(byCode("01")), "Ha Noi City");
  assert.equal(englishProvinceName(byCode("79")), "Ho Chi Minh City");
  assert.equal(englishProvinceName(byCode("66")), "Dak Lak Province");
  assert.equal(provinceInPhrase(byCode("66"), "vi"), "tỉnh Đắk Lắk");
  assert.equal(provinceInPhrase(byCode("01"), "vi"), "thành phố Hà Nội");
  assert.equal(provinceInPhrase(byCode("79"), "vi"), "Thành phố Hồ Chí Minh");
  assert.equal(provinceShortName(byCode("79"), "vi"), "TP. Hồ Chí Minh");
  for (const p of provinces) {
    for (const fn of [provinceName, provinceShortName, provinceInPhrase]) assert.equal(fn(p, "en"), englishProvinceName(p), `${p.code}: one English name`);
    assert.match(englishProvinceName(p), /^[A-Za-z -]+ (City|Province)$/, `${p.code}: ${englishProvinceName(p)}`);
    assert.match(provinceInPhrase(p, "vi"), p.code === "79" ? /^Thành phố / : /^(tỉnh|thành phố) /, p.code);
  }
  assert.equal(provinces.filter((p) => p.kind !== "tinh").length, 6, "six centrally run cities");
});
