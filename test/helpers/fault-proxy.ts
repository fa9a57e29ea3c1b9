import net, { type AddressInfo, type Socket } from "node:net";

/**
 * A TCP proxy in the test process between the portal and PostgreSQL, to inject network faults:
 * cut() resets every connection (and each new one until heal()), as a PostgreSQL restart or a broken link does;
 * stall() stops forwarding in both directions and holds new connections, as a hung server or a dead route does.
 */
export interface FaultProxy {
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  via(url: string): string;
  cut(): void;
  stall(): void;
  heal(): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream?: Socket;
  /** Bytes held while stalled (or before the upstream connection exists), per direction, in order. */
  toUpstream: Buffer[];
  toClient: Buffer[];
}

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  let mode: "pass" | "cut" | "stall" = "pass";
  const pairs = new Set<Pair>();

  const flush = (p: Pair) => {
    if (!p.upstream) return;
    for (const b of p.toUpstream.splice(0)) p.upstream.write(b);
    for (const b of p.toClient.splice(0)) p.client.write(b);
  };
  const drop = (p: Pair) => {
    pairs.delete(p);
    p.client.destroy();
    p.upstream?.destroy();
  };
  const connectUpstream = (p: Pair) => {
    const upstream = net.connect(target.port, target.host);
    p.upstream = upstream;
    upstream.on("error", () => drop(p));
    upstream.on("close", () => drop(p));
    upstream.on("connect", () => {
      if (mode === "pass") flush(p);
    });
    upstream.on("data", (b: Buffer) => {
      if (mode === "pass") p.client.write(b);
      else p.toClient.push(b);
    });
  };

  const server = net.createServer((client) => {
    client.on("error", () => {});
    if (mode === "cut") {
      client.resetAndDestroy();
      return;
    }
    const p: Pair = { client, toUpstream: [], toClient: [] };
    pairs.add(p);
    client.on("close", () => drop(p));
    client.on("data", (b: Buffer) => {
      if (mode === "pass" && p.upstream && !p.upstream.connecting) p.upstream.write(b);
      else p.toUpstream.push(b);
    });
    if (mode === "pass") connectUpstream(p);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    via(url) {
      const u = new URL(url);
      u.hostname = "127.0.0.1";
      u.port = String(port);
      return u.toString();
    },
    cut() {
      mode = "cut";
      for (const p of [...pairs]) {
        pairs.delete(p);
        p.client.resetAndDestroy();
        p.upstream?.resetAndDestroy();
      }
    },
    stall() {
      mode = "stall";
    },
    heal() {
      mode = "pass";
      for (const p of pairs) {
        if (p.upstream) flush(p);
        else connectUpstream(p);
      }
    },
    async close() {
      for (const p of [...pairs]) drop(p);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
