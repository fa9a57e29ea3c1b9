import { expect, test, type Page } from "@playwright/test";
import { DEMO, DEMO_PASSWORD, VI, errorSummary, expectNoAxeViolations, gotoHydrated, signIn, type DemoRole } from "./helpers.ts";
import { pageKinds, type PageRole } from "./page-kinds.ts";

/** The one place this file signs in (staff sign-in may gain a second step). */
async function login(page: Page, role: DemoRole) {
  await signIn(page, DEMO[role].email, DEMO_PASSWORD);
}

/**
 * Every id on the page once; every label, aria-labelledby and aria-describedby pointing at exactly one element; every
 * form control (hidden ones too: closed disclosures, the other screen size's menu) with an accessible name.
 */
async function idsAndNames(page: Page) {
  return page.evaluate(() => {
    const count = (id: string) => document.querySelectorAll(`[id="${CSS.escape(id)}"]`).length;
    const ids = [...document.querySelectorAll("[id]")].map((e) => e.id);
    const duplicateIds = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
    const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.getAttribute("name") ? `[name=${el.getAttribute("name")}]` : ""}`;
    const brokenReferences: string[] = [];
    for (const label of document.querySelectorAll("label[for]")) {
      const target = (label as HTMLLabelElement).htmlFor;
      if (count(target) !== 1) brokenReferences.push(`label for="${target}" matches ${count(target)} elements`);
    }
    for (const attr of ["aria-labelledby", "aria-describedby", "aria-controls"]) {
      for (const el of document.querySelectorAll(`[${attr}]`)) {
        for (const ref of (el.getAttribute(attr) ?? "").split(/\s+/).filter(Boolean)) {
          if (count(ref) !== 1) brokenReferences.push(`${describe(el)} ${attr}="${ref}" matches ${count(ref)} elements`);
        }
      }
    }
    const text = (el: Element | null) => (el?.textContent ?? "").replace(/\s+/g, " ").trim();
    const unnamed: string[] = [];
    for (const el of document.querySelectorAll("input, select, textarea, button, summary")) {
      if (el instanceof HTMLInputElement && el.type === "hidden") continue;
      const labelledBy = (el.getAttribute("aria-labelledby") ?? "").split(/\s+/).filter(Boolean).map((id) => text(document.getElementById(id))).join(" ");
      const labels = "labels" in el ? [...((el as HTMLInputElement).labels ?? [])].map(text).join(" ") : "";
      const own = el instanceof HTMLButtonElement || el.tagName === "SUMMARY" ? text(el) : "";
      const name = [el.getAttribute("aria-label") ?? "", labelledBy, labels, own, el.getAttribute("title") ?? ""].join(" ").trim();
      if (!name) unnamed.push(describe(el));
    }
    return { duplicateIds, brokenReferences, unnamed };
  });
}

/** Opens every disclosure, so that the forms inside are checked too. */
async function openAllDetails(page: Page) {
  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
}

async function checkPageKinds(page: Page, role: PageRole) {
  const kinds = await pageKinds(page.request, role);
  for (const kind of kinds) {
    await test.step(`${kind.name} (${kind.path})`, async () => {
      const response = await page.goto(kind.path);
      expect(response?.status(), kind.path).toBe(kind.status ?? (kind.name === "not found" ? 404 : 200));
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await openAllDetails(page);
      expect(await idsAndNames(page), `ids and names on ${kind.path}`).toEqual({ duplicateIds: [], brokenReferences: [], unnamed: [] });
      await expectNoAxeViolations(page);
    });
  }
}

test.describe("WCAG 2.2 AA (axe-core)", () => {
  test("home page in Vietnamese and in English", async ({ page }) => {
    await gotoHydrated(page, "/");
    await expect(page.locator("html")).toHaveAttribute("lang", "vi");
    await expectNoAxeViolations(page);

    await page.getByRole("banner").getByRole("button", { name: "Switch language to English" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Register a national digital platform");
    await expectNoAxeViolations(page);
  });

  test("sign-in page, empty and with errors, in both languages", async ({ page }) => {
    await gotoHydrated(page, "/login");
    await expectNoAxeViolations(page);
    await page.getByRole("main").getByRole("button", { name: "Đăng nhập" }).click();
    await expect(errorSummary(page)).toBeVisible();
    await expectNoAxeViolations(page);

    await page.getByRole("banner").getByRole("button", { name: "Switch language to English" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await page.getByRole("main").getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "There is a problem" })).toBeVisible();
    await expectNoAxeViolations(page);
  });

  test("sign-up page, empty and with errors", async ({ page }) => {
    await gotoHydrated(page, "/signup");
    await expectNoAxeViolations(page);
    await page.getByRole("main").getByLabel(VI.email).fill("khong-phai-email");
    await page.getByRole("main").getByRole("button", { name: "Tạo tài khoản" }).click();
    await expect(errorSummary(page)).toBeVisible();
    await expect(page.locator("#email-error")).toBeVisible();
    await expectNoAxeViolations(page);
  });

  test("forgot-password, check-your-email and invalid reset-link pages", async ({ page }) => {
    for (const path of ["/forgot-password", "/signup?sent=someone%40example.com", "/reset-password"]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await test.step(path, () => expectNoAxeViolations(page));
    }
  });

  for (const role of Object.keys(DEMO) as DemoRole[]) {
    test(`${role} home page (${DEMO[role].home})`, async ({ page }) => {
      await signIn(page, DEMO[role].email, DEMO_PASSWORD);
      await expect(page).toHaveURL(new RegExp(`${DEMO[role].home}$`));
      await expect(page.getByRole("heading", { level: 1 })).toContainText(DEMO[role].heading);
      await expectNoAxeViolations(page);
      if (role === "admin") {
        // The users page with errors in the invitation form.
        await page.getByRole("main").getByRole("button", { name: "Gửi lời mời" }).click();
        await expect(errorSummary(page)).toBeVisible();
        await expectNoAxeViolations(page);
      }
      if (role === "enterprise") {
        // A page the role may not see.
        expect((await page.goto("/admin/users"))?.status()).toBe(403);
        await expectNoAxeViolations(page);
      }
    });
  }

  test.describe("every page kind, with every disclosure open: unique ids, named controls, no axe violations", () => {
    test("public pages", async ({ page }) => {
      test.setTimeout(120_000);
      await checkPageKinds(page, "public");
    });
    for (const role of Object.keys(DEMO) as DemoRole[]) {
      test(`${role} pages`, async ({ page }) => {
        test.setTimeout(120_000);
        await login(page, role);
        await checkPageKinds(page, role);
      });
    }
  });

  test("staff statistics with a bad period: 400, an error summary whose links land on the fields, values kept", async ({ page }) => {
    // As the administrator (who may pick a province too): the reviewers' codes are taken by the tests running alongside.
    await login(page, "admin");
    const response = await page.goto("/staff/statistics?from=2026-02-30&to=2026-01-01&province=01");
    expect(response?.status()).toBe(400);
    await expect(errorSummary(page)).toBeVisible();
    const targets = await errorSummary(page)
      .getByRole("link")
      .evaluateAll((links) => links.map((a) => document.querySelectorAll(`[id="${CSS.escape(decodeURIComponent((a as HTMLAnchorElement).hash.slice(1)))}"]`).length));
    expect(targets).toEqual([1]);
    // A date input shows no impossible date (the browser drops it); the other values come back as sent.
    await expect(page.getByLabel("Đến ngày")).toHaveValue("2026-01-01");
    await expect(page.getByLabel("Tỉnh, thành phố")).toHaveValue("01");
    expect(await idsAndNames(page)).toEqual({ duplicateIds: [], brokenReferences: [], unnamed: [] });
    await expectNoAxeViolations(page);
  });

  test("review and ministry pages: each error-summary link lands on the field of the form that failed", async ({ page }) => {
    for (const [role, forms] of [
      ["province_reviewer", [{ summary: "Từ chối hồ sơ", button: "Từ chối hồ sơ", intent: "reject" }]],
      [
        "ministry_reviewer",
        [
          { summary: "Trả hồ sơ về Sở", button: "Trả về Sở", intent: "return" },
          { summary: "Từ chối hồ sơ", button: "Từ chối hồ sơ", intent: "reject" },
        ],
      ],
    ] as const) {
      await page.context().clearCookies();
      await login(page, role);
      const working = (await pageKinds(page.request, role)).find((k) => k.name.endsWith("with every form"))!;
      for (const form of forms) {
        await test.step(`${role}: empty "${form.summary}" form`, async () => {
          await gotoHydrated(page, working.path);
          const main = page.getByRole("main");
          await main.locator("summary").filter({ hasText: new RegExp(`^${form.summary}$`) }).click();
          await main.getByRole("button", { name: form.button, exact: true }).last().click();
          await expect(errorSummary(page)).toBeVisible();
          const targets = await errorSummary(page)
            .getByRole("link")
            .evaluateAll((links) =>
              links.map((a) => {
                const id = decodeURIComponent((a as HTMLAnchorElement).hash.slice(1));
                const target = document.getElementById(id);
                return { id, count: document.querySelectorAll(`[id="${CSS.escape(id)}"]`).length, intent: target?.closest("form")?.querySelector<HTMLInputElement>("input[name=intent]")?.value ?? null };
              }),
            );
          expect(targets.length, "errors listed").toBeGreaterThan(0);
          for (const target of targets) expect(target, `link #${target.id}`).toEqual({ id: target.id, count: 1, intent: form.intent });
          await expectNoAxeViolations(page);
        });
      }
    }
  });
});
