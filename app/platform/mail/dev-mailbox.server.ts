import type { AppLoadContext } from "@remix-run/node";
import type { Config } from "~/platform/config.server.ts";

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 (what a dual-stack socket reports). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) || address === "::1";
}

/**
 * The developer mailbox shows reset and invitation links, so it is served only in demo mode without SMTP, and only to
 * a visitor on this machine: the TCP peer must be loopback (a header cannot fake that), and behind trusted proxies the
 * address they report must be loopback as well (a proxy on this machine makes every peer loopback).
 */
export function devMailboxAllowed(c: Pick<Config, "devMailbox" | "TRUST_PROXY">, socketAddress: string | undefined, clientIp: string | undefined): boolean {
  return c.devMailbox && isLoopbackAddress(socketAddress) && (c.TRUST_PROXY === 0 || isLoopbackAddress(clientIp));
}

export function requireDevMailbox(context: AppLoadContext): void {
  if (context.devMailbox !== true) throw new Response("Not Found", { status: 404 });
}
