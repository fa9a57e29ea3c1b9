import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";

declare const __PORTAL_COMPILED__: boolean | undefined;

/** True in build/server.js, build/worker.js and build/migrate.js (scripts/build.ts defines it); false under tsx. */
export const COMPILED = typeof __PORTAL_COMPILED__ !== "undefined" && __PORTAL_COMPILED__;

/**
 * A file of the build: next to the compiled code that asks (which is itself in build/), or build/… under the project
 * directory when the TypeScript sources run through tsx.
 */
export function buildFile(name: string): string {
  return COMPILED ? fileURLToPath(new URL(`./${name}`, import.meta.url)) : path.resolve("build", name);
}

export async function loadRemixBuild(): Promise<ServerBuild> {
  return (await import(pathToFileURL(buildFile("index.js")).href)) as ServerBuild;
}
