import { config } from "./config.server.ts";

/** The developer mailbox exists only when mail is not really sent, and never in a production deployment. */
export function requireDevMailbox(): void {
  if (!config().devMailbox) throw new Response("Not Found", { status: 404 });
}
