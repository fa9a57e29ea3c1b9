import { sql, type Kysely } from "kysely";

/*
 * A hash chain over audit_events (docs/decisions/007-audit-roles-and-hash-chain.md). Each event gets one audit_chain
 * row: its position, the previous link's hash and sha256(previous hash | canonical content). The link is written by
 * a deferred constraint trigger, i.e. at COMMIT, after everything else the transaction locked: the chain head lock is
 * always the last lock a transaction takes, so it cannot close a deadlock cycle with row locks taken earlier.
 * The functions run as the owner (SECURITY DEFINER): the runtime role has no privilege on the chain tables.
 * app/platform/db/audit.server.ts recomputes the same canonical form in TypeScript to verify (npm run audit:verify).
 */
const GENESIS = "0".repeat(64);

const statements = (schema: string) => {
  const path = `set search_path = pg_catalog, ${schema}`;
  return [
    `
    create table audit_chain (
        seq bigint primary key check (seq > 0),
        event_id int not null unique references audit_events (id),
        prev_hash text not null check (prev_hash ~ '^[0-9a-f]{64}$'),
        hash text not null check (hash ~ '^[0-9a-f]{64}$')
      )
    `,
    `
    create table audit_chain_head (
        singleton boolean primary key default true check (singleton),
        seq bigint not null,
        hash text not null
      )
    `,
    `insert into audit_chain_head (seq, hash) values (0, '${GENESIS}')`,
    // Length-prefixed fields ("5:hello", "~" for null): no separator inside a value can make two events look alike.
    `
    create function audit_field(v text) returns text language sql immutable ${path} as $$
        select case when v is null then '~' else octet_length(convert_to(v, 'UTF8'))::text || ':' || v end
      $$
    `,
    `
    create function audit_event_canonical(e audit_events, seq bigint) returns text language sql stable ${path} as $$
        select audit_field(seq::text) || audit_field(e.id::text)
          || audit_field(to_char(e.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
          || audit_field(e.actor_user_id::text) || audit_field(e.actor_role) || audit_field(e.province_code)
          || audit_field(e.action) || audit_field(e.entity_type) || audit_field(e.entity_id)
          || audit_field(e.from_state) || audit_field(e.to_state) || audit_field(e.reason)
          || audit_field(e.data::text) || audit_field(e.request_id)
      $$
    `,
    `
    create function audit_chain_append(e audit_events) returns void language plpgsql security definer ${path} as $$
      declare
        head audit_chain_head;
        next_seq bigint;
        next_hash text;
      begin
        select * into strict head from audit_chain_head for update;
        next_seq := head.seq + 1;
        next_hash := encode(sha256(convert_to(head.hash || '|' || audit_event_canonical(e, next_seq), 'UTF8')), 'hex');
        insert into audit_chain (seq, event_id, prev_hash, hash) values (next_seq, e.id, head.hash, next_hash);
        update audit_chain_head set seq = next_seq, hash = next_hash;
      end;
      $$
    `,
    `revoke execute on function audit_chain_append(audit_events) from public`,
    `
    create function audit_chain_seal() returns trigger language plpgsql security definer ${path} as $$
      begin
        perform audit_chain_append(new);
        return null;
      end;
      $$
    `,
    `
    create constraint trigger audit_events_chain after insert on audit_events
        deferrable initially deferred for each row execute function audit_chain_seal()
    `,
    `
    create function audit_append_only() returns trigger language plpgsql as $$
      begin
        raise exception '% is append-only', tg_table_name;
      end;
      $$
    `,
    `
    create trigger audit_chain_no_update before update or delete on audit_chain
        for each row execute function audit_append_only()
    `,
    `
    create trigger audit_chain_no_truncate before truncate on audit_chain
        for each statement execute function audit_append_only()
    `,
    `
    do $$
      declare
        e audit_events;
      begin
        for e in select * from audit_events order by id loop
          perform audit_chain_append(e);
        end loop;
      end;
      $$
    `,
  ];
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const { rows } = await sql<{ schema: string }>`select quote_ident(current_schema()) as schema`.execute(db);
  for (const statement of statements(rows[0]!.schema)) await sql.raw(statement).execute(db);
}
