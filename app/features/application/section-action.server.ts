import { redirect } from "@remix-run/node";
import { ConflictError, NotEditableError, NotFoundError } from "~/platform/errors.ts";

/** Runs a section save; a section that is no longer editable (submitted meanwhile) answers 409, not 500. */
export async function saveOrRespond(save: () => Promise<void>, next: string): Promise<Response> {
  try {
    await save();
  } catch (e) {
    if (e instanceof NotFoundError) throw new Response("Not Found", { status: 404 });
    if (e instanceof NotEditableError || e instanceof ConflictError) throw new Response("Conflict", { status: 409 });
    throw e;
  }
  return redirect(next);
}
