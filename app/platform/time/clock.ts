/**
 * The portal's clock. Deadlines, tokens, sessions, second-factor codes and statistics read the time here, never
 * `new Date()`, so a test can pin it (`setClock`) and check what happens after 12 hours or 10 working days without
 * waiting. Durations measured on the machine (timeouts, elapsed times) keep using the monotonic clock.
 *
 * The source lives on globalThis: the HTTP tests run the compiled Remix build, which carries its own copy of this
 * module, and both copies must read the same clock.
 */
const KEY = Symbol.for("nentangso.clock");
type Holder = { [KEY]?: () => number };
const holder = globalThis as Holder;

export function nowMs(): number {
  return holder[KEY]?.() ?? Date.now();
}

export function now(): Date {
  return new Date(nowMs());
}

/** Tests only: pins the clock to `at` (a Date, or a function for a moving clock); `null` restores the real one. */
export function setClock(at: Date | (() => Date) | null): void {
  if (at === null) delete holder[KEY];
  else if (at instanceof Date) holder[KEY] = () => at.getTime();
  else holder[KEY] = () => at().getTime();
}
