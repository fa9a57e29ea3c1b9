import type { Executor } from "~/platform/db/db.server.ts";
import { criteriaSet, type CriteriaGroup, type CriteriaItem } from "~/features/reference/reference.server.ts";

// ---------- criteria ----------

export type { CriteriaGroup, CriteriaItem } from "~/features/reference/reference.server.ts";

/** A criteria set's groups and items (published sets never change: kept in memory by the reference feature). */
export function getCriteria(criteriaSetId: number, ex?: Executor): Promise<CriteriaGroup[]> {
  return criteriaSet(criteriaSetId, ex);
}

export function criteriaItems(groups: CriteriaGroup[]): CriteriaItem[] {
  return groups.flatMap((g) => g.items);
}
