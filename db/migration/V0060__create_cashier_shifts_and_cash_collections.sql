-- ============================================================================
-- Cash at the counter (shared/MONEY.md posting 3; issue 4 items 4 and 5).
--
--   cashier_shifts    a clerk's shift: opening float, then counted cash at the
--                     close, with the expected amount and the variance
--   cash_collections  cash a clerk took for an issued bill, in their open
--                     shift, with the commission terms used and the figures
--
-- Cash is the facility's money: it lives in these rows, not in the platform's
-- ledger. Only the commission on it and its GST are booked (posting 3):
-- D facility_receivable[F] (c + cg); C cash_commission_income c; C gst_output cg.
-- Written only by SECURITY DEFINER functions (app.open_shift,
-- app.close_shift, app.collect_cash), which check the caller; the app role
-- reads under RLS. Unpartitioned: idempotency keys are unique across time.
-- ============================================================================

create type cashier_shift_status as enum ('open', 'closed');
create type cash_settlement_status as enum ('pending', 'partially_settled', 'settled');

create table cashier_shifts (
  id                   uuid primary key default gen_random_uuid(),
  facility_id          uuid not null references facilities (id),
  staff_id             uuid not null,
  status               cashier_shift_status not null default 'open',
  opened_at            timestamptz not null default now(),
  opening_float_paise  bigint not null check (opening_float_paise >= 0),
  closed_at            timestamptz,
  counted_paise        bigint check (counted_paise >= 0),
  expected_paise       bigint check (expected_paise >= 0),
  variance_paise       bigint,
  constraint cashier_shifts_facility_id_id_key unique (facility_id, id),
  -- collections name their shift and collector together (the collector owns the shift)
  constraint cashier_shifts_facility_id_id_staff_key unique (facility_id, id, staff_id),
  constraint cashier_shifts_staff_fkey foreign key (facility_id, staff_id) references staff (facility_id, id),
  constraint cashier_shifts_close_check check (
    case status
      when 'open' then num_nonnulls(closed_at, counted_paise, expected_paise, variance_paise) = 0
      else num_nulls(closed_at, counted_paise, expected_paise, variance_paise) = 0
           and closed_at >= opened_at
           and variance_paise = counted_paise - expected_paise
    end)
);
-- one open shift per clerk
create unique index cashier_shifts_one_open_per_staff_key on cashier_shifts (staff_id) where status = 'open';
create index cashier_shifts_facility_opened_idx on cashier_shifts (facility_id, opened_at);
alter table cashier_shifts enable row level security;
alter table cashier_shifts force row level security;
comment on table cashier_shifts is
  'A clerk''s cash shift: opening float; at the close the counted cash, the expected cash (float + collections − cash refunds) and the variance.';
comment on column cashier_shifts.expected_paise is 'Opening float + cash collected in the shift − cash refunded from it (refunds: later), at the close.';
comment on column cashier_shifts.variance_paise is 'Counted − expected: negative is a shortage, positive an excess.';

grant select on cashier_shifts to careledger_app;
grant select, insert, update on cashier_shifts to careledger_definer;

create policy "Shifts are visible to their clerk and to facility admins" on cashier_shifts
  for select using (facility_id = any ((select app.administered_facilities())::uuid[])
                    or (staff_id = (select app.current_staff_id())
                        and facility_id = any ((select app.visible_facilities())::uuid[])));

create trigger audit after insert or update or delete on cashier_shifts
  for each row execute function app.audit_row('id');

-- A shift is never deleted; a closed shift never changes; an open one only closes.
create function app.check_cashier_shift_change() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  if tg_op = 'DELETE' then
    raise exception 'cashier shifts are never deleted' using errcode = 'integrity_constraint_violation';
  end if;
  if old.status = 'closed'
     or new.facility_id <> old.facility_id or new.staff_id <> old.staff_id or new.opened_at <> old.opened_at
     or new.opening_float_paise <> old.opening_float_paise then
    raise exception 'cashier shift % is closed or its opening is changed: a shift only closes, once', old.id
      using errcode = 'integrity_constraint_violation';
  end if;
  return new;
end
$$;
create trigger cashier_shifts_check_change
  before update or delete on cashier_shifts
  for each row execute function app.check_cashier_shift_change();

-- ----------------------------------------------------------------------------
-- Collections.
-- ----------------------------------------------------------------------------
create table cash_collections (
  id                            uuid primary key default gen_random_uuid(),
  facility_id                   uuid not null references facilities (id),
  bill_id                       uuid not null,
  patient_id                    uuid not null,
  shift_id                      uuid not null,
  collected_by                  uuid not null,
  amount_collected_paise        bigint not null check (amount_collected_paise > 0),
  collected_at                  timestamptz not null default now(),
  -- the commission terms used (the configuration version in force at the collection) and the figures
  configuration_effective_from  timestamptz not null,
  commission_type               cash_commission_type,
  commission_rate               numeric(7, 6),
  commission_fixed_paise        bigint,
  gst_rate                      numeric(6, 4) not null check (gst_rate >= 0),
  commission_paise              bigint not null check (commission_paise >= 0),
  commission_gst_paise          bigint not null check (commission_gst_paise >= 0),
  settlement_status             cash_settlement_status not null default 'pending',
  idempotency_key               text not null check (length(idempotency_key) between 3 and 200),
  journal_entry_id              uuid,
  created_by                    uuid not null references users (id),
  constraint cash_collections_facility_id_id_key unique (facility_id, id),
  constraint cash_collections_idempotency_key unique (facility_id, idempotency_key),
  constraint cash_collections_bill_fkey foreign key (facility_id, bill_id, patient_id)
    references bills (facility_id, id, patient_id),
  constraint cash_collections_shift_fkey foreign key (facility_id, shift_id, collected_by)
    references cashier_shifts (facility_id, id, staff_id),
  constraint cash_collections_collector_fkey foreign key (facility_id, collected_by) references staff (facility_id, id),
  constraint cash_collections_configuration_fkey foreign key (facility_id, configuration_effective_from)
    references facility_configurations (facility_id, effective_from),
  -- the entry is posted after the row, in the same transaction
  constraint cash_collections_journal_entry_fkey foreign key (facility_id, journal_entry_id)
    references journal_entries (facility_id, id) deferrable initially deferred,
  constraint cash_collections_journal_entry_key unique (journal_entry_id),
  -- the figures follow from the terms (each rounded once, half up; GST on the rounded commission)
  constraint cash_collections_commission_check check (
    case
      when commission_type is null then commission_rate is null and commission_fixed_paise is null
                                        and commission_paise = 0
      when commission_type = 'percentage' then commission_rate is not null and commission_fixed_paise is null
                                               and commission_paise = round(amount_collected_paise * commission_rate)
      else commission_rate is null and commission_fixed_paise is not null
           and commission_paise in (0, commission_fixed_paise)
    end
    and commission_gst_paise = round(commission_paise * gst_rate)),
  constraint cash_collections_journal_check check (
    (journal_entry_id is null) = (commission_paise + commission_gst_paise = 0))
);
-- a fixed fee is charged once per bill
create unique index cash_collections_fixed_fee_once_key on cash_collections (facility_id, bill_id)
  where commission_type = 'fixed_per_bill' and commission_paise > 0;
create index cash_collections_facility_collected_idx on cash_collections (facility_id, collected_at);
create index cash_collections_facility_bill_idx on cash_collections (facility_id, bill_id);
create index cash_collections_facility_shift_idx on cash_collections (facility_id, shift_id) include (amount_collected_paise);
create index cash_collections_facility_patient_idx on cash_collections (facility_id, patient_id);
create index cash_collections_facility_open_idx on cash_collections (facility_id, collected_at)
  where settlement_status <> 'settled';
create index cash_collections_collected_at_brin on cash_collections using brin (collected_at);
alter table cash_collections enable row level security;
alter table cash_collections force row level security;

comment on table cash_collections is
  'Cash collected at the counter for issued bills, in the collector''s open shift; the commission terms used and figures; commission posted to the ledger (MONEY.md posting 3).';
comment on column cash_collections.commission_type is 'Null when the facility''s configuration charged no cash commission.';
comment on column cash_collections.gst_rate is 'GST rate applied to the commission: the configuration''s, or 0 when it charges no GST on cash commission.';
comment on column cash_collections.commission_paise is 'round_half_up(amount × rate), or the fixed fee at the bill''s first cash collection (0 on later ones).';
comment on column cash_collections.settlement_status is 'Derived from settlement allocations (later), set only by definer functions; pending until then.';
comment on column cash_collections.idempotency_key is 'The portal''s key for the collection, unique per facility: a retry returns the first collection.';

grant select on cash_collections to careledger_app;
grant select, insert, update on cash_collections to careledger_definer;

create policy "Cash collections are visible to billing staff and their patient" on cash_collections
  for select using (
    (facility_id = any ((select app.visible_facilities())::uuid[])
     and ((select app.has_permission('billing.manage')) or (select app.has_permission('cash.collect'))))
    or patient_id = any ((select app.own_patient_ids())::uuid[]));

create trigger audit after insert or update or delete on cash_collections
  for each row execute function app.audit_row('id');

-- Never deleted; only the settlement status changes; nothing enters a closed shift.
create function app.check_cash_collection_change() returns trigger
language plpgsql
set search_path = pg_catalog, public, pg_temp
as $$
begin
  if tg_op = 'DELETE' then
    raise exception 'cash collections are never deleted' using errcode = 'integrity_constraint_violation';
  end if;
  if tg_op = 'INSERT' then
    if not exists (select 1 from public.cashier_shifts s
                   where s.id = new.shift_id and s.facility_id = new.facility_id and s.status = 'open') then
      raise exception 'shift % is not open: a closed shift takes no more collections', new.shift_id
        using errcode = 'object_not_in_prerequisite_state';
    end if;
    return new;
  end if;
  if (to_jsonb(new) - 'settlement_status') <> (to_jsonb(old) - 'settlement_status') then
    raise exception 'cash collection % is recorded: only its settlement status changes', old.id
      using errcode = 'integrity_constraint_violation';
  end if;
  return new;
end
$$;
create trigger cash_collections_check_change
  before insert or update or delete on cash_collections
  for each row execute function app.check_cash_collection_change();

-- ----------------------------------------------------------------------------
-- The commission of one collection: the only place where it is rounded.
-- p_first: no earlier cash collection on the bill (the fixed fee is charged then).
-- ----------------------------------------------------------------------------
create function app.cash_commission_figures(
  p_amount_paise  bigint,
  p_type          cash_commission_type,
  p_rate          numeric,
  p_fixed_paise   bigint,
  p_first         boolean,
  p_gst_rate      numeric,
  out commission_paise      bigint,
  out commission_gst_paise  bigint
)
language sql immutable
set search_path = pg_catalog, public, pg_temp
as $$
  select c.fee, round(c.fee * p_gst_rate)::bigint
  from (select case p_type
                 when 'percentage' then round(p_amount_paise::numeric * p_rate)::bigint
                 when 'fixed_per_bill' then case when p_first then p_fixed_paise else 0 end
                 else 0
               end as fee) c
$$;
revoke all on function app.cash_commission_figures(bigint, cash_commission_type, numeric, bigint, boolean, numeric) from public;
grant execute on function app.cash_commission_figures(bigint, cash_commission_type, numeric, bigint, boolean, numeric)
  to careledger_app, careledger_definer;
comment on function app.cash_commission_figures(bigint, cash_commission_type, numeric, bigint, boolean, numeric) is
  'Cash commission and its GST for one collection, each rounded half up once, GST on the rounded commission; a fixed fee only at the bill''s first cash collection.';

-- The clerk of a cash function: a staff member of the current facility with
-- cash.collect. Returns their staff id; refuses anyone else, saying what they tried.
create function app.require_cashier(p_doing text) returns uuid
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
declare
  v_tenant uuid := app.current_tenant();
  v_staff uuid := app.current_staff_id();
begin
  if v_tenant is null or not (v_tenant = any (app.visible_facilities()))
     or not coalesce(app.has_permission('cash.collect'), false) or v_staff is null then
    raise exception '% needs a staff member with cash.collect in the facility', p_doing
      using errcode = 'insufficient_privilege';
  end if;
  return v_staff;
end
$$;
revoke all on function app.require_cashier(text) from public;
grant execute on function app.require_cashier(text) to careledger_definer;

-- ----------------------------------------------------------------------------
-- Shifts. Definer rights (the app role writes no shift), so they check the
-- caller: a staff member of the current facility with cash.collect.
-- ----------------------------------------------------------------------------
create function app.open_shift(p_opening_float_paise bigint) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_tenant uuid := app.current_tenant();
  v_staff uuid := app.require_cashier('opening a cash shift');
  v_shift uuid;
begin
  if p_opening_float_paise is null or p_opening_float_paise < 0 then
    raise exception 'the opening float is 0 paise or more (got %)', coalesce(p_opening_float_paise::text, 'none')
      using errcode = 'check_violation';
  end if;
  if exists (select 1 from public.cashier_shifts s where s.staff_id = v_staff and s.status = 'open') then
    raise exception 'you already have an open shift: close it first' using errcode = 'unique_violation';
  end if;
  insert into public.cashier_shifts (facility_id, staff_id, opening_float_paise)
  values (v_tenant, v_staff, p_opening_float_paise)
  returning id into v_shift;
  return v_shift;
end
$$;
revoke all on function app.open_shift(bigint) from public;
grant execute on function app.open_shift(bigint) to careledger_app;
alter function app.open_shift(bigint) owner to careledger_definer;
comment on function app.open_shift(bigint) is
  'Opens a cash shift for the signed-in clerk (cash.collect) with an opening float; one open shift per clerk.';

create function app.close_shift(p_shift uuid, p_counted_paise bigint) returns cashier_shifts
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_tenant uuid := app.current_tenant();
  v_staff uuid := app.require_cashier('closing a cash shift');
  v_shift public.cashier_shifts;
  v_collected bigint;
begin
  if p_counted_paise is null or p_counted_paise < 0 then
    raise exception 'the counted cash is 0 paise or more (got %)', coalesce(p_counted_paise::text, 'none')
      using errcode = 'check_violation';
  end if;
  -- locked: a collection in progress in this shift finishes first (it locks the shift too)
  select s.* into v_shift from public.cashier_shifts s
  where s.id = p_shift and s.facility_id = v_tenant for update;
  if not found then
    raise exception 'shift % not found', p_shift using errcode = 'no_data_found';
  end if;
  if v_shift.staff_id <> v_staff then
    raise exception 'only the clerk who opened shift % closes it', p_shift using errcode = 'insufficient_privilege';
  end if;
  if v_shift.status = 'closed' then
    raise exception 'shift % is already closed', p_shift using errcode = 'object_not_in_prerequisite_state';
  end if;
  -- cash refunds paid out of the shift will be subtracted here when refunds exist
  select coalesce(sum(c.amount_collected_paise), 0) into v_collected
  from public.cash_collections c where c.facility_id = v_tenant and c.shift_id = p_shift;

  update public.cashier_shifts s
  set status = 'closed', closed_at = greatest(now(), s.opened_at), counted_paise = p_counted_paise,
      expected_paise = s.opening_float_paise + v_collected,
      variance_paise = p_counted_paise - (s.opening_float_paise + v_collected)
  where s.id = p_shift
  returning s.* into v_shift;
  return v_shift;
end
$$;
revoke all on function app.close_shift(uuid, bigint) from public;
grant execute on function app.close_shift(uuid, bigint) to careledger_app;
alter function app.close_shift(uuid, bigint) owner to careledger_definer;
comment on function app.close_shift(uuid, bigint) is
  'Closes the signed-in clerk''s own open shift with the counted cash: expected = float + collections, variance = counted − expected.';

-- ----------------------------------------------------------------------------
-- Collecting cash. Definer rights (it writes collections, the bill's paid
-- amount and the ledger), so it checks the caller itself: a staff member with
-- cash.collect in the bill's facility, entered as the current tenant, with an
-- open shift.
-- ----------------------------------------------------------------------------
create function app.collect_cash(p_bill uuid, p_amount_paise bigint, p_idempotency_key text) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_tenant uuid := app.current_tenant();
  v_staff uuid := app.require_cashier('collecting cash');
  v_now timestamptz := now();
  v_bill public.bills;
  v_existing public.cash_collections;
  v_shift uuid;
  v_config public.facility_configurations;
  v_type public.cash_commission_type;
  v_rate numeric;
  v_fixed bigint;
  v_gst_rate numeric;
  v_first boolean;
  v_fig record;
  v_collection uuid := gen_random_uuid();
  v_entry uuid;
begin
  if p_amount_paise is null or p_amount_paise <= 0 then
    raise exception 'a cash collection is of more than 0 paise (got %)', coalesce(p_amount_paise::text, 'none')
      using errcode = 'check_violation';
  end if;
  if p_idempotency_key is null or length(btrim(p_idempotency_key)) not between 3 and 200 then
    raise exception 'a cash collection needs an idempotency key of 3 to 200 characters' using errcode = 'check_violation';
  end if;

  -- the bill, locked until commit: collections (and captures) of one bill go one at a time
  select b.* into v_bill from public.bills b where b.id = p_bill and b.facility_id = v_tenant for update;
  if not found then
    raise exception 'bill % not found', p_bill using errcode = 'no_data_found';
  end if;

  -- a retry returns the first collection and writes nothing (looked up after the lock: a concurrent first try has committed)
  select c.* into v_existing from public.cash_collections c
  where c.facility_id = v_tenant and c.idempotency_key = p_idempotency_key;
  if found then
    if v_existing.bill_id <> p_bill or v_existing.amount_collected_paise <> p_amount_paise then
      raise exception 'idempotency key % was already used for another collection', p_idempotency_key
        using errcode = 'unique_violation';
    end if;
    return v_existing.id;
  end if;

  if v_bill.status = 'draft' then
    raise exception 'bill % is a draft: only an issued bill is paid', p_bill using errcode = 'object_not_in_prerequisite_state';
  elsif v_bill.status = 'cancelled' then
    raise exception 'bill % is cancelled: nothing to collect', p_bill using errcode = 'object_not_in_prerequisite_state';
  elsif v_bill.status = 'paid' then
    raise exception 'bill % is already paid: nothing to collect', p_bill using errcode = 'object_not_in_prerequisite_state';
  end if;
  if p_amount_paise > v_bill.total_paise - v_bill.paid_paise then
    raise exception 'cash of % paise is more than the % paise outstanding on bill %: collect at most that and give change',
      p_amount_paise, v_bill.total_paise - v_bill.paid_paise, coalesce(v_bill.bill_number, p_bill::text)
      using errcode = 'check_violation';
  end if;

  -- the collector's open shift, locked so that it cannot close under this collection
  select s.id into v_shift from public.cashier_shifts s
  where s.staff_id = v_staff and s.facility_id = v_tenant and s.status = 'open' for update;
  if v_shift is null then
    raise exception 'no open shift: open a cash shift before collecting cash' using errcode = 'object_not_in_prerequisite_state';
  end if;

  v_config := app.facility_configuration_at(v_tenant, v_now);
  if v_config.facility_id is null then
    raise exception 'the facility has no configuration in force' using errcode = 'no_data_found';
  end if;
  if v_config.cash_commission_applies then
    v_type := v_config.cash_commission_type;
    v_rate := case when v_type = 'percentage' then v_config.cash_commission_rate end;
    v_fixed := case when v_type = 'fixed_per_bill' then v_config.cash_commission_fixed_paise end;
    v_gst_rate := case when v_config.gst_on_cash_commission then v_config.gst_rate else 0 end;
  else
    v_gst_rate := 0;
  end if;
  v_first := not exists (select 1 from public.cash_collections c where c.facility_id = v_tenant and c.bill_id = p_bill);
  select * into v_fig from app.cash_commission_figures(p_amount_paise, v_type, v_rate, v_fixed, v_first, v_gst_rate);
  if v_fig.commission_paise + v_fig.commission_gst_paise > 0 then
    v_entry := gen_random_uuid();
  end if;

  insert into public.cash_collections (
    id, facility_id, bill_id, patient_id, shift_id, collected_by, amount_collected_paise, collected_at,
    configuration_effective_from, commission_type, commission_rate, commission_fixed_paise, gst_rate,
    commission_paise, commission_gst_paise, idempotency_key, journal_entry_id, created_by)
  values (
    v_collection, v_tenant, p_bill, v_bill.patient_id, v_shift, v_staff, p_amount_paise, v_now,
    v_config.effective_from, v_type, v_rate, v_fixed, v_gst_rate,
    v_fig.commission_paise, v_fig.commission_gst_paise, p_idempotency_key, v_entry, app.current_user_id());

  update public.bills b
  set paid_paise = b.paid_paise + p_amount_paise,
      status = app.bill_status_for_payment(b.total_paise, b.paid_paise + p_amount_paise)
  where b.id = p_bill;

  if v_entry is not null then
    perform app.post_journal_entry(
      v_tenant, 'cash_collection', 'cash_collection:' || v_collection,
      jsonb_build_array(
        jsonb_build_object('account', 'facility_receivable',
                           'debit_paise', v_fig.commission_paise + v_fig.commission_gst_paise),
        jsonb_build_object('account', 'cash_commission_income', 'credit_paise', v_fig.commission_paise),
        jsonb_build_object('account', 'gst_output', 'credit_paise', v_fig.commission_gst_paise)),
      'cash commission on ' || p_amount_paise || ' paise collected for bill ' || coalesce(v_bill.bill_number, p_bill::text),
      v_entry);
  end if;
  return v_collection;
end
$$;
revoke all on function app.collect_cash(uuid, bigint, text) from public;
grant execute on function app.collect_cash(uuid, bigint, text) to careledger_app;
alter function app.collect_cash(uuid, bigint, text) owner to careledger_definer;
comment on function app.collect_cash(uuid, bigint, text) is
  'Records cash collected for an issued bill of the current facility in the clerk''s open shift, idempotently per key: never beyond what is outstanding; commission at the terms in force, bill paid amount, ledger entry (MONEY.md posting 3) when the commission is above 0.';
