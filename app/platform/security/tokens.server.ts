import { createHash, randomBytes } from "node:crypto";
import { config } from "~/platform/config.server.ts";

export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Every emailed link that carries a secret is built here, so the outbox can recognise it (tokenLinksIn). */
export function tokenLink(path: string, token: string): string {
  return `${config().publicUrl}${path}?token=${encodeURIComponent(token)}`;
}

// The token parameter of a link in text or HTML (where "&" may be written "&amp;").
const TOKEN_PARAM = /([?&;]token=)[A-Za-z0-9_%-]+/g;
export const REMOVED_TOKEN = "REMOVED";

export function carriesToken(text: string): boolean {
  return new RegExp(TOKEN_PARAM.source).test(text);
}

/** The text with each link's token replaced: what may be stored in clear and shown after sending. */
export function withoutTokens(text: string): string {
  return text.replace(TOKEN_PARAM, `$1${REMOVED_TOKEN}`);
}
