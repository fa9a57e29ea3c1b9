/** Cookies are Secure whenever the portal is served over HTTPS (every real deployment); local http keeps working. */
export function secureCookies(): boolean {
  return (process.env.PUBLIC_URL ?? "").startsWith("https://");
}

/**
 * Over HTTPS a cookie that must only ever come from this origin is named "__Host-…": browsers then refuse it unless it
 * is Secure, has Path=/ and no Domain, so a sibling subdomain or a plain-http page cannot plant or overwrite it.
 */
export function hostCookieName(name: string): string {
  return secureCookies() ? `__Host-${name}` : name;
}
