import fs from "node:fs";
import path from "node:path";
import type { NextFunction, Request, Response } from "express";

/** The encodings written next to each client file at build time (scripts/build.ts), in the order we prefer them. */
export const PRECOMPRESSED = [
  { encoding: "br", suffix: ".br" },
  { encoding: "gzip", suffix: ".gz" },
] as const;

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".txt": "text/plain; charset=utf-8",
};

export function contentTypeOf(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

/** The q-value of each coding the client names (`*` included); a coding it does not name is absent. */
export function parseAcceptEncoding(header: string | undefined): Map<string, number> {
  const accepted = new Map<string, number>();
  for (const part of (header ?? "").split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    const value = q === undefined ? 1 : Number(q);
    accepted.set(name, Number.isFinite(value) ? value : 0);
  }
  return accepted;
}

/** The precompressed variant to send: the first of ours the client accepts (q > 0), else none (identity). */
export function chooseEncoding(header: string | undefined, available: readonly string[]): string | undefined {
  const accepted = parseAcceptEncoding(header);
  return available.find((e) => (accepted.get(e) ?? accepted.get("*") ?? 0) > 0);
}

interface CachedFile {
  type: string;
  variants: Map<string, Buffer>;
}

type Handler = (req: Request, res: Response, next: NextFunction) => void;

/**
 * Sends files of `root`, precompressed (.br, .gz written by scripts/build.ts) when the client accepts it, with
 * `Vary: Accept-Encoding`. A file is read once and kept in memory (the client builds are small and never change under
 * a name); an unknown name is a 404, never handed on to the pages. Decision 023.
 */
function fileSender(root: string, cacheControl: string) {
  const cache = new Map<string, CachedFile>();
  const load = async (rel: string): Promise<CachedFile | undefined> => {
    const hit = cache.get(rel);
    if (hit) return hit;
    const file = path.join(root, rel);
    const variants = new Map<string, Buffer>();
    try {
      variants.set("identity", await fs.promises.readFile(file));
    } catch {
      return undefined;
    }
    for (const { encoding, suffix } of PRECOMPRESSED) {
      const bytes = await fs.promises.readFile(file + suffix).catch(() => undefined);
      if (bytes) variants.set(encoding, bytes);
    }
    const entry = { type: contentTypeOf(rel), variants };
    cache.set(rel, entry);
    return entry;
  };
  return (rel: string | undefined, req: Request, res: Response, next: NextFunction) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.status(405).set("Allow", "GET, HEAD").type("text/plain").send("Method Not Allowed");
      return;
    }
    void (rel ? load(rel) : Promise.resolve(undefined))
      .then((file) => {
        if (!file) {
          res.status(404).set("Cache-Control", "no-cache").type("text/plain").send("Not Found");
          return;
        }
        const available = PRECOMPRESSED.map((p) => p.encoding).filter((e) => file.variants.has(e));
        const encoding = chooseEncoding(req.get("Accept-Encoding"), available);
        const body = file.variants.get(encoding ?? "identity")!;
        res.status(200).set({ "Content-Type": file.type, "Cache-Control": cacheControl, Vary: "Accept-Encoding", "Content-Length": String(body.byteLength) });
        if (encoding) res.set("Content-Encoding", encoding);
        if (req.method === "HEAD") res.end();
        else res.end(body);
      })
      .catch(next);
  };
}

/** The client build (public/build, mounted at /build): its names are content hashes, so each is kept a year. */
export function buildFiles(root: string): Handler {
  const send = fileSender(root, "public, max-age=31536000, immutable");
  return (req, res, next) => {
    let rel: string | undefined;
    try {
      rel = decodeURIComponent(req.path).replace(/^\/+/, "");
    } catch {
      rel = undefined;
    }
    // Only plain names under root: no "..", no hidden files, no precompressed variant asked for by its own name.
    const plain = rel && !rel.split("/").some((s) => s === "" || s.startsWith(".")) && !PRECOMPRESSED.some((p) => rel.endsWith(p.suffix));
    send(plain ? rel : undefined, req, res, next);
  };
}

/** One named file of public/ (an icon) at its own path, kept an hour (its name does not change with its content). */
export function publicFile(file: string): Handler {
  const send = fileSender(path.dirname(file), "public, max-age=3600");
  const name = path.basename(file);
  return (req, res, next) => send(name, req, res, next);
}
