-- ============================================================================
-- Audit: the append-only audit log and its triggers: functions, trigger functions and views.
--
-- Repeatable: Flyway runs this file again whenever it changes, so every
-- statement here can run twice (create or replace, grants, comments).
-- Tables, types and policies of the area are in V0006__audit.sql.
-- ============================================================================

-- Keys whose values never enter the audit trail.
create or replace function app.audit_redact(p_row jsonb) returns jsonb
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
create or replace function app.audit_row() returns trigger
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
-- the owner makes the audited tables' partitions, and a partition gets the
-- parent's triggers only if the owner may execute their function
grant execute on function app.audit_row() to careledger_owner;
alter function app.audit_row() owner to careledger_definer;

-- Reads of protected health information, recorded by the app (e.g. a health card viewed).
create or replace function app.record_phi_read(p_table text, p_row_key jsonb, p_facility uuid, p_what text)
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
grant execute on function app.record_phi_read(text, jsonb, uuid, text) to careledger_app, careledger_patient;
alter function app.record_phi_read(text, jsonb, uuid, text) owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Triggers of this area's functions (create or replace: re-run with the file).
-- ----------------------------------------------------------------------------

-- ----------------------------------------------------------------------------
-- The critical tables of the areas before this one; later areas attach the trigger to theirs.
-- ----------------------------------------------------------------------------
create or replace trigger audit after insert or update or delete on facilities
  for each row execute function app.audit_row('id');

create or replace trigger audit after insert or update or delete on users
  for each row execute function app.audit_row('id');

create or replace trigger audit after insert or update or delete on staff
  for each row execute function app.audit_row('id');

create or replace trigger audit after insert or update or delete on facility_configurations
  for each row execute function app.audit_row('facility_id', 'effective_from');

create or replace trigger audit after insert or update or delete on facility_method_rates
  for each row execute function app.audit_row('facility_id', 'effective_from', 'method');

create or replace trigger audit after insert or update or delete on facility_staff_permissions
  for each row execute function app.audit_row('facility_id', 'kind', 'permission');

create or replace trigger audit after insert or update or delete on patients
  for each row execute function app.audit_row('id');

create or replace trigger audit after insert or update or delete on services
  for each row execute function app.audit_row('id');

create or replace trigger audit after insert or update or delete on appointments
  for each row execute function app.audit_row('id', 'starts_on');

create or replace trigger audit after insert or update or delete on appointment_notes
  for each row execute function app.audit_row('id', '-body');

create or replace trigger audit after insert or update or delete on health_cards
  for each row execute function app.audit_row('id');

create or replace trigger audit after insert or update or delete on health_card_clinical
  for each row execute function app.audit_row('card_id', '-blood_group', '-medical_history', '-allergies',
                                               '-chronic_conditions');

create or replace trigger audit after insert or update or delete on health_card_pins
  for each row execute function app.audit_row('card_id');

create or replace trigger audit after insert or update or delete on national_ids
  for each row execute function app.audit_row('card_id', 'kind');

create or replace trigger audit after insert or update or delete on products
  for each row execute function app.audit_row('id');

create or replace trigger audit after insert or update or delete on bills
  for each row execute function app.audit_row('id');

create or replace trigger audit after insert or update or delete on bill_items
  for each row execute function app.audit_row('id');

create or replace trigger audit after insert or update or delete on document_counters
  for each row execute function app.audit_row('facility_id', 'document_kind', 'financial_year');

create or replace trigger audit after insert or update or delete on payments
  for each row execute function app.audit_row('id');

create or replace trigger audit after insert or update or delete on cashier_shifts
  for each row execute function app.audit_row('id');

create or replace trigger audit after insert or update or delete on cash_collections
  for each row execute function app.audit_row('id');

create or replace trigger audit after insert or update or delete on payment_refunds
  for each row execute function app.audit_row('id');

create or replace trigger audit after insert or update or delete on cash_refunds
  for each row execute function app.audit_row('id');

create or replace trigger audit after insert or update or delete on settlements
  for each row execute function app.audit_row('id');

create or replace trigger audit after insert or update or delete on settlement_allocations
  for each row execute function app.audit_row('id');

select app.register_monthly_partitions('public.audit_log', 3, 1, null);
