import assert from "node:assert/strict";
import { test } from "node:test";
import validation from "../db/reference/validation.json";
import { formatPhone, normaliseTaxCode, phoneToE164, taxCodeProblem } from "~/platform/forms/vn-formats.ts";

test("tax codes: the reference test vectors", () => {
  for (const code of validation.ma_so_doanh_nghiep.checksum.test_vectors_valid) assert.equal(taxCodeProblem(code), null, code);
  assert.equal(taxCodeProblem("0100233480"), "checksum");
  assert.equal(taxCodeProblem("12345"), "format");
  assert.equal(taxCodeProblem("010023348"), "format", "9 digits");
  assert.equal(taxCodeProblem("01002334AB"), "format", "letters");
  assert.equal(taxCodeProblem("0314409058-000"), "checksum", "branch suffix 000");
  assert.equal(normaliseTaxCode(" 0314 409 058 - 002 "), "0314409058-002");
  assert.equal(normaliseTaxCode("0314409058002"), "0314409058-002");
});

test("phones: mobile and landline to E.164", () => {
  assert.equal(phoneToE164("0912 345 678"), "+84912345678");
  assert.equal(phoneToE164("+84 912.345.678"), "+84912345678");
  assert.equal(phoneToE164("024 3825 1234"), "+842438251234");
  for (const bad of ["0123456789", "091234567", "+1 555 0100", "abc", "0912345678901", ""]) assert.equal(phoneToE164(bad), null, bad);
  assert.equal(formatPhone("+84912345678"), "0912 345 678");
});
