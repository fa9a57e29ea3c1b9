import QRCode from "qrcode";
import { config } from "~/platform/config.server.ts";
import type { Assessment, Locale, ReviewStage } from "~/platform/db/db-types.ts";
import { searchTerm } from "~/platform/forms/input.server.ts";
import { getCriteria } from "~/features/application/criteria.server.ts";
import {
  countListings,
  END_ACTIONS,
  listListings,
  listPublicEvents,
  listReopenedCriteria,
  listVerifications,
  getListing,
  type CatalogueFilters,
  type CatalogueSort,
  type FilterOptions,
  type Listing,
  type ListingSummary,
  type PublicEvent,
} from "./catalogue.server.ts";
import { nowMs } from "~/platform/time/clock.ts";
import { localised } from "~/platform/i18n/localised.ts";

export const CATALOGUE_PAGE_SIZE = 20;
export const API_MAX_PAGE_SIZE = 100;
export const SORTS: readonly CatalogueSort[] = ["name", "newest"];
const FILTER_KEYS = ["q", "pillar", "sector", "province", "ownership", "sort"] as const;

export interface CatalogueQuery {
  filters: CatalogueFilters;
  page: number;
  pageSize: number;
}

/**
 * Reads the catalogue's filters from a URL. Pages ignore values they do not know (a stale bookmark still works);
 * the API (strict) answers 400 with the reasons instead.
 */
export function parseCatalogueQuery(
  params: URLSearchParams,
  options: FilterOptions,
  opts: { strict?: boolean; defaultPageSize?: number } = {},
): { query: CatalogueQuery; errors: string[] } {
  const errors: string[] = [];
  const pick = (name: string, allowed: readonly string[]): string | undefined => {
    const value = searchTerm(params.get(name), 100);
    if (!value) return undefined;
    if (allowed.includes(value)) return value;
    errors.push(`Unknown ${name}: ${value.slice(0, 40)}`);
    return undefined;
  };
  const q = searchTerm(params.get("q"), 100);
  const filters: CatalogueFilters = {
    q: q || undefined,
    pillar: pick("pillar", options.pillars.map((p) => p.code)),
    sector: pick("sector", options.sectors.map((s) => s.code)),
    province: pick("province", options.provinces.map((p) => p.code)),
    ownership: pick("ownership", options.ownershipTypes.map((o) => o.code)),
    sort: (pick("sort", SORTS) as CatalogueSort | undefined) ?? "name",
  };
  const int = (name: string, fallback: number, max: number) => {
    const raw = params.get(name);
    if (raw === null || raw === "") return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > max) {
      errors.push(`${name} must be a whole number from 1 to ${max}`);
      return fallback;
    }
    return n;
  };
  const page = int("page", 1, 100_000);
  const pageSize = opts.defaultPageSize ? int("pageSize", opts.defaultPageSize, API_MAX_PAGE_SIZE) : CATALOGUE_PAGE_SIZE;
  return { query: { filters, page, pageSize }, errors: opts.strict ? errors : [] };
}

/** The query string for a set of filters (defaults left out, so URLs stay short and shareable). */
export function catalogueSearch(filters: CatalogueFilters, extra: Record<string, string | number> = {}): string {
  const p = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filters[key];
    if (value && !(key === "sort" && value === "name")) p.set(key, value);
  }
  for (const [k, v] of Object.entries(extra)) if (!(k === "page" && v === 1)) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : "";
}

export async function searchCatalogue(query: CatalogueQuery) {
  const total = await countListings(query.filters);
  const pageCount = Math.max(1, Math.ceil(total / query.pageSize));
  const page = Math.min(query.page, pageCount);
  const rows = total === 0 ? [] : await listListings(query.filters, { offset: (page - 1) * query.pageSize, limit: query.pageSize }, total);
  return { total, page, pageCount, rows };
}

// ---------- labels ----------

export interface Named {
  code: string;
  name_vi: string;
  name_en: string;
}

export function makeLabels(options: FilterOptions) {
  const byCode = <T extends { code: string }>(list: T[]) => new Map(list.map((x) => [x.code, x]));
  const pillars = byCode(options.pillars);
  const sectors = byCode(options.sectors);
  const ownership = byCode(options.ownershipTypes);
  const provinces = byCode(options.provinces);
  const named = (map: Map<string, { code: string; name_vi: string; name_en: string }>, code: string | null | undefined): Named | null => {
    if (!code) return null;
    const x = map.get(code);
    return x ? { code: x.code, name_vi: x.name_vi, name_en: x.name_en } : { code, name_vi: code, name_en: code };
  };
  return {
    pillar: (code: string | null | undefined) => named(pillars, code),
    sector: (code: string | null | undefined) => named(sectors, code),
    ownership: (code: string | null | undefined) => named(ownership, code),
    province: (code: string | null | undefined): Named | null => {
      if (!code) return null;
      const p = provinces.get(code);
      return p ? { code, name_vi: p.name_vi, name_en: p.name_en } : { code, name_vi: code, name_en: code };
    },
  };
}

export type Labels = ReturnType<typeof makeLabels>;

export function localName(n: Named | null, locale: Locale): string {
  return n ? localised(n, "name", locale) : "";
}

// ---------- the listing page ----------

export function platformUrl(id: string): string {
  return `${config().publicUrl}/platforms/${id}`;
}

export interface CriterionStatus {
  key: string;
  group: string;
  groupTitle: { vi: string; en: string };
  text: { vi: string; en: string };
  declared: Assessment | null;
  verifications: { stage: ReviewStage; date: string }[];
}

/** Each criterion: what the enterprise declared, and which stage found it met (a verdict given before the criterion
 * was reopened for changes no longer counts). */
export async function criteriaStatus(listing: Listing): Promise<CriterionStatus[]> {
  const [groups, verdicts, reopened] = await Promise.all([
    getCriteria(listing.criteria_set_id),
    listVerifications(listing.id),
    listReopenedCriteria(listing.id),
  ]);
  const out: CriterionStatus[] = [];
  for (const g of groups) {
    for (const item of g.items) {
      const verifications = verdicts
        .filter((v) => v.criterion_key === item.key)
        .filter((v) => !reopened.some((r) => r.target === `criterion:${item.key}` && r.version >= v.version))
        .sort((a, b) => (a.stage === b.stage ? 0 : a.stage === "province" ? -1 : 1))
        .map((v) => ({ stage: v.stage, date: new Date(v.updated_at).toISOString() }));
      out.push({
        key: item.key,
        group: g.code,
        groupTitle: { vi: g.title_vi, en: g.title_en },
        text: { vi: item.text_vi, en: item.text_en },
        declared: listing.answers_criteria?.[item.key]?.assessment ?? null,
        verifications,
      });
    }
  }
  return out;
}

export interface ListingState {
  listing: Listing;
  events: PublicEvent[];
  /** When it stopped being recognised (revoked or withdrawn from the list); null while listed. */
  endedAt: string | null;
  endedBy: "revoked" | "withdrawn" | null;
}

/** A listing with its public milestones; 404 for anything never recognised. */
export async function requireListing(id: string | undefined): Promise<ListingState> {
  const listing = id ? await getListing(id) : undefined;
  if (!listing) throw new Response("Not Found", { status: 404 });
  const events = await listPublicEvents(listing.id);
  let endedAt: string | null = null;
  if (listing.status !== "recognised") {
    const end = events.filter((e) => (END_ACTIONS as readonly string[]).includes(e.action)).at(-1);
    endedAt = new Date(end?.created_at ?? nowMs()).toISOString();
  }
  return {
    listing,
    events,
    endedAt,
    endedBy: listing.status === "revoked" ? "revoked" : listing.status === "withdrawn" ? "withdrawn" : null,
  };
}

// ---------- open data shapes (described in app/features/catalogue/openapi.server.ts) ----------

export function summaryJson(row: ListingSummary, labels: Labels) {
  return {
    id: row.id,
    url: platformUrl(row.id),
    name: row.name,
    shortDescription: row.short_description ?? "",
    pillar: labels.pillar(row.pillar),
    sector: labels.sector(row.sector),
    ownershipType: labels.ownership(row.ownership_type),
    province: labels.province(row.province_code),
    enterprise: { name: row.enterprise_name, englishName: row.enterprise_english_name, taxCode: row.enterprise_tax_code },
    website: row.public_url || null,
    decision: { number: row.decision_number ?? "", date: row.decision_date ?? "" },
    recognisedAt: row.recognised_at ? new Date(row.recognised_at).toISOString() : null,
  };
}

export type SummaryJson = ReturnType<typeof summaryJson>;

export function detailJson(state: ListingState, criteria: CriterionStatus[], labels: Labels) {
  const { listing } = state;
  return {
    ...summaryJson(listing, labels),
    status: "recognised" as const,
    longDescription: listing.long_description ?? "",
    launchDate: listing.launch_date || null,
    certificateUrl: `${platformUrl(listing.id)}/certificate`,
    timeline: state.events.map((e) => ({ event: e.action.replace(/^application\./, ""), date: new Date(e.created_at).toISOString() })),
    criteria: criteria.map((c) => ({
      key: c.key,
      group: c.group,
      text_vi: c.text.vi,
      text_en: c.text.en,
      declared: c.declared,
      verifiedBy: c.verifications,
    })),
  };
}

/** The revocation decision of a revoked listing (null for a listing the enterprise withdrew, or never revoked). */
export function revocationJson(listing: Pick<Listing, "status" | "revocation_number" | "revocation_date" | "revocation_reason">) {
  if (listing.status !== "revoked") return null;
  return { number: listing.revocation_number, date: listing.revocation_date, reason: listing.revocation_reason ?? "" };
}

export function goneJson(state: ListingState) {
  return {
    id: state.listing.id,
    url: platformUrl(state.listing.id),
    name: state.listing.name,
    status: state.endedBy!,
    noLongerRecognisedSince: state.endedAt!,
    decision: { number: state.listing.decision_number ?? "", date: state.listing.decision_date ?? "" },
    revocation: revocationJson(state.listing),
  };
}

// ---------- CSV ----------

const CSV_COLUMNS = [
  "id",
  "name",
  "short_description",
  "pillar_code",
  "pillar_name",
  "sector_code",
  "sector_name",
  "ownership_type_code",
  "ownership_type_name",
  "province_code",
  "province_name",
  "enterprise_name",
  "enterprise_tax_code",
  "website",
  "decision_number",
  "decision_date",
  "recognised_at",
  "url",
] as const;

/** One CSV cell: quoted when needed (RFC 4180); a leading = + - @ is neutralised so spreadsheets never run it. */
export function csvCell(value: string | null | undefined): string {
  let v = value ?? "";
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** UTF-8 with a byte-order mark (so spreadsheet programs read Vietnamese correctly), CRLF line ends. */
export function catalogueCsv(rows: ListingSummary[], labels: Labels): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const r of rows) {
    const j = summaryJson(r, labels);
    const record: Record<(typeof CSV_COLUMNS)[number], string | null> = {
      id: j.id,
      name: j.name,
      short_description: j.shortDescription,
      pillar_code: j.pillar?.code ?? "",
      pillar_name: j.pillar?.name_vi ?? "",
      sector_code: j.sector?.code ?? "",
      sector_name: j.sector?.name_vi ?? "",
      ownership_type_code: j.ownershipType?.code ?? "",
      ownership_type_name: j.ownershipType?.name_vi ?? "",
      province_code: j.province?.code ?? "",
      province_name: j.province?.name_vi ?? "",
      enterprise_name: j.enterprise.name,
      enterprise_tax_code: j.enterprise.taxCode,
      website: j.website,
      decision_number: j.decision.number,
      decision_date: j.decision.date,
      recognised_at: j.recognisedAt,
      url: j.url,
    };
    lines.push(CSV_COLUMNS.map((c) => csvCell(record[c])).join(","));
  }
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

// ---------- certificate ----------

/** The QR code as inline SVG markup (no script, no style attribute), labelled for assistive technology. */
export async function qrSvg(url: string, label: string): Promise<string> {
  const svg = await QRCode.toString(url, { type: "svg", margin: 2, errorCorrectionLevel: "M" });
  const escaped = label.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  return svg.replace("<svg ", `<svg role="img" aria-label="${escaped}" class="certificate__qr-svg" focusable="false" `);
}
