import assert from "node:assert/strict";
import { test } from "node:test";
import { ConflictError, ForbiddenTransitionError, NotEditableError, NotFoundError } from "~/platform/errors.ts";
import { answerDomainError } from "~/platform/http/domain-errors.server.ts";

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (e) {
    return e;
  }
  assert.fail("nothing was thrown");
}

const conflict = () => new ConflictError({ status: "submitted", lockVersion: 3 });

test("the generic domain errors become the same thrown responses on every route", async () => {
  const cases: [Error, number, string][] = [
    [new NotFoundError(), 404, "Not Found"],
    [new ForbiddenTransitionError(), 403, "Forbidden"],
    [conflict(), 409, "Conflict"],
    [new NotEditableError(), 409, "Conflict"],
  ];
  for (const [error, status, text] of cases) {
    const response = thrown(() => answerDomainError(error));
    assert.ok(response instanceof Response, error.constructor.name);
    assert.equal(response.status, status);
    assert.equal(await response.text(), text);
  }
});

test("a page's own answer for a conflict or a record no longer editable is returned; undefined keeps the generic one", () => {
  assert.equal(answerDomainError(conflict(), { conflict: (e) => `now ${e.current.status}` }), "now submitted");
  assert.equal(answerDomainError(new NotEditableError(), { notEditable: () => "notice" }), "notice");
  assert.equal((thrown(() => answerDomainError(conflict(), { conflict: () => undefined })) as Response).status, 409);
  // An answer for one error is not used for another.
  assert.equal((thrown(() => answerDomainError(new NotFoundError(), { conflict: () => "x", notEditable: () => "y" })) as Response).status, 404);
});

test("any other error is rethrown as it is", () => {
  const other = new Error("boom");
  assert.equal(thrown(() => answerDomainError(other, { conflict: () => "x" })), other);
});
