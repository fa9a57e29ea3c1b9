import pino, { type Logger } from "pino";

/**
 * Import first: every logger() of the portal (server code and the Remix build) then writes its JSON records here,
 * for tests that check what an operator would read. Nothing is printed.
 */
export const logged: Record<string, unknown>[] = [];

const KEY = Symbol.for("nentangso.logger");
(globalThis as typeof globalThis & { [KEY]?: Logger })[KEY] = pino(
  { level: "debug", base: { service: "nentangso-portal" } },
  { write: (line: string) => void logged.push(JSON.parse(line) as Record<string, unknown>) },
);
