// Texts of the page frame: error pages for every status, the compact menu on small screens.
export const vi = {
  "error.badRequest.title": "Yêu cầu không hợp lệ",
  "error.badRequest.body": "Hệ thống không xử lý được yêu cầu này. Hãy quay lại trang trước, kiểm tra thông tin rồi thử lại.",
  "error.methodNotAllowed.title": "Thao tác không được hỗ trợ",
  "error.methodNotAllowed.body": "Trang này không nhận thao tác vừa gửi. Hãy mở trang từ đường liên kết hoặc nút bấm trên cổng.",
  "error.conflict.title": "Nội dung đã thay đổi",
  "error.conflict.body": "Nội dung này vừa được thay đổi hoặc không còn được sửa ở trạng thái hiện tại. Hãy tải lại trang để xem thông tin mới nhất.",
  "error.gone.title": "Trang không còn nữa",
  "error.gone.body": "Nội dung tại địa chỉ này đã bị gỡ bỏ.",
  "error.tooLarge.title": "Dữ liệu gửi lên quá lớn",
  "error.tooLarge.body": "Dữ liệu gửi lên vượt quá giới hạn cho phép. Hãy gửi tệp nhỏ hơn hoặc ít tệp hơn.",
  "error.tooMany.body": "Có quá nhiều yêu cầu trong thời gian ngắn. Vui lòng đợi vài phút rồi thử lại.",
  "nav.menu": "Menu",
};

export const en: Record<keyof typeof vi, string> = {
  "error.badRequest.title": "The request was not valid",
  "error.badRequest.body": "The service could not handle this request. Go back, check the information and try again.",
  "error.methodNotAllowed.title": "This action is not available here",
  "error.methodNotAllowed.body": "This page does not accept what was sent. Open it from a link or button on the portal.",
  "error.conflict.title": "The information has changed",
  "error.conflict.body": "This was changed a moment ago, or it can no longer be changed in its current state. Reload the page to see the latest information.",
  "error.gone.title": "This page is no longer available",
  "error.gone.body": "What was at this address has been removed.",
  "error.tooLarge.title": "What you sent is too large",
  "error.tooLarge.body": "What you sent is over the size limit. Send a smaller file or fewer files.",
  "error.tooMany.body": "There were too many requests in a short time. Wait a few minutes and try again.",
  "nav.menu": "Menu",
};
