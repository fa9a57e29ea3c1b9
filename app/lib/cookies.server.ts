/** Cookies are Secure whenever the portal is served over HTTPS (every real deployment); local http keeps working. */
export function secureCookies(): boolean {
  return (process.env.PUBLIC_URL ?? "").startsWith("https://");
}
