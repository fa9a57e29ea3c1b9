/**
 * The Content-Security-Policy. Scripts: the portal's own files ('self': /build, /texts) and, on a document, the inline
 * scripts it carries, each by the hash of its text (computed once the document is whole, see render-html.server.ts).
 * No per-response nonce, so the same document body can be cached and shared. Decision 023.
 */
export function contentSecurityPolicy(inlineScripts: readonly string[] = []): string {
  return [
    "default-src 'self'",
    ["script-src 'self'", ...inlineScripts].join(" "),
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}
