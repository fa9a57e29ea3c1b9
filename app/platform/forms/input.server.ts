import { data } from "@remix-run/node";
import { z } from "zod";
import type { Translate } from "~/platform/i18n/i18n.ts";
import { normaliseTaxCode, phoneToE164, taxCodeProblem } from "./vn-formats.ts";
import { isIsoDate, vietnamDate } from "~/platform/time/working-days.ts";
import { now } from "~/platform/time/clock.ts";

/**
 * The input boundary: every form field and query-string value is read through these parsers. Text is NFC-normalised
 * and trimmed before it is checked, stored or searched (a name typed in decomposed Unicode is stored composed, so
 * search finds it); control characters are refused in form text and stripped from search queries; ids, dates,
 * addresses, phone numbers and tax codes have one definition each. docs/decisions/014-input-boundary.md.
 */

// C0 controls other than tab and line breaks, DEL and C1 controls: PostgreSQL rejects NUL, and none belong in text.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// eslint-disable-next-line no-control-regex -- as above, every occurrence
const CONTROL_CHARS_ALL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** The one shape of stored text: Unicode NFC, without surrounding white space. */
export function cleanText(value: string): string {
  return value.normalize("NFC").trim();
}

/** A search query as typed: control characters become spaces, NFC, white space collapsed, at most `max` characters. */
export function searchTerm(value: string | null | undefined, max = 100): string {
  return (value ?? "").replace(CONTROL_CHARS_ALL, " ").normalize("NFC").replace(/\s+/g, " ").trim().slice(0, max);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A canonical UUID (8-4-4-4-12 hex digits); anything else is not an id of ours and must not reach the database. */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

// Defined with the calendar (the holiday files are checked with it); re-exported so forms have one place to look.
export { isIsoDate };

/** An http(s) address of a public host: a dot in the host name, no user name or password, no spaces or control characters. */
export function isWebUrl(value: string, max = 2000): boolean {
  if (value.length > max || /[\s\p{C}]/u.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.hostname.includes(".") && !url.username && !url.password;
  } catch {
    return false;
  }
}

export interface TextRules {
  max: number;
  /** Default true. */
  required?: boolean;
  /** No line breaks (names, numbers, titles). */
  singleLine?: boolean;
  /** Written out in full where the label cannot simply be lower-cased into "Nhập {field}". */
  requiredMessage?: string;
}

/** What is wrong with an already cleaned text, as the message shown next to the field; null when it is fine. */
export function textProblem(t: Translate, label: string, value: string, rules: TextRules): string | null {
  if (!value) return rules.required === false ? null : (rules.requiredMessage ?? t("error.required", { field: label.toLowerCase() }));
  if (value.length > rules.max) return t("error.tooLong", { field: label, max: rules.max });
  if (CONTROL_CHARS.test(value) || (rules.singleLine && /[\r\n]/.test(value))) return t("error.invalidText", { field: label });
  return null;
}

/** A form value: missing counts as empty; cleaned, then checked by `check` (a message, or null when fine). */
function cleaned(check: (value: string) => string | null) {
  return z
    .string()
    .optional()
    .transform((v) => cleanText(v ?? ""))
    .superRefine((v, ctx) => {
      const problem = check(v);
      if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
    });
}

/** A cleaned value that is either empty (allowed when not required) or converted; the conversion runs only on valid input. */
function converted<T>(rules: { required: boolean; requiredMessage: string }, check: (value: string) => string | null, convert: (value: string) => T) {
  return cleaned((v) => (v ? check(v) : rules.required ? rules.requiredMessage : null)).transform((v) => (v ? convert(v) : ("" as const)));
}

export const field = {
  /** Free text. */
  text: (t: Translate, label: string, rules: TextRules) => cleaned((v) => textProblem(t, label, v, rules)),

  /** One of a fixed list of codes; empty allowed (as "") only when not required. */
  choice: <const T extends string, R extends boolean = true>(message: string, options: readonly T[], opts: { required?: R } = {}) =>
    cleaned((v) => (v ? ((options as readonly string[]).includes(v) ? null : message) : opts.required === false ? null : message)).transform(
      (v) => v as R extends false ? T | "" : T,
    ),

  /** A strict UUID, or empty when not required. */
  uuid: (message: string, opts: { required?: boolean } = {}) =>
    cleaned((v) => (v ? (isUuid(v) ? null : message) : opts.required === false ? null : message)).transform((v) => v.toLowerCase()),

  /** YYYY-MM-DD; `past` refuses a date after today (Vietnam), `future` one that is not after today. */
  date: (
    t: Translate,
    label: string,
    opts: { required?: boolean; rule?: "past" | "future"; minYear?: number; futureMessage?: string; today?: () => string } = {},
  ) =>
    cleaned((v) => {
      if (!v) return opts.required === false ? null : t("error.required", { field: label.toLowerCase() });
      if (!isIsoDate(v, opts.minYear)) return t("error.date");
      const today = (opts.today ?? (() => vietnamDate(now())))();
      if (opts.rule === "past" && v > today) return t("error.dateFuture", { field: label });
      if (opts.rule === "future" && v <= today) return opts.futureMessage ?? t("error.date");
      return null;
    }),

  /** An http(s) web address. */
  url: (t: Translate, label: string, opts: { max?: number; required?: boolean; message?: string } = {}) =>
    cleaned((v) => {
      const max = opts.max ?? 500;
      if (!v) return opts.required === false ? null : t("error.required", { field: label.toLowerCase() });
      if (v.length > max) return t("error.tooLong", { field: label, max });
      return isWebUrl(v, max) ? null : (opts.message ?? t("error.url"));
    }),

  /** A Vietnamese phone number, stored as E.164 (+84…). */
  phone: (t: Translate, label: string, opts: { required?: boolean; requiredMessage?: string; message?: string } = {}) =>
    converted(
      { required: opts.required !== false, requiredMessage: opts.requiredMessage ?? t("error.required", { field: label.toLowerCase() }) },
      (v) => (v.length <= 40 && phoneToE164(v) ? null : (opts.message ?? t("error.phone"))),
      (v) => phoneToE164(v)!,
    ),

  /** Mã số doanh nghiệp: 10 digits or 10-3, check digit verified; stored normalised. Dashes pasted from documents are accepted. */
  taxCode: (messages: { required: string; format: string; checksum: string }) =>
    converted(
      { required: true, requiredMessage: messages.required },
      (v) => {
        const problem = v.length > 40 ? "format" : taxCodeProblem(dashes(v));
        return problem === "format" ? messages.format : problem === "checksum" ? messages.checksum : null;
      },
      (v) => normaliseTaxCode(dashes(v)),
    ),

  /** A whole number, written with or without thousands separators; stored as digits. */
  count: (t: Translate, label: string, opts: { required?: boolean } = {}) =>
    converted(
      { required: opts.required !== false, requiredMessage: t("error.required", { field: label.toLowerCase() }) },
      (v) => (/^\d{1,12}$/.test(v.replace(/[.,\s]/g, "")) ? null : t("error.number", { field: label })),
      (v) => v.replace(/[.,\s]/g, ""),
    ),

  /** A whole number of working days between `min` and `max` (a statutory deadline); stored as a number. */
  workingDays: (t: Translate, label: string, opts: { min?: number; max?: number } = {}) => {
    const min = opts.min ?? 1;
    const max = opts.max ?? 90;
    return cleaned((v) => {
      if (!v) return t("error.required", { field: label.toLowerCase() });
      if (!/^\d{1,3}$/.test(v)) return t("error.workingDays", { field: label, min, max });
      const n = Number(v);
      return n >= min && n <= max ? null : t("error.workingDays", { field: label, min, max });
    }).transform((v) => Number(v));
  },

  /** An email address. */
  email: (t: Translate, label: string, opts: { required?: boolean } = {}) =>
    cleaned((v) => {
      if (!v) return opts.required === false ? null : t("error.required", { field: label.toLowerCase() });
      if (v.length > 254) return t("error.tooLong", { field: label, max: 254 });
      return z.email().safeParse(v).success ? null : t("error.emailInvalid");
    }),

  /** A password as typed: never trimmed nor cleaned. Length and block-list checks are passwordProblem()'s. */
  password: (t: Translate) =>
    z
      .string({ error: t("error.required", { field: t("field.password").toLowerCase() }) })
      .min(1, t("error.required", { field: t("field.password").toLowerCase() }))
      .max(4096, t("error.passwordTooLong")),

  /** A search query: never refused, control characters stripped. */
  search: (max = 100) =>
    z
      .string()
      .optional()
      .transform((v) => searchTerm(v, max)),

  /** A non-negative whole number such as a lock version. */
  wholeNumber: () => z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
};

// Dashes pasted from documents are often en or em dashes.
function dashes(v: string): string {
  return v.replace(/[\u2010-\u2015\u2212]/g, "-");
}

/** The first value of every query-string parameter (repeated ones are ignored, as forms do). */
export function searchParamValues(request: Request): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [k, v] of new URL(request.url).searchParams) if (!(k in values)) values[k] = v;
  return values;
}

export type ParamsResult<T> = { ok: true; data: T } | { ok: false; invalid: string[] };

/** Reads the query string with a schema; `invalid` names the parameters that did not parse. */
export function readSearchParams<S extends z.ZodType>(request: Request, schema: S): ParamsResult<z.infer<S>> {
  const parsed = schema.safeParse(searchParamValues(request));
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, invalid: [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? "")))] };
}

/**
 * For page loaders: the parsed query string, or a 400 (the route's error page) naming the bad parameters. Never a
 * 500: a hand-edited or forged URL is the visitor's mistake, not the server's.
 */
export function parseSearchParams<S extends z.ZodType>(request: Request, schema: S): z.infer<S> {
  const result = readSearchParams(request, schema);
  if (result.ok) return result.data;
  throw data({ invalidParams: result.invalid }, { status: 400, statusText: "Bad Request" });
}
