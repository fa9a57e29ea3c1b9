import { sql, type Kysely } from "kysely";

/*
 * Data versions for the response cache (docs/decisions/025-response-cache-and-data-versions.md): one counter per
 * province ('province:79'), one for the public catalogue ('catalogue') and one for everything ('global'). A cached
 * page is keyed by the counters it depends on, so a change makes the pages it can alter unreachable at once.
 *
 * The counters are bumped by triggers on the tables those pages show, in the transaction that changes them: no
 * command (a transition, an assignment, a verdict, a note, the deadline job, an enterprise verification, an admin's
 * edit, or a command written next year) can forget it. An UPDATE of a counter row waits for an uncommitted bump of
 * the same row, so a reader never sees a new version before the change it stands for is committed.
 * The bumps are ordinary (not deferred) triggers: they take their row locks during the transaction, so the audit
 * chain's head stays the last lock a transaction takes (migration 2026-12-02T1000_audit_chain).
 */
/** One trigger per event: a trigger with transition tables may have only one. */
function statementTriggers(table: string, fn: string): string[] {
  return [
    `create trigger ${table}_data_versions_insert after insert on ${table}
      referencing new table as new_rows for each statement execute function ${fn}()`,
    `create trigger ${table}_data_versions_update after update on ${table}
      referencing old table as old_rows new table as new_rows for each statement execute function ${fn}()`,
    `create trigger ${table}_data_versions_delete after delete on ${table}
      referencing old table as old_rows for each statement execute function ${fn}()`,
  ];
}

const statements = [
  `create table data_versions (
      scope text primary key,
      version bigint not null default 0
    )`,
  // Scopes in a fixed order (sorted, nulls dropped, each once): two transactions bumping the same rows lock them in the same order.
  `create function bump_data_versions(scopes text[]) returns void language plpgsql as $$
      declare s text;
      begin
        for s in select distinct x from unnest(scopes) as x where x is not null order by x loop
          insert into data_versions as d (scope, version) values (s, 1)
            on conflict (scope) do update set version = d.version + 1;
        end loop;
      end;
    $$`,
  `create function province_scope(code text) returns text language sql immutable as $$
      select case when code is null then null else 'province:' || code end
    $$`,
  // The triggers below work per statement on transition tables (old_rows, new_rows): a bulk update of 100,000
  // applications bumps each counter once, not 100,000 times. PostgreSQL allows one event per such trigger.
  // An application: its province (before and after a move); the catalogue and the statistics when its status changes
  // or it is, or was, listed (a draft created or deleted is neither).
  `create function data_versions_applications() returns trigger language plpgsql as $$
      declare
        listed text[] := array['recognised', 'revoked', 'withdrawn'];
        scopes text[];
        catalogue boolean;
      begin
        if tg_op = 'INSERT' then
          scopes := array(select distinct province_scope(province_code) from new_rows);
          catalogue := exists (select 1 from new_rows where status <> 'draft');
        elsif tg_op = 'DELETE' then
          scopes := array(select distinct province_scope(province_code) from old_rows);
          catalogue := exists (select 1 from old_rows where status <> 'draft');
        else
          scopes := array(select province_scope(province_code) from old_rows union select province_scope(province_code) from new_rows);
          catalogue := exists (select 1 from old_rows o join new_rows n on n.id = o.id
            where o.status is distinct from n.status or o.status = any(listed) or n.status = any(listed));
        end if;
        perform bump_data_versions(scopes || (case when catalogue then 'catalogue' end)::text);
        return null;
      end;
    $$`,
  ...statementTriggers("applications", "data_versions_applications"),
  // Rows that belong to an application: the application's province.
  `create function data_versions_of_application() returns trigger language plpgsql as $$
      declare
        ids uuid[];
      begin
        if tg_table_name = 'change_request_items' then
          if tg_op = 'DELETE' then
            ids := array(select c.application_id from change_requests c where c.id in (select change_request_id from old_rows));
          else
            ids := array(select c.application_id from change_requests c where c.id in (select change_request_id from new_rows));
          end if;
        elsif tg_op = 'DELETE' then
          ids := array(select distinct application_id from old_rows);
        else
          ids := array(select distinct application_id from new_rows);
        end if;
        perform bump_data_versions(array(select province_scope(a.province_code) from applications a where a.id = any(ids)));
        return null;
      end;
    $$`,
  ...["application_versions", "attachments", "change_requests", "change_request_items", "criterion_verdicts", "internal_notes"].flatMap((t) =>
    statementTriggers(t, "data_versions_of_application"),
  ),
  // An enterprise is shown on its province's pages, on the pages of the province deciding its verification, and in the catalogue.
  `create function data_versions_enterprises() returns trigger language plpgsql as $$
      declare
        scopes text[];
      begin
        if tg_op = 'DELETE' then
          scopes := array(select province_scope(province_code) from old_rows union select province_scope(verification_province_code) from old_rows);
        elsif tg_op = 'INSERT' then
          scopes := array(select province_scope(province_code) from new_rows union select province_scope(verification_province_code) from new_rows);
        else
          scopes := array(select province_scope(province_code) from old_rows union select province_scope(verification_province_code) from old_rows
            union select province_scope(province_code) from new_rows union select province_scope(verification_province_code) from new_rows);
        end if;
        perform bump_data_versions(scopes || 'catalogue'::text);
        return null;
      end;
    $$`,
  ...statementTriggers("enterprises", "data_versions_enterprises"),
  // Rows of an enterprise (documents, members) and tax-code disputes: the provinces of the enterprises involved.
  `create function data_versions_of_enterprise() returns trigger language plpgsql as $$
      declare
        ids uuid[];
        scopes text[] := array[]::text[];
      begin
        if tg_table_name = 'tax_code_disputes' then
          if tg_op = 'DELETE' then
            ids := array(select claimant_enterprise_id from old_rows union select holder_enterprise_id from old_rows);
            scopes := array(select province_scope(province_code) from old_rows);
          else
            ids := array(select claimant_enterprise_id from new_rows union select holder_enterprise_id from new_rows);
            scopes := array(select province_scope(province_code) from new_rows);
          end if;
        elsif tg_op = 'DELETE' then
          ids := array(select distinct enterprise_id from old_rows);
        else
          ids := array(select distinct enterprise_id from new_rows);
        end if;
        perform bump_data_versions(scopes || array(
          select province_scope(e.province_code) from enterprises e where e.id = any(ids)
          union select province_scope(e.verification_province_code) from enterprises e where e.id = any(ids)));
        return null;
      end;
    $$`,
  ...["enterprise_documents", "enterprise_members", "tax_code_disputes"].flatMap((t) => statementTriggers(t, "data_versions_of_enterprise")),
  // A person's name, role, province or status (assignee names, the colleagues one may assign to, who submitted):
  // a reviewer's province; for an enterprise's member, the provinces of their enterprises; anyone else (ministry,
  // admin) is on every province's pages: global. A password change or a sign-in does not touch these columns.
  `create function data_versions_users() returns trigger language plpgsql as $$
      declare
        r record;
      begin
        if tg_op = 'DELETE' then r := old; else r := new; end if;
        if r.role = 'enterprise' then
          perform bump_data_versions(array(
            select province_scope(e.province_code) from enterprise_members m join enterprises e on e.id = m.enterprise_id where m.user_id = r.id));
        elsif r.province_code is not null or (tg_op = 'UPDATE' and old.province_code is not null) then
          perform bump_data_versions(array[province_scope(r.province_code), case when tg_op = 'UPDATE' then province_scope(old.province_code) end]);
        else
          perform bump_data_versions(array['global']);
        end if;
        return null;
      end;
    $$`,
  `create trigger users_data_versions after insert or delete or update of name, email, role, province_code, status on users
      for each row execute function data_versions_users()`,
  // Every state change records an audit event with its province; the review page and the statistics read them.
  `create function data_versions_audit() returns trigger language plpgsql as $$
      begin
        perform bump_data_versions(array(select distinct province_scope(province_code) from new_rows));
        return null;
      end;
    $$`,
  `create trigger audit_events_data_versions after insert on audit_events
      referencing new table as new_rows for each statement execute function data_versions_audit()`,
  // Reference data and settings (criteria, provinces, sectors, deadlines' working days): every page.
  `create function data_versions_global() returns trigger language plpgsql as $$
      begin
        perform bump_data_versions(array['global']);
        return null;
      end;
    $$`,
  ...["settings", "provinces", "old_provinces", "sectors", "pillars", "ownership_types", "criteria_sets", "criteria_groups", "criteria_items"].map(
    (t) => `create trigger ${t}_data_versions after insert or update or delete or truncate on ${t}
      for each statement execute function data_versions_global()`,
  ),
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
