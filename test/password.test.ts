import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEMO_PASSWORD } from "~/seeds/demo.server.ts";
import { isCommonPassword, passwordProblem } from "~/features/account/password.server.ts";

describe("the common-password check", () => {
  test("refuses Vietnamese and portal-specific passwords and their usual variations", () => {
    const refused = [
      "matkhau123",
      "MatKhau@2026",
      "Mật khẩu 123",
      "mậtkhẩu!!",
      "m@tkh@u2026",
      "nentangso",
      "NenTangSo2026!",
      "Nền tảng số 2026",
      "nentangsoquocgia",
      DEMO_PASSWORD,
      "Demo-NenTangSo-2027",
      "demo_nentangso_2026!",
      "123456a@",
      "123456A@",
      "vietnam@123",
      "VietNam1975",
      "Việt Nam vô địch",
      "BoKhoaHocVaCongNghe",
      "Bộ KH&CN 2026",
      "btttt2026",
      "chuyendoiso@2025",
      "anhyeuem123",
      "hanoi2026",
      "HoChiMinh@1975",
      "quantrivien",
      "admin@123",
      "password2026",
      "p@ssw0rd!",
      "12345678",
    ];
    for (const password of refused) assert.equal(passwordProblem(password), "common", password);
  });

  test("accepts passphrases, even ones that contain a common word", () => {
    const accepted = ["đây là mật khẩu", "correct horse battery", "Tre xanh bên bờ ao 1987", "gió mùa đông bắc về sớm", "e2e-9f3a1c22b0d4-Tre-Xanh"];
    for (const password of accepted) assert.equal(isCommonPassword(password), false, password);
  });
});
