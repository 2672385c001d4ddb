-- ============================================================================
-- Tenancy and roles: facilities, users, their configuration and onboarding: functions, trigger functions and views.
--
-- Repeatable: Flyway runs this file again whenever it changes, so every
-- statement here can run twice (create or replace, grants, comments).
-- Tables, types and policies of the area are in V0001__tenancy_and_roles.sql.
-- ============================================================================

-- History is never changed or removed (configuration versions here, audit rows later).
create or replace function app.refuse_change() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  raise exception '% rows are never %: they are history', tg_table_name,
    case tg_op when 'UPDATE' then 'updated' else 'deleted' end
    using errcode = 'integrity_constraint_violation';
end
$$;

-- A new version may start now or later, never in the past (that would reprice history). The one exception
-- reprices nothing: a facility's first version, while no payment of the facility is captured and no cash
-- collected, may start earlier, so that history recorded through the owner's _at variants of the money
-- functions (imports, the demo activity) finds the terms of its days.
create or replace function app.check_configuration_not_backdated() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  if new.effective_from < now() - interval '1 minute'
     and (exists (select 1 from public.facility_configurations c where c.facility_id = new.facility_id)
          or exists (select 1 from public.payments p where p.facility_id = new.facility_id and p.captured_at is not null)
          or exists (select 1 from public.cash_collections c where c.facility_id = new.facility_id)) then
    raise exception 'a configuration version cannot start in the past (%)', new.effective_from
      using errcode = 'check_violation';
  end if;
  return new;
end
$$;

-- The version in force at a moment.
create or replace function app.facility_configuration_at(p_facility uuid, p_at timestamptz)
returns facility_configurations
language sql stable
set search_path = pg_catalog, public, pg_temp
as $$
  select c.* from public.facility_configurations c
  where c.facility_id = p_facility and c.effective_from <= p_at
  order by c.effective_from desc
  limit 1
$$;
grant execute on function app.facility_configuration_at(uuid, timestamptz) to careledger_app, careledger_definer, careledger_patient;

-- Onboarding, the super admin's wizard in one transaction: the facility
-- (status onboarding), its first configuration version with a rate for every
-- payment method, its staff permissions from the defaults, and its first admin,
-- invited (app.invite_user): nobody sets another person's password.
create or replace function app.onboard_facility(
  p_name                 text,
  p_legal_name           text,
  p_type                 facility_type,
  p_city                 text,
  p_state_code           text,
  p_gstin                text,
  p_admin_email          text,
  p_admin_display_name   text,
  p_configuration        jsonb,
  p_method_rates         jsonb
) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_facility uuid;
  v_now timestamptz := now();
  v_missing text;
begin
  if app.current_user_role() is distinct from 'super_admin' then
    raise exception 'only the super admin onboards facilities' using errcode = 'insufficient_privilege';
  end if;
  if not app.is_clean_text(p_name, 200) or not app.is_clean_text(p_legal_name, 200) then
    raise exception 'a facility''s name and legal name are plain text of at most 200 characters: no control or invisible characters (zero-width space, direction overrides)'
      using errcode = 'check_violation';
  end if;

  insert into public.facilities (name, legal_name, type, status, city, state_code, gstin)
  values (p_name, p_legal_name, p_type, 'onboarding', p_city, p_state_code, p_gstin)
  returning id into v_facility;

  -- the first admin is invited: pending until they set their own password through the mailed link
  perform app.invite_user(p_admin_email, p_admin_display_name, 'facility_admin', v_facility);

  -- the configuration as the wizard sent it, every field given: a missing one breaks a not-null rule
  insert into public.facility_configurations
  select (jsonb_populate_record(null::public.facility_configurations, coalesce(p_configuration, '{}'::jsonb)
            || jsonb_build_object('facility_id', v_facility, 'effective_from', v_now,
                                  'created_by', app.current_user_id(), 'created_at', v_now))).*;

  insert into public.facility_method_rates (facility_id, effective_from, method, gateway_mdr, platform_mdr)
  select v_facility, v_now, r.method, r.gateway_mdr, r.platform_mdr
  from jsonb_to_recordset(p_method_rates) as r(method payment_method, gateway_mdr numeric, platform_mdr numeric);

  select string_agg(m::text, ', ') into v_missing
  from unnest(enum_range(null::payment_method)) m
  where not exists (select 1 from public.facility_method_rates r
                    where r.facility_id = v_facility and r.effective_from = v_now and r.method = m);
  if v_missing is not null then
    raise exception 'MDR rates missing for: %', v_missing using errcode = 'check_violation';
  end if;

  insert into public.facility_staff_permissions (facility_id, kind, permission)
  select v_facility, d.kind, d.permission from public.default_staff_permissions d;

  return v_facility;
end
$$;
revoke all on function app.onboard_facility(text, text, facility_type, text, text, text, text, text, jsonb, jsonb) from public;
grant execute on function app.onboard_facility(text, text, facility_type, text, text, text, text, text, jsonb, jsonb)
  to careledger_app, careledger_patient;
alter function app.onboard_facility(text, text, facility_type, text, text, text, text, text, jsonb, jsonb)
  owner to careledger_definer;

-- Trigger: refuses a name or text that app.is_clean_text does not accept, with
-- a sentence for the clerk. Arguments: column, maximum length, multi-line
-- ('true' or 'false'), what the column is ("a patient's name").
create or replace function app.check_clean_text() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  v_value text := to_jsonb(new) ->> tg_argv[0];
begin
  if v_value is not null and not app.is_clean_text(v_value, tg_argv[1]::integer, tg_argv[2]::boolean) then
    raise exception '% is plain text of at most % characters, not blank: no control or invisible characters (zero-width space, direction overrides, byte order mark)%',
      tg_argv[3], tg_argv[1], case when tg_argv[2]::boolean then ' other than tabs and line breaks' else '' end
      using errcode = 'check_violation';
  end if;
  return new;
end
$$;
comment on function app.check_clean_text() is
  'Trigger: refuses a name or free text with control or invisible format characters, blank or too long, in words for the clerk.';

-- Trigger: refuses an amount above its maximum, with a sentence for the clerk.
-- Arguments: column, maximum in paise, the maximum in words, what it is.
create or replace function app.check_amount_at_most() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  v_value numeric := (to_jsonb(new) ->> tg_argv[0])::numeric;
begin
  if v_value > tg_argv[1]::numeric then
    raise exception '% is at most % paise (%); got % paise', tg_argv[3], tg_argv[1], tg_argv[2], v_value
      using errcode = 'check_violation';
  end if;
  return new;
end
$$;
comment on function app.check_amount_at_most() is
  'Trigger: refuses an amount above its maximum (docs/ledger.md, "Bounds"), in words for the clerk.';

-- ----------------------------------------------------------------------------
-- Triggers of this area's functions (create or replace: re-run with the file).
-- ----------------------------------------------------------------------------

create or replace trigger facility_configurations_are_history
  before update or delete on facility_configurations
  for each row execute function app.refuse_change();

create or replace trigger facility_method_rates_are_history
  before update or delete on facility_method_rates
  for each row execute function app.refuse_change();

create or replace trigger facility_configurations_not_backdated
  before insert on facility_configurations
  for each row execute function app.check_configuration_not_backdated();

-- Audit rows are never changed, not even by the owner.
create or replace trigger audit_log_is_append_only
  before update or delete on audit_log
  for each row execute function app.refuse_change();

-- Nor are the seals of the audit log (audit_seal.seals belongs to the definer role).
create or replace trigger seals_are_append_only
  before update or delete on audit_seal.seals
  for each row execute function app.refuse_change();

create or replace trigger ledger_accounts_are_fixed
  before update or delete on ledger_accounts
  for each row execute function app.refuse_change();

-- Nothing posted changes, for anyone (the owner and the definer role included).
create or replace trigger journal_entries_are_immutable
  before update or delete on journal_entries
  for each row execute function app.refuse_change();

create or replace trigger journal_lines_are_immutable
  before update or delete on journal_lines
  for each row execute function app.refuse_change();

create or replace trigger journal_entries_are_never_truncated
  before truncate on journal_entries
  for each statement execute function app.refuse_change();

create or replace trigger journal_lines_are_never_truncated
  before truncate on journal_lines
  for each statement execute function app.refuse_change();

create or replace trigger gateway_settlements_are_immutable
  before update or delete on gateway_settlements
  for each row execute function app.refuse_change();

create or replace trigger gateway_settlement_facilities_are_immutable
  before update or delete on gateway_settlement_facilities
  for each row execute function app.refuse_change();

create or replace trigger receipts_are_immutable
  before update or delete on receipts
  for each row execute function app.refuse_change();

create or replace trigger reporting_refresh_log_is_append_only
  before update or delete on reporting_refresh_log
  for each row execute function app.refuse_change();

-- Clinical entries and demographics versions are corrected by new rows, never
-- changed or removed, for anyone (the owner and the definer role included).
create or replace trigger clinical_entries_are_append_only
  before update or delete on clinical_entries
  for each row execute function app.refuse_change();

create or replace trigger clinical_entries_are_never_truncated
  before truncate on clinical_entries
  for each statement execute function app.refuse_change();

create or replace trigger patient_versions_are_append_only
  before update or delete on patient_versions
  for each row execute function app.refuse_change();

create or replace trigger patient_versions_are_never_truncated
  before truncate on patient_versions
  for each statement execute function app.refuse_change();

create or replace trigger services_check_price_at_most
  before insert or update of price_paise on services
  for each row execute function app.check_amount_at_most('price_paise', '1000000000', '₹1 crore', 'a service''s price');

create or replace trigger products_check_price_at_most
  before insert or update of price_paise on products
  for each row execute function app.check_amount_at_most('price_paise', '1000000000', '₹1 crore', 'a product''s price');

create or replace trigger products_check_mrp_at_most
  before insert or update of mrp_paise on products
  for each row execute function app.check_amount_at_most('mrp_paise', '1000000000', '₹1 crore', 'a product''s MRP');

create or replace trigger patients_check_clean_text
  before insert or update of full_name on patients
  for each row execute function app.check_clean_text('full_name', '200', 'false', 'a patient''s name');

create or replace trigger health_cards_check_clean_text
  before insert or update of holder_name on health_cards
  for each row execute function app.check_clean_text('holder_name', '200', 'false', 'the name on a health card');

create or replace trigger services_check_clean_text
  before insert or update of name on services
  for each row execute function app.check_clean_text('name', '200', 'false', 'a service''s name');

create or replace trigger products_check_clean_text
  before insert or update of name on products
  for each row execute function app.check_clean_text('name', '200', 'false', 'a product''s name');

create or replace trigger bills_check_clean_text
  before insert or update of notes on bills
  for each row execute function app.check_clean_text('notes', '1000', 'true', 'a bill''s notes');

create or replace trigger appointment_notes_check_clean_text
  before insert on appointment_notes
  for each row execute function app.check_clean_text('body', '20000', 'true', 'a note');
