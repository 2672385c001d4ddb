-- ============================================================================
-- Payment states before capture (issue 4, item 2): created, authorized, failed.
--
--   created     an order at a gateway for a bill and an amount
--               (app.create_payment_order): a row without a payment id
--   authorized  the gateway authorized a payment (an attempt, with its
--               payment id and method) of the order (app.record_payment_authorized)
--   failed      an attempt failed (app.record_payment_failed): final for that
--               payment id; posts nothing and changes no bill
--   captured    app.capture_payment: captures the attempt when it is known,
--               else the order's open row, else inserts a payment as before
--
-- The first attempt that is authorized or captured takes over the order's row
-- (it gets the payment id); a failed attempt gets a row of its own and leaves
-- the order created, so the payer may try again; later attempts get rows of
-- their own, with the order's bill and amount. Keys: a payment id once per
-- gateway (payments_gateway_payment_key), one open row per order (below), one
-- successful payment per order (payments_gateway_order_captured_key).
-- Every function here locks the bill first, as capture and cash collection
-- do: the events of one bill go one at a time.
-- ============================================================================

alter table payments
  alter column gateway_payment_id drop not null,
  alter column method drop not null,
  add column authorized_at   timestamptz,
  add column failed_at       timestamptz,
  add column failure_reason  text check (length(failure_reason) between 1 and 500),
  add constraint payments_state_check check (
    (gateway_payment_id is null) = (status = 'created')
    and (method is not null or status = 'created')
    and (status = 'failed') = (failed_at is not null)
    and (status = 'failed') = (failure_reason is not null)
    and (authorized_at is null or status <> 'created'));
create unique index payments_gateway_open_order_key on payments (gateway, gateway_order_id)
  where gateway_payment_id is null;

comment on column payments.gateway_payment_id is 'The gateway''s payment id; none while the row is an order (created) that no attempt has taken yet.';
comment on column payments.method is 'How the patient paid; unknown while the row is an order (created).';
comment on column payments.authorized_at is 'When the gateway''s authorization of this payment was recorded.';
comment on column payments.failed_at is 'When the gateway''s failure of this payment was recorded; a failed payment never changes.';
comment on column payments.failure_reason is 'The gateway''s reason for the failure.';

-- Before capture a row only moves forward: a failed payment never changes, an
-- authorized one never goes back to created, and what names the payment
-- (facility, bill, order, amount, a payment id once given) stays.
create function app.check_payment_state_change() returns trigger
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
create trigger payments_check_state_change
  before update on payments
  for each row execute function app.check_payment_state_change();

-- ----------------------------------------------------------------------------
-- Who records payment events: staff with billing.manage in the current
-- facility, or the payment-webhook system principal; no other system principal.
-- Returns the current facility. (Called by definer functions only.)
-- ----------------------------------------------------------------------------
create function app.require_payment_recorder(p_doing text) returns uuid
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
declare
  v_tenant uuid := app.current_tenant();
begin
  if v_tenant is null or not (v_tenant = any (app.visible_facilities()))
     or not coalesce(app.has_permission('billing.manage'), false)
     or (app.current_user_role() = 'system' and app.current_user_id() <> '00000000-0000-4000-8000-000000000003') then
    raise exception '% needs billing.manage in the bill''s facility (or the payment webhook)', p_doing
      using errcode = 'insufficient_privilege';
  end if;
  return v_tenant;
end
$$;
revoke all on function app.require_payment_recorder(text) from public;
grant execute on function app.require_payment_recorder(text) to careledger_definer;

-- A row of the order (gateway, order id) of the current facility, its bill
-- locked until commit; no_data_found when there is none.
create function app.lock_payment_order(p_gateway payment_gateway, p_gateway_order_id text) returns payments
language plpgsql volatile
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_order public.payments;
begin
  select p.* into v_order from public.payments p
  where p.gateway = p_gateway and p.gateway_order_id = p_gateway_order_id and p.facility_id = app.current_tenant()
  order by p.created_at, p.id limit 1;
  if not found then
    raise exception 'gateway order % of % not found: create the order first', p_gateway_order_id, p_gateway
      using errcode = 'no_data_found';
  end if;
  perform 1 from public.bills b where b.id = v_order.bill_id for update;
  return v_order;
end
$$;
revoke all on function app.lock_payment_order(payment_gateway, text) from public;
grant execute on function app.lock_payment_order(payment_gateway, text) to careledger_definer;

-- The attempt already recorded for a gateway payment id, or a row of nulls;
-- refuses one recorded with other details (another facility, order or method,
-- or, when given, another bill or amount).
create function app.recorded_payment_attempt(
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
create function app.create_payment_order(
  p_bill              uuid,
  p_gateway           payment_gateway,
  p_gateway_order_id  text,
  p_amount_paise      bigint
) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_tenant uuid := app.require_payment_recorder('creating a payment order');
  v_bill public.bills;
  v_existing public.payments;
  v_payment uuid;
begin
  if p_amount_paise is null or p_amount_paise <= 0 then
    raise exception 'a payment order is of more than 0 paise (got %)', coalesce(p_amount_paise::text, 'none')
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

  insert into public.payments (facility_id, bill_id, patient_id, gateway, gateway_order_id, amount_paise, status, created_by)
  values (v_tenant, p_bill, v_bill.patient_id, p_gateway, p_gateway_order_id, p_amount_paise, 'created', app.current_user_id())
  returning id into v_payment;
  return v_payment;
end
$$;
revoke all on function app.create_payment_order(uuid, payment_gateway, text, bigint) from public;
grant execute on function app.create_payment_order(uuid, payment_gateway, text, bigint) to careledger_app;
alter function app.create_payment_order(uuid, payment_gateway, text, bigint) owner to careledger_definer;
comment on function app.create_payment_order(uuid, payment_gateway, text, bigint) is
  'Records an order at a gateway for an issued bill of the current facility and an amount up to what is outstanding (status created), idempotently per gateway order id. Needs billing.manage or the payment webhook.';

-- ----------------------------------------------------------------------------
-- Authorized.
-- ----------------------------------------------------------------------------
create function app.record_payment_authorized(
  p_gateway             payment_gateway,
  p_gateway_order_id    text,
  p_gateway_payment_id  text,
  p_method              payment_method
) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_tenant uuid := app.require_payment_recorder('recording a payment authorization');
  v_order public.payments;
  v_row public.payments;
  v_payment uuid;
begin
  if p_gateway is null or coalesce(btrim(p_gateway_order_id), '') = '' or coalesce(btrim(p_gateway_payment_id), '') = ''
     or p_method is null then
    raise exception 'an authorization names its gateway, order id, payment id and method' using errcode = 'not_null_violation';
  end if;
  v_order := app.lock_payment_order(p_gateway, p_gateway_order_id);

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
    values (v_tenant, v_order.bill_id, v_order.patient_id, p_gateway, p_gateway_order_id, p_gateway_payment_id, p_method,
            v_order.amount_paise, 'authorized', now(), app.current_user_id())
    returning id into v_payment;
  end if;
  return v_payment;
end
$$;
revoke all on function app.record_payment_authorized(payment_gateway, text, text, payment_method) from public;
grant execute on function app.record_payment_authorized(payment_gateway, text, text, payment_method) to careledger_app;
alter function app.record_payment_authorized(payment_gateway, text, text, payment_method) owner to careledger_definer;
comment on function app.record_payment_authorized(payment_gateway, text, text, payment_method) is
  'Records that the gateway authorized a payment of an order of the current facility (status authorized), idempotently per gateway payment id; posts nothing. Needs billing.manage or the payment webhook.';

-- ----------------------------------------------------------------------------
-- Failed.
-- ----------------------------------------------------------------------------
create function app.record_payment_failed(
  p_gateway             payment_gateway,
  p_gateway_order_id    text,
  p_gateway_payment_id  text,
  p_method              payment_method,
  p_reason              text
) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_tenant uuid := app.require_payment_recorder('recording a payment failure');
  v_order public.payments;
  v_row public.payments;
  v_payment uuid;
begin
  if p_gateway is null or coalesce(btrim(p_gateway_order_id), '') = '' or coalesce(btrim(p_gateway_payment_id), '') = ''
     or p_method is null then
    raise exception 'a failure names its gateway, order id, payment id and method' using errcode = 'not_null_violation';
  end if;
  if p_reason is null or length(btrim(p_reason)) not between 1 and 500 then
    raise exception 'a failure gives the gateway''s reason (1 to 500 characters)' using errcode = 'check_violation';
  end if;
  v_order := app.lock_payment_order(p_gateway, p_gateway_order_id);

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
    update public.payments p set status = 'failed', failed_at = now(), failure_reason = btrim(p_reason)
    where p.id = v_row.id;
    return v_row.id;
  end if;

  -- an attempt that failed at once: a row of its own; the order stays open for another attempt
  insert into public.payments (facility_id, bill_id, patient_id, gateway, gateway_order_id, gateway_payment_id, method,
                               amount_paise, status, failed_at, failure_reason, created_by)
  values (v_tenant, v_order.bill_id, v_order.patient_id, p_gateway, p_gateway_order_id, p_gateway_payment_id, p_method,
          v_order.amount_paise, 'failed', now(), btrim(p_reason), app.current_user_id())
  returning id into v_payment;
  return v_payment;
end
$$;
revoke all on function app.record_payment_failed(payment_gateway, text, text, payment_method, text) from public;
grant execute on function app.record_payment_failed(payment_gateway, text, text, payment_method, text) to careledger_app;
alter function app.record_payment_failed(payment_gateway, text, text, payment_method, text) owner to careledger_definer;
comment on function app.record_payment_failed(payment_gateway, text, text, payment_method, text) is
  'Records that a payment attempt of an order of the current facility failed, with the gateway''s reason, idempotently per gateway payment id; posts nothing, changes no bill. Needs billing.manage or the payment webhook.';

-- ----------------------------------------------------------------------------
-- Capture: as in V0051, but it captures the attempt recorded for the payment
-- id (authorized), else the order's open row (created), else inserts.
-- ----------------------------------------------------------------------------
create or replace function app.capture_payment(
  p_bill                uuid,
  p_gateway             payment_gateway,
  p_gateway_order_id    text,
  p_gateway_payment_id  text,
  p_method              payment_method,
  p_amount_paise        bigint
) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_tenant uuid := app.require_payment_recorder('capturing a payment');
  v_now timestamptz := now();
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
  if p_amount_paise is null or p_amount_paise <= 0 then
    raise exception 'a payment is of more than 0 paise (got %)', coalesce(p_amount_paise::text, 'none')
      using errcode = 'check_violation';
  end if;
  if p_gateway is null or coalesce(btrim(p_gateway_payment_id), '') = '' or coalesce(btrim(p_gateway_order_id), '') = ''
     or p_method is null then
    raise exception 'a capture names its gateway, order id, payment id and method' using errcode = 'not_null_violation';
  end if;

  select b.* into v_bill from public.bills b where b.id = p_bill and b.facility_id = v_tenant;
  if not found then
    raise exception 'bill % not found', p_bill using errcode = 'no_data_found';
  end if;
  if v_bill.status = 'draft' then
    raise exception 'bill % is a draft: only an issued bill is paid', p_bill using errcode = 'object_not_in_prerequisite_state';
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

  -- the bill, locked until commit: what is outstanding is paid, the rest is the patient's advance;
  -- a concurrent delivery of this capture, or another event of the bill, waits here
  select b.* into v_bill from public.bills b where b.id = p_bill for update;
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
    -- an order of this id belongs to this bill; its open row, if any, becomes this payment
    select p.* into v_existing from public.payments p
    where p.gateway = p_gateway and p.gateway_order_id = p_gateway_order_id
    order by (p.gateway_payment_id is null) desc, p.created_at limit 1;
    if found then
      if v_existing.facility_id <> v_tenant or v_existing.bill_id <> p_bill then
        raise exception 'gateway order % belongs to another bill', p_gateway_order_id using errcode = 'unique_violation';
      end if;
      if v_existing.gateway_payment_id is null then
        if v_existing.amount_paise <> p_amount_paise then
          raise exception 'gateway order % is of % paise, not %', p_gateway_order_id, v_existing.amount_paise, p_amount_paise
            using errcode = 'check_violation';
        end if;
        v_target := v_existing.id;
      end if;
    end if;
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
    -- the gateway's payment id decides: a second delivery for another bill (which locked another bill) posts nothing
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

  perform app.post_journal_entry(
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
comment on function app.capture_payment(uuid, payment_gateway, text, text, payment_method, bigint) is
  'Records a captured online payment of an issued bill of the current facility, idempotently per gateway payment id: captures the authorized attempt or the open order when recorded, else inserts; fees at the rates in force, bill paid amount, receipt, ledger entry (MONEY.md posting 1).';
