/**
 * `npm run build`: the Remix app (build/index.js, public/build/) and the server, worker and migration command compiled
 * to plain JavaScript (build/server.js, build/worker.js, build/migrate.js, build/migrations/), for `node build/server.js`.
 * `--if-stale` (what `npm start` runs) builds only when the sources changed since the last build.
 *
 * Everything is built in a staging directory first and then moved into place, file by file with rename (atomic), so a
 * running process never sees a half-written build: its code is already in memory, and the client files its pages
 * name stay (their names are content hashes; those of the last three builds are kept). See decision 018.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants as zlibConstants, gzip } from "node:zlib";
import { build as esbuild, type Plugin } from "esbuild";
import { describeHolder, tryExclusiveLock } from "../app/platform/db/exclusive-lock.server.ts";
import { MESSAGES } from "../app/platform/i18n/messages.server.ts";
import { missingTexts, planTexts, readRemixManifest } from "./texts-split.ts";

export const BUILD_INFO = "build/build-info.json";
/** Which texts each page loads (decision 026), read by app/platform/i18n/i18n.server.ts. */
export const TEXTS_PLAN = "build/texts.json";
const KEEP_CLIENT_BUILDS = 3;

/** What the build reads: a change (edit, new or deleted file) to any of these makes the build stale. */
const SOURCES = [
  "app",
  "db",
  "public",
  "server.ts",
  "scripts/worker.ts",
  "scripts/migrate.ts",
  "scripts/build.ts",
  "remix.config.js",
  "remix.env.d.ts",
  "tsconfig.json",
  "package.json",
  "package-lock.json",
];
const NOT_SOURCES = new Set(["public/build"]);

/** The compiled entry points, by output name. */
const ENTRIES: Record<string, string> = { server: "server.ts", worker: "scripts/worker.ts", migrate: "scripts/migrate.ts" };

interface ClientBuild {
  version: string;
  files: string[];
}

export interface BuildInfo {
  fingerprint: string;
  builtAt: string;
  client: ClientBuild;
  /** The client files of earlier builds that processes started from them may still link to. */
  previous: ClientBuild[];
}

/** Path, size and modification time of every source file, one line each (a directory by the names in it). */
export function sourceEntries(root: string): string[] {
  const lines: string[] = [];
  const visit = (rel: string) => {
    if (NOT_SOURCES.has(rel)) return;
    let st: fs.Stats;
    try {
      st = fs.statSync(path.join(root, rel));
    } catch {
      lines.push(`${rel} missing`);
      return;
    }
    // A directory counts by the names in it (a deleted file changes the list), not by its own time.
    lines.push(st.isDirectory() ? `${rel}/` : `${rel} ${st.size} ${st.mtimeMs}`);
    if (st.isDirectory()) for (const name of fs.readdirSync(path.join(root, rel)).sort()) visit(`${rel}/${name}`);
  };
  for (const s of SOURCES) visit(s);
  return lines;
}

export function sourceFingerprint(root: string): string {
  const hash = createHash("sha256");
  for (const line of sourceEntries(root)) hash.update(`${line}\n`);
  return hash.digest("hex");
}

export function readBuildInfo(root: string): BuildInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, BUILD_INFO), "utf8")) as BuildInfo;
  } catch {
    return undefined;
  }
}

/** Whether build/ is complete and was built from the sources as they are now: a few hundred stat calls. */
export function buildIsCurrent(root: string): boolean {
  const info = readBuildInfo(root);
  if (!info || info.fingerprint !== sourceFingerprint(root)) return false;
  const needed = ["build/index.js", TEXTS_PLAN, ...Object.keys(ENTRIES).map((e) => `build/${e}.js`), ...info.client.files.map((f) => `public/build/${f}`)];
  return needed.every((f) => fs.existsSync(path.join(root, f)));
}

function listFiles(dir: string, prefix = ""): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? listFiles(path.join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`],
  );
}

/** Bundles our own code (relative imports, the ~/ alias, JSON); every package and node built-in stays an import. */
const packagesExternal: Plugin = {
  name: "packages-external",
  setup(b) {
    b.onResolve({ filter: /^[^./~]|^~[^/]/ }, (args) => (args.kind === "entry-point" ? undefined : { path: args.path, external: true }));
  },
};

async function compileServer(root: string, out: string) {
  const common = {
    absWorkingDir: root,
    bundle: true,
    platform: "node" as const,
    format: "esm" as const,
    target: "node20",
    sourcemap: true,
    logLevel: "warning" as const,
    tsconfig: path.join(root, "tsconfig.json"),
    plugins: [packagesExternal],
    // Code that finds files next to itself (the Remix build, the migrations) knows it runs from build/.
    define: { __PORTAL_COMPILED__: "true" },
  };
  await esbuild({ ...common, entryPoints: ENTRIES, outdir: path.join(out, "build") });
  const migrations = fs.readdirSync(path.join(root, "db/migrations")).filter((f) => f.endsWith(".ts"));
  await esbuild({
    ...common,
    entryPoints: migrations.map((f) => path.join(root, "db/migrations", f)),
    outdir: path.join(out, "build/migrations"),
    sourcemap: false,
  });
}

function remixBuild(root: string, out: string) {
  const result = spawnSync(process.execPath, [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "build"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", PORTAL_BUILD_STAGING: out },
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (result.status !== 0) throw new Error(`remix build failed (exit code ${result.status})`);
}

/**
 * Groups the texts by the client code that can ask for them (scripts/texts-split.ts) and writes build/texts.json. The
 * build fails if a page's chunks name a key that the groups its document loads do not carry.
 */
export function planTextsFile(out: string) {
  const dir = path.join(out, "public/build");
  const manifest = readRemixManifest(dir);
  const cache = new Map<string, string>();
  const read = (url: string) => {
    let text = cache.get(url);
    if (text === undefined) cache.set(url, (text = fs.readFileSync(path.join(out, "public", url), "utf8")));
    return text;
  };
  // Both languages' keys: English has plural forms ("#one") that Vietnamese does not.
  const keys = new Set([...Object.keys(MESSAGES.vi), ...Object.keys(MESSAGES.en)]);
  const plan = planTexts(manifest, read, keys);
  const missing = missingTexts(manifest, read, keys, plan);
  if (Object.keys(missing).length > 0) throw new Error(`texts not shipped to their pages: ${JSON.stringify(missing)}`);
  fs.mkdirSync(path.join(out, "build"), { recursive: true });
  fs.writeFileSync(path.join(out, TEXTS_PLAN), `${JSON.stringify(plan)}\n`);
}

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/**
 * Writes `<file>.br` and `<file>.gz` next to each client file, at the highest settings (once per build, not per
 * request); the server sends the one the browser accepts (app/platform/http/static-files.server.ts). Files under
 * 1 KB, or that do not shrink, stay as they are. Decision 023.
 */
export async function precompress(dir: string): Promise<number> {
  const files = listFiles(dir).filter((f) => !f.endsWith(".br") && !f.endsWith(".gz"));
  let written = 0;
  await Promise.all(
    files.map(async (f) => {
      const file = path.join(dir, f);
      const bytes = await fs.promises.readFile(file);
      if (bytes.byteLength < 1024) return;
      const [br, gzipped] = await Promise.all([
        brotli(bytes, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength } }),
        gz(bytes, { level: zlibConstants.Z_BEST_COMPRESSION }),
      ]);
      for (const [suffix, out] of [[".br", br], [".gz", gzipped]] as const) {
        if (out.byteLength >= bytes.byteLength) continue;
        await fs.promises.writeFile(file + suffix, out);
        written++;
      }
    }),
  );
  return written;
}

function moveInto(from: string, to: string) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.renameSync(from, to);
}

/** Moves a finished staging build into place; build-info.json last, so an interrupted move reads as stale. */
function install(root: string, out: string, fingerprint: string) {
  const clientDir = path.join(root, "public/build");
  const files = listFiles(path.join(out, "public/build"));
  for (const f of files) {
    const target = path.join(clientDir, f);
    if (!fs.existsSync(target)) moveInto(path.join(out, "public/build", f), target);
  }
  const buildDir = path.join(root, "build");
  fs.mkdirSync(buildDir, { recursive: true });
  const oldMigrations = path.join(buildDir, `.migrations-old-${process.pid}`);
  if (fs.existsSync(path.join(buildDir, "migrations"))) fs.renameSync(path.join(buildDir, "migrations"), oldMigrations);
  fs.renameSync(path.join(out, "build/migrations"), path.join(buildDir, "migrations"));
  fs.rmSync(oldMigrations, { recursive: true, force: true });
  for (const f of listFiles(path.join(out, "build"))) moveInto(path.join(out, "build", f), path.join(buildDir, f));

  const before = readBuildInfo(root);
  const version = fs.readFileSync(path.join(buildDir, "version.txt"), "utf8").trim();
  const previous = before ? [before.client, ...before.previous].filter((c) => c.version !== version).slice(0, KEEP_CLIENT_BUILDS - 1) : [];
  const info: BuildInfo = { fingerprint, builtAt: new Date().toISOString(), client: { version, files }, previous };
  const tmp = path.join(buildDir, `.build-info-${process.pid}.json`);
  fs.writeFileSync(tmp, `${JSON.stringify(info, null, 1)}\n`);
  fs.renameSync(tmp, path.join(root, BUILD_INFO));

  // Client files that no kept build names (and the leftovers of builds from before build-info.json existed) go.
  const kept = new Set([info.client, ...info.previous].flatMap((c) => c.files));
  for (const f of listFiles(clientDir)) if (!kept.has(f)) fs.rmSync(path.join(clientDir, f), { force: true });
}

async function waitForBuildLock(root: string, log: (s: string) => void): Promise<() => void> {
  let told = false;
  for (;;) {
    const attempt = await tryExclusiveLock(`build:${fs.realpathSync(root)}`);
    if ("release" in attempt) return attempt.release;
    if (!told) log(`Waiting for the build that ${describeHolder(attempt.holder)} is running…`);
    told = true;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Builds into build/.staging-<pid> and moves the result into place. With ifStale, does nothing when up to date. */
export async function buildPortal(root: string, opts: { ifStale?: boolean; log?: (s: string) => void } = {}): Promise<"built" | "up to date"> {
  const log = opts.log ?? ((s: string) => console.log(s));
  if (opts.ifStale && buildIsCurrent(root)) return "up to date";
  const release = await waitForBuildLock(root, log);
  const out = path.join(root, "build", `.staging-${process.pid}`);
  try {
    // Another build may have finished while we waited.
    if (opts.ifStale && buildIsCurrent(root)) return "up to date";
    // Taken before the sources are read: a file saved during the build leaves the result stale.
    const fingerprint = sourceFingerprint(root);
    const started = Date.now();
    log(readBuildInfo(root) ? "Sources changed since the last build: building…" : "Building the portal…");
    fs.rmSync(out, { recursive: true, force: true });
    remixBuild(root, out);
    planTextsFile(out);
    await precompress(path.join(out, "public/build"));
    await compileServer(root, out);
    install(root, out, fingerprint);
    log(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s: build/server.js (run it with node from ${root}).`);
    return "built";
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
    release();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(fileURLToPath(import.meta.url), "../..");
  buildPortal(root, { ifStale: process.argv.includes("--if-stale") }).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
