/** Accent folding for Vietnamese search: "Hà Nội" and "ha noi" meet at "ha noi". Mirrored in SQL by translate(). */
export const ACCENTED = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ";
export const FOLDED = "aaaaaaaaaaaaaaaaadeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyy";

const MAP = new Map([...ACCENTED].map((c, i) => [c, FOLDED[i]!]));

export function foldVietnamese(input: string): string {
  return [...input.normalize("NFC").toLowerCase()].map((c) => MAP.get(c) ?? c).join("").replace(/\s+/g, " ").trim();
}
