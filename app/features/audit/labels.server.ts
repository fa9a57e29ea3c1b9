import type { Translate } from "~/platform/i18n/i18n.ts";
import { isTextKey } from "~/platform/i18n/messages-store.ts";

/** An audit action's label: the audit texts', else the timeline's, else the action's code (an action added later). */
export function auditActionLabel(t: Translate, action: string): string {
  const own = `audit.action.${action}`;
  if (isTextKey(own)) return t(own);
  const timeline = `timeline.${action}`;
  if (isTextKey(timeline)) return t(timeline);
  return action;
}
