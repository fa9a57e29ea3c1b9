/**
 * What a log line may say about a URL. Reset, invitation, email-confirmation and join links carry their token in the
 * query string, and so may any link a future page adds: every query value is dropped and only the parameter names
 * stay (`/reset-password?token=[redacted]`). No route takes a secret in its path (test/logging-http.test.ts checks the
 * route table), so the path is kept.
 */
export const REDACTED = "[redacted]";

export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url, "http://portal.invalid");
  } catch {
    return redactText(url.split("?")[0] ?? "");
  }
  const q = url.indexOf("?");
  if (q < 0) return parsed.pathname;
  const names = [...new URLSearchParams(url.slice(q + 1).split("#")[0]).keys()];
  return `${parsed.pathname}${names.length > 0 ? `?${names.map((n) => `${encodeURIComponent(n)}=${REDACTED}`).join("&")}` : ""}`;
}

/** Query values inside free text (error messages and stacks quote URLs): `?token=abc&x=1` becomes `?token=[redacted]&x=[redacted]`. */
export function redactText(text: string): string {
  return text.replace(/([?&][^=&\s"'<>?#]{1,100}=)[^&\s"'<>#]*/g, `$1${REDACTED}`);
}
