-- ============================================================================
-- Settlements: drafts, allocations, netting, payment: functions, trigger functions and views.
--
-- Repeatable: Flyway runs this file again whenever it changes, so every
-- statement here can run twice (create or replace, grants, comments).
-- Tables, types and policies of the area are in V0010__settlements.sql.
--
-- Moments. Each money function that stamps the time of its event has an _at
-- variant taking that moment (app.capture_payment_at, ...), which holds the
-- body; the function the app calls runs it with now(). Only the owner may run
-- an _at variant (imports, the demo history of db/demo-activity, tests): the
-- app roles cannot choose when money moved.
-- ============================================================================

-- Never deleted; what it is (facility, type, period, when made, by whom) never
-- changes; a paid or cancelled settlement never changes at all.
create or replace function app.check_settlement_change() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  if tg_op = 'DELETE' then
    raise exception 'settlements are never deleted: cancel one instead' using errcode = 'integrity_constraint_violation';
  end if;
  if old.settlement_status in ('paid', 'cancelled') then
    raise exception 'settlement % is %: it never changes', old.id, old.settlement_status
      using errcode = 'integrity_constraint_violation';
  end if;
  if new.id <> old.id or new.facility_id <> old.facility_id or new.created_at <> old.created_at
     or new.settlement_type <> old.settlement_type or new.period_from <> old.period_from
     or new.period_to <> old.period_to or new.created_by <> old.created_by then
    raise exception 'settlement %: its facility, type, period and creation never change', old.id
      using errcode = 'integrity_constraint_violation';
  end if;
  return new;
end
$$;

-- An allocation never changes; it is deleted only while its settlement is a draft (released).
create or replace function app.check_settlement_allocation_change() returns trigger
language plpgsql
set search_path = pg_catalog, public, pg_temp
as $$
begin
  if tg_op = 'UPDATE' then
    raise exception 'settlement allocations never change: release and allocate again' using errcode = 'integrity_constraint_violation';
  end if;
  if not exists (select 1 from public.settlements s
                 where s.facility_id = old.facility_id and s.id = old.settlement_id
                   and s.created_at = old.settlement_created_at and s.settlement_status = 'draft') then
    raise exception 'allocation % is of a settlement that is no longer a draft', old.id
      using errcode = 'object_not_in_prerequisite_state';
  end if;
  return old;
end
$$;

-- ----------------------------------------------------------------------------
-- Internal helpers: no privilege for the app role.
-- ----------------------------------------------------------------------------

-- The caller is the super admin (or, where p_system, a system principal running a job).
create or replace function app.require_settlement_admin(p_doing text, p_system boolean default false) returns uuid
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
begin
  if app.current_user_id() is null
     or not (app.current_user_role() is not distinct from 'super_admin'
             or (p_system and app.current_user_role() is not distinct from 'system')) then
    raise exception 'only the super admin is %', p_doing using errcode = 'insufficient_privilege';
  end if;
  return app.current_user_id();
end
$$;
revoke all on function app.require_settlement_admin(text, boolean) from public;
alter function app.require_settlement_admin(text, boolean) owner to careledger_definer;

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
revoke all on function app.lock_settlement(uuid) from public;
alter function app.lock_settlement(uuid) owner to careledger_definer;

-- Which side an item kind is on: true for payable (the platform owes), false for receivable.
create or replace function app.settlement_item_is_payable(p_kind settlement_item_kind) returns boolean
language sql immutable
set search_path = pg_catalog, public, pg_temp
as $$
  select p_kind in ('payment', 'cash_refund')
$$;
revoke all on function app.settlement_item_is_payable(settlement_item_kind) from public;
alter function app.settlement_item_is_payable(settlement_item_kind) owner to careledger_definer;

-- Refuses a kind the settlement type does not take.
create or replace function app.check_settlement_item_kind(p_type settlement_type, p_kind settlement_item_kind) returns void
language plpgsql immutable
set search_path = pg_catalog, public, pg_temp
as $$
begin
  if p_type = 'online_pg' and not app.settlement_item_is_payable(p_kind) then
    raise exception 'an online_pg settlement takes only payable-side items (payments, cash refunds), not a %', p_kind
      using errcode = 'check_violation';
  elsif p_type = 'cash_commission' and app.settlement_item_is_payable(p_kind) then
    raise exception 'a cash_commission settlement takes only receivable-side items (cash collections, payment refunds), not a %', p_kind
      using errcode = 'check_violation';
  end if;
end
$$;
revoke all on function app.check_settlement_item_kind(settlement_type, settlement_item_kind) from public;
alter function app.check_settlement_item_kind(settlement_type, settlement_item_kind) owner to careledger_definer;

-- Locks one item of the settlement's facility and allocates p_amount of its
-- open amount (null: all of it) to the draft. p_strict: refuse (rather than
-- skip, returning 0) an item that is not eligible or has less open than asked.
-- The caller has locked the settlement and checked the kind.
create or replace function app.allocate_settlement_item(
  p_settlement  public.settlements,
  p_kind        settlement_item_kind,
  p_item        uuid,
  p_amount      bigint,
  p_strict      boolean
) returns bigint
language plpgsql
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_open bigint;
  v_settled_by_gateway boolean := true;
  v_voided boolean;
  v_c bigint := 0;
  v_cg bigint := 0;
  v_amount bigint;
  v_commission bigint := 0;
begin
  case p_kind
    when 'payment' then
      select p.net_settlement_paise - p.refund_payable_paise - p.drawn_paise - p.allocated_paise, p.gateway_settlement_id is not null,
             p.correction_entry_id is not null
      into v_open, v_settled_by_gateway, v_voided
      from public.payments p
      where p.facility_id = p_settlement.facility_id and p.id = p_item and p.captured_at is not null
      for update;
    when 'cash_collection' then
      select c.commission_paise + c.commission_gst_paise - c.receivable_reversed_paise - c.allocated_paise,
             c.commission_paise, c.commission_gst_paise, c.correction_entry_id is not null
      into v_open, v_c, v_cg, v_voided
      from public.cash_collections c
      where c.facility_id = p_settlement.facility_id and c.id = p_item
      for update;
    when 'payment_refund' then
      select r.recovery_paise - r.allocated_paise, r.correction_entry_id is not null into v_open, v_voided
      from public.payment_refunds r
      where r.facility_id = p_settlement.facility_id and r.id = p_item
      for update;
    when 'cash_refund' then
      select r.payable_paise - r.drawn_paise - r.allocated_paise, r.correction_entry_id is not null into v_open, v_voided
      from public.cash_refunds r
      where r.facility_id = p_settlement.facility_id and r.id = p_item
      for update;
  end case;
  if v_open is null then
    raise exception '% % not found at the settlement''s facility', replace(p_kind::text, '_', ' '), p_item
      using errcode = 'no_data_found';
  end if;
  if v_voided then
    if p_strict then
      raise exception '% % was voided by a correction: no settlement takes it', replace(p_kind::text, '_', ' '), p_item
        using errcode = 'object_not_in_prerequisite_state';
    end if;
    return 0;
  end if;
  if not v_settled_by_gateway then
    if p_strict then
      raise exception 'payment % is not settled by the gateway yet: only gateway-settled payments enter a settlement', p_item
        using errcode = 'object_not_in_prerequisite_state';
    end if;
    return 0;
  end if;
  if exists (select 1 from public.settlement_allocations a
             where a.settlement_id = p_settlement.id and a.item_kind = p_kind and a.item_id = p_item) then
    if p_strict then
      raise exception '% % is already allocated to settlement %: release it first to change the amount',
        replace(p_kind::text, '_', ' '), p_item, p_settlement.id using errcode = 'unique_violation';
    end if;
    return 0;
  end if;
  v_amount := coalesce(p_amount, v_open);
  if v_amount <= 0 or v_amount > v_open then
    if p_strict and v_open <= 0 then
      raise exception '% % has nothing open to allocate', replace(p_kind::text, '_', ' '), p_item
        using errcode = 'check_violation';
    elsif p_strict then
      raise exception '% paise is more than the % paise open on % %', v_amount, v_open, replace(p_kind::text, '_', ' '), p_item
        using errcode = 'check_violation';
    end if;
    return 0;
  end if;
  if p_kind = 'cash_collection' and v_c + v_cg > 0 then
    v_commission := round(v_amount::numeric * v_c / (v_c + v_cg))::bigint;
  end if;

  insert into public.settlement_allocations (facility_id, settlement_id, settlement_created_at, item_kind, item_id,
                                             amount_paise, commission_paise, allocated_by)
  values (p_settlement.facility_id, p_settlement.id, p_settlement.created_at, p_kind, p_item,
          v_amount, v_commission, app.current_user_id());

  case p_kind
    when 'payment' then
      update public.payments set allocated_paise = allocated_paise + v_amount
      where facility_id = p_settlement.facility_id and id = p_item;
    when 'cash_collection' then
      update public.cash_collections set allocated_paise = allocated_paise + v_amount
      where facility_id = p_settlement.facility_id and id = p_item;
    when 'payment_refund' then
      update public.payment_refunds set allocated_paise = allocated_paise + v_amount
      where facility_id = p_settlement.facility_id and id = p_item;
    when 'cash_refund' then
      update public.cash_refunds set allocated_paise = allocated_paise + v_amount
      where facility_id = p_settlement.facility_id and id = p_item;
  end case;
  return v_amount;
end
$$;
revoke all on function app.allocate_settlement_item(settlements, settlement_item_kind, uuid, bigint, boolean) from public;
alter function app.allocate_settlement_item(settlements, settlement_item_kind, uuid, bigint, boolean) owner to careledger_definer;

-- Moves the items' running totals by the settlement's allocations, items
-- locked in the stable order: p_allocated and p_settled are added (negative
-- to release). A cash collection's settlement status follows its settled total.
create or replace function app.apply_settlement_allocations(p_settlement public.settlements, p_allocated integer, p_settled integer)
returns void
language plpgsql
set search_path = pg_catalog, public, pg_temp
as $$
declare
  a record;
begin
  for a in select x.item_kind, x.item_id, x.amount_paise
           from public.settlement_allocations x
           where x.facility_id = p_settlement.facility_id and x.settlement_id = p_settlement.id
           order by x.item_kind, x.item_id
  loop
    case a.item_kind
      when 'payment' then
        update public.payments
        set allocated_paise = allocated_paise + p_allocated * a.amount_paise,
            settled_paise = settled_paise + p_settled * a.amount_paise
        where facility_id = p_settlement.facility_id and id = a.item_id;
      when 'cash_collection' then
        update public.cash_collections c
        set allocated_paise = c.allocated_paise + p_allocated * a.amount_paise,
            settled_paise = c.settled_paise + p_settled * a.amount_paise,
            settlement_status = case
              when c.settled_paise + p_settled * a.amount_paise > 0
                   and c.settled_paise + p_settled * a.amount_paise
                       = c.commission_paise + c.commission_gst_paise - c.receivable_reversed_paise
                then 'settled'::public.cash_settlement_status
              when c.settled_paise + p_settled * a.amount_paise > 0 then 'partially_settled'::public.cash_settlement_status
              else 'pending'::public.cash_settlement_status end
        where c.facility_id = p_settlement.facility_id and c.id = a.item_id;
      when 'payment_refund' then
        update public.payment_refunds
        set allocated_paise = allocated_paise + p_allocated * a.amount_paise,
            settled_paise = settled_paise + p_settled * a.amount_paise
        where facility_id = p_settlement.facility_id and id = a.item_id;
      when 'cash_refund' then
        update public.cash_refunds
        set allocated_paise = allocated_paise + p_allocated * a.amount_paise,
            settled_paise = settled_paise + p_settled * a.amount_paise
        where facility_id = p_settlement.facility_id and id = a.item_id;
    end case;
  end loop;
end
$$;
revoke all on function app.apply_settlement_allocations(settlements, integer, integer) from public;
alter function app.apply_settlement_allocations(settlements, integer, integer) owner to careledger_definer;

-- What drafts of the facility allocate to one item: not paid out yet, so a
-- refund may still take it (app.refund_payment_at).
create or replace function app.draft_allocated(p_facility uuid, p_kind settlement_item_kind, p_item uuid) returns bigint
language sql stable
set search_path = pg_catalog, public, pg_temp
as $$
  select coalesce(sum(a.amount_paise), 0)::bigint
  from public.settlement_allocations a
  join public.settlements s on s.facility_id = a.facility_id and s.id = a.settlement_id
                           and s.created_at = a.settlement_created_at
  where a.facility_id = p_facility and a.item_kind = p_kind and a.item_id = p_item and s.settlement_status = 'draft'
$$;
revoke all on function app.draft_allocated(uuid, settlement_item_kind, uuid) from public;
alter function app.draft_allocated(uuid, settlement_item_kind, uuid) owner to careledger_definer;

-- Gives up p_amount of what drafts allocate to one item (the newest draft
-- first): an allocation is released, or released and made again smaller, and
-- the draft's totals follow. The item's allocated total falls by p_amount. The
-- caller holds the facility's settlement lock and the item's row lock.
create or replace function app.trim_draft_allocations(p_facility uuid, p_kind settlement_item_kind, p_item uuid,
                                                      p_amount bigint) returns void
language plpgsql
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_left bigint := p_amount;
  v_take bigint;
  a public.settlement_allocations;
  v public.settlements;
begin
  for a in select x.* from public.settlement_allocations x
           join public.settlements s on s.facility_id = x.facility_id and s.id = x.settlement_id
                                    and s.created_at = x.settlement_created_at
           where x.facility_id = p_facility and x.item_kind = p_kind and x.item_id = p_item
             and s.settlement_status = 'draft'
           order by s.created_at desc, s.id desc
  loop
    exit when v_left <= 0;
    select s.* into v from public.settlements s
    where s.facility_id = a.facility_id and s.id = a.settlement_id and s.created_at = a.settlement_created_at
    for update;
    v_take := least(v_left, a.amount_paise);
    delete from public.settlement_allocations x where x.id = a.id;
    if a.amount_paise > v_take then
      insert into public.settlement_allocations (id, facility_id, settlement_id, settlement_created_at, item_kind, item_id,
                                                 amount_paise, commission_paise, allocated_at, allocated_by)
      values (a.id, a.facility_id, a.settlement_id, a.settlement_created_at, a.item_kind, a.item_id,
              a.amount_paise - v_take, 0, a.allocated_at, a.allocated_by);
    end if;
    perform app.refresh_settlement_totals(v);
    v_left := v_left - v_take;
  end loop;
  if v_left > 0 then
    raise exception 'drafts allocate % paise less to % % than asked to give up', v_left, p_kind, p_item
      using errcode = 'integrity_constraint_violation';
  end if;
  case p_kind
    when 'payment' then
      update public.payments set allocated_paise = allocated_paise - p_amount where facility_id = p_facility and id = p_item;
    when 'cash_refund' then
      update public.cash_refunds set allocated_paise = allocated_paise - p_amount where facility_id = p_facility and id = p_item;
  end case;
end
$$;
revoke all on function app.trim_draft_allocations(uuid, settlement_item_kind, uuid, bigint) from public;
alter function app.trim_draft_allocations(uuid, settlement_item_kind, uuid, bigint) owner to careledger_definer;

-- Recomputes a draft's totals from its allocations, with the TDS rate in force now.
create or replace function app.refresh_settlement_totals(p_settlement public.settlements) returns public.settlements
language plpgsql
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_x bigint;
  v_y bigint;
  v_commission bigint;
  v_count integer;
  v_gross bigint;
  v_rate numeric;
  v public.settlements;
begin
  select coalesce(sum(a.amount_paise) filter (where app.settlement_item_is_payable(a.item_kind)), 0),
         coalesce(sum(a.amount_paise) filter (where not app.settlement_item_is_payable(a.item_kind)), 0),
         coalesce(sum(a.commission_paise), 0), count(*),
         coalesce(sum(coalesce(p.amount_paise, c.amount_collected_paise, 0)), 0)
  into v_x, v_y, v_commission, v_count, v_gross
  from public.settlement_allocations a
  left join public.payments p on p.facility_id = a.facility_id and p.id = a.payment_id
  left join public.cash_collections c on c.facility_id = a.facility_id and c.id = a.cash_collection_id
  where a.facility_id = p_settlement.facility_id and a.settlement_id = p_settlement.id;

  v_rate := coalesce((app.facility_configuration_at(p_settlement.facility_id, now())).tds_rate, 0);

  update public.settlements s
  set hospital_share_paise = v_x,
      platform_share_paise = v_y,
      total_commission_amount_paise = v_commission,
      total_collections_amount_paise = v_gross,
      allocations_count = v_count,
      net_amount_paise = abs(v_x - v_y),
      direction = case when v_x >= v_y then 'platform_to_facility'::public.settlement_direction
                       else 'facility_to_platform'::public.settlement_direction end,
      tds_rate = v_rate,
      -- TDS on the commission part of what the facility pays, rounded once
      tds_deducted_paise = case when v_y > v_x then round(v_commission * v_rate * (v_y - v_x) / v_y)::bigint else 0 end
  where s.facility_id = p_settlement.facility_id and s.id = p_settlement.id and s.created_at = p_settlement.created_at
  returning s.* into v;
  return v;
end
$$;
revoke all on function app.refresh_settlement_totals(settlements) from public;
alter function app.refresh_settlement_totals(settlements) owner to careledger_definer;

-- Refuses a mixed settlement when the facility's configuration in force does not allow netting.
create or replace function app.check_settlement_netting(p_facility uuid, p_type settlement_type) returns void
language plpgsql stable
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_config public.facility_configurations := app.facility_configuration_at(p_facility, now());
begin
  if v_config.facility_id is null then
    raise exception 'the facility has no configuration in force' using errcode = 'no_data_found';
  end if;
  if p_type = 'mixed' and not v_config.netting_allowed then
    raise exception 'the facility''s settlement rules do not allow netting: settle online_pg and cash_commission apart'
      using errcode = 'check_violation';
  end if;
end
$$;
revoke all on function app.check_settlement_netting(uuid, settlement_type) from public;
alter function app.check_settlement_netting(uuid, settlement_type) owner to careledger_definer;

-- Fills a locked draft with every open eligible item dated up to the end of its
-- period (IST), items locked in the stable order; items another settlement
-- took meanwhile, and items a correction voided, are skipped.
create or replace function app.fill_settlement(p_settlement public.settlements) returns void
language plpgsql
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_until timestamptz := ((p_settlement.period_to + 1)::timestamp at time zone 'Asia/Kolkata');
  v_item uuid;
begin
  if p_settlement.settlement_type in ('online_pg', 'mixed') then
    for v_item in select p.id from public.payments p
                  where p.facility_id = p_settlement.facility_id and p.gateway_settlement_id is not null
                    and p.captured_at < v_until and p.correction_entry_id is null
                    and p.allocated_paise + p.refund_payable_paise + p.drawn_paise < p.net_settlement_paise
                  order by p.id for update
    loop
      perform app.allocate_settlement_item(p_settlement, 'payment', v_item, null, false);
    end loop;
  end if;
  if p_settlement.settlement_type in ('cash_commission', 'mixed') then
    for v_item in select c.id from public.cash_collections c
                  where c.facility_id = p_settlement.facility_id and c.collected_at < v_until
                    and c.correction_entry_id is null
                    and c.allocated_paise + c.receivable_reversed_paise < c.commission_paise + c.commission_gst_paise
                  order by c.id for update
    loop
      perform app.allocate_settlement_item(p_settlement, 'cash_collection', v_item, null, false);
    end loop;
    for v_item in select r.id from public.payment_refunds r
                  where r.facility_id = p_settlement.facility_id and r.refunded_at < v_until
                    and r.allocated_paise < r.recovery_paise and r.correction_entry_id is null
                  order by r.id for update
    loop
      perform app.allocate_settlement_item(p_settlement, 'payment_refund', v_item, null, false);
    end loop;
  end if;
  if p_settlement.settlement_type in ('online_pg', 'mixed') then
    for v_item in select r.id from public.cash_refunds r
                  where r.facility_id = p_settlement.facility_id and r.refunded_at < v_until
                    and r.allocated_paise + r.drawn_paise < r.payable_paise and r.correction_entry_id is null
                  order by r.id for update
    loop
      perform app.allocate_settlement_item(p_settlement, 'cash_refund', v_item, null, false);
    end loop;
  end if;
end
$$;
revoke all on function app.fill_settlement(settlements) from public;
alter function app.fill_settlement(settlements) owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Drafts.
-- ----------------------------------------------------------------------------
create or replace function app.create_settlement_at(
  p_facility     uuid,
  p_type         settlement_type,
  p_period_from  date,
  p_period_to    date,
  p_fill         boolean,
  p_at           timestamptz
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
  values (p_facility, p_at, p_type, p_period_from, p_period_to, v_user)
  returning * into v;
  -- allocations reference the settlement with a foreign key, so partition upkeep could never move it out of the
  -- default partition: a settlement made at another moment than now needs its month's partition made first
  if p_at <> now() and exists (select 1 from public.settlements s
                               where s.facility_id = v.facility_id and s.id = v.id and s.created_at = v.created_at
                                 and s.tableoid = 'public.settlements_default'::regclass) then
    raise exception 'no partition of settlements holds %: run partition upkeep for that month first', p_at
      using errcode = 'object_not_in_prerequisite_state';
  end if;
  -- locked like any settlement being changed
  v := app.lock_settlement(v.id);
  if coalesce(p_fill, true) then
    perform app.fill_settlement(v);
  end if;
  perform app.refresh_settlement_totals(v);
  return v.id;
end
$$;
revoke all on function app.create_settlement_at(uuid, settlement_type, date, date, boolean, timestamptz) from public;
alter function app.create_settlement_at(uuid, settlement_type, date, date, boolean, timestamptz) owner to careledger_definer;
comment on function app.create_settlement_at(uuid, settlement_type, date, date, boolean, timestamptz) is
  'As app.create_settlement, at a given moment instead of now() (imports, the demo history, tests; owner only).';

create or replace function app.create_settlement(
  p_facility     uuid,
  p_type         settlement_type,
  p_period_from  date,
  p_period_to    date,
  p_fill         boolean default true
) returns uuid
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select app.create_settlement_at(p_facility, p_type, p_period_from, p_period_to, p_fill, now())
$$;
revoke all on function app.create_settlement(uuid, settlement_type, date, date, boolean) from public;
grant execute on function app.create_settlement(uuid, settlement_type, date, date, boolean) to careledger_app, careledger_patient;
alter function app.create_settlement(uuid, settlement_type, date, date, boolean) owner to careledger_definer;
comment on function app.create_settlement(uuid, settlement_type, date, date, boolean) is
  'Super admin: a draft settlement of a facility for a period (IST days, inclusive), filled with every open eligible item dated up to its end (p_fill) or empty.';

create or replace function app.allocate_to_settlement(
  p_settlement    uuid,
  p_kind          settlement_item_kind,
  p_item          uuid,
  p_amount_paise  bigint default null
) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user uuid := app.require_settlement_admin('allocating to settlements');
  v public.settlements;
begin
  if p_kind is null or p_item is null then
    raise exception 'an allocation names an item kind and an item' using errcode = 'check_violation';
  end if;
  if p_amount_paise is not null and p_amount_paise <= 0 then
    raise exception 'an allocation is of more than 0 paise (got %)', p_amount_paise using errcode = 'check_violation';
  end if;
  v := app.lock_settlement(p_settlement);
  if v.settlement_status <> 'draft' then
    raise exception 'settlement % is %: only a draft takes allocations', p_settlement, v.settlement_status
      using errcode = 'object_not_in_prerequisite_state';
  end if;
  perform app.check_settlement_item_kind(v.settlement_type, p_kind);
  perform app.allocate_settlement_item(v, p_kind, p_item, p_amount_paise, true);
  perform app.refresh_settlement_totals(v);
  return (select a.id from public.settlement_allocations a
          where a.settlement_id = v.id and a.item_kind = p_kind and a.item_id = p_item);
end
$$;
revoke all on function app.allocate_to_settlement(uuid, settlement_item_kind, uuid, bigint) from public;
grant execute on function app.allocate_to_settlement(uuid, settlement_item_kind, uuid, bigint) to careledger_app, careledger_patient;
alter function app.allocate_to_settlement(uuid, settlement_item_kind, uuid, bigint) owner to careledger_definer;
comment on function app.allocate_to_settlement(uuid, settlement_item_kind, uuid, bigint) is
  'Super admin: allocates an item''s open amount (null: all of it) or a part to a draft; never beyond what is open.';

create or replace function app.release_settlement_allocation(p_settlement uuid, p_allocation uuid) returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user uuid := app.require_settlement_admin('releasing settlement allocations');
  v public.settlements;
  a public.settlement_allocations;
begin
  v := app.lock_settlement(p_settlement);
  if v.settlement_status <> 'draft' then
    raise exception 'settlement % is %: allocations are released only from a draft (cancel it instead)',
      p_settlement, v.settlement_status using errcode = 'object_not_in_prerequisite_state';
  end if;
  select x.* into a from public.settlement_allocations x
  where x.facility_id = v.facility_id and x.settlement_id = v.id and x.id = p_allocation;
  if not found then
    raise exception 'allocation % not found in settlement %', p_allocation, p_settlement using errcode = 'no_data_found';
  end if;
  case a.item_kind
    when 'payment' then
      update public.payments set allocated_paise = allocated_paise - a.amount_paise
      where facility_id = v.facility_id and id = a.item_id;
    when 'cash_collection' then
      update public.cash_collections set allocated_paise = allocated_paise - a.amount_paise
      where facility_id = v.facility_id and id = a.item_id;
    when 'payment_refund' then
      update public.payment_refunds set allocated_paise = allocated_paise - a.amount_paise
      where facility_id = v.facility_id and id = a.item_id;
    when 'cash_refund' then
      update public.cash_refunds set allocated_paise = allocated_paise - a.amount_paise
      where facility_id = v.facility_id and id = a.item_id;
  end case;
  delete from public.settlement_allocations x where x.id = a.id;
  perform app.refresh_settlement_totals(v);
end
$$;
revoke all on function app.release_settlement_allocation(uuid, uuid) from public;
grant execute on function app.release_settlement_allocation(uuid, uuid) to careledger_app, careledger_patient;
alter function app.release_settlement_allocation(uuid, uuid) owner to careledger_definer;
comment on function app.release_settlement_allocation(uuid, uuid) is
  'Super admin: takes one allocation out of a draft; the item''s amount is open again.';

-- ----------------------------------------------------------------------------
-- The lifecycle.
-- ----------------------------------------------------------------------------
create or replace function app.submit_settlement_at(p_settlement uuid, p_at timestamptz) returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user uuid := app.require_settlement_admin('submitting settlements');
  v public.settlements;
  v_minimum bigint;
begin
  v := app.lock_settlement(p_settlement);
  if v.settlement_status <> 'draft' then
    raise exception 'settlement % is %: only a draft is submitted', p_settlement, v.settlement_status
      using errcode = 'object_not_in_prerequisite_state';
  end if;
  perform app.check_settlement_netting(v.facility_id, v.settlement_type);
  v := app.refresh_settlement_totals(v);
  if v.allocations_count = 0 then
    raise exception 'settlement % allocates nothing: nothing to submit', p_settlement
      using errcode = 'object_not_in_prerequisite_state';
  end if;
  v_minimum := (app.facility_configuration_at(v.facility_id, p_at)).minimum_payout_paise;
  if v.net_amount_paise > 0 and v.net_amount_paise < v_minimum then
    raise exception 'settlement % nets % paise, below the facility''s minimum payout of % paise: cancel it and the items stay open for the next one',
      p_settlement, v.net_amount_paise, v_minimum using errcode = 'check_violation';
  end if;
  update public.settlements s set settlement_status = 'pending', submitted_at = p_at, submitted_by = v_user
  where s.facility_id = v.facility_id and s.id = v.id and s.created_at = v.created_at;
end
$$;
revoke all on function app.submit_settlement_at(uuid, timestamptz) from public;
alter function app.submit_settlement_at(uuid, timestamptz) owner to careledger_definer;
comment on function app.submit_settlement_at(uuid, timestamptz) is
  'As app.submit_settlement, at a given moment instead of now() (imports, the demo history, tests; owner only).';

create or replace function app.submit_settlement(p_settlement uuid) returns void
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select app.submit_settlement_at(p_settlement, now())
$$;
revoke all on function app.submit_settlement(uuid) from public;
grant execute on function app.submit_settlement(uuid) to careledger_app, careledger_patient;
alter function app.submit_settlement(uuid) owner to careledger_definer;
comment on function app.submit_settlement(uuid) is
  'Super admin: draft → pending (shown to the facility admin); refused when empty or when 0 < net < the facility''s minimum payout.';

create or replace function app.acknowledge_settlement_at(p_settlement uuid, p_at timestamptz) returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v public.settlements;
begin
  if app.current_user_role() is distinct from 'facility_admin' then
    raise exception 'only the facility''s admin acknowledges a settlement' using errcode = 'insufficient_privilege';
  end if;
  select s.* into v from public.settlements s
  where s.id = p_settlement and s.facility_id = any (app.administered_facilities()) and s.settlement_status <> 'draft'
  for update;
  if not found then
    raise exception 'settlement % not found', p_settlement using errcode = 'no_data_found';
  end if;
  if v.settlement_status <> 'pending' then
    raise exception 'settlement % is %: only a pending settlement is acknowledged', p_settlement, v.settlement_status
      using errcode = 'object_not_in_prerequisite_state';
  end if;
  if v.acknowledged_at is not null then
    raise exception 'settlement % was already acknowledged', p_settlement using errcode = 'object_not_in_prerequisite_state';
  end if;
  update public.settlements s set acknowledged_at = p_at, acknowledged_by = app.current_user_id()
  where s.facility_id = v.facility_id and s.id = v.id and s.created_at = v.created_at;
end
$$;
revoke all on function app.acknowledge_settlement_at(uuid, timestamptz) from public;
alter function app.acknowledge_settlement_at(uuid, timestamptz) owner to careledger_definer;
comment on function app.acknowledge_settlement_at(uuid, timestamptz) is
  'As app.acknowledge_settlement, at a given moment instead of now() (imports, the demo history, tests; owner only).';

create or replace function app.acknowledge_settlement(p_settlement uuid) returns void
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select app.acknowledge_settlement_at(p_settlement, now())
$$;
revoke all on function app.acknowledge_settlement(uuid) from public;
grant execute on function app.acknowledge_settlement(uuid) to careledger_app, careledger_patient;
alter function app.acknowledge_settlement(uuid) owner to careledger_definer;
comment on function app.acknowledge_settlement(uuid) is
  'Facility admin of the facility: records that they saw a pending settlement (who, when); once.';

create or replace function app.approve_settlement_at(p_settlement uuid, p_at timestamptz) returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user uuid := app.require_settlement_admin('approving settlements');
  v public.settlements;
begin
  v := app.lock_settlement(p_settlement);
  if v.settlement_status = 'approved' then
    raise exception 'settlement % is already approved', p_settlement using errcode = 'object_not_in_prerequisite_state';
  elsif v.settlement_status <> 'pending' then
    raise exception 'settlement % is %: only a pending settlement is approved', p_settlement, v.settlement_status
      using errcode = 'object_not_in_prerequisite_state';
  end if;
  update public.settlements s set settlement_status = 'approved', approved_at = p_at, approved_by = v_user
  where s.facility_id = v.facility_id and s.id = v.id and s.created_at = v.created_at;
end
$$;
revoke all on function app.approve_settlement_at(uuid, timestamptz) from public;
alter function app.approve_settlement_at(uuid, timestamptz) owner to careledger_definer;
comment on function app.approve_settlement_at(uuid, timestamptz) is
  'As app.approve_settlement, at a given moment instead of now() (imports, the demo history, tests; owner only).';

create or replace function app.approve_settlement(p_settlement uuid) returns void
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select app.approve_settlement_at(p_settlement, now())
$$;
revoke all on function app.approve_settlement(uuid) from public;
grant execute on function app.approve_settlement(uuid) to careledger_app, careledger_patient;
alter function app.approve_settlement(uuid) owner to careledger_definer;
comment on function app.approve_settlement(uuid) is 'Super admin: pending → approved; once.';

-- Paying: the UTR, paid_at now, posting 4 of docs/ledger.md and every item settled, in one transaction.
create or replace function app.pay_settlement_at(p_settlement uuid, p_bank_reference text, p_at timestamptz) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user uuid := app.require_settlement_admin('marking settlements paid');
  v public.settlements;
  v_x bigint;
  v_y bigint;
  v_t bigint;
  v_lines jsonb;
  v_entry uuid := gen_random_uuid();
begin
  if p_bank_reference is null or p_bank_reference !~ '^[A-Za-z0-9]{6,40}$' then
    raise exception 'a paid settlement needs its bank reference (UTR): 6 to 40 letters and digits'
      using errcode = 'check_violation';
  end if;
  v := app.lock_settlement(p_settlement);
  if v.settlement_status = 'paid' then
    raise exception 'settlement % is already paid', p_settlement using errcode = 'object_not_in_prerequisite_state';
  elsif v.settlement_status <> 'approved' then
    raise exception 'settlement % is %: only an approved settlement is paid', p_settlement, v.settlement_status
      using errcode = 'object_not_in_prerequisite_state';
  end if;
  v_x := v.hospital_share_paise;
  v_y := v.platform_share_paise;
  v_t := v.tds_deducted_paise;
  v_lines := case v.settlement_type
    when 'online_pg' then jsonb_build_array(
      jsonb_build_object('account', 'facility_payable', 'debit_paise', v_x),
      jsonb_build_object('account', 'platform_bank', 'credit_paise', v_x))
    when 'cash_commission' then jsonb_build_array(
      jsonb_build_object('account', 'platform_bank', 'debit_paise', v_y - v_t),
      jsonb_build_object('account', 'tds_receivable', 'debit_paise', v_t),
      jsonb_build_object('account', 'facility_receivable', 'credit_paise', v_y))
    else jsonb_build_array(
      jsonb_build_object('account', 'facility_payable', 'debit_paise', v_x),
      jsonb_build_object('account', 'facility_receivable', 'credit_paise', v_y),
      case when v_x >= v_y then jsonb_build_object('account', 'platform_bank', 'credit_paise', v_x - v_y)
           else jsonb_build_object('account', 'platform_bank', 'debit_paise', v_y - v_x - v_t) end,
      jsonb_build_object('account', 'tds_receivable', 'debit_paise', v_t))
  end;
  perform app.post_journal_entry_at(p_at, v.facility_id, 'settlement_paid', 'settlement_paid:' || v.id, v_lines,
                                 'settlement ' || v.settlement_type || ' ' || v.period_from || '..' || v.period_to
                                 || ' UTR ' || p_bank_reference, v_entry);
  perform app.apply_settlement_allocations(v, 0, 1);
  update public.settlements s
  set settlement_status = 'paid', paid_at = p_at, paid_by = v_user, bank_reference = p_bank_reference,
      journal_entry_id = v_entry
  where s.facility_id = v.facility_id and s.id = v.id and s.created_at = v.created_at;
  return v_entry;
end
$$;
revoke all on function app.pay_settlement_at(uuid, text, timestamptz) from public;
alter function app.pay_settlement_at(uuid, text, timestamptz) owner to careledger_definer;
comment on function app.pay_settlement_at(uuid, text, timestamptz) is
  'As app.pay_settlement, at a given moment instead of now() (imports, the demo history, tests; owner only).';

create or replace function app.pay_settlement(p_settlement uuid, p_bank_reference text) returns uuid
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select app.pay_settlement_at(p_settlement, p_bank_reference, now())
$$;
revoke all on function app.pay_settlement(uuid, text) from public;
grant execute on function app.pay_settlement(uuid, text) to careledger_app, careledger_patient;
alter function app.pay_settlement(uuid, text) owner to careledger_definer;
comment on function app.pay_settlement(uuid, text) is
  'Super admin: approved → paid with the bank reference (UTR); posts the settlement entry (posting 4 of docs/ledger.md) and settles every allocated item; returns the entry.';

create or replace function app.cancel_settlement_at(p_settlement uuid, p_reason text, p_at timestamptz) returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user uuid := app.require_settlement_admin('cancelling settlements');
  v public.settlements;
begin
  if p_reason is null or length(btrim(p_reason)) not between 3 and 500 then
    raise exception 'cancelling a settlement needs a reason of 3 to 500 characters' using errcode = 'check_violation';
  end if;
  v := app.lock_settlement(p_settlement);
  if v.settlement_status in ('paid', 'cancelled') then
    raise exception 'settlement % is %: only one not yet paid is cancelled', p_settlement, v.settlement_status
      using errcode = 'object_not_in_prerequisite_state';
  end if;
  perform app.apply_settlement_allocations(v, -1, 0);
  update public.settlements s
  set settlement_status = 'cancelled', cancelled_at = p_at, cancelled_by = v_user, cancel_reason = btrim(p_reason)
  where s.facility_id = v.facility_id and s.id = v.id and s.created_at = v.created_at;
end
$$;
revoke all on function app.cancel_settlement_at(uuid, text, timestamptz) from public;
alter function app.cancel_settlement_at(uuid, text, timestamptz) owner to careledger_definer;
comment on function app.cancel_settlement_at(uuid, text, timestamptz) is
  'As app.cancel_settlement, at a given moment instead of now() (imports, the demo history, tests; owner only).';

create or replace function app.cancel_settlement(p_settlement uuid, p_reason text) returns void
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select app.cancel_settlement_at(p_settlement, p_reason, now())
$$;
revoke all on function app.cancel_settlement(uuid, text) from public;
grant execute on function app.cancel_settlement(uuid, text) to careledger_app, careledger_patient;
alter function app.cancel_settlement(uuid, text) owner to careledger_definer;
comment on function app.cancel_settlement(uuid, text) is
  'Super admin: cancels a settlement not yet paid, with a reason; its allocations no longer count and the items are open again.';

-- ----------------------------------------------------------------------------
-- Drafts due by each facility's settlement cycle, for the last complete period
-- before p_as_of (IST days): daily the day before; weekly the Monday–Sunday
-- week before; fortnightly the half-month (1–15, 16–end) before; monthly the
-- month before. One draft per facility and period: mixed where the
-- configuration allows netting, else an online_pg and a cash_commission one.
-- A draft that would allocate nothing, or whose net is above 0 but below the
-- minimum payout, is not made: its items stay open and are carried forward.
-- ----------------------------------------------------------------------------
create or replace function app.settlement_period_before(p_cycle settlement_cycle, p_as_of date,
                                             out period_from date, out period_to date)
language sql immutable
set search_path = pg_catalog, public, pg_temp
as $$
  select case p_cycle
           when 'daily' then p_as_of - 1
           when 'weekly' then (date_trunc('week', p_as_of::timestamp) - interval '7 days')::date
           when 'fortnightly' then case when extract(day from p_as_of) > 15
                                        then date_trunc('month', p_as_of::timestamp)::date
                                        else (date_trunc('month', p_as_of::timestamp) - interval '1 month' + interval '15 days')::date end
           else (date_trunc('month', p_as_of::timestamp) - interval '1 month')::date
         end,
         case p_cycle
           when 'daily' then p_as_of - 1
           when 'weekly' then (date_trunc('week', p_as_of::timestamp) - interval '1 day')::date
           when 'fortnightly' then case when extract(day from p_as_of) > 15
                                        then (date_trunc('month', p_as_of::timestamp) + interval '14 days')::date
                                        else (date_trunc('month', p_as_of::timestamp) - interval '1 day')::date end
           else (date_trunc('month', p_as_of::timestamp) - interval '1 day')::date
         end
$$;
revoke all on function app.settlement_period_before(settlement_cycle, date) from public;
grant execute on function app.settlement_period_before(settlement_cycle, date) to careledger_app, careledger_definer, careledger_patient;
comment on function app.settlement_period_before(settlement_cycle, date) is
  'The last complete settlement period (IST days, inclusive) of a cycle before a date.';

create or replace function app.create_due_settlements(p_as_of date) returns setof uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user uuid := app.require_settlement_admin('making settlements', true);
  f record;
  v_type settlement_type;
  v_id uuid;
  v public.settlements;
begin
  if p_as_of is null then
    raise exception 'making due settlements needs the date to count from' using errcode = 'check_violation';
  end if;
  -- two runs at once (two app instances) queue here: the second sees the first's drafts and makes none twice
  perform pg_advisory_xact_lock(hashtext('app.create_due_settlements'));
  for f in select c.facility_id, c.netting_allowed, c.minimum_payout_paise, p.period_from, p.period_to
           from public.facilities fa
           cross join lateral app.facility_configuration_at(fa.id, now()) c
           cross join lateral app.settlement_period_before(c.settlement_cycle, p_as_of) p
           where fa.id = any (app.visible_facilities()) and c.facility_id is not null
           order by fa.id
  loop
    foreach v_type in array case when f.netting_allowed then array['mixed']::settlement_type[]
                                 else array['online_pg', 'cash_commission']::settlement_type[] end
    loop
      continue when exists (select 1 from public.settlements s
                            where s.facility_id = f.facility_id and s.settlement_type = v_type
                              and s.period_to = f.period_to and s.settlement_status <> 'cancelled');
      begin
        v_id := app.create_settlement(f.facility_id, v_type, f.period_from, f.period_to, true);
        select s.* into v from public.settlements s where s.facility_id = f.facility_id and s.id = v_id;
        if v.allocations_count = 0 or (v.net_amount_paise > 0 and v.net_amount_paise < f.minimum_payout_paise) then
          -- undo this draft (the block's subtransaction): its items stay open for the next period
          raise exception using errcode = 'CL001', message = 'carried forward';
        end if;
        return next v_id;
      exception when sqlstate 'CL001' then
        null;
      end;
    end loop;
  end loop;
end
$$;
revoke all on function app.create_due_settlements(date) from public;
grant execute on function app.create_due_settlements(date) to careledger_app, careledger_patient;
alter function app.create_due_settlements(date) owner to careledger_definer;
comment on function app.create_due_settlements(date) is
  'Super admin (or a system job): drafts for the last complete period of each facility''s cycle before a date, filled with the open items; none when empty or below the minimum payout (carried forward).';

-- Waits for (and then holds until the transaction ends) the right to change
-- the settlements of p_facility.
create or replace function app.lock_facility_settlements(p_facility uuid) returns void
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  perform pg_advisory_xact_lock(hashtextextended('settlements:' || p_facility::text, 0));
end
$$;
revoke all on function app.lock_facility_settlements(uuid) from public;
alter function app.lock_facility_settlements(uuid) owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Triggers of this area's functions (create or replace: re-run with the file).
-- ----------------------------------------------------------------------------

create or replace trigger settlements_check_change
  before update or delete on settlements
  for each row execute function app.check_settlement_change();

create or replace trigger settlement_allocations_check_change
  before update or delete on settlement_allocations
  for each row execute function app.check_settlement_allocation_change();

-- ----------------------------------------------------------------------------
-- Monthly partitions: last month through three months ahead now, the default,
-- and upkeep from here on.
-- ----------------------------------------------------------------------------
select app.register_monthly_partitions('public.settlements', 3, 1, null);
