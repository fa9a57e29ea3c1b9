import { db, type Executor } from "~/platform/db/db.server.ts";

// ---------- criteria ----------

export interface CriteriaItem {
  key: string;
  text_vi: string;
  text_en: string;
  evidence_vi: string;
  evidence_en: string;
  evidence_required: boolean;
}
export interface CriteriaGroup {
  code: string;
  title_vi: string;
  title_en: string;
  items: CriteriaItem[];
}

export async function getCriteria(criteriaSetId: number, ex: Executor = db()): Promise<CriteriaGroup[]> {
  const rows = await ex
    .selectFrom("criteria_items")
    .innerJoin("criteria_groups", "criteria_groups.id", "criteria_items.criteria_group_id")
    .select([
      "criteria_groups.code as group_code",
      "criteria_groups.title_vi as group_title_vi",
      "criteria_groups.title_en as group_title_en",
      "criteria_items.key",
      "criteria_items.text_vi",
      "criteria_items.text_en",
      "criteria_items.evidence_vi",
      "criteria_items.evidence_en",
      "criteria_items.evidence_required",
    ])
    .where("criteria_groups.criteria_set_id", "=", criteriaSetId)
    .orderBy("criteria_groups.position")
    .orderBy("criteria_items.position")
    .execute();
  const groups: CriteriaGroup[] = [];
  for (const r of rows) {
    let g = groups.at(-1);
    if (!g || g.code !== r.group_code) {
      g = { code: r.group_code, title_vi: r.group_title_vi, title_en: r.group_title_en, items: [] };
      groups.push(g);
    }
    g.items.push({
      key: r.key,
      text_vi: r.text_vi,
      text_en: r.text_en,
      evidence_vi: r.evidence_vi,
      evidence_en: r.evidence_en,
      evidence_required: r.evidence_required,
    });
  }
  return groups;
}

export function criteriaItems(groups: CriteriaGroup[]): CriteriaItem[] {
  return groups.flatMap((g) => g.items);
}
