import { data } from "@remix-run/node";
import type { z } from "zod";

export type FieldErrors = Record<string, string>;
export type FormValues = Record<string, string>;
export interface FormFailure {
  errors: FieldErrors;
  values: FormValues;
}

const MAX_URLENCODED_BYTES = 4 * 1024 * 1024;

/** Reads a urlencoded/multipart form as plain strings; files are ignored here. */
export async function readForm(request: Request): Promise<FormValues> {
  return (await readFormWithLists(request)).values;
}

/** Like readForm, plus every value of repeated fields (checkbox groups). */
export async function readFormWithLists(request: Request): Promise<{ values: FormValues; lists: Record<string, string[]> }> {
  const length = Number(request.headers.get("Content-Length") ?? "0");
  if (length > MAX_URLENCODED_BYTES) throw new Response("Payload Too Large", { status: 413 });
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw new Response("Bad Request", { status: 400 });
  }
  const values: FormValues = {};
  const lists: Record<string, string[]> = {};
  for (const [rawKey, raw] of form.entries()) {
    if (typeof raw !== "string") continue;
    // Everything typed is NFC from here on, so what is checked, stored, shown again and searched is the same text.
    const key = rawKey.normalize("NFC");
    const value = raw.normalize("NFC");
    if (!(key in values)) values[key] = value;
    (lists[key] ??= []).push(value);
  }
  return { values, lists };
}

export function validate<S extends z.ZodType>(
  schema: S,
  values: FormValues,
): { ok: true; data: z.infer<S> } | { ok: false; errors: FieldErrors } {
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const name = String(issue.path[0] ?? "form");
    errors[name] ??= issue.message;
  }
  return { ok: false, errors };
}

const SECRET_FIELDS = new Set(["password", "passwordConfirm", "currentPassword"]);

/** 400 with field errors and what the user typed (minus passwords). */
export function invalid(errors: FieldErrors, values: FormValues, init: { status?: number; headers?: HeadersInit } = {}) {
  const kept: FormValues = {};
  for (const [k, v] of Object.entries(values)) if (!SECRET_FIELDS.has(k)) kept[k] = v;
  return data<FormFailure>({ errors, values: kept }, { status: init.status ?? 400, headers: init.headers });
}
