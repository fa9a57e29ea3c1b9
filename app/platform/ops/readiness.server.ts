/** /readyz answers within this, whatever the database does: a load balancer's probe must not hang. */
export const READINESS_TIMEOUT_MS = 1_000;

export class DeadlineExceeded extends Error {}

/**
 * `check` with an answer deadline. Probes share the check already running, so a stalled database holds one
 * connection for the probe, not one per probe until the query timeout.
 */
export function deadlineProbe<T>(check: () => Promise<T>, timeoutMs = READINESS_TIMEOUT_MS): () => Promise<T> {
  let running: Promise<T> | undefined;
  return () => {
    const current = (running ??= check().finally(() => {
      running = undefined;
    }));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeadlineExceeded(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([current, deadline]).finally(() => clearTimeout(timer));
  };
}

/** Whether the process is shutting down: /readyz says so at once, so a load balancer stops sending it requests. */
export interface Lifecycle {
  readonly draining: boolean;
}
