import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { createElement, lazy, Suspense } from "react";
import { inlineScriptHashes, renderHtml } from "~/platform/http/render-html.server.ts";

test("multi-byte characters survive every buffer boundary of the HTML stream", async () => {
  // Many short Vietnamese texts of varied byte lengths, so some 2- or 3-byte character straddles each 2 KB boundary.
  const words = Array.from({ length: 4000 }, (_, i) => "ệ".repeat(1 + (i % 3)) + "á".repeat(i % 2) + "a".repeat(i % 5));
  const page = createElement("ul", null, ...words.map((w, i) => createElement("li", { key: i }, w)));
  const bytes = await renderHtml(page);
  assert.equal(bytes.indexOf(0), -1, "no NUL byte");
  const html = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  assert.deepEqual([...html.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1]), words);
});

test("the document is whole: a Suspense boundary that resolves later is in the buffer, without a fallback or swap script", async () => {
  const Later = lazy(() => new Promise<{ default: () => ReturnType<typeof createElement> }>((resolve) => setImmediate(() => resolve({ default: () => createElement("p", null, "Đã tải xong") }))));
  const page = createElement("main", null, createElement(Suspense, { fallback: createElement("p", null, "Đang tải") }, createElement(Later)));
  const html = new TextDecoder().decode(await renderHtml(page));
  assert.ok(html.includes("<p>Đã tải xong</p>"), html);
  assert.ok(!html.includes("Đang tải"), "no fallback");
  assert.ok(!html.includes("<script"), "no client-side swap");
});

test("an error inside a boundary is reported (the response becomes a 500); a failing shell rejects", async () => {
  const errors: unknown[] = [];
  const Broken = () => {
    throw new Error("boom");
  };
  await renderHtml(createElement(Suspense, { fallback: null }, createElement(Broken)), { onError: (e) => void errors.push(e) });
  assert.equal(errors.length, 1);
  await assert.rejects(renderHtml(createElement(Broken), { onError: () => {} }), /boom/);
});

test("inline script hashes: each inline script's text, once, in document order; scripts with src are not hashed", () => {
  const sha = (s: string) => `'sha256-${createHash("sha256").update(s, "utf8").digest("base64")}'`;
  const html = `<head><script src="/texts/vi.0123.js" defer=""></script><script>window.a = "ệ";</script></head>
<body><script type="module" async="">import "/build/x.js";</script><script>window.a = "ệ";</script><SCRIPT>b()</SCRIPT ></body>`;
  assert.deepEqual(inlineScriptHashes(html), [sha('window.a = "ệ";'), sha('import "/build/x.js";'), sha("b()")]);
});
