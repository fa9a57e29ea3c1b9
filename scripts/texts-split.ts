/**
 * Which texts each page's client code can ask for (decision 026). Read from the client build itself, the JavaScript
 * the browser runs after tree shaking, not from the sources: a key that reaches the browser is a string in some chunk
 * a page loads (`t("queue.count")`, a typed map's value, a ternary's branches), or the fixed parts of a template
 * literal (`queue.view.${v}`: every key `queue.view.…`), or a string that ends or starts with a dot and is joined to
 * another (`"doc." + kind`). Loader- and action-only code never reaches a chunk, so the texts of emails and server
 * messages are not shipped.
 *
 * Groups: `root` (the entry, the root route and what they import: header, footer, error pages) and one per route (the
 * keys of its chunks that root does not already have). build.ts writes them to build/texts.json; the server makes a
 * file per language and group (i18n.server.ts).
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

export interface RemixManifest {
  entry: { module: string; imports: string[] };
  routes: Record<string, { id: string; parentId?: string; module: string; imports?: string[] }>;
}

export interface TextsPlan {
  /** Group id (`root` or a route id) → the message keys (plural forms included) its file carries. */
  groups: Record<string, string[]>;
}

/** The client manifest Remix wrote into `dir` (public/build): `manifest-<version>.js`, the newest if several. */
export function readRemixManifest(dir: string, version?: string): RemixManifest {
  const names = fs.readdirSync(dir).filter((f) => /^manifest-[0-9A-F]+\.js$/.test(f));
  const name = version ? names.find((f) => f === `manifest-${version.toUpperCase()}.js`) : names.sort((a, b) => fs.statSync(path.join(dir, b)).mtimeMs - fs.statSync(path.join(dir, a)).mtimeMs)[0];
  if (!name) throw new Error(`no Remix manifest in ${dir}`);
  return JSON.parse(fs.readFileSync(path.join(dir, name), "utf8").replace(/^window\.__remixManifest=/, "").replace(/;\s*$/, "")) as RemixManifest;
}

/** Matches message keys against the strings found in code; built once per key list. */
export class KeyIndex {
  /** Base name (the key without its `#form`) → the stored keys. */
  private readonly families = new Map<string, string[]>();
  constructor(keys: Iterable<string>) {
    for (const key of keys) {
      const base = key.split("#")[0]!;
      const list = this.families.get(base);
      if (list) list.push(key);
      else this.families.set(base, [key]);
    }
  }

  /** A whole string: the key itself, or a plural family by its base name. */
  exact(s: string): string[] {
    return this.families.get(s) ?? [];
  }

  /** The fixed parts of a built key, in order, with something in between each two: every key that fits. */
  pattern(parts: string[]): string[] {
    // `${a}.${b}` or `${x}` alone says nothing about which keys: only parts with a letter in them count.
    if (!parts.some((p) => /[A-Za-z]/.test(p))) return [];
    const re = new RegExp(`^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".+")}$`);
    const out: string[] = [];
    for (const [base, keys] of this.families) if (re.test(base)) out.push(...keys);
    return out;
  }
}

/** The keys one chunk of client JavaScript can ask for. */
export function referencedKeys(js: string, index: KeyIndex): Set<string> {
  const found = new Set<string>();
  const add = (keys: string[]) => keys.forEach((k) => found.add(k));
  const source = ts.createSourceFile("chunk.js", js, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      const s = node.text;
      add(index.exact(s));
      // A piece joined to others with +: "doc." + kind, key + ".title".
      if (s.length > 1 && s.endsWith(".")) add(index.pattern([s, ""]));
      if (s.length > 1 && s.startsWith(".")) add(index.pattern(["", s]));
    } else if (ts.isTemplateExpression(node)) {
      add(index.pattern([node.head.text, ...node.templateSpans.map((span) => span.literal.text)]));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** A chunk and every chunk it imports, by their /build/… addresses. */
function withImports(url: string, read: (url: string) => string, seen: Set<string>) {
  if (seen.has(url)) return;
  seen.add(url);
  for (const m of read(url).matchAll(/(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+\.js)["']/g)) {
    withImports(path.posix.join(path.posix.dirname(url), m[1]!), read, seen);
  }
}

/** The client files a route's page loads: its chain of routes up to root, and the entry; imports followed. */
export function routeChunks(manifest: RemixManifest, routeId: string, read: (url: string) => string, opts: { withParents: boolean }): Set<string> {
  const seen = new Set<string>();
  for (let r = manifest.routes[routeId]; r; r = opts.withParents && r.parentId ? manifest.routes[r.parentId] : undefined) {
    for (const url of [r.module, ...(r.imports ?? [])]) withImports(url, read, seen);
  }
  return seen;
}

/** The keys a set of chunks can ask for, each chunk read once. */
function chunkKeys(read: (url: string) => string, keys: Iterable<string>) {
  const index = new KeyIndex(keys);
  const perChunk = new Map<string, Set<string>>();
  return (chunks: Iterable<string>) => {
    const out = new Set<string>();
    for (const c of chunks) {
      let found = perChunk.get(c);
      if (!found) perChunk.set(c, (found = referencedKeys(read(c), index)));
      found.forEach((k) => out.add(k));
    }
    return out;
  };
}

/** The groups of texts of a client build: see the module's comment. */
export function planTexts(manifest: RemixManifest, read: (url: string) => string, keys: Iterable<string>): TextsPlan {
  const keysOf = chunkKeys(read, keys);
  const rootChunks = routeChunks(manifest, "root", read, { withParents: false });
  for (const url of [manifest.entry.module, ...manifest.entry.imports]) withImports(url, read, rootChunks);
  const root = keysOf(rootChunks);
  const groups: Record<string, string[]> = { root: [...root].sort() };
  for (const id of Object.keys(manifest.routes).sort()) {
    if (id === "root") continue;
    const own = [...keysOf(routeChunks(manifest, id, read, { withParents: false }))].filter((k) => !root.has(k)).sort();
    if (own.length > 0) groups[id] = own;
  }
  return { groups };
}

/**
 * For every route: the keys its page's chunks (entry, root, its chain of routes) can ask for that the groups a page of
 * it loads (root and each route of the chain) do not carry. Empty when every page has all its texts.
 */
export function missingTexts(manifest: RemixManifest, read: (url: string) => string, keys: Iterable<string>, plan: TextsPlan): Record<string, string[]> {
  const keysOf = chunkKeys(read, keys);
  const out: Record<string, string[]> = {};
  for (const id of Object.keys(manifest.routes)) {
    const chunks = routeChunks(manifest, id, read, { withParents: true });
    for (const url of [manifest.entry.module, ...manifest.entry.imports]) withImports(url, read, chunks);
    const shipped = new Set<string>();
    for (let r = manifest.routes[id]; r; r = r.parentId ? manifest.routes[r.parentId] : undefined) {
      for (const k of plan.groups[r.id === "root" ? "root" : r.id] ?? []) shipped.add(k);
    }
    const missing = [...keysOf(chunks)].filter((k) => !shipped.has(k));
    if (missing.length > 0) out[id] = missing.sort();
  }
  return out;
}
