import type { EnglishOf } from "./plural.ts";

// The ministry administrator's page of statutory deadlines (docs/decisions/030).
export const vi = {
  "nav.deadlines": "Thời hạn",
  "admin.deadlines.title": "Thời hạn giải quyết theo quy định",
  "admin.deadlines.lead":
    "Số ngày làm việc cho từng bước của thủ tục. Ngày làm việc không tính thứ Bảy, Chủ nhật và ngày nghỉ lễ, Tết theo lịch của cổng.",
  "admin.deadlines.appliesLater":
    "Thời hạn mới áp dụng cho hồ sơ nộp, chuyển hoặc trả lại sau khi lưu. Hạn xử lý của hồ sơ đã có hạn không thay đổi.",
  "admin.deadlines.caption": "Thời hạn hiện hành",
  "admin.deadlines.col.step": "Bước",
  "admin.deadlines.col.days": "Số ngày làm việc",
  "admin.deadlines.col.default": "Mặc định",
  "admin.deadlines.form": "Thay đổi thời hạn",
  "admin.deadlines.hint": "Số nguyên từ {min} đến {max} ngày làm việc.",
  "admin.deadlines.save": "Lưu thời hạn",
  "admin.deadlines.step.province": "Sở Khoa học và Công nghệ thẩm định hồ sơ",
  "admin.deadlines.step.province.meaning": "Tính từ khi doanh nghiệp nộp hoặc nộp lại hồ sơ (hoặc khi Bộ trả hồ sơ về tỉnh).",
  "admin.deadlines.step.ministry": "Bộ Khoa học và Công nghệ thẩm định hồ sơ",
  "admin.deadlines.step.ministry.meaning": "Tính từ khi Sở chuyển hồ sơ lên Bộ.",
  "admin.deadlines.step.enterpriseReply": "Doanh nghiệp bổ sung hồ sơ",
  "admin.deadlines.step.enterpriseReply.meaning": "Tính từ khi cơ quan thẩm định yêu cầu bổ sung.",
  "error.workingDays": "{field} phải là số nguyên từ {min} đến {max}",
  "flash.deadlinesSaved": "Đã lưu thời hạn. Thời hạn mới áp dụng cho hồ sơ từ bây giờ.",
  "flash.deadlinesUnchanged": "Không có thời hạn nào thay đổi.",
  "audit.action.settings.deadline_changed": "Thay đổi thời hạn giải quyết",
};

export const en: EnglishOf<typeof vi> = {
  "nav.deadlines": "Deadlines",
  "admin.deadlines.title": "Statutory deadlines",
  "admin.deadlines.lead":
    "The number of working days for each step of the procedure. Working days leave out Saturdays, Sundays and the public holidays of the portal's calendar.",
  "admin.deadlines.appliesLater":
    "A new deadline applies to applications submitted, forwarded or sent back after you save. Due dates already set do not change.",
  "admin.deadlines.caption": "Deadlines in force",
  "admin.deadlines.col.step": "Step",
  "admin.deadlines.col.days": "Working days",
  "admin.deadlines.col.default": "Default",
  "admin.deadlines.form": "Change the deadlines",
  "admin.deadlines.hint": "A whole number from {min} to {max} working days.",
  "admin.deadlines.save": "Save deadlines",
  "admin.deadlines.step.province": "Review by the provincial Department of Science and Technology",
  "admin.deadlines.step.province.meaning": "Counted from when the enterprise submits or resubmits (or the ministry returns the application to the province).",
  "admin.deadlines.step.ministry": "Review by the Ministry of Science and Technology",
  "admin.deadlines.step.ministry.meaning": "Counted from when the department forwards the application to the ministry.",
  "admin.deadlines.step.enterpriseReply": "The enterprise completes its application",
  "admin.deadlines.step.enterpriseReply.meaning": "Counted from when the reviewers ask for more information.",
  "error.workingDays": "{field} must be a whole number from {min} to {max}",
  "flash.deadlinesSaved": "Deadlines saved. They apply to applications from now on.",
  "flash.deadlinesUnchanged": "No deadline changed.",
  "audit.action.settings.deadline_changed": "Statutory deadline changed",
};
