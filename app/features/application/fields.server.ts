import type { Translate } from "~/platform/i18n/i18n.ts";
import { field } from "~/platform/forms/input.server.ts";

/**
 * Field validators for the application's sections (the shared parsers of app/platform/forms/input.server.ts). With `complete`
 * false ("save and come back later") empty fields pass, but whatever was typed must still be well-formed.
 */
export function sectionFields(t: Translate, complete: boolean) {
  return {
    text: (label: string, max: number, opts: { singleLine?: boolean } = {}) => field.text(t, label, { max, required: complete, ...opts }),
    choice: (label: string, options: readonly string[]) => field.choice(t("error.choose", { field: label.toLowerCase() }), options, { required: complete }),
    url: (label: string) => field.url(t, label, { max: 500, required: complete }),
    pastDate: (label: string) => field.date(t, label, { required: complete, rule: "past", minYear: 1990 }),
    count: (label: string) => field.count(t, label, { required: complete }),
    phone: (label: string) => field.phone(t, label, { required: complete }),
    email: (label: string) => field.email(t, label, { required: complete }),
  };
}

export function isCompleteIntent(values: Record<string, string>): boolean {
  return values.intent !== "later";
}
