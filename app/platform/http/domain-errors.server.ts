import { ConflictError, ForbiddenTransitionError, NotEditableError, NotFoundError } from "~/platform/errors.ts";

/**
 * What a page answers in place of the generic response, for the domain errors it shows on the page itself (the
 * "changed meanwhile" notice, "no longer editable"). Returning undefined keeps the generic response.
 */
export interface DomainAnswers<T> {
  conflict?: (e: ConflictError) => T | undefined;
  notEditable?: (e: NotEditableError) => T | undefined;
}

/** The response every route gives for a platform domain error (app/platform/errors.ts), or null for any other error. */
export function domainErrorResponse(e: unknown): Response | null {
  if (e instanceof NotFoundError) return new Response("Not Found", { status: 404 });
  if (e instanceof ForbiddenTransitionError) return new Response("Forbidden", { status: 403 });
  if (e instanceof ConflictError || e instanceof NotEditableError) return new Response("Conflict", { status: 409 });
  return null;
}

/**
 * The end of a route's catch block, after the feature's own errors (those that become a field message): the page's
 * answer for a conflict or a record no longer editable when it has one; otherwise the generic response is thrown
 * (NotFoundError → 404, ForbiddenTransitionError → 403, ConflictError and NotEditableError → 409); any other error is
 * rethrown as it is (→ 500).
 */
export function answerDomainError<T = never>(e: unknown, answers: DomainAnswers<T> = {}): T {
  const answer = e instanceof ConflictError ? answers.conflict?.(e) : e instanceof NotEditableError ? answers.notEditable?.(e) : undefined;
  if (answer !== undefined) return answer;
  throw domainErrorResponse(e) ?? e;
}
