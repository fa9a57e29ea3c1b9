/** A phase's memory: resident memory before and after (each after a GC) and its peak, from /proc (Linux). */
import fs from "node:fs";
import { log } from "./process.ts";

const MIB = 1024 * 1024;

function procStatusKb(field: "VmRSS" | "VmHWM"): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync("/proc/self/status", "utf8"));
  return match ? Number(match[1]) : Number.NaN;
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

export interface Memory {
  beforeMb: number;
  peakMb: number;
  afterMb: number;
  /** Sampled every 20 ms (between queries: PGlite runs on this thread): the JS heap, and memory outside it (Buffers, PGlite's WASM memory). */
  heapMb: number;
  externalMb: number;
}

/** RSS after a GC, then the kernel's peak RSS during `fn` (VmHWM reset first), then RSS after a GC. */
export async function measure<T>(fn: () => Promise<T>): Promise<{ value: T; memory: Memory; ms: number }> {
  collect();
  const beforeMb = procStatusKb("VmRSS") / 1024;
  let resettable = true;
  try {
    fs.writeFileSync("/proc/self/clear_refs", "5");
  } catch {
    resettable = false; // not Linux, or not allowed: VmHWM is then the peak since the process started
  }
  let heap = 0;
  let external = 0;
  const sample = () => {
    const m = process.memoryUsage();
    heap = Math.max(heap, m.heapUsed);
    external = Math.max(external, m.external);
  };
  const sampler = setInterval(sample, 20);
  const started = performance.now();
  let value: T;
  try {
    value = await fn();
  } finally {
    clearInterval(sampler);
  }
  sample();
  const ms = performance.now() - started;
  const peakMb = procStatusKb("VmHWM") / 1024;
  collect();
  const afterMb = procStatusKb("VmRSS") / 1024;
  if (!resettable) log("(VmHWM could not be reset: the peak column is the peak since the process started)");
  return { value, memory: { beforeMb, peakMb, afterMb, heapMb: heap / MIB, externalMb: external / MIB }, ms };
}
