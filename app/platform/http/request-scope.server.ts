import { AsyncLocalStorage } from "node:async_hooks";

/** What the request log learns while a request runs (the signed-in user is known only once a loader looks). */
export interface RequestScope {
  requestId: string;
  userId?: string;
  /** Milliseconds spent in database queries for this request so far (noteQueryTime, from the Kysely log hook). */
  dbMs?: number;
  /** Milliseconds spent turning the result into bytes: the React render of a document, the encoding of a data response. */
  renderMs?: number;
}

const STORE = Symbol.for("nentangso.request-scope");
type G = typeof globalThis & { [STORE]?: AsyncLocalStorage<RequestScope> };

/** One store for server.ts and the Remix build, which bundles its own copy of this module. */
export function requestScopes(): AsyncLocalStorage<RequestScope> {
  const g = globalThis as G;
  return (g[STORE] ??= new AsyncLocalStorage<RequestScope>());
}

/** Called where a session resolves to a signed-in user (app/features/account/auth.server.ts): the request's log line names them. */
export function noteSignedInUser(userId: string): void {
  const scope = requestScopes().getStore();
  if (scope) scope.userId = userId;
}

export function currentRequestScope(): RequestScope | undefined {
  return requestScopes().getStore();
}

/** Called by the database client after each query (db.server.ts): adds to the request's `db` time (Server-Timing). */
export function noteQueryTime(ms: number): void {
  const scope = requestScopes().getStore();
  if (scope) scope.dbMs = (scope.dbMs ?? 0) + ms;
}

/** Called by entry.server.tsx once a document or data response is whole: the request's `render` time (Server-Timing). */
export function noteRenderTime(ms: number): void {
  const scope = requestScopes().getStore();
  if (scope) scope.renderMs = (scope.renderMs ?? 0) + ms;
}

/** The Server-Timing header value of a request: `db` and, once known, `render`, in milliseconds. */
export function serverTiming(scope: RequestScope): string {
  const parts = [`db;dur=${(scope.dbMs ?? 0).toFixed(1)}`];
  if (scope.renderMs !== undefined) parts.push(`render;dur=${scope.renderMs.toFixed(1)}`);
  return parts.join(", ");
}
