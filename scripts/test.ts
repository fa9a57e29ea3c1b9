/**
 * `npm test`: the whole suite in two stages; the parts of a stage run side by side.
 *   1. typecheck, lint and build (the build is what the HTTP and browser tests serve);
 *   2. the unit and integration tests (scripts/test-unit.ts, two files at a time, longest first) and the browser
 *      tests (Playwright, two workers).
 * The browser tests mostly wait (about 0.7 of a core over their run), the unit tests leave a core idle now and then:
 * side by side they fill the two cores. The browser tests wait on what a user sees, never on a clock, so the unit
 * tests' load slows them but does not fail them. Every line is prefixed with its part; the exit code is 1 if any
 * part failed, and the summary says which, with each part's time.
 */
import { spawn } from "node:child_process";

interface Part {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
}

const STAGES: Part[][] = [
  [
    { name: "typecheck", command: "npx", args: ["tsc", "--noEmit"] },
    { name: "lint", command: "npx", args: ["eslint", "."] },
    { name: "build", command: "npx", args: ["tsx", "scripts/build.ts"] },
  ],
  [
    { name: "unit", command: "npx", args: ["tsx", "scripts/test-unit.ts"] },
    { name: "e2e", command: "npx", args: ["playwright", "test"] },
  ],
];

function run(part: Part): Promise<{ part: Part; code: number; seconds: number }> {
  const started = process.hrtime.bigint();
  const width = Math.max(...STAGES.flat().map((p) => p.name.length));
  const prefix = `[${part.name.padEnd(width)}] `;
  return new Promise((resolve) => {
    const child = spawn(part.command, part.args, { env: { ...process.env, ...part.env, FORCE_COLOR: "0" }, stdio: ["ignore", "pipe", "pipe"] });
    const forward = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream) => {
      let rest = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        const lines = (rest + chunk).split("\n");
        rest = lines.pop() ?? "";
        for (const line of lines) out.write(prefix + line + "\n");
      });
      stream.on("end", () => rest && out.write(prefix + rest + "\n"));
    };
    forward(child.stdout, process.stdout);
    forward(child.stderr, process.stderr);
    child.on("close", (code) => resolve({ part, code: code ?? 1, seconds: Number(process.hrtime.bigint() - started) / 1e9 }));
  });
}

const failed: string[] = [];
const timings: string[] = [];
for (const stage of STAGES) {
  const results = await Promise.all(stage.map(run));
  for (const r of results) {
    timings.push(`${r.part.name} ${r.seconds.toFixed(0)} s${r.code === 0 ? "" : " (failed)"}`);
    if (r.code !== 0) failed.push(r.part.name);
  }
  if (failed.length > 0) break;
}
console.log(`\n${failed.length === 0 ? "All tests passed" : `FAILED: ${failed.join(", ")}`} — ${timings.join(", ")}`);
process.exit(failed.length === 0 ? 0 : 1);
