import type { Kysely, Transaction } from "kysely";
import type { Database } from "~/lib/db-types.ts";

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

export async function recordAudit(trx: Kysely<Database> | Transaction<Database>, e: AuditInput): Promise<void> {
  await trx
    .insertInto("audit_events")
    .values({
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
