import { createHash } from "node:crypto";
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "./db-types.ts";
import { now as clockNow } from "~/platform/time/clock.ts";

export interface AuditInput {
  actorUserId: string | null;
  actorRole: string | null;
  provinceCode?: string | null;
  action: string;
  entityType: string;
  entityId: string;
  fromState?: string | null;
  toState?: string | null;
  reason?: string | null;
  data?: Record<string, unknown>;
  requestId?: string | null;
}

/**
 * Appends one event. Its time is the portal's clock (app/platform/time/clock.ts), as every other time a rule reads:
 * the staff statistics measure steps between these times, and a test that pins the clock gets the times it set.
 */
export async function recordAudit(trx: Kysely<Database> | Transaction<Database>, e: AuditInput): Promise<void> {
  await trx
    .insertInto("audit_events")
    .values({
      created_at: clockNow(),
      actor_user_id: e.actorUserId,
      actor_role: e.actorRole,
      province_code: e.provinceCode ?? null,
      action: e.action,
      entity_type: e.entityType,
      entity_id: e.entityId,
      from_state: e.fromState ?? null,
      to_state: e.toState ?? null,
      reason: e.reason ?? null,
      data: e.data ? JSON.stringify(e.data) : null,
      request_id: e.requestId ?? null,
    })
    .execute();
}

export function listAuditForEntity(db: Kysely<Database>, entityType: string, entityId: string) {
  return db
    .selectFrom("audit_events")
    .selectAll()
    .where("entity_type", "=", entityType)
    .where("entity_id", "=", entityId)
    .orderBy("id")
    .execute();
}

export const AUDIT_CHAIN_GENESIS = "0".repeat(64);

/** One field of the canonical form: "~" for null, else its UTF-8 length, ":" and the text (as audit_field() in SQL). */
function canonicalField(value: string | null): string {
  return value === null ? "~" : `${Buffer.byteLength(value, "utf8")}:${value}`;
}

/** The hash of a chain link, computed here independently of the SQL that wrote it. */
export function auditLinkHash(prevHash: string, fields: readonly (string | null)[]): string {
  return createHash("sha256").update(`${prevHash}|${fields.map(canonicalField).join("")}`, "utf8").digest("hex");
}

/** What broke, for a reader that words it in its own language (`problem` is the English of the command line). */
export type AuditChainProblem = "head_missing" | "link_missing" | "link_replaced" | "event_deleted" | "event_changed" | "anchor_changed" | "links_cut" | "anchor_missing" | "outside_chain";

export type AuditChainReport =
  | { ok: true; events: number; head: { seq: number; hash: string } }
  | { ok: false; events: number; seq: number | null; eventId: number | null; kind: AuditChainProblem; problem: string };

function chainBatch(db: Kysely<Database>, afterSeq: number, upToSeq: number, size: number) {
  return db
    .selectFrom("audit_chain as c")
    .leftJoin("audit_events as e", "e.id", "c.event_id")
    .select([
      "c.seq",
      "c.event_id",
      "c.prev_hash",
      "c.hash",
      // The text forms the SQL canonical form uses; the hashing itself is redone below.
      sql<string | null>`e.id::text`.as("id"),
      sql<string | null>`to_char(e.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as("created"),
      sql<string | null>`e.actor_user_id::text`.as("actor_user_id"),
      "e.actor_role",
      "e.province_code",
      "e.action",
      "e.entity_type",
      "e.entity_id",
      "e.from_state",
      "e.to_state",
      "e.reason",
      sql<string | null>`e.data::text`.as("data"),
      "e.request_id",
    ])
    .where("c.seq", ">", afterSeq)
    .where("c.seq", "<=", upToSeq)
    .orderBy("c.seq")
    .limit(size)
    .execute();
}

/**
 * Walks the audit hash chain from its first link and reports the first broken one: a changed or deleted event, a
 * missing or replaced link, links cut from the end, an event recorded outside the chain, or (with `anchor`, a link's
 * hash noted down earlier outside the database) a chain rewritten from some point on.
 */
export async function verifyAuditChain(
  db: Kysely<Database>,
  opts: { anchor?: { seq: number; hash: string }; batchSize?: number } = {},
): Promise<AuditChainReport> {
  const head = await db.selectFrom("audit_chain_head").select(["seq", "hash"]).executeTakeFirst();
  if (!head) return { ok: false, events: 0, seq: null, eventId: null, kind: "head_missing", problem: "the chain head row is missing" };
  let prevSeq = 0;
  let prevHash = AUDIT_CHAIN_GENESIS;
  let anchorSeen = false;
  const broken = (seq: number | null, eventId: number | null, kind: AuditChainProblem, problem: string): AuditChainReport => ({ ok: false, events: prevSeq, seq, eventId, kind, problem });
  for (;;) {
    const rows = await chainBatch(db, prevSeq, head.seq, opts.batchSize ?? 1000);
    for (const r of rows) {
      if (r.seq !== prevSeq + 1) return broken(prevSeq + 1, null, "link_missing", `link ${prevSeq + 1} is missing (the chain jumps from ${prevSeq} to ${r.seq})`);
      if (r.prev_hash !== prevHash) return broken(r.seq, r.event_id, "link_replaced", `link ${r.seq} does not continue link ${prevSeq}: a link was replaced`);
      if (r.id === null) return broken(r.seq, r.event_id, "event_deleted", `event ${r.event_id} (link ${r.seq}) was deleted`);
      const fields = [String(r.seq), r.id, r.created, r.actor_user_id, r.actor_role, r.province_code, r.action, r.entity_type, r.entity_id, r.from_state, r.to_state, r.reason, r.data, r.request_id];
      if (auditLinkHash(prevHash, fields) !== r.hash)
        return broken(r.seq, r.event_id, "event_changed", `event ${r.event_id} (link ${r.seq}) was changed after it was recorded: its content no longer matches its hash`);
      if (opts.anchor && r.seq === opts.anchor.seq) {
        if (r.hash !== opts.anchor.hash) return broken(r.seq, r.event_id, "anchor_changed", `link ${r.seq} no longer has the hash noted earlier: the chain was rewritten`);
        anchorSeen = true;
      }
      prevSeq = r.seq;
      prevHash = r.hash;
    }
    if (rows.length === 0) break;
  }
  if (prevSeq !== head.seq || prevHash !== head.hash)
    return broken(prevSeq + 1, null, "links_cut", `the chain ends at link ${prevSeq} but its head records link ${head.seq}: links were removed from the end`);
  if (opts.anchor && !anchorSeen) return broken(opts.anchor.seq, null, "anchor_missing", `link ${opts.anchor.seq}, noted earlier, is no longer in the chain`);
  const outside = await db
    .selectFrom("audit_events as e")
    .select("e.id")
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom("audit_chain as c").select("c.seq").whereRef("c.event_id", "=", "e.id"))))
    .orderBy("e.id")
    .executeTakeFirst();
  if (outside) return broken(null, outside.id, "outside_chain", `event ${outside.id} is not in the chain (recorded while the chain trigger was disabled)`);
  return { ok: true, events: prevSeq, head };
}
