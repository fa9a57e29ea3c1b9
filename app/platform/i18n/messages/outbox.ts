import type { EnglishOf } from "./plural.ts";

// The outgoing email page for administrators, and what a person is told when their account email bounced.
export const vi = {
  "nav.outbox": "Thư đi",
  "admin.outbox.title": "Thư điện tử gửi đi",
  "admin.outbox.lead":
    "Thư do cổng gửi: xác nhận địa chỉ, đặt lại mật khẩu, lời mời, thông báo về hồ sơ. Thư chưa gửi được sẽ tự động được thử lại trong 26 giờ. Thư bị máy chủ thư của người nhận từ chối, hoặc vẫn chưa gửi được sau 26 giờ, nằm ở mục “Gửi không được”.",
  "admin.outbox.stats": "Tình trạng hàng đợi",
  "admin.outbox.pendingCount": "Đang chờ gửi",
  "admin.outbox.failedCount": "Gửi không được",
  "admin.outbox.oldest": "Thư chờ lâu nhất",
  "admin.outbox.oldest.none": "Không có thư nào đang chờ",
  "admin.outbox.age.seconds#other": "{count} giây",
  "admin.outbox.age.minutes#other": "{count} phút",
  "admin.outbox.age.hours#other": "{count} giờ",
  "admin.outbox.pending.title": "Đang chờ gửi",
  "admin.outbox.pending.none": "Không có thư nào đang chờ gửi.",
  "admin.outbox.failed.title": "Gửi không được",
  "admin.outbox.failed.none": "Không có thư nào gửi không được.",
  "admin.outbox.shown": "Hiển thị {shown} thư đầu tiên trong tổng số {total}.",
  "admin.outbox.col.to": "Người nhận",
  "admin.outbox.col.template": "Loại thư",
  "admin.outbox.col.attempts": "Số lần thử",
  "admin.outbox.col.lastError": "Lỗi gần nhất",
  "admin.outbox.col.next": "Lần thử tiếp theo",
  "admin.outbox.col.created": "Tạo lúc",
  "admin.outbox.col.actions": "Thao tác",
  "admin.outbox.sendingNow": "Đang gửi",
  "admin.outbox.retry": "Gửi lại",
  "admin.outbox.retryAll": "Gửi lại mọi thư gửi không được",
  "admin.outbox.retryAll.hint":
    "Thư mang đường liên kết bí mật (đặt lại mật khẩu, xác nhận địa chỉ, lời mời) không gửi lại được vì đường liên kết đã bị xóa khỏi thư: người nhận cần yêu cầu lại.",
  "admin.outbox.notRetryable": "Không gửi lại được: người nhận cần yêu cầu lại đường liên kết",
  "flash.outboxRetried": "Đã đưa thư trở lại hàng đợi để gửi lại.",
  "flash.outboxRetriedAll": "Đã đưa các thư gửi không được trở lại hàng đợi để gửi lại.",
  "flash.outboxNothingRetried": "Không có thư nào được gửi lại: thư có thể đã được gửi lại rồi, hoặc không gửi lại được.",

  "bounce.title": "Thư không đến được địa chỉ này",
  "bounce.signup":
    "Máy chủ thư của {email} đã từ chối thư xác nhận của chúng tôi, nên thư không đến được. Kiểm tra lại địa chỉ: nếu gõ sai, hãy đăng ký lại với địa chỉ đúng. Nếu địa chỉ đúng, hãy hỏi người quản trị thư của địa chỉ đó, hoặc đăng ký bằng một địa chỉ khác.",
  "bounce.reset":
    "Máy chủ thư của {email} đã từ chối thư đặt lại mật khẩu, nên thư không đến được. Nếu địa chỉ này không còn nhận thư, hãy liên hệ bộ phận hỗ trợ của cổng để đổi địa chỉ của tài khoản.",
  "bounce.login":
    "Tài khoản chưa được xác nhận, và máy chủ thư của {email} đã từ chối thư xác nhận trước của chúng tôi. Chúng tôi vừa thử gửi lại. Nếu địa chỉ này sai hoặc không nhận thư, hãy đăng ký lại với một địa chỉ đúng.",
  "bounce.checkAgain": "Trang này sẽ cho biết nếu thư không đến được địa chỉ. Chưa nhận được thư sau vài phút? Tải lại trang để kiểm tra.",
  "bounce.checkAgain.link": "Kiểm tra lại",
  "forgot.notReceived":
    "Chưa nhận được thư sau 15 phút? Kiểm tra thư mục thư rác, và kiểm tra rằng đây đúng là địa chỉ bạn đã đăng ký. Nếu địa chỉ này không còn nhận thư, hãy liên hệ bộ phận hỗ trợ của cổng.",
};

export const en: EnglishOf<typeof vi> = {
  "nav.outbox": "Outgoing email",
  "admin.outbox.title": "Outgoing email",
  "admin.outbox.lead":
    "Email the portal sends: address confirmations, password resets, invitations, notices about applications. A message that could not be sent is retried automatically for 26 hours. A message the recipient's mail server refused, or still not sent after 26 hours, is listed under “Failed”.",
  "admin.outbox.stats": "Queue",
  "admin.outbox.pendingCount": "Waiting to be sent",
  "admin.outbox.failedCount": "Failed",
  "admin.outbox.oldest": "Oldest waiting message",
  "admin.outbox.oldest.none": "No message is waiting",
  "admin.outbox.age.seconds#one": "{count} second",
  "admin.outbox.age.seconds#other": "{count} seconds",
  "admin.outbox.age.minutes#one": "{count} minute",
  "admin.outbox.age.minutes#other": "{count} minutes",
  "admin.outbox.age.hours#one": "{count} hour",
  "admin.outbox.age.hours#other": "{count} hours",
  "admin.outbox.pending.title": "Waiting to be sent",
  "admin.outbox.pending.none": "No message is waiting to be sent.",
  "admin.outbox.failed.title": "Failed",
  "admin.outbox.failed.none": "No message has failed.",
  "admin.outbox.shown": "Showing the first {shown} of {total}.",
  "admin.outbox.col.to": "Recipient",
  "admin.outbox.col.template": "Kind of email",
  "admin.outbox.col.attempts": "Attempts",
  "admin.outbox.col.lastError": "Last error",
  "admin.outbox.col.next": "Next attempt",
  "admin.outbox.col.created": "Created",
  "admin.outbox.col.actions": "Actions",
  "admin.outbox.sendingNow": "Being sent",
  "admin.outbox.retry": "Retry",
  "admin.outbox.retryAll": "Retry all failed messages",
  "admin.outbox.retryAll.hint":
    "A message with a secret link (password reset, address confirmation, invitation) cannot be sent again: its link was removed from the message. The recipient has to ask again.",
  "admin.outbox.notRetryable": "Cannot be sent again: the recipient has to ask for a new link",
  "flash.outboxRetried": "The message is back in the queue.",
  "flash.outboxRetriedAll": "The failed messages are back in the queue.",
  "flash.outboxNothingRetried": "No message was queued again: it may have been retried already, or it cannot be sent again.",

  "bounce.title": "The email did not reach this address",
  "bounce.signup":
    "The mail server of {email} refused our confirmation email, so it was not delivered. Check the address: if it was mistyped, sign up again with the right one. If it is right, ask whoever runs that mailbox, or sign up with another address.",
  "bounce.reset":
    "The mail server of {email} refused the password reset email, so it was not delivered. If this address no longer receives email, contact the portal's support to change the address of the account.",
  "bounce.login":
    "This account is not confirmed yet, and the mail server of {email} refused our last confirmation email. We have just tried again. If the address is wrong or does not receive email, sign up again with a working address.",
  "bounce.checkAgain": "This page tells you if the email could not be delivered. No email after a few minutes? Reload the page to check.",
  "bounce.checkAgain.link": "Check again",
  "forgot.notReceived":
    "No email after 15 minutes? Check your spam folder, and check that this is the address you registered with. If the address no longer receives email, contact the portal's support.",
};
