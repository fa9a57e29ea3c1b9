import { redirect } from "@remix-run/node";
import { answerDomainError } from "~/platform/http/domain-errors.server.ts";

/** Runs a section save; a section that is no longer editable (submitted meanwhile) answers 409, not 500. */
export async function saveOrRespond(save: () => Promise<void>, next: string): Promise<Response> {
  try {
    await save();
  } catch (e) {
    answerDomainError(e);
  }
  return redirect(next);
}
