/**
 * Representative addresses of every kind of page, per role, found on the demo data that the e2e server seeds (the
 * demo enterprise's draft and submitted applications, Hà Nội's queue, the national queue, the catalogue). Used by
 * the specs that must hold on every page: accessibility (unique ids, named controls) and small screens.
 */
import { expect, type APIRequestContext } from "@playwright/test";

export type PageRole = "public" | "enterprise" | "province_reviewer" | "ministry_reviewer" | "admin";

export interface PageKind {
  /** What the page is, for test output. */
  name: string;
  path: string;
  /** The status it answers with, when not 200 (a page showing the visitor's input error is a 400). */
  status?: number;
}

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/** The hrefs in a page's HTML that match `pattern` (first capture group), in order, without repeats. */
async function hrefs(request: APIRequestContext, path: string, pattern: string): Promise<string[]> {
  const res = await request.get(path);
  expect(res.status(), `GET ${path}`).toBe(200);
  const html = await res.text();
  return [...new Set([...html.matchAll(new RegExp(`href="(${pattern})"`, "g"))].map((m) => m[1]!))];
}

async function first(request: APIRequestContext, path: string, pattern: string, what: string): Promise<string> {
  const found = await hrefs(request, path, pattern);
  expect(found.length, `${what}: a link on ${path}`).toBeGreaterThan(0);
  return found[0]!;
}

/**
 * The pages of `role`. `request` must carry that role's session (a signed-in page's `page.request`); for "public"
 * any context will do.
 */
export async function pageKinds(request: APIRequestContext, role: PageRole): Promise<PageKind[]> {
  switch (role) {
    case "public": {
      const listing = await first(request, "/platforms", `/platforms/${UUID}`, "catalogue listing");
      return [
        { name: "home", path: "/" },
        { name: "sign-in", path: "/login" },
        { name: "sign-up", path: "/signup" },
        { name: "forgot password", path: "/forgot-password" },
        { name: "catalogue with filters", path: "/platforms" },
        { name: "catalogue, filtered", path: "/platforms?q=n%E1%BB%81n+t%E1%BA%A3ng&sort=name" },
        { name: "platform page", path: listing },
        { name: "certificate", path: `${listing}/certificate` },
        { name: "statistics", path: "/statistics" },
        { name: "not found", path: "/khong-co-trang-nay" },
      ];
    }
    case "enterprise": {
      const apps = await hrefs(request, "/applications", `/applications/${UUID}`);
      expect(apps.length, "the demo enterprise's two applications").toBeGreaterThanOrEqual(2);
      const pages: PageKind[] = [
        { name: "my applications", path: "/applications" },
        { name: "enterprise profile", path: "/enterprise" },
        { name: "enterprise members", path: "/enterprise/members" },
      ];
      for (const app of apps) {
        const task = await request.get(app);
        const html = await task.text();
        if (html.includes(`href="${app}/platform"`)) {
          const criterion = await first(request, `${app}/criteria`, `${app}/criteria/[a-z0-9_-]+`, "criterion");
          pages.push(
            { name: "draft: task list", path: app },
            { name: "draft: platform section", path: `${app}/platform` },
            { name: "draft: criteria list", path: `${app}/criteria` },
            { name: "draft: criterion", path: criterion },
            { name: "draft: documents", path: `${app}/documents` },
            { name: "draft: contact", path: `${app}/contact` },
            { name: "draft: declaration", path: `${app}/declaration` },
            { name: "draft: check answers", path: `${app}/check` },
          );
        } else {
          pages.push(
            { name: "submitted application", path: app },
            { name: "submitted: version 1", path: `${app}/versions/1` },
            { name: "submitted: withdraw", path: `${app}/withdraw` },
          );
        }
      }
      return pages;
    }
    case "province_reviewer": {
      const working = await first(request, "/review?view=in_review", `/review/${UUID}`, "an application in review");
      const fresh = await first(request, "/review?view=new", `/review/${UUID}`, "a new application");
      return [
        { name: "province queue", path: "/review" },
        { name: "province queue, filtered", path: "/review?view=mine&q=n%E1%BB%81n+t%E1%BA%A3ng&overdue=1" },
        { name: "review page with every form", path: working },
        { name: "review page of a new application", path: fresh },
        { name: "audit trail of an application", path: `${working}/audit` },
        { name: "staff statistics of the province", path: "/staff/statistics" },
      ];
    }
    case "ministry_reviewer": {
      const working = await first(request, "/ministry?view=in_review", `/ministry/${UUID}`, "an application in ministry review");
      const listing = await first(request, "/platforms", `/platforms/${UUID}`, "a recognised platform");
      const done = listing.replace("/platforms/", "/ministry/");
      return [
        { name: "national queue", path: "/ministry" },
        { name: "national queue, filtered", path: "/ministry?view=done&province=01" },
        { name: "ministry review page with every form", path: working },
        { name: "ministry page of a recognised platform", path: done },
        { name: "revoke recognition", path: `${done}/revoke` },
        { name: "ministry audit trail of an application", path: `${working}/audit` },
        { name: "staff statistics, national", path: "/staff/statistics" },
        { name: "staff statistics, one province since January", path: "/staff/statistics?from=2026-01-01&province=01" },
      ];
    }
    case "admin": {
      const staffPage = await first(request, "/admin/users?role=province_reviewer", `/admin/users/${UUID}`, "a staff member's page");
      return [
        { name: "users", path: "/admin/users" },
        { name: "users, filtered", path: "/admin/users?role=province_reviewer&signIn=stale&q=demo" },
        { name: "a staff member's page", path: staffPage },
        { name: "outgoing email", path: "/admin/outbox" },
        { name: "statutory deadlines", path: "/admin/deadlines" },
        { name: "holiday calendar", path: "/admin/holidays?year=2026" },
        { name: "holiday calendar, a year without data", path: "/admin/holidays?year=2031" },
        { name: "admin log", path: "/admin/audit" },
        { name: "admin log, filtered, chain checked", path: "/admin/audit?action=user.created&from=2026-01-01&check=1" },
        { name: "admin log with a date error", path: "/admin/audit?from=2026-13-45", status: 400 },
        { name: "staff statistics", path: "/staff/statistics" },
      ];
    }
  }
}
