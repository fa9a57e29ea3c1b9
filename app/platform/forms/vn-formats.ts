/** Mã số doanh nghiệp (= tax code): 10 digits, or 13 as NNNNNNNNNN-NNN for a dependent unit; check digit per Thông tư 105/2020. */
const WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3];

export type TaxCodeProblem = "format" | "checksum";

export function normaliseTaxCode(input: string): string {
  const compact = input.replace(/[\s.]/g, "");
  const m = compact.match(/^(\d{10})-?(\d{3})?$/);
  if (!m) return compact;
  return m[2] ? `${m[1]}-${m[2]}` : m[1]!;
}

export function taxCodeProblem(input: string): TaxCodeProblem | null {
  const code = normaliseTaxCode(input);
  const m = code.match(/^(\d{10})(?:-(\d{3}))?$/);
  if (!m) return "format";
  const digits = m[1]!.split("").map(Number);
  if (m[1]!.slice(2, 9) === "0000000" || m[2] === "000") return "checksum";
  const sum = WEIGHTS.reduce((s, w, i) => s + w * digits[i]!, 0);
  const check = 10 - (sum % 11);
  return check === digits[9] ? null : "checksum";
}

/** Vietnamese mobile (0[35789] + 8 digits) or landline (02 + 9 digits), in national or +84 form; returns E.164 or null. */
export function phoneToE164(input: string): string | null {
  const compact = input.replace(/[\s.\-()]/g, "");
  const m = compact.match(/^(?:\+84|84|0)([35789]\d{8}|2\d{9})$/);
  return m ? `+84${m[1]}` : null;
}

export function formatPhone(e164: string): string {
  const national = `0${e164.replace(/^\+84/, "")}`;
  return national.length === 10
    ? `${national.slice(0, 4)} ${national.slice(4, 7)} ${national.slice(7)}`
    : `${national.slice(0, 3)} ${national.slice(3, 7)} ${national.slice(7)}`;
}
