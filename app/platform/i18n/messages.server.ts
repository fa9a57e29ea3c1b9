import * as account from "./messages/account.ts";
import * as application from "./messages/application.ts";
import * as audit from "./messages/audit.ts";
import type { EnglishOf, PluralFamily } from "./messages/plural.ts";
import * as catalogue from "./messages/catalogue.ts";
import * as enterprise from "./messages/enterprise.ts";
import * as foundation from "./messages/foundation.ts";
import * as outbox from "./messages/outbox.ts";
import * as settings from "./messages/settings.ts";
import * as review from "./messages/review.ts";
import * as staff from "./messages/staff.ts";
import * as statistics from "./messages/statistics.ts";
import * as ui from "./messages/ui.ts";
import * as uploads from "./messages/uploads.ts";
import * as verification from "./messages/verification.ts";
import * as workflow from "./messages/workflow.ts";

// Each area keeps its texts in its own file; every Vietnamese key must have its English twin (the types check it).
const vi = { ...foundation.vi, ...application.vi, ...enterprise.vi, ...uploads.vi, ...review.vi, ...catalogue.vi, ...workflow.vi, ...ui.vi, ...account.vi, ...verification.vi, ...outbox.vi, ...staff.vi, ...audit.vi, ...statistics.vi, ...settings.vi };
const en: EnglishOf<typeof vi> = { ...foundation.en, ...application.en, ...enterprise.en, ...uploads.en, ...review.en, ...catalogue.en, ...workflow.en, ...ui.en, ...account.en, ...verification.en, ...outbox.en, ...staff.en, ...audit.en, ...statistics.en, ...settings.en };

/** A key as the dictionary stores it, plural families included form by form ("queue.count#other"). */
export type MessageKey = keyof typeof vi;
/** A key as code asks for it: `t()` takes this. A plural family goes by its base name ("queue.count"). */
export type TextKey = Exclude<MessageKey, `${string}#${string}`> | PluralFamily<MessageKey>;
export type Messages = Record<MessageKey, string>;

export const MESSAGES: Record<"vi" | "en", Messages> = { vi, en };
