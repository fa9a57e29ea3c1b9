import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageTitle } from "~/components/ui.tsx";
import { localName, makeLabels, platformUrl, qrSvg, requireListing } from "~/features/catalogue/open-data.server.ts";
import { formatDate, formatIsoDate } from "~/platform/i18n/format.ts";
import { getTranslator } from "~/platform/i18n/i18n.server.ts";
import { pageTitle } from "~/platform/http/meta.ts";
import { useLocale, useT } from "~/platform/i18n/use-t.ts";
import { listFilterOptions } from "~/features/catalogue/catalogue.server.ts";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const state = await requireListing(params.id);
  const [{ t, locale }, options] = await Promise.all([getTranslator(request), listFilterOptions()]);
  const labels = makeLabels(options);
  const l = state.listing;
  const url = platformUrl(l.id);
  const listed = state.endedBy === null;
  const body = {
    title: t("certificate.title", { platform: l.name }),
    id: l.id,
    name: l.name,
    enterprise: l.enterprise_name,
    enterpriseEnglish: l.enterprise_english_name ?? "",
    taxCode: l.enterprise_tax_code,
    province: localName(labels.province(l.province_code), locale),
    sector: localName(labels.sector(l.sector), locale),
    decisionNumber: l.decision_number ?? "",
    decisionDate: l.decision_date ?? "",
    url,
    // Server-rendered SVG, inlined: the certificate needs no script and no external image.
    qr: listed ? await qrSvg(url, t("certificate.qr", { platform: l.name, url })) : "",
    gone: state.endedBy ? { by: state.endedBy, since: state.endedAt! } : null,
  };
  return data(body, { status: listed ? 200 : 410 });
}

export default function Certificate() {
  const t = useT();
  const locale = useLocale();
  const c = useLoaderData<typeof loader>();
  if (c.gone) {
    return (
      <>
        <PageTitle caption={c.name}>{t("certificate.gone")}</PageTitle>
        <p className="warning-text">{t(c.gone.by === "revoked" ? "listing.gone.revoked" : "listing.gone.withdrawn", { date: formatDate(c.gone.since, locale) })}</p>
        <p className="body">
          <Link to={`/platforms/${c.id}`}>{c.name}</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <p className="body certificate-screen-only">
        <Link to={`/platforms/${c.id}`}>{c.name}</Link>
      </p>
      <p className="hint certificate-screen-only">{t("certificate.print")}</p>
      <article className="certificate" aria-labelledby="certificate-heading">
        <div className="certificate__top">
          <p className="certificate__issuer">{t("certificate.issuer")}</p>
          <p className="certificate__nation">
            {t("certificate.nation")}
            <span className="certificate__motto">{t("certificate.motto")}</span>
          </p>
        </div>
        <h1 className="certificate__heading" id="certificate-heading">
          {t("certificate.heading")}
        </h1>
        <p className="certificate__text">{t("certificate.body")}</p>
        <p className="certificate__platform">{c.name}</p>
        <p className="certificate__text">{t("certificate.of")}</p>
        <p className="certificate__enterprise">
          {c.enterprise}
          {locale === "en" && c.enterpriseEnglish ? <span className="certificate__sub">{c.enterpriseEnglish}</span> : null}
          <span className="certificate__sub">
            {t("listing.taxCode")}: {c.taxCode} · {c.province}
          </span>
        </p>
        <p className="certificate__text">{t("certificate.basis", { number: c.decisionNumber, date: c.decisionDate ? formatIsoDate(c.decisionDate, locale) : "" })}</p>
        <p className="certificate__text">
          {t("listing.sector")}: {c.sector}
        </p>
        <div className="certificate__verify">
          <div className="certificate__qr" dangerouslySetInnerHTML={{ __html: c.qr }} />
          <p className="certificate__url">
            {t("certificate.verify")} <span className="certificate__link">{c.url}</span>
          </p>
        </div>
      </article>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args);

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error.tsx";
