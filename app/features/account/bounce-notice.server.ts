import { trustedDeviceFor } from "./auth.server.ts";
import { db } from "~/platform/db/db.server.ts";
import { SIGNUP_TEMPLATES } from "./account.server.ts";
import { deliveryState, lastEmailBounced } from "~/platform/mail/outbox.server.ts";

/**
 * Whether a person may be told that their account email bounced, without the page telling anyone whether an
 * address has an account (docs/decisions/017):
 *
 * - sign-up sends one email to the address whether or not it has an account (a confirmation, or a notice to the
 *   existing account), so the bounce of the message on the receipt says nothing about accounts;
 * - a reset for an address without an account sends nothing, so its bounce would prove the account exists: it is
 *   shown only to a browser that has signed in as that address before (its device cookie), which knows already;
 * - at sign-in the password proves it, so an unconfirmed account is told its last confirmation bounced.
 */
export async function signupEmailBounced(email: string | null, receipt: string | null): Promise<boolean> {
  if (!email || !receipt) return false;
  return (await deliveryState(db(), receipt, email, SIGNUP_TEMPLATES)) === "failed";
}

export async function resetEmailBounced(request: Request, email: string | null, receipt: string | null): Promise<boolean> {
  if (!email || !receipt || !(await trustedDeviceFor(request, email))) return false;
  return (await deliveryState(db(), receipt, email, ["reset_password"])) === "failed";
}

/** For a sign-in whose password was right: the latest confirmation email to this account bounced. */
export function confirmationBounced(userId: string): Promise<boolean> {
  return lastEmailBounced(db(), userId, "verify_email");
}
