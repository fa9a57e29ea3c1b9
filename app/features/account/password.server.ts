import { hash, verify } from "@node-rs/argon2";
import { dictionary } from "@zxcvbn-ts/language-common";
import { VIETNAMESE_AND_PORTAL_PASSWORDS } from "./password-blocklist.ts";

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** Folds a password to what a guesser would try: no case, no diacritics (đ → d), common digit-for-letter swaps. */
export function passwordSkeletons(password: string): { alnum: string; letters: string; unleet: string } {
  const folded = password.normalize("NFD").replace(/\p{M}/gu, "").replace(/[đĐ]/g, "d").toLowerCase();
  // Swaps count inside a word only: numbers (a year) and punctuation around it are dropped first.
  const unleet = folded
    .replace(/\d{2,}/g, "")
    .replace(/^[^a-z]+|[^a-z]+$/g, "")
    .replace(/[@4]/g, "a")
    .replace(/3/g, "e")
    .replace(/[1!]/g, "i")
    .replace(/0/g, "o")
    .replace(/[5$]/g, "s")
    .replace(/7/g, "t");
  return { alnum: folded.replace(/[^a-z0-9]/g, ""), letters: folded.replace(/[^a-z]/g, ""), unleet: unleet.replace(/[^a-z]/g, "") };
}

// Word skeletons shorter than this match too much ("an", "em") to refuse on.
const MIN_WORD = 4;

let lists: { exact: Set<string>; words: Set<string> } | undefined;
function blockLists() {
  if (!lists) {
    const english = dictionary.passwords as string[];
    const exact = new Set(english.map((p) => p.toLowerCase()));
    const words = new Set(english.filter((p) => /^[a-z]+$/.test(p) && p.length >= MIN_WORD));
    for (const entry of VIETNAMESE_AND_PORTAL_PASSWORDS) {
      const s = passwordSkeletons(entry);
      exact.add(s.alnum);
      if (s.letters.length >= MIN_WORD) words.add(s.letters);
    }
    lists = { exact, words };
  }
  return lists;
}

/**
 * A common password, or one made of a common word with digits (a year), punctuation, capitals, diacritics or
 * digit-for-letter swaps around it: "matkhau123", "Vietnam@2026", "Demo-NenTangSo-2027", "p@ssw0rd".
 */
export function isCommonPassword(password: string): boolean {
  const { exact, words } = blockLists();
  const s = passwordSkeletons(password);
  if (exact.has(password.toLowerCase()) || exact.has(s.alnum)) return true;
  return [s.letters, s.unleet].some((w) => w.length >= MIN_WORD && words.has(w));
}

export type PasswordProblem = "too_short" | "too_long" | "common";

/** NIST 800-63B: length limits and a block list, no composition rules. Length counts characters as typed. */
export function passwordProblem(password: string): PasswordProblem | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return "too_short";
  if (length > PASSWORD_MAX) return "too_long";
  if (isCommonPassword(password)) return "common";
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
