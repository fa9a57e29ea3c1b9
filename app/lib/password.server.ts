import { hash, verify } from "@node-rs/argon2";
import { dictionary } from "@zxcvbn-ts/language-common";

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set((dictionary.passwords as string[]).filter((p) => p.length >= PASSWORD_MIN));
  return common;
}

export type PasswordProblem = "too_short" | "too_long" | "common";

/** NIST 800-63B: length limits and a block list, no composition rules. Length counts characters as typed. */
export function passwordProblem(password: string): PasswordProblem | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return "too_short";
  if (length > PASSWORD_MAX) return "too_long";
  if (commonPasswords().has(password.toLowerCase())) return "common";
  return null;
}

const options = { algorithm: 2 /* Algorithm.Argon2id: a const enum isolatedModules cannot read */, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize("NFC"), options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password.normalize("NFC"));
  } catch {
    return false;
  }
}

// Verifying against this when no account matches keeps the timing the same for existing and unknown emails.
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword("dummy-password-for-timing");
  return dummyHash;
}
