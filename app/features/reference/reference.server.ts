import { sql } from "kysely";
import type { DB } from "~/platform/db/db.server.ts";
import { db } from "~/platform/db/db.server.ts";
import { englishProvinceName } from "./province-names.ts";
import provincesFile from "../../../db/reference/provinces-2025.json";
import categoriesFile from "../../../db/reference/categories.json";
import criteriaSetsFile from "../../../db/reference/criteria-sets.json";

export const DEFAULT_SETTINGS: Record<string, unknown> = {
  "agency.province.vi": "Sở Khoa học và Công nghệ",
  "agency.province.en": "Department of Science and Technology",
  "agency.ministry.vi": "Bộ Khoa học và Công nghệ – Cục Chuyển đổi số quốc gia",
  "agency.ministry.en": "Ministry of Science and Technology – National Digital Transformation Agency",
  "sla.province.working_days": 10,
  "sla.ministry.working_days": 15,
  "sla.enterprise_reply.working_days": 10,
};

/** Idempotent: upserts lookup tables, adds criteria-set versions that are missing, never changes an existing one. */
export async function seedReferenceData(database: DB): Promise<void> {
  await database.transaction().execute(async (trx) => {
    for (const p of provincesFile.provinces) {
      await trx
        .insertInto("provinces")
        .values({ code: p.code, name_vi: p.name_vi, short_name_vi: p.short_name_vi, name_ascii: p.name_ascii, kind: p.type })
        .onConflict((oc) =>
          oc.column("code").doUpdateSet({
            name_vi: p.name_vi,
            short_name_vi: p.short_name_vi,
            name_ascii: p.name_ascii,
            kind: p.type,
          }),
        )
        .execute();
    }
    for (const p of provincesFile.provinces) {
      for (const old of p.merged_from) {
        await trx
          .insertInto("old_provinces")
          .values({ code: old.old_code, name_vi: old.old_name_vi, name_ascii: old.old_name_ascii, successor_code: p.code })
          .onConflict((oc) => oc.column("code").doUpdateSet({ successor_code: p.code, name_vi: old.old_name_vi }))
          .execute();
      }
    }
    let position = 0;
    for (const p of categoriesFile.pillars) {
      const row = { code: p.code, name_vi: p.vi, name_en: p.en, position: position++ };
      await trx.insertInto("pillars").values(row).onConflict((oc) => oc.column("code").doUpdateSet(row)).execute();
    }
    position = 0;
    for (const s of categoriesFile.sectors) {
      const row = { code: s.code, pillar_code: s.pillar, name_vi: s.vi, name_en: s.en, position: position++ };
      await trx.insertInto("sectors").values(row).onConflict((oc) => oc.column("code").doUpdateSet(row)).execute();
    }
    position = 0;
    for (const o of categoriesFile.ownership_types) {
      const row = { code: o.code, name_vi: o.vi, name_en: o.en, position: position++ };
      await trx.insertInto("ownership_types").values(row).onConflict((oc) => oc.column("code").doUpdateSet(row)).execute();
    }
    for (const set of criteriaSetsFile.sets) {
      const exists = await trx.selectFrom("criteria_sets").select("id").where("version", "=", set.version).executeTakeFirst();
      if (exists) continue;
      if (set.is_current) await trx.updateTable("criteria_sets").set({ is_current: false }).where("is_current", "=", true).execute();
      const { id: setId } = await trx
        .insertInto("criteria_sets")
        .values({
          version: set.version,
          title_vi: set.title_vi,
          title_en: set.title_en,
          legal_basis: set.legal_basis,
          effective_from: set.effective_from,
          is_current: set.is_current,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      for (const [gi, g] of set.groups.entries()) {
        const { id: groupId } = await trx
          .insertInto("criteria_groups")
          .values({ criteria_set_id: setId, code: g.code, position: gi, title_vi: g.title_vi, title_en: g.title_en })
          .returning("id")
          .executeTakeFirstOrThrow();
        for (const [ii, item] of g.items.entries()) {
          await trx
            .insertInto("criteria_items")
            .values({
              criteria_group_id: groupId,
              key: item.key,
              position: ii,
              text_vi: item.text_vi,
              text_en: item.text_en,
              evidence_vi: item.evidence_vi,
              evidence_en: item.evidence_en,
              evidence_required: item.evidence_required,
              sources: JSON.stringify(item.sources),
            })
            .execute();
        }
      }
    }
    for (const [key, value] of Object.entries(DEFAULT_SETTINGS)) {
      await trx
        .insertInto("settings")
        .values({ key, value: JSON.stringify(value) })
        .onConflict((oc) => oc.column("key").doNothing())
        .execute();
    }
  });
}

/** The provinces with their English name (the one rule of app/features/reference/province-names.ts). */
export async function listProvinces() {
  const rows = await db().selectFrom("provinces").select(["code", "name_vi", "short_name_vi", "name_ascii", "kind"]).orderBy("code").execute();
  return rows.map((p) => ({ ...p, name_en: englishProvinceName(p) }));
}

export function getProvince(code: string) {
  return db().selectFrom("provinces").selectAll().where("code", "=", code).executeTakeFirst();
}

export async function countRows(table: "provinces" | "old_provinces" | "criteria_items"): Promise<number> {
  const row = await db().selectFrom(table).select(sql<number>`count(*)::int`.as("n")).executeTakeFirstOrThrow();
  return row.n;
}

export async function listCategories() {
  const [pillars, sectors, ownershipTypes] = await Promise.all([
    db().selectFrom("pillars").selectAll().orderBy("position").execute(),
    db().selectFrom("sectors").selectAll().orderBy("position").execute(),
    db().selectFrom("ownership_types").selectAll().orderBy("position").execute(),
  ]);
  return { pillars, sectors, ownershipTypes };
}
