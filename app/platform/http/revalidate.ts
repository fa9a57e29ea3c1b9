import type { ShouldRevalidateFunction } from "@remix-run/react";

/**
 * A 409 means the page is stale: reload its data, so the conflict message sits over the current status and the
 * actions possible now (the router skips reloading after a 4xx by default).
 */
export const revalidateOnConflict: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) =>
  defaultShouldRevalidate || actionStatus === 409;
