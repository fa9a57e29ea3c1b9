import type { Application, SectionKey } from "~/platform/db/db-types.ts";

// Plain functions shared by the model and by components (check answers renders change links in the browser).

/** Which parts the enterprise may change now: everything in a draft, only the reopened parts when changes are requested. */
export function editableTargets(app: Pick<Application, "status" | "reopened">): "all" | Set<string> {
  if (app.status === "draft") return "all";
  if (app.status === "changes_requested") return new Set([...app.reopened, "section:declaration"]);
  return new Set();
}

export function canEditSection(app: Pick<Application, "status" | "reopened">, section: SectionKey): boolean {
  const targets = editableTargets(app);
  if (targets === "all") return true;
  if (section === "criteria") return [...targets].some((t) => t.startsWith("criterion:"));
  return targets.has(`section:${section}`);
}

export function canEditCriterion(app: Pick<Application, "status" | "reopened">, key: string): boolean {
  const targets = editableTargets(app);
  return targets === "all" || targets.has(`criterion:${key}`);
}

export function canEditSlot(app: Pick<Application, "status" | "reopened">, slot: string): boolean {
  if (slot.startsWith("criterion:")) return canEditCriterion(app, slot.slice("criterion:".length));
  return canEditSection(app, "documents");
}

/**
 * While changes are requested, a reopened part reads "needs changes" until the enterprise saves it again (then the
 * change request item is addressed), whatever its answers looked like before.
 */
export function needsChanges(app: Pick<Application, "status" | "reopened">, addressed: ReadonlySet<string>, target: string): boolean {
  return app.status === "changes_requested" && app.reopened.includes(target) && !addressed.has(target);
}
