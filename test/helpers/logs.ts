import { Writable } from "node:stream";
import { logger, setLogDestination } from "~/platform/ops/logger.server.ts";

export interface LogLine {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

export interface CapturedLogs {
  /** Everything written so far, as the raw text an operator's log collector would get. */
  text(): string;
  lines(): LogLine[];
  stop(): void;
}

/** Sends the process logger's lines to memory, at debug level, until stop(). */
export function captureLogs(): CapturedLogs {
  const chunks: string[] = [];
  const log = logger();
  const level = log.level;
  log.level = "debug";
  setLogDestination(
    new Writable({
      write(chunk: Buffer | string, _enc, done) {
        chunks.push(String(chunk));
        done();
      },
    }),
  );
  return {
    text: () => chunks.join(""),
    lines: () =>
      chunks
        .join("")
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => JSON.parse(l) as LogLine),
    stop() {
      setLogDestination(null);
      log.level = level;
    },
  };
}
