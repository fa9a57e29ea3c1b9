import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isRouteErrorResponse } from "@remix-run/react";
import { z } from "zod";
import { translator } from "~/platform/i18n/i18n.server.ts";
import { cleanText, field, isIsoDate, isUuid, isWebUrl, parseSearchParams, searchTerm } from "~/platform/forms/input.server.ts";
import { parseQueueCursor } from "~/features/review/queues.server.ts";

const t = translator("vi");
const parse = <S extends z.ZodType>(schema: S, value: unknown) => schema.safeParse(value);

describe("the shared field parsers", () => {
  test("text is NFC and trimmed; its length is counted after composing", () => {
    const nfd = "  Nguyễn Thị Hường  ".normalize("NFD");
    const r = parse(field.text(t, "Tên", { max: 16, singleLine: true }), nfd);
    assert.ok(r.success);
    assert.equal(r.data, "Nguyễn Thị Hường");
    assert.equal(cleanText(nfd), "Nguyễn Thị Hường");
  });

  test("control characters are refused in form text, line breaks where a field is single-line", () => {
    const name = field.text(t, "Tên", { max: 100, singleLine: true });
    for (const bad of ["a\u0000b", "a\u0007", "a\u007f", "a\u0085b", "a\u009b", "a\nb"]) assert.equal(parse(name, bad).success, false, JSON.stringify(bad));
    assert.equal(parse(field.text(t, "Mô tả", { max: 100 }), "dòng 1\r\ndòng 2\ttab").success, true);
    assert.equal(parse(name, undefined).success, false, "required by default");
    assert.deepEqual(parse(field.text(t, "Tên", { max: 5, required: false }), undefined), { success: true, data: "" });
  });

  test("search queries are never refused: control characters become spaces", () => {
    assert.equal(searchTerm("An\u0000Bình\u0007"), "An Bình");
    assert.equal(searchTerm("ha noi".normalize("NFD")), "ha noi");
    assert.equal(searchTerm("x".repeat(500)).length, 100);
    assert.equal(parse(field.search(), undefined).data, "");
  });

  test("ids, dates and addresses have one strict definition", () => {
    assert.equal(isUuid("7c9e6679-7425-40de-944b-e07fc1f90ae7"), true);
    for (const bad of ["------------------------------------", "7c9e6679742540de944be07fc1f90ae7", "7c9e6679-7425-40de-944b-e07fc1f90ae7 ", "zc9e6679-7425-40de-944b-e07fc1f90ae7"])
      assert.equal(isUuid(bad), false, bad);
    assert.equal(isIsoDate("2028-02-29"), true);
    assert.equal(isIsoDate("2026-02-29"), false);
    assert.equal(isIsoDate("0000-01-01"), false);
    assert.equal(isWebUrl("https://nentang.example.vn/a?b=c"), true);
    for (const bad of ["javascript:alert(1)", "https://user:pass@x.vn", "https://localhost", "https://a b.vn", "https://x.vn/\u0000"]) assert.equal(isWebUrl(bad), false, bad);
  });

  test("an optional uuid field refuses anything that is not one (it once let them through with an empty message)", () => {
    const assignee = field.uuid("Not a user id", { required: false });
    assert.equal(parse(assignee, "").success, true);
    assert.equal(parse(assignee, "%".repeat(40)).success, false);
    assert.equal(parse(assignee, "------------------------------------").success, false);
    assert.equal(parse(field.uuid("", { required: false }), "nope").success, false, "even with an empty message");
  });

  test("phones and tax codes are stored normalised", () => {
    assert.deepEqual(parse(field.phone(t, "Điện thoại"), "0912 345 678"), { success: true, data: "+84912345678" });
    const taxCode = field.taxCode({ required: "r", format: "f", checksum: "c" });
    assert.deepEqual(parse(taxCode, " 0314409058 – 002 "), { success: true, data: "0314409058-002" });
    assert.equal(parse(taxCode, "0100233480").error?.issues[0]?.message, "c");
  });
});

describe("query strings", () => {
  test("parseSearchParams answers 400 naming the bad parameters instead of throwing", () => {
    const schema = z.object({ q: field.search(), after: z.string().optional().refine((v) => !v || parseQueueCursor(v) !== null) });
    assert.deepEqual(parseSearchParams(new Request("http://x/review?q=a%00b&q=second"), schema), { q: "a b" });
    try {
      parseSearchParams(new Request("http://x/review?after=garbage"), schema);
      assert.fail("should have thrown");
    } catch (e) {
      const status = isRouteErrorResponse(e) ? e.status : (e as { init?: { status?: number } }).init?.status;
      assert.equal(status, 400);
      assert.deepEqual((e as { data: unknown }).data, { invalidParams: ["after"] });
    }
  });

  test("a queue cursor is accepted only exactly as the queue writes it", () => {
    const id = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    const real = Buffer.from(`2026-02-13T09:00:00.123456Z|${id}`).toString("base64url");
    assert.deepEqual(parseQueueCursor(real), { due: "2026-02-13T09:00:00.123456Z", id });
    const forged = [
      "1|------------------------------------",
      `2026-02-30T09:00:00.123456Z|${id}`,
      `2026-02-13T24:00:00.123456Z|${id}`,
      `0000-01-01T00:00:00.000000Z|${id}`,
      `2026-02-13T09:00:00Z|${id}`,
      `2026-02-13T09:00:00.123456Z|${id}|x`,
    ].map((s) => Buffer.from(s).toString("base64url"));
    for (const c of [...forged, "garbage!", `${real}=`, "", "x".repeat(300)]) assert.equal(parseQueueCursor(c), null, c);
  });
});
