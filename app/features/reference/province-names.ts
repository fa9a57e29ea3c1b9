import type { Locale } from "~/platform/db/db-types.ts";

/** A row of the provinces table (db/reference/provinces-2025.json). */
export interface ProvinceRow {
  code: string;
  /** "Thành phố Hà Nội", "Tỉnh Đắk Lắk". */
  name_vi: string;
  /** "Hà Nội", "Đắk Lắk", "TP. Hồ Chí Minh". */
  short_name_vi: string;
  /** "Ha Noi", "Dak Lak". */
  name_ascii: string;
  /** "tinh" or "thanh_pho_truc_thuoc_trung_uong". */
  kind: string;
}

const HO_CHI_MINH_CITY = "79";

/**
 * The one English form of a province's name, used on every page: the Vietnamese name without diacritics (the
 * spelling the Government uses in English) and its kind, "Ha Noi City", "Ho Chi Minh City", "Dak Lak Province".
 */
export function englishProvinceName(p: Pick<ProvinceRow, "name_ascii" | "kind">): string {
  return `${p.name_ascii} ${p.kind === "tinh" ? "Province" : "City"}`;
}

/** The name on its own (a list, a heading's start): "Thành phố Hà Nội" / "Ha Noi City". */
export function provinceName(p: ProvinceRow, locale: Locale): string {
  return locale === "vi" ? p.name_vi : englishProvinceName(p);
}

/** Where space is short (a table column): "Hà Nội", "TP. Hồ Chí Minh" / the English name. */
export function provinceShortName(p: ProvinceRow, locale: Locale): string {
  return locale === "vi" ? p.short_name_vi : englishProvinceName(p);
}

/**
 * The name inside a phrase, after an agency or "of": the kind is a common noun and takes a small letter
 * ("Sở Khoa học và Công nghệ tỉnh Đắk Lắk", "… thành phố Hà Nội"), except in "Thành phố Hồ Chí Minh", which is
 * written with a capital everywhere (Nghị định 30/2020/NĐ-CP, Phụ lục II, on capitals in administrative names).
 */
export function provinceInPhrase(p: ProvinceRow, locale: Locale): string {
  if (locale === "en") return englishProvinceName(p);
  if (p.code === HO_CHI_MINH_CITY) return p.name_vi;
  return p.name_vi.charAt(0).toLocaleLowerCase("vi") + p.name_vi.slice(1);
}

/** The proper name without its kind, for sorting a list the way people look for it ("Đắk Lắk", "Hồ Chí Minh"). */
export function provinceSortKey(p: ProvinceRow): string {
  return p.name_vi.replace(/^(Thành phố|Tỉnh) /, "");
}
