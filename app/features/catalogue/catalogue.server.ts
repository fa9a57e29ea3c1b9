// Longer than 400 lines: the catalogue's queries (list, count, page, feed, statistics) share its conditions.
import { sql, type SqlBool } from "kysely";
import type { ApplicationStatus, Assessment, ReviewStage } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import { isUuid } from "~/platform/forms/input.server.ts";
import { ACCENTED, FOLDED, foldVietnamese } from "~/platform/db/search-text.ts";
import { listCategories, listProvinces } from "~/features/reference/reference.server.ts";

/**
 * The public catalogue: read-only queries over recognised platforms. A platform is "listed" while its application
 * is recognised and its enterprise verified; revoked listings and listings the enterprise withdrew after recognition keep
 * their page (HTTP 410).
 * Nothing here reads internal notes, verdict notes, attachments, contacts or emails.
 */

export type CatalogueSort = "name" | "newest";

export interface CatalogueFilters {
  q?: string;
  pillar?: string;
  sector?: string;
  province?: string;
  ownership?: string;
  sort?: CatalogueSort;
}

/** Statuses whose page stays public: recognised, or recognised once and later revoked or withdrawn from the list. */
const EVER_LISTED: readonly ApplicationStatus[] = ["recognised", "revoked", "withdrawn"];

/** Public timeline: the procedure's milestones, never who did them or why. */
export const PUBLIC_ACTIONS = [
  "application.submit",
  "application.resubmit",
  "application.forward",
  "application.recognise",
  "application.revoke",
  "application.withdraw_listing",
] as const;
export const END_ACTIONS = ["application.revoke", "application.withdraw_listing"] as const;
/** What the Atom feed announces: a platform entering or leaving the catalogue. */
export const FEED_ACTIONS = ["application.recognise", ...END_ACTIONS] as const;

const MAX_SEARCH_WORDS = 8;

/**
 * Only platforms of verified enterprises are public (docs/decisions/010): every catalogue query — list, count, page,
 * feed, statistics — carries this condition, so an unverified or refused claim of a tax code never shows.
 */
const VERIFIED_ENTERPRISE = sql<SqlBool>`exists (select 1 from enterprises verified
  where verified.id = applications.enterprise_id and verified.verification_status = 'verified')`;

function likePattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Accent-folded search words: each must appear in the platform name, its short description or the enterprise name. */
export function searchWords(q: string | undefined): string[] {
  if (!q) return [];
  return foldVietnamese(q.slice(0, 200)).split(" ").filter(Boolean).slice(0, MAX_SEARCH_WORDS);
}

/**
 * The recognised applications that match the filters, without joins: the search reads two folded text columns.
 * catalogue_text (generated: platform name and short description) and search_text (kept by the application model:
 * reference, enterprise name, tax code, platform name). A search word with a letter cannot match inside a reference or
 * a tax code (digits and dashes, separated by spaces), so in search_text it can only have matched the enterprise or
 * platform name. A word without letters is checked against the enterprise name itself (rare, and slower).
 * Both columns have trigram indexes over the listings (2026-12-04T1100_catalogue_trigram): a search reads its matches.
 */
function baseQuery(f: CatalogueFilters) {
  let query = db().selectFrom("applications").where("applications.status", "=", "recognised").where(VERIFIED_ENTERPRISE);
  if (f.pillar) query = query.where(sql<string>`applications.answers #>> '{platform,pillar}'`, "=", f.pillar);
  if (f.ownership) query = query.where(sql<string>`applications.answers #>> '{platform,ownershipType}'`, "=", f.ownership);
  if (f.sector) query = query.where("applications.sector", "=", f.sector);
  if (f.province) query = query.where("applications.province_code", "=", f.province);
  for (const word of searchWords(f.q)) {
    const pattern = likePattern(word);
    query = query.where((eb) =>
      eb.or([
        eb("applications.catalogue_text", "like", pattern),
        /\p{L}/u.test(word)
          ? eb("applications.search_text", "like", pattern)
          : sql<SqlBool>`exists (select 1 from enterprises e where e.id = applications.enterprise_id
              and translate(lower(normalize(e.legal_name, NFC)), ${ACCENTED}, ${FOLDED}) like ${pattern})`,
      ]),
    );
  }
  return query;
}

const SUMMARY_COLUMNS = [
  "applications.id",
  "applications.platform_name as name",
  sql<string | null>`applications.answers #>> '{platform,shortDescription}'`.as("short_description"),
  sql<string | null>`applications.answers #>> '{platform,pillar}'`.as("pillar"),
  "applications.sector",
  sql<string | null>`applications.answers #>> '{platform,ownershipType}'`.as("ownership_type"),
  sql<string | null>`applications.answers #>> '{platform,publicUrl}'`.as("public_url"),
  "applications.province_code",
  "enterprises.legal_name as enterprise_name",
  "enterprises.english_name as enterprise_english_name",
  "enterprises.tax_code as enterprise_tax_code",
  "applications.decision_number",
  "applications.decision_date",
  "applications.decided_at as recognised_at",
] as const;

export interface ListingSummary {
  id: string;
  name: string;
  short_description: string | null;
  pillar: string | null;
  sector: string | null;
  ownership_type: string | null;
  public_url: string | null;
  province_code: string | null;
  enterprise_name: string;
  enterprise_english_name: string | null;
  enterprise_tax_code: string;
  decision_number: string | null;
  decision_date: string | null;
  recognised_at: Date | null;
}

/**
 * Pages are cut from the matching ids alone (an index-only scan for the plain list), and only the rows shown are
 * joined and read. Both orders end with the id, so pages never repeat or skip a row.
 */
function listingQuery(f: CatalogueFilters, page?: { offset: number; limit: number }) {
  const newest = f.sort === "newest";
  let ids = baseQuery(f).select([
    "applications.id as page_id",
    "applications.catalogue_name as sort_name",
    "applications.decision_date as sort_date",
    "applications.decided_at as sort_at",
  ]);
  ids = newest
    ? ids.orderBy(sql`applications.decision_date desc nulls last`).orderBy("applications.decided_at", "desc").orderBy("applications.id")
    : ids.orderBy("applications.catalogue_name").orderBy("applications.id");
  if (page) ids = ids.offset(page.offset).limit(page.limit);
  const query = db()
    .selectFrom(ids.as("page"))
    .innerJoin("applications", "applications.id", "page.page_id")
    .innerJoin("enterprises", "enterprises.id", "applications.enterprise_id")
    .select([...SUMMARY_COLUMNS]);
  return newest
    ? query.orderBy(sql`page.sort_date desc nulls last`).orderBy("page.sort_at", "desc").orderBy("page.page_id")
    : query.orderBy("page.sort_name").orderBy("page.page_id");
}

/**
 * One page of listings (offset pagination: page numbers suit the public). total (countListings), when known: a search
 * matching ≥ 10 × the rows up to the page is read walking the order, the trigram bitmaps off (the planner takes the
 * words as independent, expects few matches and would sort them all; docs/benchmarks.md).
 */
export async function listListings(f: CatalogueFilters, page: { offset: number; limit: number }, total?: number): Promise<ListingSummary[]> {
  const query = listingQuery(f, page);
  if (!f.q || total === undefined || total < 10 * (page.offset + page.limit)) return (await query.execute()) as ListingSummary[];
  return db().transaction().execute(async (trx) => {
    await sql`set local enable_bitmapscan = off`.execute(trx);
    return (await trx.executeQuery(query.compile())).rows as ListingSummary[];
  });
}

export const countListingsQuery = (f: CatalogueFilters) => baseQuery(f).select(sql<number>`count(*)::int`.as("n"));
export async function countListings(f: CatalogueFilters): Promise<number> {
  const row = await countListingsQuery(f).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Every matching listing, for the CSV and JSON downloads. */
export async function listAllListings(f: CatalogueFilters): Promise<ListingSummary[]> {
  return (await listingQuery(f).execute()) as ListingSummary[];
}

export interface Listing extends ListingSummary {
  status: ApplicationStatus;
  revocation_number: string | null;
  revocation_date: string | null;
  revocation_reason: string | null;
  long_description: string | null;
  launch_date: string | null;
  criteria_set_id: number;
  current_version: number;
  enterprise_website: string | null;
  answers_criteria: Record<string, { assessment?: Assessment }> | null;
}

/** A platform that is or was in the catalogue; undefined for anything never recognised (callers answer 404). */
export async function getListing(id: string): Promise<Listing | undefined> {
  if (!isUuid(id)) return undefined;
  const row = await db()
    .selectFrom("applications")
    .innerJoin("enterprises", "enterprises.id", "applications.enterprise_id")
    .select([
      ...SUMMARY_COLUMNS,
      "applications.status",
      "applications.revocation_number",
      "applications.revocation_date",
      "applications.revocation_reason",
      sql<string | null>`applications.answers #>> '{platform,longDescription}'`.as("long_description"),
      sql<string | null>`applications.answers #>> '{platform,launchDate}'`.as("launch_date"),
      sql<Record<string, { assessment?: Assessment }> | null>`applications.answers -> 'criteria'`.as("answers_criteria"),
      "applications.criteria_set_id",
      "applications.current_version",
      "enterprises.website as enterprise_website",
    ])
    .where("applications.id", "=", id)
    .where("applications.status", "in", [...EVER_LISTED])
    .where(VERIFIED_ENTERPRISE)
    // Only a recognition sets the decision number: an application withdrawn before any decision never had a page.
    .where("applications.decision_number", "is not", null)
    .executeTakeFirst();
  return row as Listing | undefined;
}

export interface PublicEvent {
  id: number;
  action: (typeof PUBLIC_ACTIONS)[number];
  created_at: Date;
}

/** The dated milestones of one listing (no actor, no reason: those may carry internal remarks). */
export async function listPublicEvents(applicationId: string): Promise<PublicEvent[]> {
  const rows = await db()
    .selectFrom("audit_events")
    .select(["id", "action", "created_at"])
    .where("entity_type", "=", "application")
    .where("entity_id", "=", applicationId)
    .where("action", "in", [...PUBLIC_ACTIONS])
    .orderBy("id")
    .execute();
  return rows as PublicEvent[];
}

export interface CriterionVerification {
  criterion_key: string;
  stage: ReviewStage;
  version: number;
  updated_at: Date;
}

/** Criteria the province or the ministry found met ("met" verdicts only; verdict notes stay internal). */
export function listVerifications(applicationId: string): Promise<CriterionVerification[]> {
  return db()
    .selectFrom("criterion_verdicts")
    .select(["criterion_key", "stage", "version", "updated_at"])
    .where("application_id", "=", applicationId)
    .where("verdict", "=", "met")
    .execute();
}

/** Criteria reopened for changes, with the version the request was made on: an older verdict no longer vouches for them. */
export function listReopenedCriteria(applicationId: string) {
  return db()
    .selectFrom("change_requests")
    .innerJoin("change_request_items", "change_request_items.change_request_id", "change_requests.id")
    .select(["change_requests.version", "change_request_items.target"])
    .where("change_requests.application_id", "=", applicationId)
    .where("change_request_items.target", "like", "criterion:%")
    .execute();
}

export interface FeedEvent {
  event_id: number;
  action: (typeof FEED_ACTIONS)[number];
  created_at: Date;
  id: string;
  name: string;
  short_description: string | null;
  enterprise_name: string;
  province_code: string | null;
  decision_number: string | null;
  decision_date: string | null;
  revocation_number: string | null;
  revocation_date: string | null;
  revocation_reason: string | null;
  status: ApplicationStatus;
}

/** The latest catalogue changes: recognitions, revocations and withdrawals from the list, newest first. */
export async function listFeedEvents(limit: number): Promise<FeedEvent[]> {
  const rows = await db()
    .selectFrom("audit_events")
    .innerJoin("applications", (join) => join.on(sql<SqlBool>`applications.id::text = audit_events.entity_id`))
    .innerJoin("enterprises", "enterprises.id", "applications.enterprise_id")
    .select([
      "audit_events.id as event_id",
      "audit_events.action",
      "audit_events.created_at",
      "applications.id",
      "applications.platform_name as name",
      sql<string | null>`applications.answers #>> '{platform,shortDescription}'`.as("short_description"),
      "enterprises.legal_name as enterprise_name",
      "applications.province_code",
      "applications.decision_number",
      "applications.decision_date",
      "applications.revocation_number",
      "applications.revocation_date",
      "applications.revocation_reason",
      "applications.status",
    ])
    .where("audit_events.entity_type", "=", "application")
    .where("audit_events.action", "in", FEED_ACTIONS)
    .where("applications.status", "in", [...EVER_LISTED])
    .where("applications.decision_number", "is not", null)
    .where(VERIFIED_ENTERPRISE)
    .orderBy("audit_events.created_at", "desc")
    .orderBy("audit_events.id", "desc")
    .limit(limit)
    .execute();
  return rows as FeedEvent[];
}

// ---------- statistics ----------

/** Changes whenever anything is audited: a cheap key for caching figures computed from the whole table. */
export async function auditHighWater(): Promise<number> {
  const row = await db().selectFrom("audit_events").select(sql<number | null>`max(id)`.as("n")).executeTakeFirstOrThrow();
  return Number(row.n ?? 0);
}

export async function countRecognisedBy(dimension: "pillar" | "sector" | "province"): Promise<{ code: string; n: number }[]> {
  const key =
    dimension === "pillar"
      ? sql<string>`coalesce(applications.answers #>> '{platform,pillar}', '')`
      : dimension === "sector"
        ? sql<string>`coalesce(applications.sector, '')`
        : sql<string>`coalesce(applications.province_code, '')`;
  const rows = await db()
    .selectFrom("applications")
    .select([key.as("code"), sql<number>`count(*)::int`.as("n")])
    .where("status", "=", "recognised")
    .where(VERIFIED_ENTERPRISE)
    .groupBy(key)
    .execute();
  return rows.map((r) => ({ code: r.code, n: Number(r.n) }));
}

const MONTH = (column: string) => sql<string>`to_char(${sql.ref(column)} at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM')`;

/** Applications received per month (first submission), Vietnam time. */
export async function countReceivedByMonth(): Promise<{ month: string; n: number }[]> {
  const month = MONTH("applications.submitted_at");
  const rows = await db()
    .selectFrom("applications")
    .select([month.as("month"), sql<number>`count(*)::int`.as("n")])
    .where("submitted_at", "is not", null)
    .groupBy(month)
    .execute();
  return rows.map((r) => ({ month: r.month, n: Number(r.n) }));
}

/** Decisions per month: recognitions and rejections (a withdrawal is not a decision; later revocations keep their month). */
export async function countDecidedByMonth(): Promise<{ month: string; n: number }[]> {
  const month = MONTH("applications.decided_at");
  const rows = await db()
    .selectFrom("applications")
    .select([month.as("month"), sql<number>`count(*)::int`.as("n")])
    .where("decided_at", "is not", null)
    .where((eb) =>
      eb.or([eb("status", "in", ["recognised", "rejected", "revoked"]), eb.and([eb("status", "=", "withdrawn"), eb("decision_number", "is not", null)])]),
    )
    .groupBy(month)
    .execute();
  return rows.map((r) => ({ month: r.month, n: Number(r.n) }));
}

export interface ProvinceEvent {
  application_id: string;
  province_code: string | null;
  action: string;
  created_at: Date;
}

/** The events that start, pause, resume and end the provincial review of every application, in order. */
export async function listProvinceReviewEvents(): Promise<ProvinceEvent[]> {
  const rows = await db()
    .selectFrom("audit_events")
    .innerJoin("applications", (join) => join.on(sql<SqlBool>`applications.id::text = audit_events.entity_id`))
    .select(["applications.id as application_id", "applications.province_code", "audit_events.action", "audit_events.created_at"])
    .where("audit_events.entity_type", "=", "application")
    .where("audit_events.action", "in", [
      "application.submit",
      "application.request_changes",
      "application.resubmit",
      "application.forward",
      "application.reject_province",
    ])
    .orderBy("audit_events.entity_id")
    .orderBy("audit_events.id")
    .execute();
  return rows as ProvinceEvent[];
}

// ---------- reference lists for the filters ----------

export async function listFilterOptions() {
  const [{ pillars, sectors, ownershipTypes }, provinces] = await Promise.all([listCategories(), listProvinces()]);
  return { pillars, sectors, ownershipTypes, provinces };
}

export type FilterOptions = Awaited<ReturnType<typeof listFilterOptions>>;

export function getCriteriaSetVersion(criteriaSetId: number) {
  return db().selectFrom("criteria_sets").select(["version", "title_vi", "title_en", "legal_basis"]).where("id", "=", criteriaSetId).executeTakeFirst();
}
