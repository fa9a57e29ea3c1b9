import type { Application, User } from "~/platform/db/db-types.ts";
import { requireRole } from "~/features/account/auth.server.ts";
import { getApplicationForMember } from "./queries.server.ts";
import { getMembership, type Membership } from "~/features/account/membership.server.ts";

/** The signed-in enterprise user and their enterprise; 404 for anyone else's application, so ids reveal nothing. */
export async function requireMemberApplication(
  request: Request,
  applicationId: string | undefined,
): Promise<{ user: User; app: Application }> {
  const user = await requireRole(request, "enterprise");
  const app = applicationId ? await getApplicationForMember(user, applicationId) : undefined;
  if (!app) throw new Response("Not Found", { status: 404 });
  return { user, app };
}

/** Enterprise users must create (or join) their enterprise profile before anything else. */
export async function requireMembership(request: Request): Promise<{ user: User; membership: Membership }> {
  const user = await requireRole(request, "enterprise");
  const membership = await getMembership(user.id);
  if (!membership) {
    const { redirect } = await import("@remix-run/node");
    throw redirect("/enterprise");
  }
  return { user, membership };
}
