import { useLocation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";

/**
 * A key that changes with every navigation to a page (a link, a redirect after a form post, an action's answer,
 * back and forward), but not when only the fragment changes (an error-summary link jumping to its field).
 *
 * The root keys the page by it, so a navigation mounts the page afresh: every form starts from the values the new
 * page was rendered with, exactly as a page load without JavaScript does. Without it React keeps the DOM of a page
 * whose route stays the same (criterion 1 → criterion 2), and uncontrolled fields keep what the user typed or chose
 * on the previous page.
 */
export function usePageKey(): string {
  const location = useLocation();
  const path = location.pathname + location.search;
  const [seen, setSeen] = useState({ locationKey: location.key, path, hash: location.hash, pageKey: location.key });
  if (seen.locationKey === location.key) return seen.pageKey;
  const fragmentOnly = path === seen.path && location.hash !== seen.hash;
  const pageKey = fragmentOnly ? seen.pageKey : location.key;
  // Derived from the previous render (React's "storing information from previous renders" pattern).
  setSeen({ locationKey: location.key, path, hash: location.hash, pageKey });
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
