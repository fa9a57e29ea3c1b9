/** The forms of the review page, by the intent each posts; review-route.server.ts has one handler per intent. */
export const REVIEW_INTENTS = ["take", "declare_conflict", "release", "assign", "verdict", "note", "request_changes", "reject", "forward", "return", "recognise", "verify_enterprise"] as const;

export type ReviewIntent = (typeof REVIEW_INTENTS)[number];

export function isReviewIntent(value: string | undefined): value is ReviewIntent {
  return (REVIEW_INTENTS as readonly string[]).includes(value ?? "");
}
