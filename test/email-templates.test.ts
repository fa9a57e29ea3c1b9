import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { provincialAgencyName } from "~/features/reference/agency.ts";
import type { Locale } from "~/platform/db/db-types.ts";
import {
  applicationMessage,
  enterpriseInviteMessage,
  inviteMessage,
  mailDate,
  resetPasswordMessage,
  signupExistingMessage,
  verifyEmailMessage,
  type ApplicationTemplate,
} from "~/platform/mail/email-templates.server.ts";
import { EMAIL_TEXTS_VI } from "~/platform/mail/email-texts.server.ts";
import { createDraft } from "~/features/application/drafts.server.ts";
import { transition } from "~/features/application/transition.server.ts";
import type { RenderedEmail } from "~/platform/mail/outbox.server.ts";
import { createTestDb, type TestDb } from "./helpers/db.ts";
import { enterpriseUser, staffUser } from "./helpers/fixtures.ts";

let t: TestDb;
before(async () => {
  t = await createTestDb();
});
after(async () => {
  await t.close();
});

const ACCOUNT: Record<string, (locale: Locale) => RenderedEmail> = {
  verify_email: (l) => verifyEmailMessage(l, { name: "Trần Văn B", url: "https://example.vn/verify-email?token=x" }),
  signup_existing: (l) => signupExistingMessage(l, { name: "Trần Văn B", url: "https://example.vn/login" }),
  reset_password: (l) => resetPasswordMessage(l, { name: "Trần Văn B", url: "https://example.vn/reset-password?token=x" }),
  invite: (l) => inviteMessage(l, { name: "Lê Minh Châu", url: "https://example.vn/invite?token=x", role: "province_reviewer" }),
  enterprise_invite: (l) => enterpriseInviteMessage(l, { inviter: "Trần Văn B", enterprise: "Công ty TNHH Hóa đơn Việt", url: "https://example.vn/enterprise/join?token=x" }),
};

/** Every email the portal can send, rendered with a platform whose name starts with "Nền tảng". */
function everyEmail(locale: Locale): RenderedEmail[] {
  const templates = Object.keys(EMAIL_TEXTS_VI)
    .filter((k) => k.endsWith(".subject"))
    .map((k) => k.slice(0, -".subject".length));
  return templates.map((template) => {
    const account = ACCOUNT[template];
    if (account) return account(locale);
    const facts = {
      reference: "66-261202-0001",
      platform: "Nền tảng Hóa đơn điện tử",
      enterprise: "Công ty TNHH Hóa đơn Việt",
      url: "https://example.vn/applications/1",
      agency: locale === "vi" ? "Sở Khoa học và Công nghệ tỉnh Đắk Lắk" : "Department of Science and Technology of Dak Lak Province",
      ministry: locale === "vi" ? "Bộ Khoa học và Công nghệ" : "Ministry of Science and Technology",
      signer: "Bộ Khoa học và Công nghệ",
      dueDate: mailDate("2026-12-09", locale),
    };
    const to = template.startsWith("reviewer_") || template.startsWith("province_") || template === "ministry_new_application" || template === "unstaffed_province" || template === "withdrawn" || template === "listing_withdrawn"
      ? ({ kind: "person", name: "Lê Minh Châu" } as const)
      : ({ kind: "enterprise", name: "Công ty TNHH Hóa đơn Việt" } as const);
    return applicationMessage(template as ApplicationTemplate, locale, facts, { to, signature: facts.agency });
  });
}

describe("email register", () => {
  test("Vietnamese emails are addressed formally, signed by an agency, and never informal", () => {
    const emails = everyEmail("vi");
    assert.ok(emails.length >= 28, `${emails.length} templates`);
    for (const e of emails) {
      assert.match(e.text, /^Kính gửi (Quý doanh nghiệp|Ông\/Bà|Quý Ông\/Bà)/, e.template);
      assert.match(e.text, /Trân trọng\.\n(Sở Khoa học và Công nghệ|Bộ Khoa học và Công nghệ|Cổng đăng ký Nền tảng số quốc gia)/, e.template);
      for (const informal of [/Xin chào/i, /\bbạn\b/i, /Chúc mừng/i, /Rất tiếc/i, /\bhãy\b/i])
        assert.doesNotMatch(`${e.subject}\n${e.text}`, informal, `${e.template}: ${informal}`);
      assert.match(e.html, /Trân trọng\./, `${e.template} (html)`);
    }
  });

  test("English emails are formal too", () => {
    for (const e of everyEmail("en")) {
      assert.match(e.text, /^(To: .+\n)?Dear /, e.template);
      assert.match(e.text, /Yours faithfully,\n\S/, e.template);
      for (const informal of [/\bHello\b/, /Congratulations/, /\bWe are sorry\b/]) assert.doesNotMatch(e.text, informal, `${e.template}: ${informal}`);
    }
  });

  test("a platform name that starts with \"Nền tảng\" is never doubled", () => {
    for (const locale of ["vi", "en"] as const) {
      for (const e of everyEmail(locale)) {
        assert.doesNotMatch(`${e.subject}\n${e.text}`, /nền tảng\s+nền tảng/i, `${locale} ${e.template}`);
        if (e.template === "recognised") assert.ok(e.text.includes("Nền tảng Hóa đơn điện tử"));
      }
    }
  });

  test("English dates cannot be read the wrong way round", () => {
    assert.equal(mailDate("2026-12-09", "en"), "9 December 2026");
    assert.equal(mailDate(new Date("2026-12-09T03:00:00Z"), "en"), "9 December 2026");
    assert.equal(mailDate("2026-12-09", "vi"), "9/12/2026");
    const due = everyEmail("en").find((e) => e.template === "submission_receipt")!;
    assert.match(due.text, /9 December 2026/);
  });
});

describe("agency names", () => {
  test("the unit is lower case inside an agency's name (Thành phố Hồ Chí Minh keeps its capital)", () => {
    const base = "Sở Khoa học và Công nghệ";
    assert.equal(provincialAgencyName(base, { name_vi: "Tỉnh Đắk Lắk", name_ascii: "Dak Lak", kind: "tinh" }, "vi"), "Sở Khoa học và Công nghệ tỉnh Đắk Lắk");
    assert.equal(provincialAgencyName(base, { name_vi: "Thành phố Hà Nội", name_ascii: "Ha Noi", kind: "thanh_pho_truc_thuoc_trung_uong" }, "vi"), "Sở Khoa học và Công nghệ thành phố Hà Nội");
    assert.equal(
      provincialAgencyName(base, { name_vi: "Thành phố Hồ Chí Minh", name_ascii: "Ho Chi Minh", kind: "thanh_pho_truc_thuoc_trung_uong" }, "vi"),
      "Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh",
    );
    assert.equal(
      provincialAgencyName("Department of Science and Technology", { name_vi: "Tỉnh Đắk Lắk", name_ascii: "Dak Lak", kind: "tinh" }, "en"),
      "Department of Science and Technology of Dak Lak Province",
    );
  });

  test("a real receipt names the province's department correctly and signs it", async () => {
    await staffUser("province_reviewer", "66");
    const owner = await enterpriseUser("66");
    const draft = await createDraft(owner.user, owner.enterpriseId, "test");
    await t.db.updateTable("applications").set({ province_code: "66", reference: "66-261202-0002", platform_name: "Nền tảng Hóa đơn" }).where("id", "=", draft.id).execute();
    await transition({ applicationId: draft.id, actor: owner.user, action: "submit", requestId: "t" });
    const receipt = await t.db.selectFrom("outbox_emails").select(["text_body", "subject"]).where("application_id", "=", draft.id).where("template", "=", "submission_receipt").executeTakeFirstOrThrow();
    assert.match(receipt.text_body, /Sở Khoa học và Công nghệ tỉnh Đắk Lắk/);
    assert.doesNotMatch(receipt.text_body, /Tỉnh Đắk Lắk/);
    assert.match(receipt.text_body, /^Kính gửi Quý doanh nghiệp Công ty TNHH Thử nghiệm/);
    assert.doesNotMatch(receipt.subject, /tiếp nhận/i, "submitted is not received: the province has not taken it yet");
  });
});
