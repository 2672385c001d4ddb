-- ============================================================================
-- Payments and cash: captures, shifts, collections, refunds, gateway batches, receipts: functions, trigger functions and views.
--
-- Repeatable: Flyway runs this file again whenever it changes, so every
-- statement here can run twice (create or replace, grants, comments).
-- Tables, types and policies of the area are in V0009__payments_and_cash.sql.
--
-- Moments. Each money function that stamps the time of its event has an _at
-- variant taking that moment (app.capture_payment_at, ...), which holds the
-- body; the function the app calls runs it with now(). Only the owner may run
-- an _at variant (imports, the demo history of db/demo-activity, tests): the
-- app roles cannot choose when money moved.
-- ============================================================================

-- A captured payment never changes but for its status, its gateway batch (once),
-- its running totals, which only grow, and its correction (once). A voided
-- payment never changes again. The refund totals go down only when a refund is
-- voided (app.void_corrected_item), and then they equal the sums over the
-- payment's refunds that are not void; what refunds of other payments drew on
-- it likewise falls back to the draws of the refunds that are not void.
create or replace function app.check_payment_update() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  v_keys text[] := array['status', 'advance_refund_due', 'gateway_settlement_id', 'refunded_paise',
                         'advance_refunded_paise', 'platform_fee_reversed_paise', 'platform_gst_reversed_paise',
                         'gateway_fee_recovered_paise', 'gateway_gst_recovered_paise', 'refund_payable_paise',
                         'drawn_paise', 'allocated_paise', 'settled_paise', 'correction_entry_id'];
begin
  if tg_op = 'DELETE' then
    raise exception 'payments are never deleted' using errcode = 'integrity_constraint_violation';
  end if;
  if old.captured_at is not null then
    if (to_jsonb(new) - v_keys) <> (to_jsonb(old) - v_keys) then
      raise exception 'payment % is captured: only its refunds, gateway settlement and settlement totals change', old.id
        using errcode = 'integrity_constraint_violation';
    end if;
    if old.correction_entry_id is not null then
      raise exception 'payment % was voided by correction %: it never changes', old.id, old.correction_entry_id
        using errcode = 'integrity_constraint_violation';
    end if;
    if old.gateway_settlement_id is not null and new.gateway_settlement_id is distinct from old.gateway_settlement_id then
      raise exception 'payment % is already in gateway settlement %', old.id, old.gateway_settlement_id
        using errcode = 'integrity_constraint_violation';
    end if;
    if new.settled_paise < old.settled_paise then
      raise exception 'payment % : settlement totals only grow', old.id using errcode = 'integrity_constraint_violation';
    end if;
    if (new.refunded_paise < old.refunded_paise or new.advance_refunded_paise < old.advance_refunded_paise
        or new.platform_fee_reversed_paise < old.platform_fee_reversed_paise
        or new.platform_gst_reversed_paise < old.platform_gst_reversed_paise
        or new.gateway_fee_recovered_paise < old.gateway_fee_recovered_paise
        or new.gateway_gst_recovered_paise < old.gateway_gst_recovered_paise
        or new.refund_payable_paise < old.refund_payable_paise)
       and row(new.refunded_paise, new.advance_refunded_paise, new.platform_fee_reversed_paise,
               new.platform_gst_reversed_paise, new.gateway_fee_recovered_paise, new.gateway_gst_recovered_paise,
               new.refund_payable_paise)
           is distinct from
           (select row(coalesce(sum(r.amount_paise), 0)::bigint, coalesce(sum(r.advance_paise), 0)::bigint,
                       coalesce(sum(r.platform_fee_reversed_paise), 0)::bigint,
                       coalesce(sum(r.platform_gst_reversed_paise), 0)::bigint,
                       coalesce(sum(r.gateway_fee_recovered_paise), 0)::bigint,
                       coalesce(sum(r.gateway_gst_recovered_paise), 0)::bigint, coalesce(sum(r.payable_paise), 0)::bigint)
            from public.payment_refunds r
            where r.facility_id = new.facility_id and r.payment_id = new.id and r.correction_entry_id is null) then
      raise exception 'payment % : refund totals only grow, or fall back to the sums of its refunds that are not void', old.id
        using errcode = 'integrity_constraint_violation';
    end if;
    if new.drawn_paise < old.drawn_paise
       and new.drawn_paise <> (select coalesce(sum(d.amount_paise), 0)::bigint
                               from public.payment_refund_draws d
                               join public.payment_refunds r on r.facility_id = d.facility_id and r.id = d.refund_id
                               where d.facility_id = new.facility_id and d.item_kind = 'payment' and d.item_id = new.id
                                 and r.correction_entry_id is null) then
      raise exception 'payment % : what refunds of other payments drew on it only grows, or falls back to the draws of refunds that are not void', old.id
        using errcode = 'integrity_constraint_violation';
    end if;
  end if;
  return new;
end
$$;

-- ----------------------------------------------------------------------------
-- The arithmetic of a capture: the only place where its fees are rounded.
-- numeric round() is half away from zero: half up for amounts never negative.
-- ----------------------------------------------------------------------------
create or replace function app.online_payment_figures(
  p_amount_paise  bigint,
  p_gateway_mdr   numeric,
  p_platform_mdr  numeric,
  p_gst_rate      numeric,
  out gateway_fee_paise          bigint,
  out gateway_gst_paise          bigint,
  out platform_fee_paise         bigint,
  out platform_gst_paise         bigint,
  out platform_commission_paise  bigint,
  out net_settlement_paise       bigint
)
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
  select g.fee, round(g.fee * p_gst_rate)::bigint, p.fee, round(p.fee * p_gst_rate)::bigint,
         p.fee - g.fee, p_amount_paise - p.fee - round(p.fee * p_gst_rate)::bigint
  from (select round(p_amount_paise::numeric * p_gateway_mdr)::bigint as fee) g
  cross join (select round(p_amount_paise::numeric * p_platform_mdr)::bigint as fee) p
$$;
revoke all on function app.online_payment_figures(bigint, numeric, numeric, numeric) from public;
grant execute on function app.online_payment_figures(bigint, numeric, numeric, numeric) to careledger_app, careledger_definer, careledger_patient;
comment on function app.online_payment_figures(bigint, numeric, numeric, numeric) is
  'Gateway fee and GST, platform fee and GST, commission and net of an online payment, each rounded half up once, GST on the rounded fee.';

-- ----------------------------------------------------------------------------
-- Capture, as the gateway reports it (the payment webhook only): of an order
-- created for the bill, and of exactly the order's amount, which was at most
-- what the bill had outstanding when the order was made. It captures the
-- attempt recorded for the payment id (authorized), else the order's open row
-- (created), else a row of its own for a later attempt of the order. One
-- successful payment per order. A capture of an order whose bill was paid
-- meanwhile (another order, cash) or cancelled is the patient's advance.
-- ----------------------------------------------------------------------------
create or replace function app.capture_payment_at(
  p_bill                uuid,
  p_gateway             payment_gateway,
  p_gateway_order_id    text,
  p_gateway_payment_id  text,
  p_method              payment_method,
  p_amount_paise        bigint,
  p_at                  timestamptz
) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_order public.payments := app.gateway_event_order('a capture', p_gateway, p_gateway_order_id,
                                                     p_gateway_payment_id, p_method);
  v_tenant uuid := v_order.facility_id;
  v_now timestamptz := p_at;
  v_bill public.bills;
  v_config public.facility_configurations;
  v_rates public.facility_method_rates;
  v_fig record;
  v_payment uuid;
  v_existing public.payments;
  v_target uuid;
  v_entry uuid := gen_random_uuid();
  v_applied bigint;
begin
  if v_order.bill_id <> p_bill then
    raise exception 'gateway order % belongs to another bill', p_gateway_order_id using errcode = 'unique_violation';
  end if;
  if p_amount_paise is distinct from v_order.amount_paise then
    raise exception 'gateway order % is of % paise: a capture of % paise is refused (a capture is of the order''s amount)',
      p_gateway_order_id, v_order.amount_paise, coalesce(p_amount_paise::text, 'no')
      using errcode = 'check_violation';
  end if;

  v_config := app.facility_configuration_at(v_tenant, v_now);
  if v_config.facility_id is null then
    raise exception 'the facility has no configuration in force' using errcode = 'no_data_found';
  end if;
  select r.* into v_rates from public.facility_method_rates r
  where r.facility_id = v_tenant and r.effective_from = v_config.effective_from and r.method = p_method;
  if not found then
    raise exception 'the facility has no MDR rates for %', p_method using errcode = 'no_data_found';
  end if;
  select * into v_fig from app.online_payment_figures(p_amount_paise, v_rates.gateway_mdr, v_rates.platform_mdr, v_config.gst_rate);

  -- the bill (locked by app.gateway_event_order until commit): what is outstanding is paid, the rest is the
  -- patient's advance; a concurrent delivery of this capture, or another event of the bill, waits there
  select b.* into v_bill from public.bills b where b.facility_id = v_tenant and b.id = p_bill;
  v_applied := case when v_bill.status in ('issued', 'partially_paid')
                    then least(p_amount_paise, v_bill.total_paise - v_bill.paid_paise) else 0 end;

  -- the attempt already recorded for this payment id
  v_existing := app.recorded_payment_attempt(p_gateway, p_gateway_order_id, p_gateway_payment_id, p_method,
                                            p_bill, p_amount_paise);
  if v_existing.id is not null then
    if v_existing.captured_at is not null then
      return v_existing.id;
    end if;
    if v_existing.status = 'failed' then
      raise exception 'gateway payment % has failed: it cannot be captured', p_gateway_payment_id
        using errcode = 'object_not_in_prerequisite_state';
    end if;
    v_target := v_existing.id;
  else
    -- one successful payment per order
    select p.* into v_existing from public.payments p
    where p.gateway = p_gateway and p.gateway_order_id = p_gateway_order_id and p.captured_at is not null;
    if found then
      raise exception 'gateway order % is already paid by payment %', p_gateway_order_id, v_existing.gateway_payment_id
        using errcode = 'unique_violation';
    end if;
    -- the order's open row, if any, becomes this payment
    select p.id into v_target from public.payments p
    where p.gateway = p_gateway and p.gateway_order_id = p_gateway_order_id and p.gateway_payment_id is null;
  end if;

  if v_target is not null then
    update public.payments p
    set gateway_payment_id = p_gateway_payment_id, method = p_method, status = 'captured', captured_at = v_now,
        applied_paise = v_applied, advance_paise = p_amount_paise - v_applied,
        configuration_effective_from = v_config.effective_from, gateway_mdr = v_rates.gateway_mdr,
        platform_mdr = v_rates.platform_mdr, gst_rate = v_config.gst_rate,
        gateway_fee_paise = v_fig.gateway_fee_paise, gateway_gst_paise = v_fig.gateway_gst_paise,
        platform_fee_paise = v_fig.platform_fee_paise, platform_gst_paise = v_fig.platform_gst_paise,
        platform_commission_paise = v_fig.platform_commission_paise, net_settlement_paise = v_fig.net_settlement_paise,
        journal_entry_id = v_entry
    where p.id = v_target
    returning p.id into v_payment;
  else
    -- a later attempt of the order (its first attempt failed after authorization, or is authorized and was not
    -- captured), with the order's bill and amount; the gateway's payment id decides
    insert into public.payments (
      facility_id, bill_id, patient_id, gateway, gateway_order_id, gateway_payment_id, method, amount_paise, status,
      captured_at, applied_paise, advance_paise, configuration_effective_from, gateway_mdr, platform_mdr, gst_rate,
      gateway_fee_paise, gateway_gst_paise, platform_fee_paise, platform_gst_paise, platform_commission_paise,
      net_settlement_paise, journal_entry_id, created_by, created_at)
    values (
      v_tenant, v_bill.id, v_bill.patient_id, p_gateway, p_gateway_order_id, p_gateway_payment_id, p_method, p_amount_paise,
      'captured', v_now, v_applied, p_amount_paise - v_applied, v_config.effective_from, v_rates.gateway_mdr, v_rates.platform_mdr, v_config.gst_rate,
      v_fig.gateway_fee_paise, v_fig.gateway_gst_paise, v_fig.platform_fee_paise, v_fig.platform_gst_paise,
      v_fig.platform_commission_paise, v_fig.net_settlement_paise, v_entry, app.current_user_id(), v_now)
    on conflict (gateway, gateway_payment_id) do nothing
    returning id into v_payment;

    if v_payment is null then
      select p.* into v_existing from public.payments p
      where p.gateway = p_gateway and p.gateway_payment_id = p_gateway_payment_id;
      if v_existing.captured_at is null or v_existing.facility_id <> v_tenant or v_existing.bill_id <> p_bill
         or v_existing.amount_paise <> p_amount_paise or v_existing.gateway_order_id <> p_gateway_order_id
         or v_existing.method <> p_method then
        raise exception 'gateway payment % was already captured with other details', p_gateway_payment_id
          using errcode = 'unique_violation';
      end if;
      return v_existing.id;
    end if;
  end if;

  if v_applied > 0 then
    update public.bills b
    set paid_paise = b.paid_paise + v_applied,
        status = app.bill_status_for_payment(b.total_paise, b.paid_paise + v_applied)
    where b.id = p_bill;
  end if;

  perform app.post_journal_entry_at(p_at,
    v_tenant, 'online_capture', 'capture:' || p_gateway || ':' || p_gateway_payment_id,
    jsonb_build_array(
      jsonb_build_object('account', 'gateway_clearing', 'gateway', p_gateway,
                         'debit_paise', p_amount_paise - v_fig.gateway_fee_paise - v_fig.gateway_gst_paise),
      jsonb_build_object('account', 'gateway_fee_expense', 'debit_paise', v_fig.gateway_fee_paise),
      jsonb_build_object('account', 'gst_input', 'debit_paise', v_fig.gateway_gst_paise),
      jsonb_build_object('account', 'facility_payable', 'credit_paise', v_fig.net_settlement_paise),
      jsonb_build_object('account', 'platform_fee_income', 'credit_paise', v_fig.platform_fee_paise),
      jsonb_build_object('account', 'gst_output', 'credit_paise', v_fig.platform_gst_paise)),
    'online payment ' || p_gateway || ' ' || p_gateway_payment_id || ' of bill ' || coalesce(v_bill.bill_number, p_bill::text),
    v_entry);
  return v_payment;
end
$$;
revoke all on function app.capture_payment_at(uuid, payment_gateway, text, text, payment_method, bigint, timestamptz) from public;
alter function app.capture_payment_at(uuid, payment_gateway, text, text, payment_method, bigint, timestamptz) owner to careledger_definer;
comment on function app.capture_payment_at(uuid, payment_gateway, text, text, payment_method, bigint, timestamptz) is
  'As app.capture_payment, at a given moment instead of now() (imports, the demo history, tests; owner only).';

create or replace function app.capture_payment(
  p_bill                uuid,
  p_gateway             payment_gateway,
  p_gateway_order_id    text,
  p_gateway_payment_id  text,
  p_method              payment_method,
  p_amount_paise        bigint
) returns uuid
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select app.capture_payment_at(p_bill, p_gateway, p_gateway_order_id, p_gateway_payment_id, p_method, p_amount_paise, now())
$$;
revoke all on function app.capture_payment(uuid, payment_gateway, text, text, payment_method, bigint) from public;
grant execute on function app.capture_payment(uuid, payment_gateway, text, text, payment_method, bigint) to careledger_app, careledger_patient;
alter function app.capture_payment(uuid, payment_gateway, text, text, payment_method, bigint) owner to careledger_definer;
comment on function app.capture_payment(uuid, payment_gateway, text, text, payment_method, bigint) is
  'Records a captured online payment of an order of the current facility, as the gateway reports it (only the payment webhook), idempotently per gateway payment id: of the order''s bill and exactly its amount, one per order; captures the authorized attempt or the open order, else a row for a later attempt; fees at the rates in force, bill paid amount, receipt, ledger entry (posting 1 of docs/ledger.md).';

-- A shift is never deleted; a closed shift never changes; an open one only closes.
create or replace function app.check_cashier_shift_change() returns trigger
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

-- Never deleted; only the settlement status, the running totals and the
-- correction (once) change; nothing enters a closed shift; a voided collection
-- never changes again. The refund totals go down only when a cash refund is
-- voided, and then what was refunded equals the collection's refunds that are
-- not void.
create or replace function app.check_cash_collection_change() returns trigger
language plpgsql
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_keys text[] := array['settlement_status', 'refunded_paise', 'commission_reversed_paise',
                         'commission_gst_reversed_paise', 'receivable_reversed_paise', 'allocated_paise',
                         'settled_paise', 'correction_entry_id'];
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
  if (to_jsonb(new) - v_keys) <> (to_jsonb(old) - v_keys) then
    raise exception 'cash collection % is recorded: only its refund and settlement totals change', old.id
      using errcode = 'integrity_constraint_violation';
  end if;
  if old.correction_entry_id is not null then
    raise exception 'cash collection % was voided by correction %: it never changes', old.id, old.correction_entry_id
      using errcode = 'integrity_constraint_violation';
  end if;
  if new.settled_paise < old.settled_paise then
    raise exception 'cash collection % : settlement totals only grow', old.id using errcode = 'integrity_constraint_violation';
  end if;
  if (new.refunded_paise < old.refunded_paise or new.commission_reversed_paise < old.commission_reversed_paise
      or new.commission_gst_reversed_paise < old.commission_gst_reversed_paise
      or new.receivable_reversed_paise < old.receivable_reversed_paise)
     and new.refunded_paise <> (select coalesce(sum(r.amount_paise), 0) from public.cash_refunds r
                                where r.facility_id = new.facility_id and r.collection_id = new.id
                                  and r.correction_entry_id is null) then
    raise exception 'cash collection % : refund totals only grow, or fall back to its refunds that are not void', old.id
      using errcode = 'integrity_constraint_violation';
  end if;
  return new;
end
$$;

-- ----------------------------------------------------------------------------
-- The commission of one collection: the only place where it is rounded.
-- p_first: no earlier cash collection on the bill (the fixed fee is charged then).
-- ----------------------------------------------------------------------------
create or replace function app.cash_commission_figures(
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
  to careledger_app, careledger_definer, careledger_patient;
comment on function app.cash_commission_figures(bigint, cash_commission_type, numeric, bigint, boolean, numeric) is
  'Cash commission and its GST for one collection, each rounded half up once, GST on the rounded commission; a fixed fee only at the bill''s first cash collection.';

-- The clerk of a cash function: a staff member of the current facility with
-- cash.collect. Returns their staff id; refuses anyone else, saying what they tried.
create or replace function app.require_cashier(p_doing text) returns uuid
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
create or replace function app.open_shift_at(p_opening_float_paise bigint, p_at timestamptz) returns uuid
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
  if p_opening_float_paise > 100000000 then
    raise exception 'the opening float is at most 100000000 paise (₹10 lakh); got % paise', p_opening_float_paise
      using errcode = 'check_violation';
  end if;
  if exists (select 1 from public.cashier_shifts s where s.staff_id = v_staff and s.status = 'open') then
    raise exception 'you already have an open shift: close it first' using errcode = 'unique_violation';
  end if;
  insert into public.cashier_shifts (facility_id, staff_id, opening_float_paise, opened_at)
  values (v_tenant, v_staff, p_opening_float_paise, p_at)
  returning id into v_shift;
  return v_shift;
end
$$;
revoke all on function app.open_shift_at(bigint, timestamptz) from public;
alter function app.open_shift_at(bigint, timestamptz) owner to careledger_definer;
comment on function app.open_shift_at(bigint, timestamptz) is
  'As app.open_shift, at a given moment instead of now() (imports, the demo history, tests; owner only).';

create or replace function app.open_shift(p_opening_float_paise bigint) returns uuid
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select app.open_shift_at(p_opening_float_paise, now())
$$;
revoke all on function app.open_shift(bigint) from public;
grant execute on function app.open_shift(bigint) to careledger_app, careledger_patient;
alter function app.open_shift(bigint) owner to careledger_definer;
comment on function app.open_shift(bigint) is
  'Opens a cash shift for the signed-in clerk (cash.collect) with an opening float; one open shift per clerk.';

-- ----------------------------------------------------------------------------
-- The close of a shift, now with the cash refunded out of it.
-- ----------------------------------------------------------------------------
create or replace function app.close_shift_at(p_shift uuid, p_counted_paise bigint, p_at timestamptz) returns cashier_shifts
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_tenant uuid := app.current_tenant();
  v_staff uuid := app.require_cashier('closing a cash shift');
  v_shift public.cashier_shifts;
  v_collected bigint;
  v_refunded bigint;
begin
  if p_counted_paise is null or p_counted_paise < 0 then
    raise exception 'the counted cash is 0 paise or more (got %)', coalesce(p_counted_paise::text, 'none')
      using errcode = 'check_violation';
  end if;
  if p_counted_paise > 10000000000 then
    raise exception 'the counted cash is at most 10000000000 paise (₹10 crore); got % paise', p_counted_paise
      using errcode = 'check_violation';
  end if;
  -- locked: a collection or refund in progress in this shift finishes first (they lock the shift too)
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
  -- voided collections and refunds moved no cash
  select coalesce(sum(c.amount_collected_paise), 0) into v_collected
  from public.cash_collections c where c.facility_id = v_tenant and c.shift_id = p_shift and c.correction_entry_id is null;
  select coalesce(sum(r.amount_paise), 0) into v_refunded
  from public.cash_refunds r where r.facility_id = v_tenant and r.shift_id = p_shift and r.correction_entry_id is null;

  update public.cashier_shifts s
  set status = 'closed', closed_at = greatest(p_at, s.opened_at), counted_paise = p_counted_paise,
      expected_paise = s.opening_float_paise + v_collected - v_refunded,
      variance_paise = p_counted_paise - (s.opening_float_paise + v_collected - v_refunded)
  where s.id = p_shift
  returning s.* into v_shift;
  return v_shift;
end
$$;
revoke all on function app.close_shift_at(uuid, bigint, timestamptz) from public;
alter function app.close_shift_at(uuid, bigint, timestamptz) owner to careledger_definer;
comment on function app.close_shift_at(uuid, bigint, timestamptz) is
  'As app.close_shift, at a given moment instead of now() (imports, the demo history, tests; owner only).';

create or replace function app.close_shift(p_shift uuid, p_counted_paise bigint) returns cashier_shifts
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select * from app.close_shift_at(p_shift, p_counted_paise, now())
$$;
revoke all on function app.close_shift(uuid, bigint) from public;
grant execute on function app.close_shift(uuid, bigint) to careledger_app, careledger_patient;
alter function app.close_shift(uuid, bigint) owner to careledger_definer;
comment on function app.close_shift(uuid, bigint) is
  'Closes the signed-in clerk''s own open shift with the counted cash: expected = float + collections − cash refunds paid out of it, variance = counted − expected.';

-- ----------------------------------------------------------------------------
-- Collecting cash. Definer rights (it writes collections, the bill's paid
-- amount and the ledger), so it checks the caller itself: a staff member with
-- cash.collect in the bill's facility, entered as the current tenant, with an
-- open shift.
-- ----------------------------------------------------------------------------
create or replace function app.collect_cash_at(p_bill uuid, p_amount_paise bigint, p_idempotency_key text, p_at timestamptz) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_tenant uuid := app.current_tenant();
  v_staff uuid := app.require_cashier('collecting cash');
  v_now timestamptz := p_at;
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
  if p_amount_paise > 10000000000 then
    raise exception 'a cash collection is of at most 10000000000 paise (₹10 crore); got % paise', p_amount_paise
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
  v_first := not exists (select 1 from public.cash_collections c where c.facility_id = v_tenant and c.bill_id = p_bill
                                                                  and c.correction_entry_id is null);
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
    perform app.post_journal_entry_at(p_at,
      v_tenant, 'cash_collection', 'cash_collection:' || v_collection,
      jsonb_build_array(
        jsonb_build_object('account', 'facility_receivable',
                           'debit_paise', v_fig.commission_paise + v_fig.commission_gst_paise),
        jsonb_build_object('account', 'cash_commission_income', 'credit_paise', v_fig.commission_paise),
        jsonb_build_object('account', 'gst_output', 'credit_paise', v_fig.commission_gst_paise)),
      'cash commission on ' || p_amount_paise || ' paise collected for bill ' || coalesce(v_bill.bill_number, p_bill::text),
      v_entry);
  end if;

  -- the receipt last: its number is the facility's counter row, locked from here until commit, so the
  -- clerks of one facility wait on it only for the commit, not for the whole collection
  perform app.issue_receipt_for(v_tenant, v_now, p_bill, v_bill.patient_id, null, v_collection, p_amount_paise);
  return v_collection;
end
$$;
revoke all on function app.collect_cash_at(uuid, bigint, text, timestamptz) from public;
alter function app.collect_cash_at(uuid, bigint, text, timestamptz) owner to careledger_definer;
comment on function app.collect_cash_at(uuid, bigint, text, timestamptz) is
  'As app.collect_cash, at a given moment instead of now() (imports, the demo history, tests; owner only).';

create or replace function app.collect_cash(p_bill uuid, p_amount_paise bigint, p_idempotency_key text) returns uuid
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select app.collect_cash_at(p_bill, p_amount_paise, p_idempotency_key, now())
$$;
revoke all on function app.collect_cash(uuid, bigint, text) from public;
grant execute on function app.collect_cash(uuid, bigint, text) to careledger_app, careledger_patient;
alter function app.collect_cash(uuid, bigint, text) owner to careledger_definer;
comment on function app.collect_cash(uuid, bigint, text) is
  'Records cash collected for an issued bill of the current facility in the clerk''s open shift, idempotently per key: never beyond what is outstanding; commission at the terms in force, bill paid amount, ledger entry (posting 3 of docs/ledger.md) when the commission is above 0.';

-- A refund is recorded once: afterwards only its gateway batch (once), its settlement totals, its
-- correction (once) and, for a cash refund, what online refunds drew on it change (that falls back only to
-- the draws of refunds that are not void); a voided refund never changes again.
create or replace function app.check_refund_change() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  -- what an online refund drew on a cash refund owed to the facility moves with those refunds
  v_keys text[] := array['gateway_settlement_id', 'allocated_paise', 'settled_paise', 'correction_entry_id']
                   || case when tg_table_name = 'cash_refunds' then array['drawn_paise'] else '{}'::text[] end;
begin
  if tg_op = 'DELETE' then
    raise exception '% are never deleted', tg_table_name using errcode = 'integrity_constraint_violation';
  end if;
  if (to_jsonb(new) - v_keys) <> (to_jsonb(old) - v_keys) then
    raise exception 'refund % is recorded: only its gateway batch and settlement totals change', old.id
      using errcode = 'integrity_constraint_violation';
  end if;
  if (to_jsonb(old) ->> 'correction_entry_id') is not null then
    raise exception 'refund % was voided by a correction: it never changes', old.id
      using errcode = 'integrity_constraint_violation';
  end if;
  if (to_jsonb(old) ->> 'gateway_settlement_id') is not null
     and (to_jsonb(new) ->> 'gateway_settlement_id') is distinct from (to_jsonb(old) ->> 'gateway_settlement_id') then
    raise exception 'refund % is already in a gateway settlement', old.id using errcode = 'integrity_constraint_violation';
  end if;
  if new.settled_paise < old.settled_paise then
    raise exception 'refund % : settled totals only grow', old.id using errcode = 'integrity_constraint_violation';
  end if;
  if tg_table_name = 'cash_refunds'
     and (to_jsonb(new) ->> 'drawn_paise')::bigint < (to_jsonb(old) ->> 'drawn_paise')::bigint
     and (to_jsonb(new) ->> 'drawn_paise')::bigint
         <> (select coalesce(sum(d.amount_paise), 0)::bigint
             from public.payment_refund_draws d
             join public.payment_refunds r on r.facility_id = d.facility_id and r.id = d.refund_id
             where d.facility_id = new.facility_id and d.item_kind = 'cash_refund' and d.item_id = new.id
               and r.correction_entry_id is null) then
    raise exception 'cash refund % : what online refunds drew on it only grows, or falls back to the draws of refunds that are not void', old.id
      using errcode = 'integrity_constraint_violation';
  end if;
  return new;
end
$$;

-- The reason of a refund, online or cash: optional, at most 500 characters of plain text. Refuses with a
-- sentence for the clerk before anything is written.
create or replace function app.check_refund_reason(p_reason text) returns void
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  if length(p_reason) > 500 then
    raise exception 'a refund reason is at most 500 characters' using errcode = 'check_violation';
  end if;
  if nullif(btrim(p_reason), '') is not null and not app.is_clean_text(btrim(p_reason), 500, true) then
    raise exception 'a refund reason is plain text: no control or invisible characters (zero-width space, direction overrides)'
      using errcode = 'check_violation';
  end if;
end
$$;
revoke all on function app.check_refund_reason(text) from public;
grant execute on function app.check_refund_reason(text) to careledger_definer;

create or replace function app.refund_payment_at(
  p_payment            uuid,
  p_gateway_refund_id  text,
  p_amount_paise       bigint,
  p_reason             text,
  p_at                 timestamptz
) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_tenant uuid := app.require_payment_gateway('a refund');
  v_payment public.payments;
  v_bill public.bills;
  v_existing public.payment_refunds;
  v_bearer public.gateway_fee_bearer;
  v_refunded bigint;
  v_advance bigint;
  v_to_bill bigint;
  v_p_r bigint;
  v_pg_r bigint;
  v_g_r bigint := 0;
  v_gg_r bigint := 0;
  v_cost bigint;
  v_open bigint;
  v_payable bigint;
  v_payable_refund bigint;
  v_recovery bigint;
  v_draft bigint;
  v_take bigint;
  v_left bigint;
  v_drawn bigint := 0;
  v_pass integer;
  v_free bigint;
  v_pos integer;
  v_kinds public.settlement_item_kind[] := '{}';
  v_items uuid[] := '{}';
  v_amounts bigint[] := '{}';
  d record;
  v_refund uuid := gen_random_uuid();
  v_entry uuid := gen_random_uuid();
begin
  if p_amount_paise is null or p_amount_paise <= 0 then
    raise exception 'a refund is of more than 0 paise (got %)', coalesce(p_amount_paise::text, 'none')
      using errcode = 'check_violation';
  end if;
  if p_amount_paise > 10000000000 then
    raise exception 'a refund is of at most 10000000000 paise (₹10 crore); got % paise', p_amount_paise
      using errcode = 'check_violation';
  end if;
  if coalesce(btrim(p_gateway_refund_id), '') = '' or length(p_gateway_refund_id) > 100 then
    raise exception 'a refund names the gateway''s refund id (1 to 100 characters)' using errcode = 'check_violation';
  end if;
  perform app.check_refund_reason(p_reason);

  -- the facility's settlements hold still while the refund reads what they paid out and may trim a draft; taken
  -- before any item, as the settlement functions do
  perform app.lock_facility_settlements(v_tenant);
  -- the payment, locked until commit: refunds of one payment go one at a time
  select p.* into v_payment from public.payments p
  where p.id = p_payment and p.facility_id = v_tenant for update;
  if not found then
    raise exception 'payment % not found', p_payment using errcode = 'no_data_found';
  end if;

  -- a repeat of the gateway's refund returns the first one and writes nothing (looked up after the lock:
  -- a concurrent first delivery has committed)
  select r.* into v_existing from public.payment_refunds r
  where r.gateway = v_payment.gateway and r.gateway_refund_id = p_gateway_refund_id;
  if found then
    if v_existing.payment_id <> p_payment or v_existing.amount_paise <> p_amount_paise then
      raise exception 'gateway refund % was already recorded with other details', p_gateway_refund_id
        using errcode = 'unique_violation';
    end if;
    return v_existing.id;
  end if;

  if v_payment.captured_at is null then
    raise exception 'payment % is not captured: nothing to refund', p_payment
      using errcode = 'object_not_in_prerequisite_state';
  end if;
  if v_payment.correction_entry_id is not null then
    raise exception 'payment % was voided by a correction: nothing to refund', p_payment
      using errcode = 'object_not_in_prerequisite_state';
  end if;
  if p_amount_paise > v_payment.amount_paise - v_payment.refunded_paise then
    raise exception 'a refund of % paise is more than the % paise left of payment % (% paise, % refunded)',
      p_amount_paise, v_payment.amount_paise - v_payment.refunded_paise, v_payment.gateway_payment_id,
      v_payment.amount_paise, v_payment.refunded_paise
      using errcode = 'check_violation';
  end if;

  -- the bill, locked: its paid amount goes down by the part that is not the patient's advance
  select b.* into v_bill from public.bills b
  where b.facility_id = v_payment.facility_id and b.id = v_payment.bill_id for update;

  v_refunded := v_payment.refunded_paise + p_amount_paise;
  v_advance := least(p_amount_paise, v_payment.advance_paise - v_payment.advance_refunded_paise);
  v_to_bill := p_amount_paise - v_advance;

  -- the cumulative rule, on the payment's own totals
  v_p_r := round(v_payment.platform_fee_paise::numeric * v_refunded / v_payment.amount_paise)::bigint
           - v_payment.platform_fee_reversed_paise;
  v_pg_r := round(v_payment.platform_gst_paise::numeric * v_refunded / v_payment.amount_paise)::bigint
            - v_payment.platform_gst_reversed_paise;

  -- who bears the gateway fee: the setting of the version that priced the capture, not today's
  select c.refund_gateway_fee_bearer into v_bearer from public.facility_configurations c
  where c.facility_id = v_payment.facility_id and c.effective_from = v_payment.configuration_effective_from;
  if v_bearer = 'facility' then
    v_g_r := round(v_payment.gateway_fee_paise::numeric * v_refunded / v_payment.amount_paise)::bigint
             - v_payment.gateway_fee_recovered_paise;
    v_gg_r := round(v_payment.gateway_gst_paise::numeric * v_refunded / v_payment.amount_paise)::bigint
              - v_payment.gateway_gst_recovered_paise;
  end if;

  -- The facility's cost comes out of facility_payable while the facility has money there; only what would take
  -- the balance below zero is a recovery it owes the platform. What a draft allocates is not paid out yet (the
  -- draft gives it up); what a pending, approved or paid settlement allocates is. First the payment's own share:
  v_cost := p_amount_paise - v_p_r - v_pg_r + v_g_r + v_gg_r;
  v_open := greatest(v_payment.net_settlement_paise - v_payment.refund_payable_paise - v_payment.drawn_paise
                     - v_payment.allocated_paise, 0);
  v_draft := app.draft_allocated(v_payment.facility_id, 'payment', v_payment.id);
  v_payable := least(v_cost, v_open + v_draft);
  if v_payable > v_open then
    perform app.trim_draft_allocations(v_payment.facility_id, 'payment', v_payment.id, v_payable - v_open);
  end if;
  -- then the facility's other payable-side items, in the stable order (payments, then cash refunds owed to it,
  -- each by id): what no draft holds first, then what drafts hold
  v_left := v_cost - v_payable;
  for v_pass in 1 .. 2 loop
    exit when v_left = 0;
    for d in select 'payment'::public.settlement_item_kind as kind, p.id,
                    p.net_settlement_paise - p.refund_payable_paise - p.drawn_paise - p.allocated_paise as free
             from public.payments p
             where p.facility_id = v_payment.facility_id and p.id <> v_payment.id and p.captured_at is not null
               and p.correction_entry_id is null
               and p.refund_payable_paise + p.drawn_paise + p.settled_paise < p.net_settlement_paise
             union all
             select 'cash_refund'::public.settlement_item_kind, r.id, r.payable_paise - r.drawn_paise - r.allocated_paise
             from public.cash_refunds r
             where r.facility_id = v_payment.facility_id and r.correction_entry_id is null
               and r.drawn_paise + r.settled_paise < r.payable_paise
             order by 1, 2
    loop
      exit when v_left = 0;
      -- read again under the item's lock
      if d.kind = 'payment' then
        select p.net_settlement_paise - p.refund_payable_paise - p.drawn_paise - p.allocated_paise into v_free
        from public.payments p where p.facility_id = v_payment.facility_id and p.id = d.id for update;
      else
        select r.payable_paise - r.drawn_paise - r.allocated_paise into v_free
        from public.cash_refunds r where r.facility_id = v_payment.facility_id and r.id = d.id for update;
      end if;
      if v_pass = 1 then
        v_take := least(v_left, v_free);
      else
        v_take := least(v_left, v_free + app.draft_allocated(v_payment.facility_id, d.kind, d.id));
        if v_take > v_free then
          perform app.trim_draft_allocations(v_payment.facility_id, d.kind, d.id, v_take - v_free);
        end if;
      end if;
      continue when v_take <= 0;
      if d.kind = 'payment' then
        update public.payments set drawn_paise = drawn_paise + v_take
        where facility_id = v_payment.facility_id and id = d.id;
      else
        update public.cash_refunds set drawn_paise = drawn_paise + v_take
        where facility_id = v_payment.facility_id and id = d.id;
      end if;
      v_left := v_left - v_take;
      v_drawn := v_drawn + v_take;
      v_pos := array_position(v_items, d.id);
      if v_pos is null then
        v_kinds := v_kinds || d.kind;
        v_items := v_items || d.id;
        v_amounts := v_amounts || v_take;
      else
        v_amounts[v_pos] := v_amounts[v_pos] + v_take;
      end if;
    end loop;
  end loop;
  v_recovery := v_left;
  v_payable_refund := least(p_amount_paise - v_p_r - v_pg_r, v_payable + v_drawn);

  insert into public.payment_refunds (
    id, facility_id, payment_id, bill_id, patient_id, gateway, gateway_refund_id, amount_paise, advance_paise, reason,
    refunded_by, platform_fee_reversed_paise, platform_gst_reversed_paise, gateway_fee_recovered_paise,
    gateway_gst_recovered_paise, payable_paise, drawn_paise, recovery_paise, journal_entry_id, refunded_at)
  values (
    v_refund, v_payment.facility_id, v_payment.id, v_payment.bill_id, v_payment.patient_id, v_payment.gateway,
    p_gateway_refund_id, p_amount_paise, v_advance, nullif(btrim(p_reason), ''),
    app.current_user_id(), v_p_r, v_pg_r, v_g_r, v_gg_r, v_payable, v_drawn, v_recovery, v_entry, p_at);
  insert into public.payment_refund_draws (facility_id, refund_id, item_kind, item_id, amount_paise)
  select v_payment.facility_id, v_refund, x.kind, x.item, x.amount
  from unnest(v_kinds, v_items, v_amounts) as x(kind, item, amount);

  update public.payments p
  set refunded_paise = v_refunded,
      advance_refunded_paise = p.advance_refunded_paise + v_advance,
      platform_fee_reversed_paise = p.platform_fee_reversed_paise + v_p_r,
      platform_gst_reversed_paise = p.platform_gst_reversed_paise + v_pg_r,
      gateway_fee_recovered_paise = p.gateway_fee_recovered_paise + v_g_r,
      gateway_gst_recovered_paise = p.gateway_gst_recovered_paise + v_gg_r,
      refund_payable_paise = p.refund_payable_paise + v_payable,
      status = case when v_refunded = p.amount_paise then 'refunded'::public.payment_status
                    else 'partially_refunded'::public.payment_status end
  where p.id = v_payment.id;

  if v_to_bill > 0 then
    update public.bills b
    set paid_paise = b.paid_paise - v_to_bill,
        status = app.bill_status_for_payment(b.total_paise, b.paid_paise - v_to_bill)
    where b.id = v_bill.id;
  end if;

  perform app.post_journal_entry_at(p_at,
    v_payment.facility_id, 'online_refund', 'refund:' || v_payment.gateway || ':' || p_gateway_refund_id,
    jsonb_build_array(
      jsonb_build_object('account', 'platform_fee_income', 'debit_paise', v_p_r),
      jsonb_build_object('account', 'gst_output', 'debit_paise', v_pg_r),
      jsonb_build_object('account', 'facility_payable', 'debit_paise', v_payable_refund),
      jsonb_build_object('account', 'facility_payable', 'debit_paise', v_payable + v_drawn - v_payable_refund),
      jsonb_build_object('account', 'facility_receivable', 'debit_paise', v_recovery),
      jsonb_build_object('account', 'gateway_clearing', 'gateway', v_payment.gateway, 'credit_paise', p_amount_paise),
      jsonb_build_object('account', 'fee_recovery_income', 'credit_paise', v_g_r + v_gg_r)),
    'refund ' || v_payment.gateway || ' ' || p_gateway_refund_id || ' of payment ' || v_payment.gateway_payment_id
      || ' of bill ' || coalesce(v_bill.bill_number, v_bill.id::text),
    v_entry);
  return v_refund;
end
$$;
revoke all on function app.refund_payment_at(uuid, text, bigint, text, timestamptz) from public;
alter function app.refund_payment_at(uuid, text, bigint, text, timestamptz) owner to careledger_definer;
comment on function app.refund_payment_at(uuid, text, bigint, text, timestamptz) is
  'As app.refund_payment, at a given moment instead of now() (imports, the demo history, tests; owner only).';

create or replace function app.refund_payment(
  p_payment            uuid,
  p_gateway_refund_id  text,
  p_amount_paise       bigint,
  p_reason             text
) returns uuid
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select app.refund_payment_at(p_payment, p_gateway_refund_id, p_amount_paise, p_reason, now())
$$;
revoke all on function app.refund_payment(uuid, text, bigint, text) from public;
grant execute on function app.refund_payment(uuid, text, bigint, text) to careledger_app, careledger_patient;
alter function app.refund_payment(uuid, text, bigint, text) owner to careledger_definer;
comment on function app.refund_payment(uuid, text, bigint, text) is
  'Records a gateway refund of a captured online payment of the current facility, idempotently per gateway refund id: advance first, then the bill; fees reversed by the cumulative rule; the facility''s cost from facility_payable while the facility has money there (the payment''s own share first, then its other payable items; drafts are not paid out), only the rest a recovery in facility_receivable (posting 5 of docs/ledger.md). Only the payment webhook: a refund is recorded when the gateway reports it.';

create or replace function app.refund_cash_at(
  p_collection       uuid,
  p_amount_paise     bigint,
  p_reason           text,
  p_idempotency_key  text,
  p_at               timestamptz
) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_tenant uuid := app.current_tenant();
  v_staff uuid := app.require_cashier('refunding cash');
  v_collection public.cash_collections;
  v_carrier public.cash_collections;
  v_bill public.bills;
  v_existing public.cash_refunds;
  v_shift public.cashier_shifts;
  v_in_drawer bigint;
  v_refunded bigint;
  -- on the refunded collection (percentage) and on the fee's collection (fixed fee)
  v_c_r bigint := 0;
  v_cg_r bigint := 0;
  v_fee_r bigint := 0;
  v_fee_gst_r bigint := 0;
  v_receivable bigint := 0;
  v_fee_receivable bigint := 0;
  v_refund uuid := gen_random_uuid();
  v_entry uuid;
begin
  if p_amount_paise is null or p_amount_paise <= 0 then
    raise exception 'a cash refund is of more than 0 paise (got %)', coalesce(p_amount_paise::text, 'none')
      using errcode = 'check_violation';
  end if;
  if p_amount_paise > 10000000000 then
    raise exception 'a cash refund is of at most 10000000000 paise (₹10 crore); got % paise', p_amount_paise
      using errcode = 'check_violation';
  end if;
  if p_idempotency_key is null or length(btrim(p_idempotency_key)) not between 3 and 200 then
    raise exception 'a cash refund needs an idempotency key of 3 to 200 characters' using errcode = 'check_violation';
  end if;
  perform app.check_refund_reason(p_reason);

  -- the collection, locked until commit: refunds of one collection go one at a time
  select c.* into v_collection from public.cash_collections c
  where c.id = p_collection and c.facility_id = v_tenant for update;
  if not found then
    raise exception 'cash collection % not found', p_collection using errcode = 'no_data_found';
  end if;

  -- a retry returns the first refund and writes nothing
  select r.* into v_existing from public.cash_refunds r
  where r.facility_id = v_tenant and r.idempotency_key = p_idempotency_key;
  if found then
    if v_existing.collection_id <> p_collection or v_existing.amount_paise <> p_amount_paise then
      raise exception 'idempotency key % was already used for another cash refund', p_idempotency_key
        using errcode = 'unique_violation';
    end if;
    return v_existing.id;
  end if;

  if v_collection.correction_entry_id is not null then
    raise exception 'cash collection % was voided by a correction: nothing to refund', p_collection
      using errcode = 'object_not_in_prerequisite_state';
  end if;
  if p_amount_paise > v_collection.amount_collected_paise - v_collection.refunded_paise then
    raise exception 'a cash refund of % paise is more than the % paise left of the collection (% paise, % refunded)',
      p_amount_paise, v_collection.amount_collected_paise - v_collection.refunded_paise,
      v_collection.amount_collected_paise, v_collection.refunded_paise
      using errcode = 'check_violation';
  end if;

  select b.* into v_bill from public.bills b
  where b.facility_id = v_tenant and b.id = v_collection.bill_id for update;

  -- the refunding clerk's open shift pays it out, locked so that it cannot close under this refund
  select s.* into v_shift from public.cashier_shifts s
  where s.staff_id = v_staff and s.facility_id = v_tenant and s.status = 'open' for update;
  if not found then
    raise exception 'no open shift: open a cash shift before refunding cash' using errcode = 'object_not_in_prerequisite_state';
  end if;
  v_in_drawer := v_shift.opening_float_paise
    + (select coalesce(sum(c.amount_collected_paise), 0) from public.cash_collections c
       where c.facility_id = v_tenant and c.shift_id = v_shift.id and c.correction_entry_id is null)
    - (select coalesce(sum(r.amount_paise), 0) from public.cash_refunds r
       where r.facility_id = v_tenant and r.shift_id = v_shift.id and r.correction_entry_id is null);
  if p_amount_paise > v_in_drawer then
    raise exception 'your shift holds % paise of cash: a refund of % paise cannot be paid out of it', v_in_drawer, p_amount_paise
      using errcode = 'check_violation';
  end if;

  v_refunded := v_collection.refunded_paise + p_amount_paise;

  -- percentage: the cumulative rule on this collection
  if v_collection.commission_type = 'percentage' then
    v_c_r := round(v_collection.commission_paise::numeric * v_refunded / v_collection.amount_collected_paise)::bigint
             - v_collection.commission_reversed_paise;
    v_cg_r := round(v_collection.commission_gst_paise::numeric * v_refunded / v_collection.amount_collected_paise)::bigint
              - v_collection.commission_gst_reversed_paise;
    v_receivable := least(v_c_r + v_cg_r, greatest(v_collection.commission_paise + v_collection.commission_gst_paise
                                                   - v_collection.receivable_reversed_paise - v_collection.allocated_paise, 0));
  end if;

  -- fixed fee: all of it, once, when this refund leaves nothing of the bill paid
  if v_bill.paid_paise - p_amount_paise = 0 then
    select c.* into v_carrier from public.cash_collections c
    where c.facility_id = v_tenant and c.bill_id = v_bill.id
      and c.commission_type = 'fixed_per_bill' and c.commission_paise > 0 and c.correction_entry_id is null
    for update;
    if found then
      if v_carrier.id = v_collection.id then
        v_carrier := v_collection;  -- the same row, with the totals read above
      end if;
      v_fee_r := v_carrier.commission_paise - v_carrier.commission_reversed_paise;
      v_fee_gst_r := v_carrier.commission_gst_paise - v_carrier.commission_gst_reversed_paise;
      v_fee_receivable := least(v_fee_r + v_fee_gst_r, greatest(v_carrier.commission_paise + v_carrier.commission_gst_paise
                                                               - v_carrier.receivable_reversed_paise - v_carrier.allocated_paise, 0));
    end if;
  end if;

  if v_c_r + v_cg_r + v_fee_r + v_fee_gst_r > 0 then
    v_entry := gen_random_uuid();
  end if;

  insert into public.cash_refunds (
    id, facility_id, collection_id, bill_id, patient_id, shift_id, refunded_by, amount_paise, reason, idempotency_key,
    commission_reversed_paise, commission_gst_reversed_paise, receivable_paise, payable_paise, journal_entry_id, created_by,
    refunded_at)
  values (
    v_refund, v_tenant, v_collection.id, v_collection.bill_id, v_collection.patient_id, v_shift.id, v_staff, p_amount_paise,
    nullif(btrim(p_reason), ''), p_idempotency_key, v_c_r + v_fee_r, v_cg_r + v_fee_gst_r,
    v_receivable + v_fee_receivable, v_c_r + v_cg_r - v_receivable + v_fee_r + v_fee_gst_r - v_fee_receivable,
    v_entry, app.current_user_id(), p_at);

  -- the collections' totals; the settlement status follows what is still owed (cash_collections' settlement status check)
  update public.cash_collections c
  set refunded_paise = c.refunded_paise + d.refunded,
      commission_reversed_paise = c.commission_reversed_paise + d.commission,
      commission_gst_reversed_paise = c.commission_gst_reversed_paise + d.gst,
      receivable_reversed_paise = c.receivable_reversed_paise + d.receivable,
      settlement_status = case
        when c.settled_paise > 0
             and c.settled_paise = c.commission_paise + c.commission_gst_paise - c.receivable_reversed_paise - d.receivable
          then 'settled'::public.cash_settlement_status
        when c.settled_paise > 0 then 'partially_settled'::public.cash_settlement_status
        else 'pending'::public.cash_settlement_status end
  from (
    select x.id, sum(x.refunded) as refunded, sum(x.commission) as commission, sum(x.gst) as gst,
           sum(x.receivable) as receivable
    from (values (v_collection.id, p_amount_paise, v_c_r, v_cg_r, v_receivable),
                 (v_carrier.id, 0::bigint, v_fee_r, v_fee_gst_r, v_fee_receivable))
         as x (id, refunded, commission, gst, receivable)
    where x.id is not null
    group by x.id
  ) d
  where c.facility_id = v_tenant and c.id = d.id;

  update public.bills b
  set paid_paise = b.paid_paise - p_amount_paise,
      status = app.bill_status_for_payment(b.total_paise, b.paid_paise - p_amount_paise)
  where b.id = v_bill.id;

  if v_entry is not null then
    perform app.post_journal_entry_at(p_at,
      v_tenant, 'cash_refund', 'cash_refund:' || v_refund,
      jsonb_build_array(
        jsonb_build_object('account', 'cash_commission_income', 'debit_paise', v_c_r + v_fee_r),
        jsonb_build_object('account', 'gst_output', 'debit_paise', v_cg_r + v_fee_gst_r),
        jsonb_build_object('account', 'facility_receivable', 'credit_paise', v_receivable + v_fee_receivable),
        jsonb_build_object('account', 'facility_payable',
                           'credit_paise', v_c_r + v_cg_r - v_receivable + v_fee_r + v_fee_gst_r - v_fee_receivable)),
      'cash refund of ' || p_amount_paise || ' paise for bill ' || coalesce(v_bill.bill_number, v_bill.id::text),
      v_entry);
  end if;
  return v_refund;
end
$$;
revoke all on function app.refund_cash_at(uuid, bigint, text, text, timestamptz) from public;
alter function app.refund_cash_at(uuid, bigint, text, text, timestamptz) owner to careledger_definer;
comment on function app.refund_cash_at(uuid, bigint, text, text, timestamptz) is
  'As app.refund_cash, at a given moment instead of now() (imports, the demo history, tests; owner only).';

create or replace function app.refund_cash(
  p_collection       uuid,
  p_amount_paise     bigint,
  p_reason           text,
  p_idempotency_key  text
) returns uuid
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select app.refund_cash_at(p_collection, p_amount_paise, p_reason, p_idempotency_key, now())
$$;
revoke all on function app.refund_cash(uuid, bigint, text, text) from public;
grant execute on function app.refund_cash(uuid, bigint, text, text) to careledger_app, careledger_patient;
alter function app.refund_cash(uuid, bigint, text, text) owner to careledger_definer;
comment on function app.refund_cash(uuid, bigint, text, text) is
  'Pays cash back against a collection of the current facility out of the clerk''s open shift, idempotently per key: never beyond what is left of the collection or in the drawer; commission reversed by the cumulative rule (a fixed fee: whole, when nothing of the bill stays paid), credited to facility_receivable up to what the collection still owes, the rest to facility_payable (posting 6 of docs/ledger.md).';

-- What each item put into gateway_clearing[G,F]: a capture A − g − gg, a refund −R.
create or replace function app.gateway_settlement_items(p_payment_ids uuid[], p_refund_ids uuid[])
returns table (facility_id uuid, is_payment boolean, amount_paise bigint)
language sql stable
set search_path = pg_catalog, public, pg_temp
as $$
  select p.facility_id, true, p.amount_paise - p.gateway_fee_paise - p.gateway_gst_paise
  from public.payments p where p.id = any (p_payment_ids)
  union all
  select r.facility_id, false, -r.amount_paise from public.payment_refunds r where r.id = any (p_refund_ids)
$$;
revoke all on function app.gateway_settlement_items(uuid[], uuid[]) from public;
alter function app.gateway_settlement_items(uuid[], uuid[]) owner to careledger_definer;

create or replace function app.record_gateway_settlement_at(
  p_gateway              payment_gateway,
  p_utr                  text,
  p_settled_on           date,
  p_stated_amount_paise  bigint,
  p_payment_ids          uuid[],
  p_refund_ids           uuid[],
  p_at                   timestamptz
) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_actor uuid := app.current_user_id();
  v_role text := app.current_user_role();
  v_payments uuid[] := coalesce(p_payment_ids, '{}');
  v_refunds uuid[] := coalesce(p_refund_ids, '{}');
  v_existing public.gateway_settlements;
  v_batch uuid := gen_random_uuid();
  v_found integer;
  v_bad text;
  v_expected bigint;
  v_part record;
  v_entry uuid;
begin
  if v_actor is null or not (v_role = 'super_admin' or v_actor = '00000000-0000-4000-8000-000000000003') then
    raise exception 'recording a gateway settlement needs the super admin (or the payment webhook)'
      using errcode = 'insufficient_privilege';
  end if;
  if p_gateway is null or p_settled_on is null or p_stated_amount_paise is null then
    raise exception 'a gateway settlement names its gateway, settlement date and stated amount'
      using errcode = 'not_null_violation';
  end if;
  if p_utr is null or p_utr !~ '^[A-Za-z0-9]{6,40}$' then
    raise exception 'UTR "%" is not a bank reference (6 to 40 letters and digits)', coalesce(p_utr, '')
      using errcode = 'check_violation';
  end if;
  if p_stated_amount_paise < 0 then
    raise exception 'the stated amount of a gateway settlement is 0 paise or more (got %)', p_stated_amount_paise
      using errcode = 'check_violation';
  end if;
  if p_settled_on > (p_at at time zone 'Asia/Kolkata')::date then
    raise exception 'settlement date % is in the future', p_settled_on using errcode = 'check_violation';
  end if;
  if cardinality(v_payments) + cardinality(v_refunds) = 0 then
    raise exception 'a gateway settlement covers at least one payment or refund' using errcode = 'check_violation';
  end if;
  if cardinality(v_payments) <> (select count(distinct x) from unnest(v_payments) x)
     or cardinality(v_refunds) <> (select count(distinct x) from unnest(v_refunds) x)
     or array_position(v_payments, null) is not null or array_position(v_refunds, null) is not null then
    raise exception 'a gateway settlement lists each payment and refund once' using errcode = 'check_violation';
  end if;

  -- one batch per UTR: a repeat of the same report returns the batch, another report with its UTR is refused
  perform pg_advisory_xact_lock(hashtextextended('gateway_settlement:' || p_gateway || ':' || p_utr, 0));
  select g.* into v_existing from public.gateway_settlements g where g.gateway = p_gateway and g.utr = p_utr;
  if found then
    if v_existing.settled_on = p_settled_on and v_existing.stated_amount_paise = p_stated_amount_paise
       and (select coalesce(array_agg(p.id order by p.id), '{}') from public.payments p
            where p.gateway_settlement_id = v_existing.id)
           = (select coalesce(array_agg(x order by x), '{}') from unnest(v_payments) x)
       and (select coalesce(array_agg(r.id order by r.id), '{}') from public.payment_refunds r
            where r.gateway_settlement_id = v_existing.id)
           = (select coalesce(array_agg(x order by x), '{}') from unnest(v_refunds) x) then
      return v_existing.id;
    end if;
    raise exception 'UTR % of % was already recorded with other details', p_utr, p_gateway
      using errcode = 'unique_violation';
  end if;

  -- the items, locked in a stable order: a payment or refund enters one batch
  select count(*) into v_found from (
    select p.id from public.payments p where p.id = any (v_payments) order by p.id for update) x;
  if v_found < cardinality(v_payments) then
    raise exception 'payment % not found',
      (select x from unnest(v_payments) x where not exists (select 1 from public.payments p where p.id = x) limit 1)
      using errcode = 'no_data_found';
  end if;
  select count(*) into v_found from (
    select r.id from public.payment_refunds r where r.id = any (v_refunds) order by r.id for update) x;
  if v_found < cardinality(v_refunds) then
    raise exception 'refund % not found',
      (select x from unnest(v_refunds) x where not exists (select 1 from public.payment_refunds r where r.id = x) limit 1)
      using errcode = 'no_data_found';
  end if;

  select string_agg(format('payment %s (%s)', p.id,
                           case when p.gateway <> p_gateway then 'of gateway ' || p.gateway
                                when p.captured_at is null then 'not captured'
                                when p.correction_entry_id is not null then 'voided by a correction'
                                else 'already in gateway settlement ' || p.gateway_settlement_id end), ', ')
  into v_bad
  from public.payments p
  where p.id = any (v_payments)
    and (p.gateway <> p_gateway or p.captured_at is null or p.gateway_settlement_id is not null
         or p.correction_entry_id is not null);
  if v_bad is not null then
    raise exception 'these cannot enter a % settlement: %', p_gateway, v_bad using errcode = 'check_violation';
  end if;
  select string_agg(format('refund %s (%s)', r.id,
                           case when r.gateway <> p_gateway then 'of gateway ' || r.gateway
                                when r.correction_entry_id is not null then 'voided by a correction'
                                else 'already in gateway settlement ' || r.gateway_settlement_id end), ', ')
  into v_bad
  from public.payment_refunds r
  where r.id = any (v_refunds)
    and (r.gateway <> p_gateway or r.gateway_settlement_id is not null or r.correction_entry_id is not null);
  if v_bad is not null then
    raise exception 'these cannot enter a % settlement: %', p_gateway, v_bad using errcode = 'check_violation';
  end if;

  select sum(i.amount_paise) into v_expected from app.gateway_settlement_items(v_payments, v_refunds) i;

  insert into public.gateway_settlements (id, gateway, utr, settled_on, stated_amount_paise, expected_paise, status, recorded_by,
                                          recorded_at)
  values (v_batch, p_gateway, p_utr, p_settled_on, p_stated_amount_paise, v_expected,
          case when v_expected = p_stated_amount_paise then 'matched' else 'mismatched' end::public.gateway_settlement_status,
          v_actor, p_at);

  for v_part in
    select i.facility_id, count(*) filter (where i.is_payment) as payments_count,
           count(*) filter (where not i.is_payment) as refunds_count, sum(i.amount_paise)::bigint as amount_paise
    from app.gateway_settlement_items(v_payments, v_refunds) i
    group by i.facility_id order by i.facility_id
  loop
    v_entry := null;
    if v_part.amount_paise <> 0 then
      v_entry := app.post_journal_entry_at(p_at,
        v_part.facility_id, 'gateway_settlement',
        'gateway_settlement:' || p_gateway || ':' || p_utr || ':' || v_part.facility_id,
        case when v_part.amount_paise > 0 then
          jsonb_build_array(
            jsonb_build_object('account', 'platform_bank', 'debit_paise', v_part.amount_paise),
            jsonb_build_object('account', 'gateway_clearing', 'gateway', p_gateway, 'credit_paise', v_part.amount_paise))
        else
          jsonb_build_array(
            jsonb_build_object('account', 'gateway_clearing', 'gateway', p_gateway, 'debit_paise', -v_part.amount_paise),
            jsonb_build_object('account', 'platform_bank', 'credit_paise', -v_part.amount_paise))
        end,
        format('%s settlement %s of %s: %s payments, %s refunds', p_gateway, p_utr, p_settled_on,
               v_part.payments_count, v_part.refunds_count));
    end if;
    insert into public.gateway_settlement_facilities (gateway_settlement_id, facility_id, payments_count, refunds_count,
                                                      amount_paise, journal_entry_id)
    values (v_batch, v_part.facility_id, v_part.payments_count, v_part.refunds_count, v_part.amount_paise, v_entry);
  end loop;

  update public.payments p set gateway_settlement_id = v_batch where p.id = any (v_payments);
  update public.payment_refunds r set gateway_settlement_id = v_batch where r.id = any (v_refunds);
  return v_batch;
end
$$;
revoke all on function app.record_gateway_settlement_at(payment_gateway, text, date, bigint, uuid[], uuid[], timestamptz) from public;
alter function app.record_gateway_settlement_at(payment_gateway, text, date, bigint, uuid[], uuid[], timestamptz) owner to careledger_definer;
comment on function app.record_gateway_settlement_at(payment_gateway, text, date, bigint, uuid[], uuid[], timestamptz) is
  'As app.record_gateway_settlement, at a given moment instead of now() (imports, the demo history, tests; owner only).';

create or replace function app.record_gateway_settlement(
  p_gateway              payment_gateway,
  p_utr                  text,
  p_settled_on           date,
  p_stated_amount_paise  bigint,
  p_payment_ids          uuid[],
  p_refund_ids           uuid[] default '{}'
) returns uuid
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select app.record_gateway_settlement_at(p_gateway, p_utr, p_settled_on, p_stated_amount_paise, p_payment_ids, p_refund_ids, now())
$$;
revoke all on function app.record_gateway_settlement(payment_gateway, text, date, bigint, uuid[], uuid[]) from public;
grant execute on function app.record_gateway_settlement(payment_gateway, text, date, bigint, uuid[], uuid[]) to careledger_app, careledger_patient;
alter function app.record_gateway_settlement(payment_gateway, text, date, bigint, uuid[], uuid[]) owner to careledger_definer;
comment on function app.record_gateway_settlement(payment_gateway, text, date, bigint, uuid[], uuid[]) is
  'Records a gateway''s settlement batch (UTR, date, stated amount) covering captured payments and refunds: marks them, posts D platform_bank / C gateway_clearing[G,F] per facility (posting 2 of docs/ledger.md), flags a stated amount that differs from what the items add up to.';

create or replace function app.format_receipt_number(p_prefix text, p_year smallint, p_serial integer) returns text
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  if p_serial not between 1 and 999999 then
    raise exception 'receipt serial % is outside 1..999999 for %', p_serial, app.financial_year_label(p_year)
      using errcode = 'numeric_value_out_of_range';
  end if;
  return p_prefix || '/R' || lpad((p_year % 100)::text, 2, '0') || lpad(((p_year + 1) % 100)::text, 2, '0')
         || '/' || lpad(p_serial::text, 6, '0');
end
$$;
comment on function app.format_receipt_number(text, smallint, integer) is
  'Receipt number PREFIX/RYYYY/NNNNNN (at most 16 characters), e.g. SMH/R2627/000123; never shaped like an invoice number.';

-- ----------------------------------------------------------------------------
-- Numbering. Definer rights: the counter and the receipt are written by the
-- definer role whoever records the money (only definer functions do).
-- ----------------------------------------------------------------------------
create or replace function app.issue_receipt() returns trigger
language plpgsql security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  perform app.issue_receipt_for(new.facility_id, new.captured_at, new.bill_id, new.patient_id, new.id, null,
                                new.amount_paise);
  return null;
end
$$;
revoke all on function app.issue_receipt() from public;
alter function app.issue_receipt() owner to careledger_definer;
comment on function app.issue_receipt() is
  'Trigger on payments: the receipt of a captured payment (cash collections take theirs in app.collect_cash).';

-- Before capture a row only moves forward: a failed payment never changes, an
-- authorized one never goes back to created, and what names the payment
-- (facility, bill, order, amount, a payment id once given) stays.
create or replace function app.check_payment_state_change() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  if old.captured_at is null then
    if old.status = 'failed' then
      raise exception 'payment % has failed: a failed payment never changes', old.id
        using errcode = 'integrity_constraint_violation';
    end if;
    if (old.status = 'authorized' and new.status = 'created')
       or new.facility_id <> old.facility_id or new.bill_id <> old.bill_id or new.patient_id <> old.patient_id
       or new.gateway <> old.gateway or new.gateway_order_id <> old.gateway_order_id
       or new.amount_paise <> old.amount_paise
       or (old.gateway_payment_id is not null and new.gateway_payment_id is distinct from old.gateway_payment_id)
       or (old.method is not null and new.method is distinct from old.method) then
      raise exception 'payment % : only its state moves forward (created, authorized, then captured or failed)', old.id
        using errcode = 'integrity_constraint_violation';
    end if;
  end if;
  return new;
end
$$;

-- ----------------------------------------------------------------------------
-- Who records what the gateway reports. A capture, an authorization, a failed
-- attempt and a refund are facts of the gateway, not decisions of the staff:
-- only the payment-webhook system principal records them, in the facility of
-- the payment. No staff permission does (billing.manage creates orders only),
-- nor the super admin, nor another system principal. Returns the current
-- facility. (Called by definer functions only.)
-- ----------------------------------------------------------------------------
create or replace function app.require_payment_gateway(p_doing text) returns uuid
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
declare
  v_tenant uuid := app.current_tenant();
begin
  if app.current_user_id() is distinct from '00000000-0000-4000-8000-000000000003'::uuid
     or app.current_user_role() is distinct from 'system'
     or v_tenant is null or not (v_tenant = any (app.visible_facilities())) then
    raise exception '% is recorded only from the payment gateway (the payment webhook, in the payment''s facility); staff create the order',
      p_doing using errcode = 'insufficient_privilege';
  end if;
  return v_tenant;
end
$$;
revoke all on function app.require_payment_gateway(text) from public;
grant execute on function app.require_payment_gateway(text) to careledger_definer;
comment on function app.require_payment_gateway(text) is
  'Refuses everyone but the payment-webhook system principal in a facility it may enter; returns that facility. Guards what only the gateway reports: captures, authorizations, failures, refunds.';

-- What every event of an order starts with: the caller is the gateway
-- (app.require_payment_gateway), the event names its gateway, order id,
-- payment id and method, and the order exists in the current facility.
-- Returns the order's first row (the bill and amount every attempt of the
-- order carries), its bill locked until commit: the events of one bill go one
-- at a time. no_data_found when nobody created the order.
create or replace function app.gateway_event_order(
  p_doing               text,
  p_gateway             payment_gateway,
  p_gateway_order_id    text,
  p_gateway_payment_id  text,
  p_method              payment_method
) returns payments
language plpgsql volatile
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_tenant uuid := app.require_payment_gateway(p_doing);
  v_order public.payments;
begin
  if p_gateway is null or coalesce(btrim(p_gateway_order_id), '') = '' or coalesce(btrim(p_gateway_payment_id), '') = ''
     or p_method is null then
    raise exception '% names its gateway, order id, payment id and method', p_doing using errcode = 'not_null_violation';
  end if;
  select p.* into v_order from public.payments p
  where p.gateway = p_gateway and p.gateway_order_id = p_gateway_order_id and p.facility_id = v_tenant
  order by p.created_at, p.id limit 1;
  if not found then
    raise exception 'gateway order % of % not found: the order is created first (app.create_payment_order)',
      p_gateway_order_id, p_gateway using errcode = 'no_data_found';
  end if;
  perform 1 from public.bills b where b.facility_id = v_tenant and b.id = v_order.bill_id for update;
  return v_order;
end
$$;
revoke all on function app.gateway_event_order(text, payment_gateway, text, text, payment_method) from public;
grant execute on function app.gateway_event_order(text, payment_gateway, text, text, payment_method) to careledger_definer;
comment on function app.gateway_event_order(text, payment_gateway, text, text, payment_method) is
  'The order an event of the gateway belongs to, in the current facility, its bill locked; refuses a caller that is not the payment webhook, an event without gateway, order id, payment id or method, and an order nobody created.';

-- The attempt already recorded for a gateway payment id, or a row of nulls;
-- refuses one recorded with other details (another facility, order or method,
-- or, when given, another bill or amount).
create or replace function app.recorded_payment_attempt(
  p_gateway             payment_gateway,
  p_gateway_order_id    text,
  p_gateway_payment_id  text,
  p_method              payment_method,
  p_bill                uuid default null,
  p_amount_paise        bigint default null
) returns payments
language plpgsql stable
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_row public.payments;
begin
  select p.* into v_row from public.payments p where p.gateway = p_gateway and p.gateway_payment_id = p_gateway_payment_id;
  if found and (v_row.facility_id <> app.current_tenant() or v_row.gateway_order_id <> p_gateway_order_id
                or v_row.method <> p_method or v_row.bill_id <> coalesce(p_bill, v_row.bill_id)
                or v_row.amount_paise <> coalesce(p_amount_paise, v_row.amount_paise)) then
    raise exception 'gateway payment % was already % with other details', p_gateway_payment_id,
      case when v_row.captured_at is not null then 'captured' else 'recorded' end
      using errcode = 'unique_violation';
  end if;
  return v_row;
end
$$;
revoke all on function app.recorded_payment_attempt(payment_gateway, text, text, payment_method, uuid, bigint) from public;
grant execute on function app.recorded_payment_attempt(payment_gateway, text, text, payment_method, uuid, bigint) to careledger_definer;

-- ----------------------------------------------------------------------------
-- Orders.
-- ----------------------------------------------------------------------------
create or replace function app.create_payment_order_at(
  p_bill              uuid,
  p_gateway           payment_gateway,
  p_gateway_order_id  text,
  p_amount_paise      bigint,
  p_at                timestamptz
) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_tenant uuid := app.current_tenant();
  v_bill public.bills;
  v_existing public.payments;
  v_payment uuid;
begin
  -- staff who may bill in the bill's facility (the super admin and the payment webhook hold billing.manage
  -- too); no other system principal
  if v_tenant is null or not (v_tenant = any (app.visible_facilities()))
     or not coalesce(app.has_permission('billing.manage'), false)
     or (app.current_user_role() = 'system' and app.current_user_id() <> '00000000-0000-4000-8000-000000000003') then
    raise exception 'creating a payment order needs billing.manage in the bill''s facility'
      using errcode = 'insufficient_privilege';
  end if;
  if p_amount_paise is null or p_amount_paise <= 0 then
    raise exception 'a payment order is of more than 0 paise (got %)', coalesce(p_amount_paise::text, 'none')
      using errcode = 'check_violation';
  end if;
  if p_amount_paise > 10000000000 then
    raise exception 'a payment order is of at most 10000000000 paise (₹10 crore); got % paise', p_amount_paise
      using errcode = 'check_violation';
  end if;
  if p_gateway is null or coalesce(btrim(p_gateway_order_id), '') = '' then
    raise exception 'a payment order names its gateway and order id' using errcode = 'not_null_violation';
  end if;

  select b.* into v_bill from public.bills b where b.id = p_bill and b.facility_id = v_tenant for update;
  if not found then
    raise exception 'bill % not found', p_bill using errcode = 'no_data_found';
  end if;

  -- the same order again returns it (looked up after the lock: a concurrent first try has committed)
  select p.* into v_existing from public.payments p
  where p.gateway = p_gateway and p.gateway_order_id = p_gateway_order_id
  order by p.created_at, p.id limit 1;
  if found then
    if v_existing.facility_id <> v_tenant or v_existing.bill_id <> p_bill or v_existing.amount_paise <> p_amount_paise then
      raise exception 'gateway order % already exists for another bill or amount', p_gateway_order_id
        using errcode = 'unique_violation';
    end if;
    return v_existing.id;
  end if;

  if v_bill.status not in ('issued', 'partially_paid') then
    raise exception 'bill % is %: only an issued, unpaid bill takes a payment order',
      coalesce(v_bill.bill_number, p_bill::text), v_bill.status
      using errcode = 'object_not_in_prerequisite_state';
  end if;
  if p_amount_paise > v_bill.total_paise - v_bill.paid_paise then
    raise exception 'a payment order of % paise is more than the % paise outstanding on bill %',
      p_amount_paise, v_bill.total_paise - v_bill.paid_paise, coalesce(v_bill.bill_number, p_bill::text)
      using errcode = 'check_violation';
  end if;

  insert into public.payments (facility_id, bill_id, patient_id, gateway, gateway_order_id, amount_paise, status, created_by,
                               created_at)
  values (v_tenant, p_bill, v_bill.patient_id, p_gateway, p_gateway_order_id, p_amount_paise, 'created', app.current_user_id(),
          p_at)
  returning id into v_payment;
  return v_payment;
end
$$;
revoke all on function app.create_payment_order_at(uuid, payment_gateway, text, bigint, timestamptz) from public;
alter function app.create_payment_order_at(uuid, payment_gateway, text, bigint, timestamptz) owner to careledger_definer;
comment on function app.create_payment_order_at(uuid, payment_gateway, text, bigint, timestamptz) is
  'As app.create_payment_order, at a given moment instead of now() (imports, the demo history, tests; owner only).';

create or replace function app.create_payment_order(
  p_bill              uuid,
  p_gateway           payment_gateway,
  p_gateway_order_id  text,
  p_amount_paise      bigint
) returns uuid
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select app.create_payment_order_at(p_bill, p_gateway, p_gateway_order_id, p_amount_paise, now())
$$;
revoke all on function app.create_payment_order(uuid, payment_gateway, text, bigint) from public;
grant execute on function app.create_payment_order(uuid, payment_gateway, text, bigint) to careledger_app, careledger_patient;
alter function app.create_payment_order(uuid, payment_gateway, text, bigint) owner to careledger_definer;
comment on function app.create_payment_order(uuid, payment_gateway, text, bigint) is
  'Records an order at a gateway for an issued bill of the current facility and an amount up to what is outstanding (status created), idempotently per gateway order id. Needs billing.manage (staff who bill, admins, the payment webhook). What the gateway then reports of the order is recorded only by the payment webhook.';

-- ----------------------------------------------------------------------------
-- Authorized.
-- ----------------------------------------------------------------------------
create or replace function app.record_payment_authorized(
  p_gateway             payment_gateway,
  p_gateway_order_id    text,
  p_gateway_payment_id  text,
  p_method              payment_method
) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_order public.payments := app.gateway_event_order('an authorization', p_gateway, p_gateway_order_id,
                                                     p_gateway_payment_id, p_method);
  v_row public.payments;
  v_payment uuid;
begin
  v_row := app.recorded_payment_attempt(p_gateway, p_gateway_order_id, p_gateway_payment_id, p_method);
  if v_row.id is not null then
    if v_row.status = 'failed' then
      raise exception 'gateway payment % has failed: it cannot be authorized', p_gateway_payment_id
        using errcode = 'object_not_in_prerequisite_state';
    end if;
    -- authorized again, or already captured (the gateway's events may arrive late): nothing changes
    return v_row.id;
  end if;

  update public.payments p
  set status = 'authorized', gateway_payment_id = p_gateway_payment_id, method = p_method, authorized_at = now()
  where p.gateway = p_gateway and p.gateway_order_id = p_gateway_order_id and p.gateway_payment_id is null
  returning p.id into v_payment;
  if v_payment is null then
    insert into public.payments (facility_id, bill_id, patient_id, gateway, gateway_order_id, gateway_payment_id, method,
                                 amount_paise, status, authorized_at, created_by)
    values (v_order.facility_id, v_order.bill_id, v_order.patient_id, p_gateway, p_gateway_order_id, p_gateway_payment_id,
            p_method, v_order.amount_paise, 'authorized', now(), app.current_user_id())
    returning id into v_payment;
  end if;
  return v_payment;
end
$$;
revoke all on function app.record_payment_authorized(payment_gateway, text, text, payment_method) from public;
grant execute on function app.record_payment_authorized(payment_gateway, text, text, payment_method) to careledger_app, careledger_patient;
alter function app.record_payment_authorized(payment_gateway, text, text, payment_method) owner to careledger_definer;
comment on function app.record_payment_authorized(payment_gateway, text, text, payment_method) is
  'Records that the gateway authorized a payment of an order of the current facility (status authorized), idempotently per gateway payment id; posts nothing. Only the payment webhook.';

-- ----------------------------------------------------------------------------
-- Failed.
-- ----------------------------------------------------------------------------
create or replace function app.record_payment_failed_at(
  p_gateway             payment_gateway,
  p_gateway_order_id    text,
  p_gateway_payment_id  text,
  p_method              payment_method,
  p_reason              text,
  p_at                  timestamptz
) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_order public.payments := app.gateway_event_order('a failed attempt', p_gateway, p_gateway_order_id,
                                                     p_gateway_payment_id, p_method);
  v_row public.payments;
  v_payment uuid;
begin
  if p_reason is null or length(btrim(p_reason)) not between 1 and 500 then
    raise exception 'a failure gives the gateway''s reason (1 to 500 characters)' using errcode = 'check_violation';
  end if;
  v_row := app.recorded_payment_attempt(p_gateway, p_gateway_order_id, p_gateway_payment_id, p_method);
  if v_row.id is not null then
    if v_row.status = 'failed' then
      return v_row.id;
    end if;
    if v_row.captured_at is not null then
      raise exception 'gateway payment % is captured: it cannot fail (refund it instead)', p_gateway_payment_id
        using errcode = 'object_not_in_prerequisite_state';
    end if;
    -- an authorization that did not end in a capture
    update public.payments p set status = 'failed', failed_at = p_at, failure_reason = btrim(p_reason)
    where p.id = v_row.id;
    return v_row.id;
  end if;

  -- an attempt that failed at once: a row of its own; the order stays open for another attempt
  insert into public.payments (facility_id, bill_id, patient_id, gateway, gateway_order_id, gateway_payment_id, method,
                               amount_paise, status, failed_at, failure_reason, created_by, created_at)
  values (v_order.facility_id, v_order.bill_id, v_order.patient_id, p_gateway, p_gateway_order_id, p_gateway_payment_id,
          p_method, v_order.amount_paise, 'failed', p_at, btrim(p_reason), app.current_user_id(), p_at)
  returning id into v_payment;
  return v_payment;
end
$$;
revoke all on function app.record_payment_failed_at(payment_gateway, text, text, payment_method, text, timestamptz) from public;
alter function app.record_payment_failed_at(payment_gateway, text, text, payment_method, text, timestamptz) owner to careledger_definer;
comment on function app.record_payment_failed_at(payment_gateway, text, text, payment_method, text, timestamptz) is
  'As app.record_payment_failed, at a given moment instead of now() (imports, the demo history, tests; owner only).';

create or replace function app.record_payment_failed(
  p_gateway             payment_gateway,
  p_gateway_order_id    text,
  p_gateway_payment_id  text,
  p_method              payment_method,
  p_reason              text
) returns uuid
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select app.record_payment_failed_at(p_gateway, p_gateway_order_id, p_gateway_payment_id, p_method, p_reason, now())
$$;
revoke all on function app.record_payment_failed(payment_gateway, text, text, payment_method, text) from public;
grant execute on function app.record_payment_failed(payment_gateway, text, text, payment_method, text) to careledger_app, careledger_patient;
alter function app.record_payment_failed(payment_gateway, text, text, payment_method, text) owner to careledger_definer;
comment on function app.record_payment_failed(payment_gateway, text, text, payment_method, text) is
  'Records that a payment attempt of an order of the current facility failed, with the gateway''s reason, idempotently per gateway payment id; posts nothing, changes no bill. Only the payment webhook.';

-- One receipt: the next gap-free number of the facility and financial year.
create or replace function app.issue_receipt_for(p_facility uuid, p_at timestamptz, p_bill uuid, p_patient uuid,
                                      p_payment uuid, p_collection uuid, p_amount_paise bigint) returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_year smallint := app.financial_year(p_at);
  v_serial integer;
  v_prefix text;
begin
  select f.invoice_prefix into v_prefix from public.facilities f where f.id = p_facility;

  -- the next number of the series, under the counter's row lock until commit
  insert into public.document_counters as c (facility_id, document_kind, financial_year, last_number, updated_at)
  values (p_facility, 'receipt', v_year, 1, p_at)
  on conflict (facility_id, document_kind, financial_year)
  do update set last_number = c.last_number + 1, updated_at = excluded.updated_at
  returning c.last_number into v_serial;

  insert into public.receipts (facility_id, financial_year, serial, receipt_number, issued_at, bill_id, patient_id,
                               payment_id, cash_collection_id, amount_paise)
  values (p_facility, v_year, v_serial, app.format_receipt_number(v_prefix, v_year, v_serial), p_at,
          p_bill, p_patient, p_payment, p_collection, p_amount_paise);
end
$$;
revoke all on function app.issue_receipt_for(uuid, timestamptz, uuid, uuid, uuid, uuid, bigint) from public;
alter function app.issue_receipt_for(uuid, timestamptz, uuid, uuid, uuid, uuid, bigint) owner to careledger_definer;
comment on function app.issue_receipt_for(uuid, timestamptz, uuid, uuid, uuid, uuid, bigint) is
  'The next gap-free receipt of a facility and financial year for a captured payment or a cash collection; the counter row stays locked until commit.';

-- Every cash collection has its receipt by commit.
create or replace function app.check_cash_collection_receipt() returns trigger
language plpgsql security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  if not exists (select 1 from public.receipts r where r.cash_collection_id = new.id) then
    raise exception 'cash collection % has no receipt: collections are recorded through app.collect_cash', new.id
      using errcode = 'integrity_constraint_violation';
  end if;
  return null;
end
$$;
revoke all on function app.check_cash_collection_receipt() from public;
alter function app.check_cash_collection_receipt() owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Corrections void their item. app.reverse_journal_entry calls this before
-- it posts the correction p_correction of the entry p_wrong: the item whose
-- entry it is (a captured payment, a cash collection, an online or a cash
-- refund) is locked, refused when something has happened to it since (a
-- refund, a gateway batch, an allocation to a settlement not cancelled, a
-- refund of another payment that drew on it), and
-- otherwise voided, with what it moved outside the ledger taken back:
--   payment         the bill's paid amount goes down by what it paid of the bill
--   cash collection the bill's paid amount goes down; the shift no longer counts it
--   online refund   the payment's running totals go back down by the refund's
--                   parts (the cumulative rule then goes on from there); what
--                   it drew from other items is theirs again; the bill's paid
--                   amount goes up by what the refund took off it
--   cash refund     the collection's running totals go back down; the bill's
--                   paid amount goes up; the shift no longer counts it
-- A refused call raises, so nothing is posted and nothing changes.
-- ----------------------------------------------------------------------------
create or replace function app.void_corrected_item(p_wrong public.journal_entries, p_correction uuid) returns void
language plpgsql
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_payment public.payments;
  v_collection public.cash_collections;
  v_refund public.payment_refunds;
  v_cash_refund public.cash_refunds;
  v_carrier public.cash_collections;
  v_bill public.bills;
  v_back bigint;
begin
  case p_wrong.event_kind
    when 'online_capture' then
      select p.* into v_payment from public.payments p
      where p.facility_id = p_wrong.facility_id and p.journal_entry_id = p_wrong.id for update;
      if v_payment.refunded_paise > 0 then
        raise exception 'payment % has refunds: correct them first, then the capture', v_payment.gateway_payment_id
          using errcode = 'object_not_in_prerequisite_state';
      elsif v_payment.gateway_settlement_id is not null then
        raise exception 'payment % is in gateway batch %: a capture the gateway paid out is not voided',
          v_payment.gateway_payment_id, v_payment.gateway_settlement_id using errcode = 'object_not_in_prerequisite_state';
      elsif v_payment.allocated_paise > 0 then
        raise exception 'payment % is allocated to a settlement: release it from the draft or cancel the settlement first',
          v_payment.gateway_payment_id using errcode = 'object_not_in_prerequisite_state';
      elsif v_payment.drawn_paise > 0 then
        raise exception 'a refund of another payment took % paise of payment %''s share: correct that refund first',
          v_payment.drawn_paise, v_payment.gateway_payment_id using errcode = 'object_not_in_prerequisite_state';
      end if;
      update public.payments p set correction_entry_id = p_correction where p.id = v_payment.id;
      if v_payment.applied_paise > 0 then
        update public.bills b
        set paid_paise = b.paid_paise - v_payment.applied_paise,
            status = app.bill_status_for_payment(b.total_paise, b.paid_paise - v_payment.applied_paise)
        where b.facility_id = v_payment.facility_id and b.id = v_payment.bill_id;
      end if;

    when 'cash_collection' then
      select c.* into v_collection from public.cash_collections c
      where c.facility_id = p_wrong.facility_id and c.journal_entry_id = p_wrong.id for update;
      if v_collection.refunded_paise > 0 or v_collection.commission_reversed_paise + v_collection.commission_gst_reversed_paise > 0 then
        raise exception 'cash collection % has refunds (or its fee was reversed by one): correct them first', v_collection.id
          using errcode = 'object_not_in_prerequisite_state';
      elsif v_collection.allocated_paise > 0 then
        raise exception 'cash collection % is allocated to a settlement: release it from the draft or cancel the settlement first',
          v_collection.id using errcode = 'object_not_in_prerequisite_state';
      end if;
      update public.cash_collections c set correction_entry_id = p_correction where c.id = v_collection.id;
      update public.bills b
      set paid_paise = b.paid_paise - v_collection.amount_collected_paise,
          status = app.bill_status_for_payment(b.total_paise, b.paid_paise - v_collection.amount_collected_paise)
      where b.facility_id = v_collection.facility_id and b.id = v_collection.bill_id;

    when 'online_refund' then
      -- the payment first, as app.refund_payment locks it
      select p.* into v_payment from public.payments p
      where p.facility_id = p_wrong.facility_id
        and p.id = (select r.payment_id from public.payment_refunds r
                    where r.facility_id = p_wrong.facility_id and r.journal_entry_id = p_wrong.id)
      for update;
      select r.* into v_refund from public.payment_refunds r
      where r.facility_id = p_wrong.facility_id and r.journal_entry_id = p_wrong.id for update;
      if v_refund.gateway_settlement_id is not null then
        raise exception 'refund % is in gateway batch %: a refund the gateway netted is not voided',
          v_refund.gateway_refund_id, v_refund.gateway_settlement_id using errcode = 'object_not_in_prerequisite_state';
      elsif v_refund.allocated_paise > 0 then
        raise exception 'refund % is allocated to a settlement: release it from the draft or cancel the settlement first',
          v_refund.gateway_refund_id using errcode = 'object_not_in_prerequisite_state';
      end if;
      v_back := v_refund.amount_paise - v_refund.advance_paise;
      select b.* into v_bill from public.bills b
      where b.facility_id = v_refund.facility_id and b.id = v_refund.bill_id for update;
      if v_back > 0 and (v_bill.status not in ('issued', 'partially_paid', 'paid')
                         or v_bill.paid_paise + v_back > v_bill.total_paise) then
        raise exception 'bill % was paid or cancelled since refund %: the % paise it took off the bill cannot go back on it',
          coalesce(v_bill.bill_number, v_bill.id::text), v_refund.gateway_refund_id, v_back
          using errcode = 'object_not_in_prerequisite_state';
      end if;
      update public.payment_refunds r set correction_entry_id = p_correction where r.id = v_refund.id;
      -- what it took from other items of the facility is theirs again
      update public.payments p set drawn_paise = p.drawn_paise - d.amount_paise
      from public.payment_refund_draws d
      where d.facility_id = v_refund.facility_id and d.refund_id = v_refund.id and d.item_kind = 'payment'
        and p.facility_id = d.facility_id and p.id = d.item_id;
      update public.cash_refunds c set drawn_paise = c.drawn_paise - d.amount_paise
      from public.payment_refund_draws d
      where d.facility_id = v_refund.facility_id and d.refund_id = v_refund.id and d.item_kind = 'cash_refund'
        and c.facility_id = d.facility_id and c.id = d.item_id;
      update public.payments p
      set refunded_paise = p.refunded_paise - v_refund.amount_paise,
          advance_refunded_paise = p.advance_refunded_paise - v_refund.advance_paise,
          platform_fee_reversed_paise = p.platform_fee_reversed_paise - v_refund.platform_fee_reversed_paise,
          platform_gst_reversed_paise = p.platform_gst_reversed_paise - v_refund.platform_gst_reversed_paise,
          gateway_fee_recovered_paise = p.gateway_fee_recovered_paise - v_refund.gateway_fee_recovered_paise,
          gateway_gst_recovered_paise = p.gateway_gst_recovered_paise - v_refund.gateway_gst_recovered_paise,
          refund_payable_paise = p.refund_payable_paise - v_refund.payable_paise,
          status = case when p.refunded_paise = v_refund.amount_paise then 'captured'::public.payment_status
                        else 'partially_refunded'::public.payment_status end
      where p.id = v_payment.id;
      if v_back > 0 then
        update public.bills b
        set paid_paise = b.paid_paise + v_back, status = app.bill_status_for_payment(b.total_paise, b.paid_paise + v_back)
        where b.facility_id = v_bill.facility_id and b.id = v_bill.id;
      end if;

    when 'cash_refund' then
      -- the collection first, as app.refund_cash locks it
      select c.* into v_collection from public.cash_collections c
      where c.facility_id = p_wrong.facility_id
        and c.id = (select r.collection_id from public.cash_refunds r
                    where r.facility_id = p_wrong.facility_id and r.journal_entry_id = p_wrong.id)
      for update;
      select r.* into v_cash_refund from public.cash_refunds r
      where r.facility_id = p_wrong.facility_id and r.journal_entry_id = p_wrong.id for update;
      if v_cash_refund.allocated_paise > 0 then
        raise exception 'cash refund % is allocated to a settlement: release it from the draft or cancel the settlement first',
          v_cash_refund.id using errcode = 'object_not_in_prerequisite_state';
      elsif v_cash_refund.drawn_paise > 0 then
        raise exception 'an online refund took % paise of what cash refund % left owed to the facility: correct that refund first',
          v_cash_refund.drawn_paise, v_cash_refund.id using errcode = 'object_not_in_prerequisite_state';
      end if;
      -- the reversal must have been on this collection: a bill's fixed fee carried by another collection is not
      -- taken back here (the refund row holds the reversal, not which collection it came from)
      select c.* into v_carrier from public.cash_collections c
      where c.facility_id = v_collection.facility_id and c.bill_id = v_collection.bill_id and c.id <> v_collection.id
        and c.commission_type = 'fixed_per_bill' and c.commission_paise > 0 and c.correction_entry_id is null
        and c.commission_reversed_paise + c.commission_gst_reversed_paise > 0;
      if found then
        raise exception 'cash refund % came with the reversal of the bill''s fixed fee on collection %: it is not voided',
          v_cash_refund.id, v_carrier.id using errcode = 'object_not_in_prerequisite_state';
      end if;
      select b.* into v_bill from public.bills b
      where b.facility_id = v_collection.facility_id and b.id = v_collection.bill_id for update;
      if v_bill.status not in ('issued', 'partially_paid', 'paid')
         or v_bill.paid_paise + v_cash_refund.amount_paise > v_bill.total_paise then
        raise exception 'bill % was paid or cancelled since cash refund %: the % paise it took off the bill cannot go back on it',
          coalesce(v_bill.bill_number, v_bill.id::text), v_cash_refund.id, v_cash_refund.amount_paise
          using errcode = 'object_not_in_prerequisite_state';
      end if;
      update public.cash_refunds r set correction_entry_id = p_correction where r.id = v_cash_refund.id;
      update public.cash_collections c
      set refunded_paise = c.refunded_paise - v_cash_refund.amount_paise,
          commission_reversed_paise = c.commission_reversed_paise - v_cash_refund.commission_reversed_paise,
          commission_gst_reversed_paise = c.commission_gst_reversed_paise - v_cash_refund.commission_gst_reversed_paise,
          receivable_reversed_paise = c.receivable_reversed_paise - v_cash_refund.receivable_paise,
          settlement_status = case
            when c.settled_paise > 0
                 and c.settled_paise = c.commission_paise + c.commission_gst_paise - c.receivable_reversed_paise
                                       + v_cash_refund.receivable_paise
              then 'settled'::public.cash_settlement_status
            when c.settled_paise > 0 then 'partially_settled'::public.cash_settlement_status
            else 'pending'::public.cash_settlement_status end
      where c.id = v_collection.id;
      update public.bills b
      set paid_paise = b.paid_paise + v_cash_refund.amount_paise,
          status = app.bill_status_for_payment(b.total_paise, b.paid_paise + v_cash_refund.amount_paise)
      where b.facility_id = v_bill.facility_id and b.id = v_bill.id;

    else
      null;  -- no item of its own: app.reverse_journal_entry decides about the other kinds
  end case;
end
$$;
revoke all on function app.void_corrected_item(journal_entries, uuid) from public;
alter function app.void_corrected_item(journal_entries, uuid) owner to careledger_definer;
comment on function app.void_corrected_item(journal_entries, uuid) is
  'For app.reverse_journal_entry: voids the payment, collection or refund whose entry is corrected (refused when a refund, gateway batch or settlement has taken it since) and takes back what it moved on the bill and the running totals.';

-- ----------------------------------------------------------------------------
-- Triggers of this area's functions (create or replace: re-run with the file).
-- ----------------------------------------------------------------------------

create or replace trigger payments_check_change
  before update or delete on payments
  for each row execute function app.check_payment_update();

create or replace trigger cashier_shifts_check_change
  before update or delete on cashier_shifts
  for each row execute function app.check_cashier_shift_change();

create or replace trigger cash_collections_check_change
  before insert or update or delete on cash_collections
  for each row execute function app.check_cash_collection_change();

do $$
begin
  -- a constraint trigger cannot be replaced: made once, kept while it exists
  if not exists (select 1 from pg_trigger where tgname = 'cash_collections_have_a_receipt' and tgrelid = 'public.cash_collections'::regclass) then
    create constraint trigger cash_collections_have_a_receipt
      after insert on cash_collections
      deferrable initially deferred
      for each row execute function app.check_cash_collection_receipt();
  end if;
end
$$;

create or replace trigger payment_refunds_check_change
  before update or delete on payment_refunds
  for each row execute function app.check_refund_change();

create or replace trigger cash_refunds_check_change
  before update or delete on cash_refunds
  for each row execute function app.check_refund_change();

create or replace trigger payments_issue_receipt_on_insert
  after insert on payments
  for each row when (new.captured_at is not null) execute function app.issue_receipt();

create or replace trigger payments_issue_receipt_on_capture
  after update of captured_at on payments
  for each row when (old.captured_at is null and new.captured_at is not null) execute function app.issue_receipt();

create or replace trigger payments_check_state_change
  before update on payments
  for each row execute function app.check_payment_state_change();
