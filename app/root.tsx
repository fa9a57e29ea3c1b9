import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
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
} from "@remix-run/react";
import type { ReactNode } from "react";
import stylesHref from "./styles/app.css";
import { FlashBanner } from "./components/ui.tsx";
import { getUser } from "./lib/auth.server.ts";
import { config } from "./lib/config.server.ts";
import { readFlash } from "./lib/flash.server.ts";
import { getLocale } from "./lib/i18n.server.ts";
import { useRequestInfo } from "./lib/request-info.tsx";
import { useRootData, useT, type RootData } from "./lib/use-t.ts";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesHref },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const [locale, user, { flash, clear }] = await Promise.all([getLocale(request), getUser(request), readFlash(request)]);
  const body: RootData = {
    locale,
    user: user
      ? { id: user.id, email: user.email, name: user.name, role: user.role, provinceCode: user.province_code }
      : null,
    flash,
    requestId: context.requestId,
    devMailbox: config().devMailbox,
  };
  return data(body, clear ? { headers: { "Set-Cookie": clear } } : undefined);
}

function Header() {
  const root = useRootData();
  const t = useT();
  const location = useLocation();
  const user = root?.user;
  const nav: { to: string; label: string }[] = [];
  if (user?.role === "enterprise") {
    nav.push({ to: "/applications", label: t("nav.myApplications") });
    nav.push({ to: "/enterprise", label: t("nav.enterprise") });
  }
  if (user?.role === "province_reviewer") nav.push({ to: "/review", label: t("nav.provinceQueue") });
  if (user?.role === "ministry_reviewer") nav.push({ to: "/ministry", label: t("nav.nationalQueue") });
  if (user?.role === "admin") nav.push({ to: "/admin/users", label: t("nav.users") });
  nav.push({ to: "/platforms", label: t("nav.catalogue") }, { to: "/statistics", label: t("nav.statistics") });
  if (root?.devMailbox) nav.push({ to: "/dev/mailbox", label: t("nav.mailbox") });
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
          <Form method="post" action="/lang" className="inline-form" reloadDocument>
            <input type="hidden" name="lang" value={root?.locale === "en" ? "vi" : "en"} />
            <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
            <button type="submit" className="link-button" lang={root?.locale === "en" ? "vi" : "en"} aria-label={t("lang.switchLabel")}>
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
        </div>
      </div>
      {nav.length > 0 ? (
        <nav className="nav" aria-label={t("nav.label")}>
          <ul className="nav__list width-container">
            {nav.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} className="nav__link">
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
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

export function Layout({ children }: { children: ReactNode }) {
  const root = useRootData();
  const { nonce, requestId, messagesScript } = useRequestInfo();
  const t = useT();
  return (
    <html lang={root?.locale ?? "vi"}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="request-id" content={requestId} />
        {/* Empty after hydration on purpose: the browser already ran it, and React never rewrites it. */}
        <script nonce={nonce} suppressHydrationWarning dangerouslySetInnerHTML={{ __html: messagesScript }} />
        <Meta />
        <Links />
      </head>
      <body>
        <a href="#main" className="skip-link">
          {root ? t("app.skip") : "Bỏ qua, đến nội dung chính"}
        </a>
        {root ? <Header /> : null}
        <div className="width-container">
          <main id="main" className="main" tabIndex={-1}>
            {root?.flash ? <FlashBanner kind={root.flash.kind} text={t(root.flash.key)} /> : null}
            {children}
          </main>
        </div>
        {root ? <Footer /> : null}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export { RouteErrorBoundary as ErrorBoundary } from "./components/route-error.tsx";
