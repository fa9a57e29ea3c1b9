import type { ApplicationStatus } from "~/platform/db/db-types.ts";

/**
 * The errors features' commands throw, mapped the same way everywhere: not there or not yours → 404; another role's
 * action → 403; the record changed since the page was loaded → 409 with its current state; not editable → 409.
 */
export class NotFoundError extends Error {}
export class ConflictError extends Error {
  constructor(public current: { status: ApplicationStatus; lockVersion: number }) {
    super("The application changed since it was loaded");
  }
}
export class ForbiddenTransitionError extends Error {}
export class NotEditableError extends Error {}
