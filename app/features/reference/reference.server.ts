import { sql } from "kysely";
import type { DB, Executor } from "~/platform/db/db.server.ts";
import { db } from "~/platform/db/db.server.ts";
import { englishProvinceName } from "./province-names.ts";
import { loadWorkingCalendar, seedCalendar } from "./calendar.server.ts";
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
  // The local hour (Asia/Ho_Chi_Minh, 0–23) of the reviewers' daily digest (app/features/application/digest.server.ts).
  "notices.digest.local_hour": 8,
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
    await seedCalendar(trx);
  });
  invalidateReferenceData();
  await loadWorkingCalendar(database);
}

// ---------- kept in memory ----------
//
// Provinces, categories, settings and published criteria sets change only when the portal starts (migrations, then
// seedReferenceData) or through a command that edits them, which calls invalidateReferenceData() once it committed
// (docs/decisions/024). Until then every page reads them from memory: no query. The objects are frozen, shared by
// every request.
//
// A reader called inside a transaction passes it (`ex`): should the data have to be loaded, it is loaded through the
// transaction's connection (PGlite has only one, and a pool's could run out while the transaction waits).

export interface Province {
  code: string;
  name_vi: string;
  short_name_vi: string;
  name_ascii: string;
  kind: string;
  name_en: string;
}

export interface Category {
  code: string;
  name_vi: string;
  name_en: string;
  position: number;
}

export interface Categories {
  pillars: Category[];
  sectors: (Category & { pillar_code: string | null })[];
  ownershipTypes: Category[];
}

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

interface ReferenceData {
  provinces: Province[];
  provinceByCode: Map<string, Province>;
  categories: Categories;
  settings: Map<string, unknown>;
}

interface Loaded {
  data?: Promise<ReferenceData>;
  criteria: Map<number, Promise<CriteriaGroup[]>>;
}

// On globalThis: the Remix build carries its own copy of this module, and a seed run by server.ts or a test must
// invalidate what the build's copy holds. One entry per database handle (tests open several).
const KEY = Symbol.for("nentangso.reference-data");
type Holder = typeof globalThis & { [KEY]?: WeakMap<DB, Loaded> };

function loaded(database: DB): Loaded {
  const g = globalThis as Holder;
  const all = (g[KEY] ??= new WeakMap());
  let entry = all.get(database);
  if (!entry) all.set(database, (entry = { criteria: new Map() }));
  return entry;
}

/** Forgets every database's reference data: the next read loads it again. Call after any write to these tables. */
export function invalidateReferenceData(): void {
  (globalThis as Holder)[KEY] = new WeakMap();
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Loads once per database; a failed load is forgotten so the next request tries again. */
function memo<T>(get: () => Promise<T> | undefined, set: (p: Promise<T> | undefined) => void, load: () => Promise<T>): Promise<T> {
  const have = get();
  if (have) return have;
  const p = load().then(deepFreeze);
  set(p);
  p.catch(() => {
    if (get() === p) set(undefined);
  });
  return p;
}

function referenceData(ex?: Executor): Promise<ReferenceData> {
  const entry = loaded(db());
  const database = ex ?? db();
  return memo(
    () => entry.data,
    (p) => (entry.data = p),
    async () => {
      const [provinceRows, pillars, sectors, ownershipTypes, settingRows] = await Promise.all([
        database.selectFrom("provinces").select(["code", "name_vi", "short_name_vi", "name_ascii", "kind"]).orderBy("code").execute(),
        database.selectFrom("pillars").selectAll().orderBy("position").execute(),
        database.selectFrom("sectors").selectAll().orderBy("position").execute(),
        database.selectFrom("ownership_types").selectAll().orderBy("position").execute(),
        database.selectFrom("settings").select(["key", "value"]).execute(),
      ]);
      const provinces = provinceRows.map((p) => ({ ...p, name_en: englishProvinceName(p) }));
      return {
        provinces,
        provinceByCode: new Map(provinces.map((p) => [p.code, p])),
        categories: { pillars, sectors, ownershipTypes },
        settings: new Map(settingRows.map((r) => [r.key, r.value as unknown])),
      };
    },
  );
}

/** The provinces with their English name (the one rule of app/features/reference/province-names.ts). */
export async function listProvinces(): Promise<Province[]> {
  return (await referenceData()).provinces;
}

export async function getProvince(code: string, ex?: Executor): Promise<Province | undefined> {
  return (await referenceData(ex)).provinceByCode.get(code);
}

export async function listCategories(): Promise<Categories> {
  return (await referenceData()).categories;
}

/** A setting's value, else its default (DEFAULT_SETTINGS), else undefined. */
export async function settingValue(key: string, ex?: Executor): Promise<unknown> {
  const settings = (await referenceData(ex)).settings;
  return settings.has(key) ? settings.get(key) : DEFAULT_SETTINGS[key];
}

/** A published criteria set's groups and items, in order (a published set never changes: seedReferenceData adds only new ones). */
export function criteriaSet(criteriaSetId: number, ex?: Executor): Promise<CriteriaGroup[]> {
  const { criteria } = loaded(db());
  const database = ex ?? db();
  return memo(
    () => criteria.get(criteriaSetId),
    (p) => (p ? criteria.set(criteriaSetId, p) : criteria.delete(criteriaSetId)),
    async () => {
      const rows = await database
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
    },
  );
}

export async function countRows(table: "provinces" | "old_provinces" | "criteria_items"): Promise<number> {
  const row = await db().selectFrom(table).select(sql<number>`count(*)::int`.as("n")).executeTakeFirstOrThrow();
  return row.n;
}
