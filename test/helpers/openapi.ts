/**
 * A small structural validator for the JSON Schema subset our OpenAPI 3.1 document uses: $ref, type (also as a list),
 * const, enum, properties, required, additionalProperties: false, items, anyOf, allOf, minimum/maximum, pattern,
 * maxLength and the formats uuid, uri, date, date-time. Returns readable errors ("$.items[0].pillar: ...").
 */
type Schema = Record<string, unknown>;

const FORMATS: Record<string, (v: string) => boolean> = {
  uuid: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  uri: (v) => {
    try {
      return Boolean(new URL(v).protocol);
    } catch {
      return false;
    }
  },
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)),
  "date-time": (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)),
};

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function typeMatches(expected: string, actual: string): boolean {
  return expected === actual || (expected === "number" && actual === "integer");
}

export function validate(doc: Schema, schema: Schema, value: unknown, path = "$"): string[] {
  if (typeof schema.$ref === "string") {
    const target = schema.$ref.replace(/^#\//, "").split("/").reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], doc);
    if (!target) return [`${path}: unresolved ${schema.$ref}`];
    return validate(doc, target as Schema, value, path);
  }
  const errors: string[] = [];
  if (Array.isArray(schema.allOf)) for (const s of schema.allOf) errors.push(...validate(doc, s as Schema, value, path));
  if (Array.isArray(schema.anyOf)) {
    const results = schema.anyOf.map((s) => validate(doc, s as Schema, value, path));
    if (!results.some((r) => r.length === 0)) errors.push(`${path}: matches none of anyOf (${results.map((r) => r[0]).join(" | ")})`);
  }
  if ("const" in schema && value !== schema.const) errors.push(`${path}: expected ${JSON.stringify(schema.const)}, got ${JSON.stringify(value)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value as never)) errors.push(`${path}: ${JSON.stringify(value)} not in enum`);
  const actual = typeOf(value);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => typeMatches(t, actual))) return [...errors, `${path}: expected ${types.join("|")}, got ${actual}`];
  }
  if (actual === "string") {
    const s = value as string;
    if (typeof schema.format === "string" && FORMATS[schema.format] && !FORMATS[schema.format]!(s)) errors.push(`${path}: "${s}" is not a ${schema.format}`);
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(s)) errors.push(`${path}: "${s}" does not match ${schema.pattern}`);
    if (typeof schema.maxLength === "number" && [...s].length > schema.maxLength) errors.push(`${path}: longer than ${schema.maxLength}`);
  }
  if (actual === "integer" || actual === "number") {
    const n = value as number;
    if (typeof schema.minimum === "number" && n < schema.minimum) errors.push(`${path}: ${n} < ${schema.minimum}`);
    if (typeof schema.maximum === "number" && n > schema.maximum) errors.push(`${path}: ${n} > ${schema.maximum}`);
  }
  if (actual === "object") {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in obj)) errors.push(`${path}: missing required "${key}"`);
    for (const [key, v] of Object.entries(obj)) {
      if (props[key]) errors.push(...validate(doc, props[key], v, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}: undocumented property "${key}"`);
    }
  }
  if (actual === "array" && schema.items) (value as unknown[]).forEach((v, i) => errors.push(...validate(doc, schema.items as Schema, v, `${path}[${i}]`)));
  return errors;
}

/** The schema of a documented response: paths[path][get].responses[status].content[mediaType].schema. */
export function responseSchema(doc: Schema, path: string, status: number, mediaType = "application/json"): Schema {
  const paths = doc.paths as Record<string, { get: { responses: Record<string, { content?: Record<string, { schema: Schema }> }> } }>;
  const response = paths[path]?.get.responses[String(status)];
  const schema = response?.content?.[mediaType]?.schema;
  if (!schema) throw new Error(`The OpenAPI document has no ${mediaType} schema for GET ${path} ${status}`);
  return schema;
}
