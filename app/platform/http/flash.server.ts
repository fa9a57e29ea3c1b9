import { secureCookies } from "./cookies.server.ts";
import { createCookie, redirect } from "@remix-run/node";
import { answerDomainError } from "./domain-errors.server.ts";
import { isTextKey, type TextKey } from "~/platform/i18n/i18n.server.ts";

export type FlashKind = "success" | "info" | "warning";
export interface Flash {
  kind: FlashKind;
  key: TextKey;
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
    isTextKey(value.key) &&
    (value.kind === "success" || value.kind === "info" || value.kind === "warning");
  return { flash: valid ? (value as Flash) : null, clear };
}

export async function redirectWithFlash(to: string, flash: Flash): Promise<Response> {
  return redirect(to, { headers: { "Set-Cookie": await setFlash(flash) } });
}

/**
 * Runs one workflow transition and goes back to the application's page: with `doneKey` when it happened, with the
 * "changed meanwhile" warning when the page was stale (ConflictError), so the user sees the current state. Other domain
 * errors get their generic response.
 */
export async function transitionThenRedirect(to: string, doneKey: TextKey, run: () => Promise<unknown>): Promise<Response> {
  try {
    await run();
  } catch (e) {
    return answerDomainError(e, { conflict: () => redirectWithFlash(to, { kind: "warning", key: "app.conflict" }) });
  }
  return redirectWithFlash(to, { kind: "success", key: doneKey });
}
