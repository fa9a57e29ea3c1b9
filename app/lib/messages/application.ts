export const vi = {
  "email.enterpriseInvite.subject": "Lời mời tham gia doanh nghiệp {enterprise}",
  "email.enterpriseInvite.body": "Xin chào,\n\n{inviter} mời bạn cùng quản lý hồ sơ của {enterprise} trên Cổng đăng ký Nền tảng số quốc gia. Mở đường liên kết sau (có hiệu lực trong 7 ngày); nếu chưa có tài khoản, hãy đăng ký bằng chính địa chỉ thư này:",
};

export const en: Record<keyof typeof vi, string> = {
  "email.enterpriseInvite.subject": "Invitation to join {enterprise}",
  "email.enterpriseInvite.body": "Hello,\n\n{inviter} has invited you to manage the applications of {enterprise} on the National Digital Platforms Registration Portal. Open this link (it works for 7 days); if you have no account yet, sign up with this same email address:",
};
