import { secureCookies } from "~/lib/cookies.server.ts";
import { createCookie } from "@remix-run/node";
import type { MessageKey } from "./messages.server.ts";
import { MESSAGES } from "./messages.server.ts";

export type FlashKind = "success" | "info" | "warning";
export interface Flash {
  kind: FlashKind;
  key: MessageKey;
}

// Holds only a message key, never text, so a forged cookie cannot inject content.
const flashCookie = createCookie("flash", {
  path: "/",
  sameSite: "lax",
  httpOnly: true,
  maxAge: 60,
  secure: secureCookies(),
});

export async function setFlash(flash: Flash): Promise<string> {
  return flashCookie.serialize(flash);
}

export async function readFlash(request: Request): Promise<{ flash: Flash | null; clear: string | null }> {
  const value = (await flashCookie.parse(request.headers.get("Cookie"))) as Partial<Flash> | null;
  if (!value) return { flash: null, clear: null };
  const clear = await flashCookie.serialize("", { maxAge: 0 });
  const valid =
    typeof value.key === "string" &&
    value.key in MESSAGES.vi &&
    (value.kind === "success" || value.kind === "info" || value.kind === "warning");
  return { flash: valid ? (value as Flash) : null, clear };
}
