import assert from "node:assert/strict";
import { test } from "node:test";
import { createElement } from "react";
import { renderHtml } from "~/platform/http/render-html.server.ts";

test("multi-byte characters survive every buffer boundary of the HTML stream", async () => {
  // Many short Vietnamese texts of varied byte lengths, so some 2- or 3-byte character straddles each 2 KB boundary.
  const words = Array.from({ length: 4000 }, (_, i) => "ệ".repeat(1 + (i % 3)) + "á".repeat(i % 2) + "a".repeat(i % 5));
  const page = createElement("ul", null, ...words.map((w, i) => createElement("li", { key: i }, w)));
  const bytes = new Uint8Array(await new Response(await renderHtml(page)).arrayBuffer());
  assert.equal(bytes.indexOf(0), -1, "no NUL byte");
  const html = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  assert.deepEqual([...html.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1]), words);
});
