/**
 * `npm run test:unit [files…]`: the node:test files, each in its own process (its own database), a few at a time,
 * the longest first. Node's own `--test` runs files in name order, so a slow file that sorts last (the fuzz) ran alone
 * at the end while a core idled; here each file's time in the last run (.cache/unit-times.json, or on a fresh clone
 * test/unit-times.json) orders the next run, and a new file counts as the slowest until it has a time. A passing file
 * prints one line; a failing one prints its whole report. UNIT_CONCURRENCY sets how many run at once (default 2).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const TIMES_FILE = path.resolve(".cache/unit-times.json");
// The times of a run on the CI machine, committed so a fresh clone starts in a good order too.
const SEED_TIMES_FILE = path.resolve("test/unit-times.json");
const concurrency = Math.max(1, Number(process.env.UNIT_CONCURRENCY ?? 2));

const files = (process.argv.length > 2 ? process.argv.slice(2) : fs.readdirSync("test").filter((f) => f.endsWith(".test.ts")).map((f) => `test/${f}`)).map(
  (f) => path.relative(process.cwd(), path.resolve(f)),
);

function readTimes(file: string): Record<string, number> {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, number>;
  } catch {
    return {};
  }
}

const previous = { ...readTimes(SEED_TIMES_FILE), ...readTimes(TIMES_FILE) };
const queue = [...files].sort((a, b) => (previous[b] ?? Infinity) - (previous[a] ?? Infinity) || a.localeCompare(b));

interface Outcome {
  file: string;
  ok: boolean;
  seconds: number;
  counts: string;
}

function summaryOf(output: string): string {
  const count = (name: string) => output.match(new RegExp(`^[ℹ#] ${name} (\\d+)`, "m"))?.[1] ?? "?";
  const skipped = count("skipped");
  return `${count("pass")} passed${skipped !== "0" && skipped !== "?" ? `, ${skipped} skipped` : ""}`;
}

function runFile(file: string): Promise<Outcome> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", file], {
      env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "silent", NODE_ENV: "test", FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (output += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (output += s));
    child.on("close", (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const ok = code === 0;
      if (ok) console.log(`✔ ${file} — ${summaryOf(output)} (${seconds.toFixed(1)} s)`);
      else console.log(`✖ ${file} failed (exit ${code}, ${seconds.toFixed(1)} s):\n${output.trimEnd()}\n`);
      resolve({ file, ok, seconds, counts: summaryOf(output) });
    });
  });
}

const started = process.hrtime.bigint();
const outcomes: Outcome[] = [];
async function worker(): Promise<void> {
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) outcomes.push(await runFile(file));
}
await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));

const times = { ...previous };
for (const o of outcomes) times[o.file] = Math.round(o.seconds * 10) / 10;
fs.mkdirSync(path.dirname(TIMES_FILE), { recursive: true });
fs.writeFileSync(TIMES_FILE, JSON.stringify(times, null, 2) + "\n");

const failed = outcomes.filter((o) => !o.ok);
const total = (Number(process.hrtime.bigint() - started) / 1e9).toFixed(0);
console.log(
  failed.length === 0
    ? `\n${outcomes.length} test files passed in ${total} s`
    : `\n${failed.length} of ${outcomes.length} test files failed in ${total} s: ${failed.map((o) => o.file).join(", ")}`,
);
process.exit(failed.length === 0 ? 0 : 1);
