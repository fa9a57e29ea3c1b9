

import { type MissingItem } from "./completeness.server.ts";

/** The enterprise already has an application under review or recognised for this platform address. */
export class PlatformTakenError extends Error {
  constructor(public holder: { id: string; reference: string | null; platform_name: string } | null) {
    super("The enterprise already has an active application for this platform");
  }
}
export class IncompleteError extends Error {
  constructor(public missing: MissingItem[]) {
    super("The application is incomplete");
  }
}
