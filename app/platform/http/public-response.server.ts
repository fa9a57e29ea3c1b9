import { createHash } from "node:crypto";

/**
 * Public, cacheable responses for the open data: a strong ETag (hash of the body), `Cache-Control: public`, and a 304
 * when the client already holds this body. (The HTTP middleware adds `no-store` for requests with a session cookie.)
 */
export function etagOf(body: string | Uint8Array): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
}

/** RFC 9110 weak comparison: `W/"x"` and `"x"` match, and so does `*`. */
export function matchesIfNoneMatch(header: string | null, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, "");
  return header.split(",").some((candidate) => {
    const c = candidate.trim();
    return c === "*" || c.replace(/^W\//, "") === bare;
  });
}

export function publicResponse(
  request: Request,
  body: string,
  opts: { contentType: string; maxAge?: number; status?: number; headers?: Record<string, string> },
): Response {
  const etag = etagOf(body);
  const headers = new Headers({
    "Content-Type": opts.contentType,
    ETag: etag,
    "Cache-Control": `public, max-age=${opts.maxAge ?? 300}`,
    // Open data: any site may read it (no credentials are involved).
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag",
    ...opts.headers,
  });
  if ((opts.status ?? 200) === 200 && matchesIfNoneMatch(request.headers.get("If-None-Match"), etag)) {
    headers.delete("Content-Type");
    return new Response(null, { status: 304, headers });
  }
  return new Response(body, { status: opts.status ?? 200, headers });
}

export function jsonResponse(request: Request, value: unknown, opts: { status?: number; maxAge?: number; contentType?: string } = {}): Response {
  return publicResponse(request, `${JSON.stringify(value, null, 2)}\n`, {
    contentType: opts.contentType ?? "application/json; charset=utf-8",
    status: opts.status,
    maxAge: opts.maxAge,
  });
}
