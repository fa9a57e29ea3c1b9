/** "Chrome · Windows" from a User-Agent header, for the list of sessions; null when it names nothing familiar. */
export function describeUserAgent(ua: string | null): string | null {
  if (!ua) return null;
  const browser =
    [
      [/Edg\//, "Edge"],
      [/OPR\/|Opera/, "Opera"],
      [/CocCoc|coc_coc/i, "Cốc Cốc"],
      [/Firefox\//, "Firefox"],
      [/Chrome\/|Chromium\/|CriOS\//, "Chrome"],
      [/Safari\//, "Safari"],
    ].find(([re]) => (re as RegExp).test(ua))?.[1] ?? null;
  const system =
    [
      [/Windows/, "Windows"],
      [/Android/, "Android"],
      [/iPhone|iPad|iOS/, "iOS"],
      [/Mac OS X|Macintosh/, "macOS"],
      [/CrOS/, "ChromeOS"],
      [/Linux/, "Linux"],
    ].find(([re]) => (re as RegExp).test(ua))?.[1] ?? null;
  const parts = [browser, system].filter(Boolean);
  return parts.length > 0 ? parts.join(" · ") : null;
}
