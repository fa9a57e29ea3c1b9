import { now } from "~/platform/time/clock.ts";
import { createHash } from "node:crypto";
import type { Answers, User } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import { addAttachments } from "~/features/application/files.server.ts";
import { createDraft, saveCriterion, saveSection } from "~/features/application/drafts.server.ts";
import { criteriaItems, getCriteria } from "~/features/application/criteria.server.ts";
import { DOCUMENT_SLOTS } from "~/features/application/limits.server.ts";
import { submitApplication, withdrawApplication } from "~/features/application/commands.server.ts";
import { createEnterprise } from "~/features/enterprise/enterprise.server.ts";
import { getMembership } from "~/features/account/membership.server.ts";
import { stageBytes } from "~/platform/db/file-store.server.ts";
import { findUserByEmail } from "~/features/account/user.server.ts";
import { createUserDirect } from "~/features/account/account.server.ts";
import * as review from "~/features/review/commands.server.ts";
import { verifyEnterprise } from "~/features/enterprise/verification.server.ts";
import { demoPasswordHash } from "./demo.server.ts";

/** A one-page PDF, enough for file sniffing and for a reviewer to open. */
export function demoPdf(title: string): Uint8Array {
  const text = title.replace(/[()\\]/g, "").replace(/[^\x20-\x7e]/g, "?");
  const stream = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}

function pdfFile(name: string) {
  const content = demoPdf(name);
  return { fileName: `${name}.pdf`, contentType: "application/pdf", content, sha256: createHash("sha256").update(content).digest("hex") };
}

/** A demo file's bytes staged in the file store, as an upload would leave them. */
async function stagedFile(file: ReturnType<typeof pdfFile>) {
  const staged = await stageBytes(file.content);
  return { fileName: file.fileName, contentType: file.contentType, ...staged };
}

export const DEMO_PLATFORM: NonNullable<Answers["platform"]> = {
  name: "Sàn Thương mại điện tử An Bình",
  shortDescription: "Sàn thương mại điện tử kết nối hộ kinh doanh và doanh nghiệp nhỏ với người mua trên cả nước.",
  longDescription:
    "Nền tảng cung cấp gian hàng trực tuyến, thanh toán điện tử, quản lý đơn hàng và vận chuyển cho doanh nghiệp nhỏ và vừa. Công nghệ lõi (tìm kiếm, gợi ý, thanh toán) do doanh nghiệp tự phát triển.",
  pillar: "economy",
  sector: "ecommerce",
  ownershipType: "enterprise",
  publicUrl: "https://anbinh.example.vn",
  launchDate: "2021-03-15",
  usersCount: "1250000",
  usersAsOf: "2026-09-30",
  usersMethod: "Số tài khoản hoạt động hằng tháng (MAU)",
  dataInVietnam: "yes",
  dataCentreProvider: "Trung tâm dữ liệu Viettel IDC",
  securityLevel: "3",
  securityDecisionNumber: "125/QĐ-ANB",
  securityDecisionDate: "2024-05-20",
};

export async function completeApplication(user: User, applicationId: string, platform: NonNullable<Answers["platform"]>) {
  const app = await db().selectFrom("applications").selectAll().where("id", "=", applicationId).executeTakeFirstOrThrow();
  await saveSection(user, app.id, "platform", platform, "demo");
  for (const item of criteriaItems(await getCriteria(app.criteria_set_id))) {
    await saveCriterion(
      user,
      app.id,
      item.key,
      { assessment: "meets", explanation: `Doanh nghiệp đáp ứng tiêu chí: ${item.text_vi}.`, links: [`${platform.publicUrl}/ho-so/${item.key}`] },
      "demo",
    );
  }
  for (const d of DOCUMENT_SLOTS.filter((s) => s.required)) await addAttachments(user, app.id, d.slot, [pdfFile(d.slot.slice(4))], "demo");
  await saveSection(user, app.id, "contact", { name: user.name, title: "Giám đốc sản phẩm", email: user.email, phone: "+84912345678" }, "demo");
  await saveSection(user, app.id, "declaration", { accepted: true, name: user.name, acceptedAt: now().toISOString() }, "demo");
}

/** The province verifies the enterprise in the first review that goes on to the ministry (later ones find it verified). */
export async function verifyOnce(reviewer: User, applicationId: string) {
  const app = await db()
    .selectFrom("applications")
    .innerJoin("enterprises", "enterprises.id", "applications.enterprise_id")
    .select("enterprises.verification_status")
    .where("applications.id", "=", applicationId)
    .executeTakeFirstOrThrow();
  if (app.verification_status !== "verified") await verifyEnterprise(reviewer, applicationId, { outcome: "verified", reason: "" }, "demo");
}

/** The demo enterprise with one draft and one submitted application, so a newcomer sees the journey at once. */
export async function seedDemoApplications(): Promise<void> {
  const user = await findUserByEmail("doanhnghiep@demo.nentangso.vn");
  if (!user || (await getMembership(user.id))) return;
  const enterprise = await createEnterprise(
    user,
    {
      taxCode: "0112345605",
      legalName: "Công ty Cổ phần Công nghệ An Bình (dữ liệu mẫu)",
      englishName: "An Binh Technology JSC (demo)",
      provinceCode: "01",
      address: "Số 1 Đại Cồ Việt, phường Bạch Mai, Thành phố Hà Nội",
      representativeName: "Nguyễn Văn An",
      representativeTitle: "Tổng Giám đốc",
      phone: "+842438251234",
      website: "https://anbinh.example.vn",
    },
    "demo",
  );
  const submitted = await createDraft(user, enterprise.id, "demo");
  await completeApplication(user, submitted.id, DEMO_PLATFORM);
  await submitApplication(user, submitted.id, { requestId: "demo" });

  const draft = await createDraft(user, enterprise.id, "demo");
  await saveSection(
    user,
    draft.id,
    "platform",
    { name: "Nền tảng Học trực tuyến An Bình", shortDescription: "Lớp học trực tuyến cho trường phổ thông.", pillar: "society", sector: "online-learning" },
    "demo",
  );
}

type DemoState =
  | "submitted"
  | "in_provincial_review"
  | "changes_requested"
  | "resubmitted"
  | "forwarded"
  | "in_ministry_review"
  | "returned_to_province"
  | "recognised"
  | "rejected"
  | "withdrawn";

const DEMO_STATES: { state: DemoState; name: string; sector: string; pillar: string }[] = [
  { state: "submitted", name: "Cổng Dịch vụ công Thông minh", sector: "public-services", pillar: "government" },
  { state: "in_provincial_review", name: "Nền tảng Khám chữa bệnh từ xa", sector: "health", pillar: "society" },
  { state: "changes_requested", name: "Nền tảng Học trực tuyến Bình Minh", sector: "online-learning", pillar: "society" },
  { state: "resubmitted", name: "Nền tảng Quản trị Doanh nghiệp nhỏ", sector: "sme-operations", pillar: "economy" },
  { state: "forwarded", name: "Nền tảng Điện toán đám mây Việt", sector: "cloud", pillar: "economy" },
  { state: "in_ministry_review", name: "Nền tảng Định danh và Thanh toán", sector: "identity-payment", pillar: "economy" },
  { state: "returned_to_province", name: "Nền tảng Họp trực tuyến", sector: "meetings-collaboration", pillar: "government" },
  { state: "recognised", name: "Nền tảng Trí tuệ nhân tạo tiếng Việt", sector: "ai", pillar: "economy" },
  { state: "rejected", name: "Mạng xã hội Làng Việt", sector: "social-network", pillar: "society" },
  { state: "withdrawn", name: "Nền tảng Giám sát An toàn thông tin", sector: "cybersecurity", pillar: "government" },
];

const PATHS: Record<DemoState, string[]> = {
  submitted: [],
  in_provincial_review: ["take"],
  changes_requested: ["take", "request_changes"],
  // Released before the request: a resubmission that still has its reviewer goes straight back into review.
  resubmitted: ["take", "release", "request_changes", "resubmit"],
  forwarded: ["take", "verify", "verdicts", "forward"],
  in_ministry_review: ["take", "verify", "verdicts", "forward", "take_ministry"],
  returned_to_province: ["take", "verify", "verdicts", "forward", "take_ministry", "return"],
  recognised: ["take", "verify", "verdicts", "forward", "take_ministry", "ministry_verdicts", "recognise"],
  rejected: ["take", "reject"],
  withdrawn: ["withdraw"],
};

/**
 * Applications in every state of the workflow in both demo provinces, each driven through the real
 * model functions so timelines, versions, verdicts and emails look as they would in use.
 */
export async function seedDemoWorkflow(): Promise<void> {
  const marker = await db().selectFrom("enterprises").select("id").where("tax_code", "=", "7912345607").executeTakeFirst();
  if (marker) return;
  const ministry = (await findUserByEmail("bo@demo.nentangso.vn"))!;
  const taxCodes: Record<string, string> = { "01": "0112345612", "79": "7912345607" };
  for (const province of ["01", "79"] as const) {
    const reviewer = (await findUserByEmail(province === "01" ? "so.hanoi@demo.nentangso.vn" : "so.hcm@demo.nentangso.vn"))!;
    const owner = await createUserDirect({
      email: `doanhnghiep${province}@demo.nentangso.vn`,
      name: province === "01" ? "Phạm Thị Lan" : "Võ Minh Tuấn",
      role: "enterprise",
      provinceCode: null,
      passwordHash: await demoPasswordHash(),
    });
    const enterprise = await createEnterprise(
      owner,
      {
        taxCode: taxCodes[province]!,
        legalName: province === "01" ? "Công ty Cổ phần Giải pháp Số Thăng Long (dữ liệu mẫu)" : "Công ty TNHH Công nghệ Sài Gòn Số (dữ liệu mẫu)",
        englishName: null,
        provinceCode: province,
        address: province === "01" ? "12 Tràng Tiền, phường Hoàn Kiếm, Thành phố Hà Nội" : "86 Lê Thánh Tôn, phường Sài Gòn, Thành phố Hồ Chí Minh",
        representativeName: owner.name,
        representativeTitle: "Giám đốc",
        phone: province === "01" ? "+842439350000" : "+842838290000",
        website: null,
      },
      "demo",
    );
    for (const [i, d] of DEMO_STATES.entries()) {
      const draft = await createDraft(owner, enterprise.id, "demo");
      const slug = d.sector.replace(/[^a-z]/g, "");
      await completeApplication(owner, draft.id, {
        ...DEMO_PLATFORM,
        name: `${d.name} ${province === "01" ? "Thăng Long" : "Sài Gòn"}`,
        pillar: d.pillar,
        sector: d.sector,
        publicUrl: `https://${slug}${province}.example.vn`,
        usersCount: String(150_000 * (i + 1)),
      });
      const app = await submitApplication(owner, draft.id, { requestId: "demo" });
      const lockOf = async () => (await db().selectFrom("applications").select("lock_version").where("id", "=", app.id).executeTakeFirstOrThrow()).lock_version;
      const items = criteriaItems(await getCriteria(app.criteria_set_id));
      for (const step of PATHS[d.state]) {
        const lockVersion = await lockOf();
        switch (step) {
          case "take":
            await review.assignApplication(reviewer, app.id, { assigneeId: reviewer.id, noConflict: true, lockVersion }, "demo");
            break;
          case "release":
            await review.assignApplication(reviewer, app.id, { assigneeId: null, lockVersion }, "demo");
            break;
          case "verify":
            await verifyOnce(reviewer, app.id);
            break;
          case "take_ministry":
            await review.assignApplication(ministry, app.id, { assigneeId: ministry.id, noConflict: true, lockVersion }, "demo");
            break;
          case "verdicts":
          case "ministry_verdicts":
            for (const item of items) {
              const actor = step === "verdicts" ? reviewer : ministry;
              await review.saveVerdict(actor, app.id, { criterionKey: item.key, verdict: "met", note: "", lockVersion: await lockOf() }, "demo");
            }
            break;
          case "request_changes":
            await review.requestChanges(
              reviewer,
              app.id,
              {
                lockVersion,
                items: [{ target: "criterion:user_scale", note: "Đề nghị bổ sung báo cáo số người dùng có xác nhận của đơn vị kiểm toán." }],
                replyBy: new Date(Date.now() + 14 * 86400_000).toISOString().slice(0, 10),
                message: "Hồ sơ cơ bản đầy đủ, cần bổ sung số liệu người dùng.",
              },
              "demo",
            );
            break;
          case "resubmit":
            await saveCriterion(owner, app.id, "user_scale", { assessment: "meets", explanation: "Bổ sung báo cáo kiểm toán số người dùng năm 2026.", links: ["https://kiemtoan.example.vn/bao-cao-2026"] }, "demo");
            await saveSection(owner, app.id, "declaration", { accepted: true, name: owner.name, acceptedAt: now().toISOString() }, "demo");
            await submitApplication(owner, app.id, { requestId: "demo" });
            break;
          case "forward":
            await review.forwardToMinistry(reviewer, app.id, { lockVersion, recommendation: "recognise", summary: "Nền tảng đáp ứng các tiêu chí, đề nghị Bộ xem xét công nhận." }, "demo");
            break;
          case "return":
            await review.returnToProvince(ministry, app.id, { lockVersion, note: "Đề nghị Sở xác minh thêm địa điểm lưu trữ dữ liệu." }, "demo");
            break;
          case "recognise":
            await review.recognisePlatform(ministry, app.id, { lockVersion, decisionNumber: `${200 + i}/QĐ-BKHCN`, decisionDate: "2026-11-02" }, "demo");
            break;
          case "reject":
            await review.rejectApplication(reviewer, app.id, { lockVersion, reasons: ["insufficient_evidence"], note: "Chưa có quyết định phê duyệt cấp độ an toàn thông tin." }, "demo");
            break;
          case "withdraw":
            await withdrawApplication(owner, app.id, { lockVersion }, "demo");
            break;
        }
      }
    }
    // One application in each province is overdue, so the queue shows how overdue work stands out.
    await db()
      .updateTable("applications")
      .set({ due_at: new Date(Date.now() - 2 * 86400_000) })
      .where("enterprise_id", "=", enterprise.id)
      .where("status", "=", "in_provincial_review")
      .execute();
  }
  await seedDemoDispute("0112345605");
}

/** A second account claims the tax code of the demo enterprise An Bình (not yet verified): so.hanoi has a dispute to settle. */
async function seedDemoDispute(taxCode: string) {
  const claimant = await createUserDirect({
    email: "tranhchap@demo.nentangso.vn",
    name: "Đỗ Quang Huy",
    role: "enterprise",
    provinceCode: null,
    passwordHash: await demoPasswordHash(),
  });
  await createEnterprise(
    claimant,
    {
      taxCode,
      legalName: "Công ty Cổ phần An Bình Việt Nam (dữ liệu mẫu)",
      englishName: null,
      provinceCode: "01",
      address: "45 Lý Thường Kiệt, phường Cửa Nam, Thành phố Hà Nội",
      representativeName: claimant.name,
      representativeTitle: "Giám đốc",
      phone: "+84909123456",
      website: null,
    },
    "demo",
    {
      statement: "Mã số doanh nghiệp này được cấp cho công ty chúng tôi theo Giấy chứng nhận đăng ký doanh nghiệp đính kèm; chúng tôi không đăng ký tài khoản nào khác trên Cổng.",
      evidence: await stagedFile(pdfFile("giay-chung-nhan-dang-ky-doanh-nghiep")),
    },
  );
}
