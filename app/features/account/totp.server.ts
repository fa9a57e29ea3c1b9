import { Secret, TOTP } from "otpauth";
import QRCode from "qrcode";
import { nowMs } from "~/platform/time/clock.ts";

/** RFC 6238 with the parameters every authenticator app supports: SHA-1, 6 digits, 30 seconds. */
export const TOTP_PERIOD_SECONDS = 30;
/** Codes one step either side of now are accepted (clock drift, a code typed as it changed). */
const WINDOW = 1;
const ISSUER = "Nền tảng số quốc gia";

function totp(secret: string, label = "") {
  return new TOTP({ issuer: ISSUER, label, algorithm: "SHA1", digits: 6, period: TOTP_PERIOD_SECONDS, secret: Secret.fromBase32(secret) });
}

/** 160 random bits in base32, the size RFC 4226 recommends. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function totpStep(now = nowMs()): number {
  return Math.floor(now / 1000 / TOTP_PERIOD_SECONDS);
}

export function totpCode(secret: string, now = nowMs()): string {
  return totp(secret).generate({ timestamp: now });
}

/** The time step a code belongs to, or null when it matches none in the window. */
export function totpCodeStep(secret: string, code: string, now = nowMs()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secret).validate({ token: code, timestamp: now, window: WINDOW });
  return delta === null ? null : totpStep(now) + delta;
}

export function totpUri(secret: string, email: string): string {
  return totp(secret, email).toString();
}

export function totpQrDataUrl(secret: string, email: string): Promise<string> {
  return QRCode.toDataURL(totpUri(secret, email), { errorCorrectionLevel: "M", margin: 2, width: 220 });
}

/** The secret in groups of four, as people copy it into an app by hand. */
export function groupedSecret(secret: string): string {
  return secret.replace(/(.{4})/g, "$1 ").trim();
}

/** What people type: spaces and hyphens ("123 456", "abcd-efgh") and case do not matter. */
export function normaliseCode(input: string): string {
  return input.replace(/[\s-]/g, "").toLowerCase();
}
