import { now } from "~/platform/time/clock.ts";
import type { Answers, User, Verdict } from "~/platform/db/db-types.ts";
import { db } from "~/platform/db/db.server.ts";
import { completeApplication, DEMO_PLATFORM, verifyOnce } from "./demo-data.server.ts";
import { demoPasswordHash } from "./demo.server.ts";
import { vietnamDate } from "~/platform/time/working-days.ts";
import { createUserDirect } from "~/features/account/account.server.ts";
import { createDraft, saveCriterion, saveSection } from "~/features/application/drafts.server.ts";
import { criteriaItems, getCriteria } from "~/features/application/criteria.server.ts";
import { submitApplication } from "~/features/application/commands.server.ts";
import { createEnterprise } from "~/features/enterprise/enterprise.server.ts";
import * as review from "~/features/review/commands.server.ts";
import { findUserByEmail } from "~/features/account/user.server.ts";

const DAY = 86_400_000;

interface DemoListing {
  name: string;
  short: string;
  long: string;
  pillar: string;
  sector: string;
  ownership: "state" | "enterprise";
  province: string;
  enterprise: string;
  englishName: string | null;
  slug: string;
  launch: string;
  /** Criteria the province only marked "needs information" (they stay "declared by the enterprise"). */
  unverified?: string[];
  /** Ministry verdicts: every criterion, only these groups' criteria, or none. */
  ministry: "all" | "none" | string[];
  /** The province asks for changes once (the clock pauses), then the enterprise resubmits. */
  changes?: boolean;
  partly?: string;
  revoke?: boolean;
}

const LISTINGS: DemoListing[] = [
  {
    name: "Sàn Thương mại điện tử Sen Vàng",
    short: "Sàn thương mại điện tử cho nông sản và sản phẩm OCOP, kết nối hợp tác xã với người mua trên cả nước.",
    long: "Gian hàng trực tuyến, truy xuất nguồn gốc, thanh toán điện tử và giao vận tích hợp cho hợp tác xã và hộ kinh doanh. Công cụ tìm kiếm và gợi ý sản phẩm do doanh nghiệp tự phát triển.",
    pillar: "economy",
    sector: "ecommerce",
    ownership: "enterprise",
    province: "79",
    enterprise: "Công ty Cổ phần Sen Vàng Số",
    englishName: "Sen Vang Digital JSC",
    slug: "senvang",
    launch: "2020-06-01",
    ministry: "all",
  },
  {
    name: "Nền tảng Hóa đơn điện tử Minh Khai",
    short: "Lập, ký và gửi hóa đơn điện tử có mã của cơ quan thuế cho doanh nghiệp nhỏ và vừa.",
    long: "Kết nối trực tiếp với hệ thống hóa đơn điện tử của Tổng cục Thuế, chữ ký số từ xa, báo cáo tình hình sử dụng hóa đơn.",
    pillar: "economy",
    sector: "sme-operations",
    ownership: "enterprise",
    province: "01",
    enterprise: "Công ty TNHH Phần mềm Minh Khai",
    englishName: null,
    slug: "minhkhai",
    launch: "2019-11-20",
    ministry: ["G3"],
    changes: true,
  },
  {
    name: "Nền tảng Điện toán đám mây Hồng Hà",
    short: "Hạ tầng điện toán đám mây đặt tại Việt Nam: máy chủ ảo, lưu trữ đối tượng, Kubernetes có quản lý.",
    long: "Trung tâm dữ liệu đạt chuẩn Tier III tại Hà Nội và Bình Dương. Lớp điều phối và cổng quản trị do đội ngũ kỹ sư của doanh nghiệp phát triển.",
    pillar: "economy",
    sector: "cloud",
    ownership: "enterprise",
    province: "01",
    enterprise: "Công ty Cổ phần Công nghệ Đám mây Hồng Hà",
    englishName: "Hong Ha Cloud Technology JSC",
    slug: "hongha",
    launch: "2018-04-10",
    ministry: "all",
  },
  {
    name: "Trợ lý ảo tiếng Việt Lạc Việt",
    short: "Trí tuệ nhân tạo hiểu và trả lời tiếng Việt, dùng cho tổng đài chăm sóc khách hàng và dịch vụ công.",
    long: "Mô hình ngôn ngữ và nhận dạng giọng nói tiếng Việt ba miền do doanh nghiệp huấn luyện; triển khai trên hạ tầng trong nước.",
    pillar: "economy",
    sector: "ai",
    ownership: "enterprise",
    province: "48",
    enterprise: "Công ty Cổ phần Trí tuệ Nhân tạo Lạc Việt",
    englishName: "Lac Viet AI JSC",
    slug: "lacviet",
    launch: "2022-02-15",
    ministry: "none",
    partly: "user_scale",
    unverified: ["user_scale"],
  },
  {
    name: "Ví điện tử Phương Nam",
    short: "Ví điện tử và định danh điện tử cho thanh toán hóa đơn, học phí và dịch vụ công.",
    long: "Định danh khách hàng bằng căn cước gắn chip, thanh toán QR theo chuẩn VietQR, liên kết với ngân hàng trong nước.",
    pillar: "economy",
    sector: "identity-payment",
    ownership: "enterprise",
    province: "79",
    enterprise: "Công ty Cổ phần Thanh toán Phương Nam",
    englishName: null,
    slug: "phuongnam",
    launch: "2017-09-01",
    ministry: ["G1", "G3"],
  },
  {
    name: "Nền tảng Học trực tuyến Trường Sa",
    short: "Lớp học trực tuyến, kho bài giảng và thi trực tuyến cho trường phổ thông.",
    long: "Phòng học ảo, giao và chấm bài, sổ liên lạc điện tử, kết nối cơ sở dữ liệu ngành giáo dục.",
    pillar: "society",
    sector: "online-learning",
    ownership: "enterprise",
    province: "31",
    enterprise: "Công ty TNHH Giáo dục Số Trường Sa",
    englishName: null,
    slug: "truongsa",
    launch: "2020-03-01",
    ministry: "all",
  },
  {
    name: "Nền tảng Khám bệnh từ xa An Khang",
    short: "Tư vấn sức khỏe và khám chữa bệnh từ xa, kết nối bệnh viện tuyến tỉnh với trạm y tế xã.",
    long: "Hội chẩn trực tuyến, hồ sơ sức khỏe điện tử, đặt lịch khám và đơn thuốc điện tử.",
    pillar: "society",
    sector: "health",
    ownership: "enterprise",
    province: "92",
    enterprise: "Công ty Cổ phần Y tế Số An Khang",
    englishName: "An Khang Digital Health JSC",
    slug: "ankhang",
    launch: "2021-01-10",
    ministry: ["G2"],
  },
  {
    name: "Ứng dụng Gọi xe và Giao đồ ăn Mê Kông",
    short: "Gọi xe, giao đồ ăn và đi chợ hộ tại các tỉnh, thành phố phía Nam.",
    long: "Điều phối tài xế theo thời gian thực, thanh toán không tiền mặt, hỗ trợ quán ăn nhỏ bán hàng trực tuyến.",
    pillar: "society",
    sector: "daily-life",
    ownership: "enterprise",
    province: "79",
    enterprise: "Công ty TNHH Dịch vụ Số Mê Kông",
    englishName: null,
    slug: "mekong",
    launch: "2019-07-07",
    ministry: "none",
  },
  {
    name: "Mạng xã hội Nghề nghiệp Kết Nối",
    short: "Mạng xã hội nghề nghiệp tiếng Việt: hồ sơ năng lực, tuyển dụng và cộng đồng chuyên môn.",
    long: "Kiểm duyệt nội dung theo quy định, lưu trữ dữ liệu người dùng tại Việt Nam, công cụ tuyển dụng cho doanh nghiệp.",
    pillar: "society",
    sector: "social-network",
    ownership: "enterprise",
    province: "01",
    enterprise: "Công ty Cổ phần Mạng Kết Nối",
    englishName: null,
    slug: "ketnoi",
    launch: "2021-09-09",
    ministry: "all",
    unverified: ["interoperability"],
  },
  {
    name: "Cổng Dịch vụ công Một cửa số",
    short: "Tiếp nhận, xử lý và trả kết quả thủ tục hành chính trực tuyến cho cấp tỉnh và cấp xã.",
    long: "Một cửa điện tử liên thông, thanh toán phí lệ phí trực tuyến, kết nối Cổng Dịch vụ công quốc gia.",
    pillar: "government",
    sector: "public-services",
    ownership: "state",
    province: "48",
    enterprise: "Công ty Cổ phần Giải pháp Chính quyền số Sơn Trà",
    englishName: null,
    slug: "sontra",
    launch: "2018-12-01",
    ministry: ["G1", "G3", "G4"],
  },
  {
    name: "Nền tảng Tích hợp Dữ liệu Đô thị",
    short: "Tích hợp, chia sẻ và phân tích dữ liệu đô thị: giao thông, môi trường, quy hoạch.",
    long: "Kho dữ liệu dùng chung, danh mục dữ liệu mở, bảng điều khiển cho trung tâm điều hành đô thị thông minh.",
    pillar: "government",
    sector: "data",
    ownership: "state",
    province: "31",
    enterprise: "Công ty TNHH Dữ liệu Cảng Biển",
    englishName: null,
    slug: "cangbien",
    launch: "2022-05-19",
    ministry: "all",
  },
  {
    name: "Nền tảng Họp trực tuyến Bình Minh",
    short: "Họp trực tuyến bảo mật cho cơ quan nhà nước, máy chủ đặt tại Việt Nam.",
    long: "Họp nhiều điểm cầu, mã hóa đầu cuối, ghi biên bản tự động bằng tiếng Việt, tích hợp lịch công tác.",
    pillar: "government",
    sector: "meetings-collaboration",
    ownership: "enterprise",
    province: "46",
    enterprise: "Công ty Cổ phần Truyền thông Bình Minh",
    englishName: null,
    slug: "binhminh",
    launch: "2020-10-20",
    ministry: "none",
  },
  {
    name: "Nền tảng Giám sát An ninh mạng Cửu Long",
    short: "Giám sát an toàn thông tin tập trung (SOC) cho cơ quan và doanh nghiệp.",
    long: "Thu thập nhật ký, phát hiện tấn công, ứng cứu sự cố 24/7.",
    pillar: "government",
    sector: "cybersecurity",
    ownership: "enterprise",
    province: "92",
    enterprise: "Công ty TNHH An ninh mạng Cửu Long",
    englishName: null,
    slug: "cuulong",
    launch: "2019-03-03",
    ministry: "all",
    revoke: true,
  },
];

const REVIEWERS: Record<string, { email: string; name: string }> = {
  "01": { email: "so.hanoi@demo.nentangso.vn", name: "Trần Thị Bình" },
  "79": { email: "so.hcm@demo.nentangso.vn", name: "Lê Minh Châu" },
  "48": { email: "so.danang@demo.nentangso.vn", name: "Đặng Văn Hải" },
  "31": { email: "so.haiphong@demo.nentangso.vn", name: "Vũ Thị Hằng" },
  "92": { email: "so.cantho@demo.nentangso.vn", name: "Huỳnh Thanh Phong" },
  "46": { email: "so.hue@demo.nentangso.vn", name: "Tôn Nữ Minh Thư" },
};

const WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3];

/** A valid mã số doanh nghiệp: the first nine digits with the check digit of Thông tư 105/2020. */
export function demoTaxCode(prefix: string, n: number): string {
  for (let k = 0; ; k++) {
    const body = `${prefix}${3_100_000 + n * 1000 + k}`;
    const check = 10 - (WEIGHTS.reduce((s, w, i) => s + w * Number(body[i]), 0) % 11);
    if (check < 10) return `${body}${check}`;
  }
}

async function staff(province: string): Promise<User> {
  const r = REVIEWERS[province]!;
  return (
    (await findUserByEmail(r.email)) ??
    (await createUserDirect({ email: r.email, name: r.name, role: "province_reviewer", provinceCode: province, passwordHash: await demoPasswordHash() }))
  );
}

async function lockOf(id: string): Promise<number> {
  return (await db().selectFrom("applications").select("lock_version").where("id", "=", id).executeTakeFirstOrThrow()).lock_version;
}

const MARKER_TAX_CODE = () => demoTaxCode("79", 0);

/**
 * A catalogue to look at on a fresh `npm start`: a dozen recognised platforms across the three pillars and six
 * provinces, and one whose recognition was revoked. Each goes through the real model functions (enterprise, draft,
 * answers, submission, provincial review with verdicts, forwarding, ministry review, recognition). Idempotent.
 */
export async function seedDemoCatalogue(): Promise<void> {
  if (await db().selectFrom("enterprises").select("id").where("tax_code", "=", MARKER_TAX_CODE()).executeTakeFirst()) return;
  const ministry = await findUserByEmail("bo@demo.nentangso.vn");
  if (!ministry) return;
  let decision = 300;
  for (const [i, d] of LISTINGS.entries()) {
    const reviewer = await staff(d.province);
    const owner = await createUserDirect({
      email: `dn.${d.slug}@demo.nentangso.vn`,
      name: `Đại diện ${d.enterprise.replace(/^Công ty (Cổ phần|TNHH) /, "")}`,
      role: "enterprise",
      provinceCode: null,
      passwordHash: await demoPasswordHash(),
    });
    const enterprise = await createEnterprise(
      owner,
      {
        taxCode: i === 0 ? MARKER_TAX_CODE() : demoTaxCode(d.province === "01" ? "01" : d.province, i),
        legalName: `${d.enterprise} (dữ liệu mẫu)`,
        englishName: d.englishName,
        provinceCode: d.province,
        address: "Địa chỉ mẫu",
        representativeName: owner.name,
        representativeTitle: "Tổng Giám đốc",
        phone: "+842838000000",
        website: `https://${d.slug}.example.vn`,
      },
      "demo",
    );
    const draft = await createDraft(owner, enterprise.id, "demo");
    const platform: NonNullable<Answers["platform"]> = {
      ...DEMO_PLATFORM,
      name: d.name,
      shortDescription: d.short,
      longDescription: d.long,
      pillar: d.pillar,
      sector: d.sector,
      ownershipType: d.ownership,
      publicUrl: `https://${d.slug}.example.vn`,
      launchDate: d.launch,
      usersCount: String(200_000 + i * 137_000),
    };
    await completeApplication(owner, draft.id, platform);
    if (d.partly) {
      await saveCriterion(owner, draft.id, d.partly, { assessment: "partly", explanation: "Đạt một phần, đang mở rộng.", links: [`${platform.publicUrl}/bao-cao`] }, "demo");
    }
    const app = await submitApplication(owner, draft.id, { requestId: "demo" });
    const groups = await getCriteria(app.criteria_set_id);
    const items = criteriaItems(groups);
    await review.assignApplication(reviewer, app.id, { assigneeId: reviewer.id, noConflict: true, lockVersion: await lockOf(app.id) }, "demo");
    await verifyOnce(reviewer, app.id);
    if (d.changes) {
      await review.requestChanges(
        reviewer,
        app.id,
        {
          lockVersion: await lockOf(app.id),
          items: [{ target: "criterion:user_scale", note: "Đề nghị bổ sung báo cáo số người dùng có xác nhận." }],
          replyBy: vietnamDate(new Date(Date.now() + 14 * DAY)),
          message: "Cần bổ sung số liệu người dùng.",
        },
        "demo",
      );
      await saveCriterion(owner, app.id, "user_scale", { assessment: "meets", explanation: "Bổ sung báo cáo kiểm toán số người dùng.", links: [`${platform.publicUrl}/kiem-toan`] }, "demo");
      await saveSection(owner, app.id, "declaration", { accepted: true, name: owner.name, acceptedAt: now().toISOString() }, "demo");
      await submitApplication(owner, app.id, { requestId: "demo" });
      await review.assignApplication(reviewer, app.id, { assigneeId: reviewer.id, noConflict: true, lockVersion: await lockOf(app.id) }, "demo");
    }
    for (const item of items) {
      const verdict: Verdict = d.unverified?.includes(item.key) ? "needs_information" : "met";
      const note = verdict === "met" ? "" : "Cần thêm tài liệu chứng minh; không ảnh hưởng đề nghị công nhận.";
      await review.saveVerdict(reviewer, app.id, { criterionKey: item.key, verdict, note, lockVersion: await lockOf(app.id) }, "demo");
    }
    await review.forwardToMinistry(
      reviewer,
      app.id,
      { lockVersion: await lockOf(app.id), recommendation: "recognise", summary: "Nền tảng đáp ứng các tiêu chí, đề nghị Bộ công nhận." },
      "demo",
    );
    await review.assignApplication(ministry, app.id, { assigneeId: ministry.id, noConflict: true, lockVersion: await lockOf(app.id) }, "demo");
    const ministryKeys =
      d.ministry === "all" ? items.map((x) => x.key) : d.ministry === "none" ? [] : groups.filter((g) => (d.ministry as string[]).includes(g.code)).flatMap((g) => g.items.map((x) => x.key));
    for (const key of ministryKeys) {
      if (d.unverified?.includes(key)) continue;
      await review.saveVerdict(ministry, app.id, { criterionKey: key, verdict: "met", note: "", lockVersion: await lockOf(app.id) }, "demo");
    }
    await review.recognisePlatform(
      ministry,
      app.id,
      { lockVersion: await lockOf(app.id), decisionNumber: `${decision++}/QĐ-BKHCN`, decisionDate: vietnamDate(now()) },
      "demo",
    );
    if (d.revoke) {
      await review.revokeRecognition(
        ministry,
        app.id,
        {
          lockVersion: await lockOf(app.id),
          decisionNumber: `${decision++}/QĐ-BKHCN`,
          decisionDate: vietnamDate(now()),
          reason: "Doanh nghiệp không duy trì cấp độ an toàn hệ thống thông tin đã được phê duyệt.",
        },
        "demo",
      );
    }
  }
}
