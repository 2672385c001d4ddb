-- ============================================================================
-- Audit trail. One generic trigger writes a row for every insert, update and
-- delete on the critical tables: which table and row, old and new values with
-- secrets redacted, the actor (the signed-in user, or the database role when
-- nobody is signed in, e.g. a migration), the tenant, the transaction id and
-- the time. The app also records reads of protected health information through
-- app.record_phi_read(). Nobody the app connects as can change or remove an
-- audit row: the app role has no privilege on the table at all (the trigger
-- function writes with definer rights), and a trigger refuses update and
-- delete even to the owner. Old months leave only by detaching a partition.
--
-- Partitioned by month of occurred_at (IST bounds). Rows of platform-level
-- tables (users without a facility, the permission catalogue) have no
-- facility_id; only the super admin sees those.
-- ============================================================================

create table audit_log (
  id              bigint generated always as identity,
  occurred_at     timestamptz not null default clock_timestamp(),
  facility_id     uuid,
  actor_user_id   uuid,
  actor_role      text not null,
  table_name      text not null,
  operation       text not null check (operation in ('INSERT', 'UPDATE', 'DELETE', 'READ')),
  row_key         jsonb not null,
  old_values      jsonb,
  new_values      jsonb,
  transaction_id  xid8 not null default pg_current_xact_id(),
  primary key (id, occurred_at)
) partition by range (occurred_at);

create table audit_log_default partition of audit_log default;

create index audit_log_facility_idx on audit_log (facility_id, occurred_at);
create index audit_log_row_idx on audit_log using gin (row_key jsonb_path_ops);
create index audit_log_occurred_at_brin on audit_log using brin (occurred_at);

alter table audit_log enable row level security;
alter table audit_log force row level security;
alter table audit_log_default enable row level security;
alter table audit_log_default force row level security;

comment on table audit_log is 'Who changed or read what, when: written by app.audit_row() and app.record_phi_read(), never changed.';
comment on column audit_log.actor_role is 'The signed-in user''s role, or the database role when no user is signed in.';
comment on column audit_log.row_key is 'Primary key of the audited row, as JSON.';
comment on column audit_log.transaction_id is 'Transaction that made the change: rows of one transaction belong together.';

-- Keys whose values never enter the audit trail.
create function app.audit_redact(p_row jsonb) returns jsonb
language sql immutable parallel safe
set search_path = pg_catalog, pg_temp
as $$
  select coalesce(jsonb_object_agg(key,
           case when key ~ '(password|pin|secret|token|ciphertext|_hash$|_hmac$|national_id|account_number)'
                then to_jsonb('[redacted]'::text) else value end), '{}'::jsonb)
  from jsonb_each(p_row)
$$;

-- The generic audit trigger. Its arguments name the primary-key columns, and
-- columns whose values stay out of the log, prefixed with '-' (clinical text,
-- which the facility admins who read the log may not read).
create function app.audit_row() returns trigger
language plpgsql security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_old jsonb := case when tg_op in ('UPDATE', 'DELETE') then to_jsonb(old) end;
  v_new jsonb := case when tg_op in ('INSERT', 'UPDATE') then to_jsonb(new) end;
  v_row jsonb := coalesce(v_new, v_old);
  v_key jsonb := '{}'::jsonb;
  v_column text;
  v_hidden text[] := '{}';
  v_user uuid := app.current_user_id();
begin
  foreach v_column in array tg_argv loop
    if left(v_column, 1) = '-' then
      v_hidden := v_hidden || substr(v_column, 2);
    else
      v_key := v_key || jsonb_build_object(v_column, v_row -> v_column);
    end if;
  end loop;
  if tg_op = 'UPDATE' and v_old = v_new then
    return null;
  end if;
  -- hidden columns show that they changed, not what they hold
  foreach v_column in array v_hidden loop
    v_old := case when v_old ? v_column then jsonb_set(v_old, array[v_column], '"[clinical]"') end;
    v_new := case when v_new ? v_column then jsonb_set(v_new, array[v_column], '"[clinical]"') end;
  end loop;
  insert into public.audit_log (facility_id, actor_user_id, actor_role, table_name, operation, row_key,
                                old_values, new_values)
  values (coalesce((v_row ->> 'facility_id')::uuid, case when tg_table_name = 'facilities' then (v_row ->> 'id')::uuid end),
          v_user,
          coalesce(app.current_user_role()::text, session_user::text),
          tg_table_name, tg_op, v_key, app.audit_redact(v_old), app.audit_redact(v_new));
  return null;
end
$$;
revoke all on function app.audit_row() from public;
alter function app.audit_row() owner to careledger_definer;

-- Reads of protected health information, recorded by the app (e.g. a health card viewed).
create function app.record_phi_read(p_table text, p_row_key jsonb, p_facility uuid, p_what text)
returns void
language plpgsql security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  if app.current_user_id() is null then
    raise exception 'a read is recorded for a signed-in user' using errcode = 'insufficient_privilege';
  end if;
  insert into public.audit_log (facility_id, actor_user_id, actor_role, table_name, operation, row_key, new_values)
  values (p_facility, app.current_user_id(), app.current_user_role()::text, p_table, 'READ', p_row_key,
          jsonb_build_object('what', p_what));
end
$$;
revoke all on function app.record_phi_read(text, jsonb, uuid, text) from public;
grant execute on function app.record_phi_read(text, jsonb, uuid, text) to careledger_app;
alter function app.record_phi_read(text, jsonb, uuid, text) owner to careledger_definer;

-- Audit rows are never changed, not even by the owner.
create trigger audit_log_is_append_only
  before update or delete on audit_log
  for each row execute function app.refuse_change();

-- Only the definer role writes (through the functions above); the app reads under RLS.
grant select on audit_log to careledger_app;
grant select, insert on audit_log to careledger_definer;

create policy "Audit rows are visible to their facility admins and super admin" on audit_log
  for select using (facility_id = any ((select app.administered_facilities())::uuid[])
                    or (facility_id is null and (select app.current_user_role()) = 'super_admin'));

-- ----------------------------------------------------------------------------
-- The critical tables so far; later migrations attach the trigger to theirs.
-- ----------------------------------------------------------------------------
create trigger audit after insert or update or delete on facilities
  for each row execute function app.audit_row('id');
create trigger audit after insert or update or delete on users
  for each row execute function app.audit_row('id');
create trigger audit after insert or update or delete on staff
  for each row execute function app.audit_row('id');
create trigger audit after insert or update or delete on facility_configurations
  for each row execute function app.audit_row('facility_id', 'effective_from');
create trigger audit after insert or update or delete on facility_method_rates
  for each row execute function app.audit_row('facility_id', 'effective_from', 'method');
create trigger audit after insert or update or delete on facility_staff_permissions
  for each row execute function app.audit_row('facility_id', 'kind', 'permission');
create trigger audit after insert or update or delete on patients
  for each row execute function app.audit_row('id');
