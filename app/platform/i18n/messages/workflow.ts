// Texts for the workflow's notices, revocation decisions, unstaffed provinces and the reviewer flow (issue 8, items 11–14).
export const vi = {
  "revoke.decisionNumber": "Số quyết định thu hồi",
  "revoke.decisionDate": "Ngày ký quyết định thu hồi",
  "listing.revocation": "Quyết định thu hồi",
  "listing.revocationReason": "Lý do thu hồi",
  "feed.summary.revoke": "{enterprise}. Thu hồi công nhận theo Quyết định số {number} ngày {date}. Lý do: {reason}",
  "feed.summary.withdraw_listing": "{enterprise}. Doanh nghiệp rút khỏi danh mục; quyết định công nhận số {number} ngày {date}.",
  "queue.view.unstaffed": "Tỉnh chưa có người thẩm định",
  "queue.unstaffed.lead":
    "Hồ sơ nộp đến tỉnh, thành phố chưa có cán bộ thẩm định đang hoạt động. Bộ xem được các hồ sơ này nhưng không thẩm định thay Sở; quản trị viên đã được thông báo để mời cán bộ thẩm định. Khi có cán bộ, hồ sơ nằm sẵn trong hàng đợi của tỉnh.",
  "review.unstaffed":
    "Tỉnh, thành phố của hồ sơ này chưa có cán bộ thẩm định đang hoạt động. Bộ chỉ xem được hồ sơ; quản trị viên đã được thông báo để mời cán bộ thẩm định.",
  "admin.unstaffed.title": "Tỉnh, thành phố chưa có người thẩm định",
  "admin.unstaffed.lead": "Hồ sơ nộp đến các tỉnh, thành phố này chưa đến được ai. Mời ít nhất một cán bộ thẩm định cho mỗi nơi.",
  "admin.unstaffed.col.province": "Tỉnh, thành phố",
  "admin.unstaffed.col.waiting": "Hồ sơ đang chờ",
  "admin.unstaffed.none": "Tỉnh, thành phố nào cũng có cán bộ thẩm định đang hoạt động.",
  "review.replyBy.hint": "Để trống để dùng thời hạn mặc định: {days} ngày làm việc, tức ngày {date}.",
  "section.state.needs_changes": "Cần bổ sung",
  "crit.list.progressChanges": "Đã sửa {done}/{total} tiêu chí cần bổ sung",
  "crit.request.title": "Nội dung cơ quan thẩm định đề nghị bổ sung",
  "crit.request.replyBy": "Hạn gửi lại: {date}",
} as const;

export const en: Record<keyof typeof vi, string> = {
  "revoke.decisionNumber": "Number of the revocation decision",
  "revoke.decisionDate": "Date the revocation decision was signed",
  "listing.revocation": "Revocation decision",
  "listing.revocationReason": "Reason for the revocation",
  "feed.summary.revoke": "{enterprise}. Recognition revoked by Decision No. {number} of {date}. Reason: {reason}",
  "feed.summary.withdraw_listing": "{enterprise}. Withdrawn from the catalogue by the enterprise; recognition decision No. {number} of {date}.",
  "queue.view.unstaffed": "Provinces without a reviewer",
  "queue.unstaffed.lead":
    "Applications sent to a province or city that has no active reviewer. The ministry can see them but does not review them in the province's place; the administrators have been told to invite a reviewer. Once there is one, the applications are already in that province's queue.",
  "review.unstaffed":
    "This application's province or city has no active reviewer. The ministry can only view it; the administrators have been told to invite a reviewer.",
  "admin.unstaffed.title": "Provinces and cities without a reviewer",
  "admin.unstaffed.lead": "Applications sent to these provinces and cities reach nobody. Invite at least one reviewer for each.",
  "admin.unstaffed.col.province": "Province or city",
  "admin.unstaffed.col.waiting": "Applications waiting",
  "admin.unstaffed.none": "Every province and city has an active reviewer.",
  "review.replyBy.hint": "Leave empty for the default deadline: {days} working days, that is {date}.",
  "section.state.needs_changes": "Needs changes",
  "crit.list.progressChanges": "{done} of {total} criteria to change have been updated",
  "crit.request.title": "What the reviewing agency asks you to change",
  "crit.request.replyBy": "Reply by: {date}",
};
