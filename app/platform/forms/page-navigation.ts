import { useLocation, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";

/**
 * A key that changes with every navigation to a page (a link, a redirect after a form post, back and forward), but
 * not when only the fragment changes (an error-summary link jumping to its field), nor when a form's post is answered
 * on its own page (a 400 with field errors).
 *
 * The root keys the page by it, so a navigation mounts the page afresh: every form starts from the values the new
 * page was rendered with, exactly as a page load without JavaScript does. Without it React keeps the DOM of a page
 * whose route stays the same (criterion 1 → criterion 2), and uncontrolled fields keep what the user typed or chose
 * on the previous page.
 *
 * A post answered with data shows its answer (the error summary) while the loaders revalidate, before the location
 * changes; remounting then would wipe what the user has begun to type after reading the errors. So a location change
 * that ends such an answer keeps the page.
 */
export function usePageKey(): string {
  const location = useLocation();
  const navigation = useNavigation();
  const path = location.pathname + location.search;
  const [seen, setSeen] = useState({ locationKey: location.key, path, hash: location.hash, pageKey: location.key, answering: false });
  // A post to this page whose action answered with data: the router loads with the submission's method still set. A
  // redirect loads with the method set too, but React Router marks its location (state._isRedirect, which its own
  // scroll restoration reads).
  const redirecting = (navigation.location?.state as { _isRedirect?: unknown } | null)?._isRedirect === true;
  const answering =
    navigation.state === "loading" &&
    navigation.formMethod !== undefined &&
    navigation.formMethod.toUpperCase() !== "GET" &&
    !redirecting &&
    navigation.location.pathname + navigation.location.search === path;
  if (seen.locationKey === location.key) {
    if (answering && !seen.answering) setSeen({ ...seen, answering: true });
    return seen.pageKey;
  }
  const samePage = path === seen.path;
  const keep = samePage && (location.hash !== seen.hash || seen.answering);
  const pageKey = keep ? seen.pageKey : location.key;
  // Derived from the previous render (React's "storing information from previous renders" pattern).
  setSeen({ locationKey: location.key, path, hash: location.hash, pageKey, answering: false });
  return pageKey;
}

/** Where focus goes on a new page: the error summary when the page has one, else the page's heading. */
export function pageFocusTarget(main: HTMLElement): HTMLElement {
  return main.querySelector<HTMLElement>(".error-summary") ?? main.querySelector<HTMLElement>("h1") ?? main;
}

/**
 * After a client-side navigation, moves focus to the new page's heading (or its error summary), as a screen reader
 * user expects from a page load; the first page load leaves focus to the browser. Scrolling stays with Remix's
 * scroll restoration.
 */
export function usePageFocus(): void {
  const pageKey = usePageKey();
  const firstPage = useRef(pageKey);
  useEffect(() => {
    if (pageKey === firstPage.current) return;
    const main = document.getElementById("main");
    if (!main) return;
    const target = pageFocusTarget(main);
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
  }, [pageKey]);
}
