import { createHash } from "node:crypto";
import type { Answers, User } from "./db-types.ts";
import { db } from "./db.server.ts";
import {
  addAttachments,
  createDraft,
  criteriaItems,
  DOCUMENT_SLOTS,
  getCriteria,
  saveCriterion,
  saveSection,
  submitApplication,
} from "~/models/application.server.ts";
import { createEnterprise, getMembership } from "~/models/enterprise.server.ts";
import { notifySubmitted } from "~/models/notifications.server.ts";
import { findUserByEmail } from "~/models/user.server.ts";

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
  await saveSection(user, app.id, "declaration", { accepted: true, name: user.name, acceptedAt: new Date().toISOString() }, "demo");
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
  await submitApplication(user, submitted.id, { requestId: "demo", locale: "vi", notify: notifySubmitted });

  const draft = await createDraft(user, enterprise.id, "demo");
  await saveSection(
    user,
    draft.id,
    "platform",
    { name: "Nền tảng Học trực tuyến An Bình", shortDescription: "Lớp học trực tuyến cho trường phổ thông.", pillar: "society", sector: "online-learning" },
    "demo",
  );
}
