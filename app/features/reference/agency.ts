import type { Locale } from "~/platform/db/db-types.ts";

export interface ProvinceNames {
  name_vi: string;
  name_ascii: string;
  kind: string;
}

/**
 * A province's name inside an agency's name. Vietnamese writes the unit in lower case there ("Sở Khoa học và Công nghệ
 * tỉnh Đắk Lắk", "… thành phố Hà Nội"), except "Thành phố Hồ Chí Minh", which Nghị định 30/2020/NĐ-CP (Phụ lục II)
 * always capitalises. English names the unit after the place ("Dak Lak Province", "Ha Noi City").
 */
export function provinceInAgencyName(p: ProvinceNames, locale: Locale): string {
  if (locale === "en") return `${p.name_ascii} ${p.kind === "tinh" ? "Province" : "City"}`;
  if (p.name_vi === "Thành phố Hồ Chí Minh") return p.name_vi;
  return p.name_vi.replace(/^Tỉnh /, "tỉnh ").replace(/^Thành phố /, "thành phố ");
}

/** "Sở Khoa học và Công nghệ tỉnh Đắk Lắk" / "Department of Science and Technology of Dak Lak Province". */
export function provincialAgencyName(agency: string, p: ProvinceNames, locale: Locale): string {
  return locale === "vi" ? `${agency} ${provinceInAgencyName(p, "vi")}` : `${agency} of ${provinceInAgencyName(p, "en")}`;
}
