import { API_MAX_PAGE_SIZE, CATALOGUE_PAGE_SIZE, SORTS } from "./open-data.server.ts";
import { config } from "~/platform/config.server.ts";
import type { FilterOptions } from "./catalogue.server.ts";
import { PUBLIC_ACTIONS } from "./catalogue.server.ts";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: object) => ({ anyOf: [schema, { type: "null" }] });
const object = (properties: Record<string, object>, required = Object.keys(properties)) => ({
  type: "object",
  additionalProperties: false,
  required,
  properties,
});

const cacheHeaders = {
  ETag: { description: "Hash of the body; send it back in If-None-Match to get 304 Not Modified.", schema: { type: "string" } },
  "Cache-Control": { description: "public, max-age=300", schema: { type: "string" } },
};

/**
 * OpenAPI 3.1 description of the open data. The filter enums come from the reference tables, so the document always
 * lists the codes the API accepts. test/catalogue-http.test.ts validates real responses against these schemas.
 */
export function openApiDocument(options: FilterOptions) {
  const filterParams = [
    { name: "q", in: "query", required: false, description: "Search words, accents optional; each must appear in the platform name, short description or enterprise name.", schema: { type: "string", maxLength: 100 } },
    { name: "pillar", in: "query", required: false, schema: { type: "string", enum: options.pillars.map((p) => p.code) } },
    { name: "sector", in: "query", required: false, schema: { type: "string", enum: options.sectors.map((s) => s.code) } },
    { name: "province", in: "query", required: false, description: "Province code of the enterprise (2025 administrative units).", schema: { type: "string", enum: options.provinces.map((p) => p.code) } },
    { name: "ownership", in: "query", required: false, schema: { type: "string", enum: options.ownershipTypes.map((o) => o.code) } },
    { name: "sort", in: "query", required: false, schema: { type: "string", enum: [...SORTS], default: "name" }, description: "name: accent-folded name A–Z; newest: latest recognition decision first." },
  ];
  const ok = (schema: object, description: string, mediaType = "application/json") => ({
    description,
    headers: cacheHeaders,
    content: { [mediaType]: { schema } },
  });
  const summaryProperties = {
    id: { type: "string", format: "uuid" },
    url: { type: "string", format: "uri", description: "The platform's page in the catalogue (stable)" },
    name: { type: "string" },
    shortDescription: { type: "string" },
    pillar: nullable(ref("Named")),
    sector: nullable(ref("Named")),
    ownershipType: nullable(ref("Named")),
    province: nullable(ref("Named")),
    enterprise: ref("Enterprise"),
    website: { type: ["string", "null"], format: "uri" },
    decision: ref("Decision"),
    recognisedAt: { type: ["string", "null"], format: "date-time" },
  };
  const problem = (description: string) => ({ description, content: { "application/json": { schema: ref("Error") } } });
  return {
    openapi: "3.1.0",
    info: {
      title: "National digital platforms catalogue API",
      version: "1.0.0",
      description:
        "Read-only open data about the digital platforms recognised under the national programme (Decision 186/QĐ-BTTTT). Only platforms that are currently recognised are listed; a platform whose recognition was revoked or withdrawn answers 410 Gone with the date since when it is no longer recognised and, for a revocation, the revocation decision (number, date and reason). Responses carry ETag and Cache-Control headers; no authentication is needed.",
    },
    servers: [{ url: config().publicUrl }],
    paths: {
      "/api/v1/platforms": {
        get: {
          operationId: "listPlatforms",
          summary: "Recognised platforms, filtered and paginated",
          description: "Lists only platforms recognised today. A revoked or withdrawn platform leaves the list; its own URL answers 410 with the revocation decision (see getPlatform).",
          parameters: [
            ...filterParams,
            { name: "page", in: "query", required: false, schema: { type: "integer", minimum: 1, default: 1 } },
            { name: "pageSize", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: API_MAX_PAGE_SIZE, default: CATALOGUE_PAGE_SIZE } },
          ],
          responses: {
            "200": ok(ref("PlatformPage"), "One page of recognised platforms"),
            "304": { description: "Not modified (If-None-Match matched the ETag)" },
            "400": problem("An unknown filter value or an invalid page number"),
          },
        },
      },
      "/api/v1/platforms/{id}": {
        get: {
          operationId: "getPlatform",
          summary: "One platform with its criteria and timeline",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
          responses: {
            "200": ok(ref("Platform"), "A recognised platform"),
            "304": { description: "Not modified" },
            "404": problem("No platform with this id was ever recognised"),
            "410": {
              description: "The recognition was revoked (with the revocation decision) or the platform withdrawn from the catalogue by its enterprise",
              content: { "application/json": { schema: ref("Gone") } },
            },
          },
        },
      },
      "/platforms.json": {
        get: {
          operationId: "downloadPlatformsJson",
          summary: "All recognised platforms matching the filters, in one document",
          parameters: filterParams,
          responses: { "200": ok(ref("PlatformCollection"), "The catalogue"), "304": { description: "Not modified" }, "400": problem("An unknown filter value") },
        },
      },
      "/platforms.csv": {
        get: {
          operationId: "downloadPlatformsCsv",
          summary: "All recognised platforms matching the filters, as CSV (UTF-8 with BOM, RFC 4180)",
          parameters: filterParams,
          responses: { "200": ok({ type: "string" }, "The catalogue as CSV", "text/csv"), "304": { description: "Not modified" } },
        },
      },
      "/platforms/feed.atom": {
        get: {
          operationId: "catalogueFeed",
          summary: "Atom feed of recognitions, revocations and withdrawals (latest 50)",
          description: "One entry per event. A recognition entry gives the recognition decision; a revocation entry gives the revocation decision (number, date, reason).",
          responses: { "200": ok({ type: "string" }, "Atom 1.0 feed", "application/atom+xml") },
        },
      },
    },
    components: {
      schemas: {
        Named: object({ code: { type: "string" }, name_vi: { type: "string" }, name_en: { type: "string" } }),
        Enterprise: object({
          name: { type: "string" },
          englishName: { type: ["string", "null"] },
          taxCode: { type: "string", pattern: "^\\d{10}(-\\d{3})?$" },
        }),
        Decision: object({ number: { type: "string" }, date: { type: "string", format: "date" } }),
        PlatformSummary: object(summaryProperties),
        Verification: object({ stage: { type: "string", enum: ["province", "ministry"] }, date: { type: "string", format: "date-time" } }),
        Criterion: object({
          key: { type: "string" },
          group: { type: "string" },
          text_vi: { type: "string" },
          text_en: { type: "string" },
          declared: { type: ["string", "null"], enum: ["meets", "partly", "not_met", null], description: "The enterprise's own assessment" },
          verifiedBy: { type: "array", items: ref("Verification"), description: "Stages that found the criterion met; empty when only declared" },
        }),
        TimelineEvent: object({
          event: { type: "string", enum: PUBLIC_ACTIONS.map((a) => a.replace(/^application\./, "")) },
          date: { type: "string", format: "date-time" },
        }),
        // Not allOf: PlatformSummary forbids extra properties, so the detail repeats them.
        Platform: object({
          ...summaryProperties,
          status: { const: "recognised" },
          longDescription: { type: "string" },
          launchDate: { type: ["string", "null"], format: "date" },
          certificateUrl: { type: "string", format: "uri" },
          timeline: { type: "array", items: ref("TimelineEvent") },
          criteria: { type: "array", items: ref("Criterion") },
        }),
        PlatformPage: object({
          total: { type: "integer", minimum: 0 },
          page: { type: "integer", minimum: 1 },
          pageSize: { type: "integer", minimum: 1, maximum: API_MAX_PAGE_SIZE },
          pageCount: { type: "integer", minimum: 1 },
          maxPageSize: { type: "integer" },
          items: { type: "array", items: ref("PlatformSummary") },
          links: object({
            self: { type: "string", format: "uri" },
            next: { type: ["string", "null"], format: "uri" },
            prev: { type: ["string", "null"], format: "uri" },
          }),
        }),
        PlatformCollection: object({ total: { type: "integer", minimum: 0 }, items: { type: "array", items: ref("PlatformSummary") } }),
        Gone: object({
          id: { type: "string", format: "uuid" },
          url: { type: "string", format: "uri" },
          name: { type: "string" },
          status: { type: "string", enum: ["revoked", "withdrawn"] },
          noLongerRecognisedSince: { type: "string", format: "date-time" },
          decision: { ...ref("Decision"), description: "The recognition decision" },
          revocation: { ...nullable(ref("Revocation")), description: "The revocation decision; null when the enterprise withdrew the platform" },
        }),
        Revocation: object({
          number: { type: ["string", "null"], description: "Number of the revocation decision (null for revocations recorded before numbers were kept)" },
          date: { type: ["string", "null"], format: "date" },
          reason: { type: "string", description: "The reason given in the decision (public)" },
        }),
        Error: object({ error: { type: "string" }, details: { type: "array", items: { type: "string" } } }, ["error"]),
      },
    },
  };
}
