-- ============================================================================
-- Settlement changes of one facility run one at a time.
--
-- Every settlement function locked its settlement row and then item rows in
-- one stable order. A super admin allocating several collections by hand in
-- one transaction takes them in the order chosen, one call at a time, so two
-- such transactions (or one and a filling draft, which takes items by id)
-- could each hold an item the other waits for: PostgreSQL then aborted one of
-- them with a deadlock (40P01).
--
-- Now the first lock any settlement function takes is the facility's
-- settlement lock, a transaction-level advisory lock keyed by the facility,
-- held to commit or rollback. A transaction that changes settlements of a
-- facility therefore waits until no other one is changing them, then finds
-- its items as the other left them (an item already taken is refused or
-- skipped, as before), and two of them never wait for each other. The lock
-- order is: facility settlement lock, settlement row, items by kind and id.
-- ============================================================================

-- Waits for (and then holds until the transaction ends) the right to change
-- the settlements of p_facility.
create function app.lock_facility_settlements(p_facility uuid) returns void
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  perform pg_advisory_xact_lock(hashtextextended('settlements:' || p_facility::text, 0));
end
$$;
revoke all on function app.lock_facility_settlements(uuid) from public;
alter function app.lock_facility_settlements(uuid) owner to careledger_definer;

-- The settlement, locked, among the facilities the caller sees; its facility's
-- settlement lock is taken first.
create or replace function app.lock_settlement(p_settlement uuid) returns public.settlements
language plpgsql
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_facility uuid;
  v public.settlements;
begin
  select s.facility_id into v_facility from public.settlements s
  where s.id = p_settlement and s.facility_id = any (app.visible_facilities());
  if found then
    perform app.lock_facility_settlements(v_facility);
    select s.* into v from public.settlements s
    where s.id = p_settlement and s.facility_id = v_facility
    for update;
  end if;
  if v.id is null then
    raise exception 'settlement % not found', p_settlement using errcode = 'no_data_found';
  end if;
  return v;
end
$$;

create or replace function app.create_settlement(
  p_facility     uuid,
  p_type         settlement_type,
  p_period_from  date,
  p_period_to    date,
  p_fill         boolean default true
) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user uuid := app.require_settlement_admin('making settlements', true);
  v public.settlements;
begin
  if p_type is null or p_period_from is null or p_period_to is null or p_period_from > p_period_to then
    raise exception 'a settlement needs a type and a period whose first day is not after its last'
      using errcode = 'check_violation';
  end if;
  if not exists (select 1 from public.facilities f where f.id = p_facility and f.id = any (app.visible_facilities())) then
    raise exception 'facility % not found', p_facility using errcode = 'no_data_found';
  end if;
  perform app.check_settlement_netting(p_facility, p_type);
  perform app.lock_facility_settlements(p_facility);

  insert into public.settlements (facility_id, created_at, settlement_type, period_from, period_to, created_by)
  values (p_facility, now(), p_type, p_period_from, p_period_to, v_user)
  returning * into v;
  -- locked like any settlement being changed
  v := app.lock_settlement(v.id);
  if coalesce(p_fill, true) then
    perform app.fill_settlement(v);
  end if;
  perform app.refresh_settlement_totals(v);
  return v.id;
end
$$;
