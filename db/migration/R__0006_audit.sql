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
-- which the facility admins who read the log may not read). A row of a
-- partition is logged under its partitioned table (appointments, not
-- appointments_p20261101; services, not services_h3): the name a reader looks
-- for, whichever month or hash bucket holds the row.
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
  v_table text := coalesce(pg_partition_root(tg_relid)::text, tg_table_name);
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
  values (coalesce((v_row ->> 'facility_id')::uuid, case when v_table = 'facilities' then (v_row ->> 'id')::uuid end),
          v_user,
          coalesce(app.current_user_role()::text, session_user::text),
          v_table, tg_op, v_key, app.audit_redact(v_old), app.audit_redact(v_new));
  return null;
end
$$;
revoke all on function app.audit_row() from public;
-- the owner makes the audited tables' partitions, and a partition gets the
-- parent's triggers only if the owner may execute their function
grant execute on function app.audit_row() to careledger_owner;
alter function app.audit_row() owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Reads of protected health information.
-- ----------------------------------------------------------------------------

-- A reason given for reading health information: plain text of at most 200
-- characters, given by staff (a holder reading their own record gives none).
create or replace function app.check_read_purpose(p_purpose text) returns void
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
begin
  if p_purpose is null then
    return;
  end if;
  if app.current_user_role() is not distinct from 'patient' then
    raise exception 'a reason for reading health information is given by staff, not by the patient'
      using errcode = 'check_violation';
  end if;
  if not app.is_clean_text(p_purpose, 200) then
    raise exception 'a reason for reading health information is plain text of at most 200 characters, not blank'
      using errcode = 'check_violation';
  end if;
end
$$;
revoke all on function app.check_read_purpose(text) from public;
grant execute on function app.check_read_purpose(text) to careledger_definer;
comment on function app.check_read_purpose(text) is
  'Refuses a reason for a health-information read that is not plain text of at most 200 characters, or that a patient gives.';

-- Records a read in the transaction that reads. Called only by the definer
-- functions that return health information (app.read_health_card,
-- app.read_appointment_notes, app.search_patients, app.reveal_national_id),
-- never by the app's roles: the facility is the request's tenant, the actor the
-- signed-in user and their role, and every argument is bounded, so no caller
-- writes rows of its own choosing into a facility's log. One READ row per key
-- in p_keys (at most 100): the table read, the key of the row, and in
-- new_values the fields returned, the function that returned them (via) and
-- the reason, when one was given.
create or replace function app.record_phi_read(p_via text, p_table text, p_keys jsonb, p_fields text[], p_purpose text)
returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user uuid := app.current_user_id();
begin
  if v_user is null then
    raise exception 'a read is recorded for a signed-in user' using errcode = 'insufficient_privilege';
  end if;
  perform app.check_read_purpose(p_purpose);
  if p_via is null or p_via !~ '^[a-z_][a-z0-9_.]{0,62}$' or p_table is null or p_table !~ '^[a-z_][a-z0-9_]{0,62}$' then
    raise exception 'a read is recorded under the names of a function and a table' using errcode = 'check_violation';
  end if;
  if jsonb_typeof(p_keys) is distinct from 'array' or jsonb_array_length(p_keys) > 100 or length(p_keys::text) > 20000
     or exists (select 1 from jsonb_array_elements(p_keys) k where jsonb_typeof(k) <> 'object') then
    raise exception 'a read is recorded for at most 100 row keys (objects, 20 000 characters in all)' using errcode = 'check_violation';
  end if;
  if coalesce(cardinality(p_fields), 0) not between 1 and 32
     or exists (select 1 from unnest(p_fields) f where f is null or f !~ '^[a-z_][a-z0-9_]{0,62}$') then
    raise exception 'a read is recorded with the names of the fields read (1 to 32)' using errcode = 'check_violation';
  end if;
  insert into public.audit_log (facility_id, actor_user_id, actor_role, table_name, operation, row_key, new_values)
  select app.current_tenant(), v_user, app.current_user_role()::text, p_table, 'READ', k.value,
         jsonb_build_object('via', p_via, 'fields', to_jsonb(p_fields))
           || case when p_purpose is null then '{}'::jsonb else jsonb_build_object('purpose', p_purpose) end
  from jsonb_array_elements(p_keys) k;
end
$$;
revoke all on function app.record_phi_read(text, text, jsonb, text[], text) from public;
alter function app.record_phi_read(text, text, jsonb, text[], text) owner to careledger_definer;
comment on function app.record_phi_read(text, text, jsonb, text[], text) is
  'Records reads of health information for the request''s user and tenant; only definer functions call it.';

-- ----------------------------------------------------------------------------
-- Sealing (docs/database.md, "Audit log"). A facility's chain is its audit
-- rows in (transaction_id, id) order: head_0 = audit_seal.chain_start(facility),
-- head_n = sha256(head_n-1 || audit_seal.row_text(row_n)). The hashing lives in
-- the definer's schema, where the owner can neither replace nor drop it.
-- ----------------------------------------------------------------------------
set local role careledger_definer;

create or replace function audit_seal.chain_start(p_facility uuid) returns bytea
language sql immutable parallel safe
set search_path = pg_catalog, pg_temp
as $$
  select sha256(convert_to('careledger audit chain ' || p_facility::text, 'UTF8'))
$$;
revoke all on function audit_seal.chain_start(uuid) from public;
comment on function audit_seal.chain_start(uuid) is
  'The head a facility''s chain starts from (the nil uuid: the rows without a facility).';

-- An audit row's canonical text: its columns by name in one JSON object (jsonb
-- sorts the keys), occurred_at in UTC whatever the session's time zone, the
-- JSON columns as their text (jsonb's own normal form), and null columns left
-- out, so that a column added to audit_log later, and named here, leaves the
-- rows sealed before it as they were. Every column of audit_log is named here
-- (AuditChainTest checks). No SET search_path, so that the seal's and the
-- check's queries inline it (a third faster): it calls only pg_catalog's
-- functions, which are searched first whatever the path.
create or replace function audit_seal.row_text(p_row public.audit_log) returns text
language sql stable parallel safe
as $$
  select jsonb_strip_nulls(jsonb_build_object(
           'id', p_row.id,
           'occurred_at', to_char(p_row.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'facility_id', p_row.facility_id,
           'actor_user_id', p_row.actor_user_id,
           'actor_role', p_row.actor_role,
           'table_name', p_row.table_name,
           'operation', p_row.operation,
           'row_key', p_row.row_key::text,
           'old_values', p_row.old_values::text,
           'new_values', p_row.new_values::text,
           'transaction_id', p_row.transaction_id::text))::text
$$;
revoke all on function audit_seal.row_text(public.audit_log) from public;
comment on function audit_seal.row_text(public.audit_log) is
  'The text of an audit row that the chain hashes.';

-- Appends a seal to a facility's chain: the next number, the running count.
create or replace function audit_seal.add_seal(p_facility uuid, p_below xid8, p_rows bigint, p_head bytea, p_by uuid)
returns audit_seal.seals
language sql volatile
set search_path = pg_catalog, pg_temp
as $$
  insert into audit_seal.seals (facility_id, seal_no, sealed_below, rows_sealed, rows_total, head_hash, sealed_by)
  select p_facility, coalesce(max(s.seal_no), 0) + 1, p_below, p_rows,
         coalesce(max(s.rows_total), 0) + p_rows, p_head, p_by
  from audit_seal.seals s where s.facility_id = p_facility
  returning *
$$;
revoke all on function audit_seal.add_seal(uuid, xid8, bigint, bytea, uuid) from public;
comment on function audit_seal.add_seal(uuid, xid8, bigint, bytea, uuid) is
  'Writes the next seal of a facility''s chain (app.seal_audit_log).';

reset role;

-- One sealing run: every audit row whose transaction finished below the bound
-- (the oldest transaction still running) and that no earlier run sealed, per
-- facility in (transaction_id, id) order, onto that facility's chain; one seal
-- per facility that had such rows. A transaction that started before a run and
-- commits after it holds the bound back, so its rows are sealed by a later run
-- in their place: nothing is skipped, whatever order transactions commit in.
-- Writers are never blocked: the run reads committed rows and writes only
-- seals; two runs at once do not queue, the second finds the first busy and
-- seals nothing. The audit-seal principal (the scheduled job) or the super admin.
create or replace function app.seal_audit_log()
returns table (facility_id uuid, seal_no bigint, rows_sealed bigint, rows_total bigint)
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  c_platform constant uuid := '00000000-0000-0000-0000-000000000000';
  v_user uuid := app.current_user_id();
  v_from xid8;
  v_below xid8;
  v_key uuid;
  v_hash bytea;
  v_count bigint;
  v_seal audit_seal.seals;
  r record;
begin
  if not (v_user is not distinct from '00000000-0000-4000-8000-000000000004'::uuid
          or app.current_user_role() is not distinct from 'super_admin') then
    raise exception 'only the audit seal principal or the super admin seals the audit log'
      using errcode = 'insufficient_privilege';
  end if;
  if not pg_try_advisory_xact_lock(hashtext('app.seal_audit_log')) then
    return;
  end if;
  -- every transaction below this has committed or rolled back: its rows are final
  v_below := pg_snapshot_xmin(pg_current_snapshot());
  -- every row below the last bound is sealed already
  select coalesce(max(s.sealed_below), '0'::xid8) into v_from from audit_seal.seals s;
  if v_from >= v_below then
    return;
  end if;
  -- one pass over the new rows, facility by facility in chain order; the query
  -- makes each row's text, the loop only chains (a simple expression per row)
  for r in
    select coalesce(a.facility_id, c_platform) as chain, convert_to(audit_seal.row_text(a), 'UTF8') as text
    from public.audit_log a
    where a.transaction_id >= v_from and a.transaction_id < v_below
    order by 1, a.transaction_id, a.id
  loop
    if v_key is distinct from r.chain then
      if v_key is not null then
        v_seal := audit_seal.add_seal(v_key, v_below, v_count, v_hash, v_user);
        return query select nullif(v_seal.facility_id, c_platform), v_seal.seal_no, v_seal.rows_sealed, v_seal.rows_total;
      end if;
      v_key := r.chain;
      v_count := 0;
      select s.head_hash into v_hash from audit_seal.seals s where s.facility_id = v_key order by s.seal_no desc limit 1;
      v_hash := coalesce(v_hash, audit_seal.chain_start(v_key));
    end if;
    v_hash := sha256(v_hash || r.text);
    v_count := v_count + 1;
  end loop;
  if v_key is not null then
    v_seal := audit_seal.add_seal(v_key, v_below, v_count, v_hash, v_user);
    return query select nullif(v_seal.facility_id, c_platform), v_seal.seal_no, v_seal.rows_sealed, v_seal.rows_total;
  end if;
end
$$;
revoke all on function app.seal_audit_log() from public;
grant execute on function app.seal_audit_log() to careledger_app, careledger_patient;
alter function app.seal_audit_log() owner to careledger_definer;
comment on function app.seal_audit_log() is
  'Seals the audit rows of finished transactions onto their facility''s hash chain; returns the seals written.';

-- Recomputes a facility's chain (null: the rows without a facility) from its
-- rows and compares it with every seal, one result row per seal in order.
-- Each seal is checked from the head its predecessor anchored, so a broken
-- seal does not hide or spoil the ones after it. A changed row changes the
-- head; a removed row or a cut tail leaves fewer rows than were sealed; a row
-- slipped in below a bound leaves more. Rows not sealed yet are not checked.
-- The facility's admins, the super admin (any facility, and null) and the
-- audit-seal principal.
create or replace function app.verify_audit_chain(p_facility uuid)
returns table (seal_no bigint, sealed_at timestamptz, rows_sealed bigint, rows_found bigint, verified boolean, problem text)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  c_platform constant uuid := '00000000-0000-0000-0000-000000000000';
  v_key uuid := coalesce(p_facility, c_platform);
  v_seal audit_seal.seals;
  v_text bytea;
  v_from xid8 := '0';
  v_hash bytea := audit_seal.chain_start(v_key);
  v_count bigint;
begin
  if not (app.current_user_role() is not distinct from 'super_admin'
          or app.current_user_id() is not distinct from '00000000-0000-4000-8000-000000000004'::uuid
          or (p_facility is not null and p_facility = any (app.administered_facilities()))) then
    raise exception 'a facility''s audit chain is verified by its admins or the super admin'
      using errcode = 'insufficient_privilege';
  end if;
  for v_seal in select * from audit_seal.seals s where s.facility_id = v_key order by s.seal_no loop
    v_count := 0;
    for v_text in
      select convert_to(audit_seal.row_text(a), 'UTF8') from public.audit_log a
      where (a.facility_id = p_facility or (p_facility is null and a.facility_id is null))
        and a.transaction_id >= v_from and a.transaction_id < v_seal.sealed_below
      order by a.transaction_id, a.id
    loop
      v_hash := sha256(v_hash || v_text);
      v_count := v_count + 1;
    end loop;
    seal_no := v_seal.seal_no;
    sealed_at := v_seal.sealed_at;
    rows_sealed := v_seal.rows_sealed;
    rows_found := v_count;
    verified := v_count = v_seal.rows_sealed and v_hash = v_seal.head_hash;
    problem := case when verified then null
                    when v_count < v_seal.rows_sealed
                      then format('%s of the %s rows sealed are missing', v_seal.rows_sealed - v_count, v_seal.rows_sealed)
                    when v_count > v_seal.rows_sealed
                      then format('%s rows appeared below the seal''s bound after sealing', v_count - v_seal.rows_sealed)
                    else 'a sealed row was changed' end;
    return next;
    v_hash := v_seal.head_hash;
    v_from := v_seal.sealed_below;
  end loop;
end
$$;
revoke all on function app.verify_audit_chain(uuid) from public;
grant execute on function app.verify_audit_chain(uuid) to careledger_app, careledger_patient;
alter function app.verify_audit_chain(uuid) owner to careledger_definer;
comment on function app.verify_audit_chain(uuid) is
  'Checks a facility''s sealed audit rows against their seals: one row per seal, verified or what is wrong.';

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

-- who recorded which kind of entry on which card, where, superseding what; the content reads [clinical]
create or replace trigger audit after insert or update or delete on clinical_entries
  for each row execute function app.audit_row('id', '-code', '-text', '-criticality', '-reaction', '-details');

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
