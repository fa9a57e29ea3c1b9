import pino, { type Logger } from "pino";

const KEY = Symbol.for("nentangso.logger");
type G = typeof globalThis & { [KEY]?: Logger };

export function logger(): Logger {
  const g = globalThis as G;
  g[KEY] ??= pino({
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
    base: { service: "nentangso-portal" },
    redact: ["req.headers.cookie", "password", "*.password"],
  });
  return g[KEY];
}
