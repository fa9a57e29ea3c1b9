export function pageTitle(title: string | undefined) {
  const site = "Nền tảng số quốc gia";
  return [{ title: title ? `${title} – ${site}` : site }];
}
