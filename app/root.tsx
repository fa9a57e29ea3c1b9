import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { data } from "@remix-run/node";
import {
  Form,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useRouteError,
} from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import stylesHref from "./styles/app.css";
import { FlashBanner } from "./components/ui.tsx";
import { getUser } from "./features/account/auth.server.ts";
import { readFlash } from "./platform/http/flash.server.ts";
import { getLocale, translator } from "./platform/i18n/i18n.server.ts";
import { errorStatus, errorTexts } from "./platform/http/error-status.ts";
import type { Translate } from "./platform/i18n/i18n.ts";
import { pageTitle } from "./platform/http/meta.ts";
import { usePageFocus, usePageKey } from "./platform/forms/page-navigation.ts";
import { TEXTS_INDEX_ATTRIBUTE, TEXTS_SCRIPT_ATTRIBUTE, useRequestInfo } from "./platform/i18n/request-info.tsx";
import { useLocale, usePreloadNextTexts, useRootData, useT, type RootData } from "./platform/i18n/use-t.ts";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesHref },
  { rel: "icon", href: "/favicon.ico", sizes: "32x32" },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const [locale, user, { flash, clear }] = await Promise.all([getLocale(request), getUser(request), readFlash(request)]);
  // The flash's text is written here: its key comes from an action, so no client code names it (decision 026).
  const body: RootData = {
    locale,
    user: user
      ? { id: user.id, email: user.email, name: user.name, role: user.role, provinceCode: user.province_code }
      : null,
    flash: flash ? { kind: flash.kind, text: translator(locale)(flash.key) } : null,
    requestId: context.requestId,
    devMailbox: context.devMailbox,
  };
  return data(body, clear ? { headers: { "Set-Cookie": clear } } : undefined);
}

/**
 * After a refused post (4xx) the router keeps the loaders' data by default, so the previous action's flash would stay
 * on screen next to the new error. The root reloads then: the flash was for one page only, and the cookie is gone.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) =>
  defaultShouldRevalidate || (actionStatus ?? 0) >= 400;

interface NavItem {
  to: string;
  label: string;
}

function navItems(root: RootData | undefined, t: Translate): NavItem[] {
  const user = root?.user;
  const nav: NavItem[] = [];
  if (user?.role === "enterprise") {
    nav.push({ to: "/applications", label: t("nav.myApplications") });
    nav.push({ to: "/enterprise", label: t("nav.enterprise") });
  }
  if (user?.role === "province_reviewer") nav.push({ to: "/review", label: t("nav.provinceQueue") });
  if (user?.role === "ministry_reviewer") nav.push({ to: "/ministry", label: t("nav.nationalQueue") });
  if (user?.role === "admin") nav.push({ to: "/admin/users", label: t("nav.users") }, { to: "/admin/outbox", label: t("nav.outbox") }, { to: "/admin/deadlines", label: t("nav.deadlines") }, { to: "/admin/holidays", label: t("nav.holidays") }, { to: "/admin/audit", label: t("nav.auditLog") });
  if (user?.role === "province_reviewer" || user?.role === "ministry_reviewer" || user?.role === "admin")
    nav.push({ to: "/staff/statistics", label: t("nav.staffStatistics") });
  nav.push({ to: "/platforms", label: t("nav.catalogue") }, { to: "/statistics", label: t("nav.statistics") });
  if (root?.devMailbox) nav.push({ to: "/dev/mailbox", label: t("nav.mailbox") });
  return nav;
}

/** Language switch and the account links; shown in the header on wide screens and inside the menu on small ones. */
function HeaderTools({ root, t }: { root: RootData | undefined; t: Translate }) {
  const location = useLocation();
  const locale = useLocale();
  const user = root?.user;
  return (
    <>
      <Form method="post" action="/lang" className="inline-form" reloadDocument>
        <input type="hidden" name="lang" value={locale === "en" ? "vi" : "en"} />
        <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
        <button type="submit" className="link-button" lang={locale === "en" ? "vi" : "en"} aria-label={t("lang.switchLabel")}>
          {t("lang.switchTo")}
        </button>
      </Form>
      {user ? (
        <>
          <span className="header__user">{t("nav.signedInAs", { email: user.email })}</span>
          <Link to="/account">{t("nav.account")}</Link>
          <Form method="post" action="/logout" className="inline-form">
            <button type="submit" className="link-button">
              {t("nav.signOut")}
            </button>
          </Form>
        </>
      ) : (
        <>
          <Link to="/login">{t("nav.signIn")}</Link>
          <Link to="/signup">{t("nav.signUp")}</Link>
        </>
      )}
    </>
  );
}

/**
 * The header. Wide screens show the tools and a navigation bar; small screens show one "Menu" disclosure
 * (<details>, so it works without JavaScript) holding the same links. CSS shows one of the two, never both.
 */
function Header() {
  const root = useRootData();
  const t = useT();
  const location = useLocation();
  const nav = navItems(root, t);
  const links = nav.map((item) => (
    <li key={item.to}>
      <NavLink to={item.to} className="nav__link">
        {item.label}
      </NavLink>
    </li>
  ));
  return (
    <header className="header">
      <div className="header__top width-container">
        <Link to="/" className="header__brand">
          <span className="header__emblem" aria-hidden="true">
            ★
          </span>
          <span>
            <span className="header__ministry">{t("app.ministry")}</span>
            <span className="header__name">{t("app.name")}</span>
          </span>
        </Link>
        <div className="header__tools">
          <HeaderTools root={root} t={t} />
        </div>
        {/* Keyed by the location: a navigation closes it. */}
        <details className="header__menu" key={location.key}>
          <summary className="header__menu-button">{t("nav.menu")}</summary>
          <div className="header__menu-panel">
            <nav aria-label={t("nav.label")}>
              <ul className="header__menu-list">{links}</ul>
            </nav>
            <div className="header__menu-tools">
              <HeaderTools root={root} t={t} />
            </div>
          </div>
        </details>
      </div>
      <nav className="nav" aria-label={t("nav.label")}>
        <ul className="nav__list width-container">{links}</ul>
      </nav>
    </header>
  );
}

function Footer() {
  const t = useT();
  return (
    <footer className="footer">
      <div className="width-container">
        <p>{t("footer.about")}</p>
        <p>{t("footer.operator")}</p>
        <p>
          {t("footer.openData")} <a href="/platforms.csv">{t("footer.csv")}</a> · <a href="/api/v1/openapi.json">{t("footer.api")}</a> ·{" "}
          <a href="/platforms/feed.atom">{t("footer.feed")}</a>
        </p>
      </div>
    </footer>
  );
}

/**
 * The header, navigation and footer frame every page, error pages included. When the root loader itself failed
 * there is no root data: the language comes from the cookie (RequestInfo), the header shows the public links, and
 * the title is written here because no route's meta ran.
 */
export function Layout({ children }: { children: ReactNode }) {
  const root = useRootData();
  const { requestId, textsSrcs, textsIndexSrc } = useRequestInfo();
  const locale = useLocale();
  const t = useT();
  const error = useRouteError();
  usePageFocus();
  usePreloadNextTexts();
  // Marks a page whose scripts run (set after hydration, so the server's HTML never has it): the browser tests
  // wait for it before a click that must go through Remix rather than the browser's own navigation.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="request-id" content={requestId} />
        {/* The page's texts: immutable files per language, group and content (decisions 023, 026), run before hydration. */}
        {textsSrcs.map((src) => (
          <script key={src} {...{ [TEXTS_SCRIPT_ATTRIBUTE]: "" }} defer src={src} />
        ))}
        {/* The names of the other routes' texts files, for client-side navigation: fetched when the browser is idle. */}
        {textsIndexSrc ? <link {...{ [TEXTS_INDEX_ATTRIBUTE]: "" }} rel="prefetch" as="script" href={textsIndexSrc} /> : null}
        {root ? null : <title>{`${t(errorTexts(errorStatus(error)).title)} – ${t("app.short")}`}</title>}
        <Meta />
        <Links />
      </head>
      <body>
        <a href="#main" className="skip-link">
          {t("app.skip")}
        </a>
        <Header />
        <div className="width-container">
          <main id="main" className="main" tabIndex={-1}>
            {root?.flash ? <FlashBanner kind={root.flash.kind} text={root.flash.text} /> : null}
            {children}
          </main>
        </div>
        <Footer />
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

/** Each navigation renders the page afresh (see usePageKey), as a page load without JavaScript would. */
export default function App() {
  return <Outlet key={usePageKey()} />;
}

export const meta: MetaFunction<typeof loader> = (args) => (args.data ? pageTitle(args) : []);

export { RouteErrorBoundary as ErrorBoundary } from "./components/route-error.tsx";
