import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { config } from "~/platform/config.server.ts";

/**
 * Secrets the portal must store but a database reader must not be able to use (the full body of an email with a live
 * link, a TOTP secret) are sealed with AES-256-GCM under a key that is not in the database: DATA_ENCRYPTION_KEY, or a
 * key file created once in DATA_DIR (docs/decisions/008-tokens-in-outbox.md). A sealed value is
 * "v1.<iv>.<ciphertext+tag>" in base64url; the version leaves room for a key change.
 */
const VERSION = "v1";

export class SealedValueError extends Error {}

let cachedKey: { source: string; key: Buffer; subkeys: Map<string, Buffer> } | undefined;

function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (key.length !== 32) throw new SealedValueError("The encryption key must be 32 bytes (64 hex digits or base64).");
  return key;
}

/** The key file is written whole under a temporary name and linked into place: two processes never see half a key. */
function keyFromFile(file: string): Buffer {
  try {
    return parseKey(fs.readFileSync(file, "utf8"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  fs.writeFileSync(tmp, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return parseKey(fs.readFileSync(file, "utf8"));
}

export function encryptionKeyFile(): string {
  return path.resolve(config().DATA_DIR, "encryption.key");
}

function masterKey() {
  const c = config();
  const source = c.DATA_ENCRYPTION_KEY ? "env" : encryptionKeyFile();
  if (cachedKey?.source !== source) {
    cachedKey = { source, key: c.DATA_ENCRYPTION_KEY ? parseKey(c.DATA_ENCRYPTION_KEY) : keyFromFile(source), subkeys: new Map() };
  }
  return cachedKey;
}

/** A key for one purpose, so a value sealed for one use can never be opened or forged for another. */
function subkey(purpose: string): Buffer {
  const master = masterKey();
  let key = master.subkeys.get(purpose);
  if (!key) {
    key = Buffer.from(hkdfSync("sha256", master.key, Buffer.alloc(0), `nentangso:${purpose}`, 32));
    master.subkeys.set(purpose, key);
  }
  return key;
}

export function seal(purpose: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", subkey(purpose), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${iv.toString("base64url")}.${body.toString("base64url")}`;
}

/** Throws SealedValueError when the value was sealed under another key or altered. */
export function unseal(purpose: string, sealed: string): string {
  const [version, ivText, bodyText] = sealed.split(".");
  if (version !== VERSION || !ivText || !bodyText) throw new SealedValueError("Not a sealed value.");
  const iv = Buffer.from(ivText, "base64url");
  const body = Buffer.from(bodyText, "base64url");
  if (iv.length !== 12 || body.length < 16) throw new SealedValueError("Not a sealed value.");
  try {
    const decipher = createDecipheriv("aes-256-gcm", subkey(purpose), iv);
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString("utf8");
  } catch {
    throw new SealedValueError("The sealed value cannot be opened with this encryption key.");
  }
}

export function mac(purpose: string, message: string): string {
  return createHmac("sha256", subkey(purpose)).update(message).digest("base64url");
}

export function macMatches(purpose: string, message: string, candidate: string): boolean {
  const expected = Buffer.from(mac(purpose, message));
  const given = Buffer.from(candidate);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
