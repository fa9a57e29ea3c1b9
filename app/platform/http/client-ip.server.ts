import type { IncomingMessage } from "node:http";

/**
 * The client's address as Express's `req.ip` gives it with `trust proxy` set to a number of hops (TRUST_PROXY): the
 * socket's address, then the X-Forwarded-For entries from the right, trusting `hops` of them (proxy-addr's rule). For
 * code that runs before Express has seen the request (the response cache's early answer, decision 029).
 * test/response-cache-early.test.ts checks it against Express.
 */
export function forwardedClientIp(req: Pick<IncomingMessage, "headers" | "socket">, hops: number): string | undefined {
  const addrs: (string | undefined)[] = [req.socket.remoteAddress, ...forwardedFor(headerValue(req.headers["x-forwarded-for"]))];
  // proxy-addr: walk from the socket inward while the address is trusted (index < hops); the last one reached is the client.
  let last = 0;
  while (last < addrs.length - 1 && last < hops) last++;
  return addrs[last];
}

function headerValue(v: string | string[] | undefined): string {
  return Array.isArray(v) ? v.join(",") : (v ?? "");
}

/** X-Forwarded-For's entries, nearest proxy first (the parse of the `forwarded` package: commas, spaces trimmed). */
function forwardedFor(header: string): string[] {
  const list: string[] = [];
  let end = header.length;
  let start = header.length;
  for (let i = header.length - 1; i >= 0; i--) {
    const c = header.charCodeAt(i);
    if (c === 0x20) {
      if (start === end) start = end = i;
    } else if (c === 0x2c) {
      if (start !== end) list.push(header.substring(start, end));
      start = end = i;
    } else start = i;
  }
  if (start !== end) list.push(header.substring(start, end));
  return list;
}
