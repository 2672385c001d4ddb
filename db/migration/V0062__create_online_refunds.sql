-- ============================================================================
-- Refunds of online payments (issue 4, item 3; MONEY.md posting 5). The table
-- (payment_refunds) and the payment's running totals come from V0061.
--
-- A refund R of a captured payment of A, in one transaction:
--
--   advance part  = least(R, advance − advance refunded)   the patient's advance
--                   goes back first; the rest lowers the bill's paid amount
--   p_r, pg_r     = round(p × refunded_so_far / A) − reversed_so_far (the
--                   cumulative rule), each on the payment's own totals
--   g_r, gg_r     = the same on the gateway fee and its GST, only when the
--                   configuration version that priced the capture says the
--                   facility bears the gateway fee on refunds; else 0
--   cost          = R − p_r − pg_r + g_r + gg_r   (what the refund costs the
--                   facility)
--   payable       = least(cost, the payment's open amount
--                   net − refund_payable − allocated); recovery = cost − payable
--
-- and posts
--   D platform_fee_income p_r, D gst_output pg_r,
--   D facility_payable (R − p_r − pg_r, up to payable),
--   D facility_payable (the rest of payable: the gateway fee recovered),
--   D facility_receivable recovery;
--   C gateway_clearing[G,F] R, C fee_recovery_income (g_r + gg_r).
-- Zero lines are left out. docs/ledger.md, "Refunds", records the choices.
-- ============================================================================

create function app.refund_payment(
  p_payment            uuid,
  p_gateway_refund_id  text,
  p_amount_paise       bigint,
  p_reason             text
) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_tenant uuid := app.current_tenant();
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
  v_refund uuid := gen_random_uuid();
  v_entry uuid := gen_random_uuid();
begin
  if v_tenant is null or not (v_tenant = any (app.visible_facilities()))
     or not coalesce(app.has_permission('billing.manage'), false)
     or (app.current_user_role() = 'system' and app.current_user_id() <> '00000000-0000-4000-8000-000000000003') then
    raise exception 'refunding a payment needs billing.manage in the payment''s facility (or the payment webhook)'
      using errcode = 'insufficient_privilege';
  end if;
  if p_amount_paise is null or p_amount_paise <= 0 then
    raise exception 'a refund is of more than 0 paise (got %)', coalesce(p_amount_paise::text, 'none')
      using errcode = 'check_violation';
  end if;
  if coalesce(btrim(p_gateway_refund_id), '') = '' or length(p_gateway_refund_id) > 100 then
    raise exception 'a refund names the gateway''s refund id (1 to 100 characters)' using errcode = 'check_violation';
  end if;
  if length(p_reason) > 500 then
    raise exception 'a refund reason is at most 500 characters' using errcode = 'check_violation';
  end if;

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

  -- the facility's cost: from what the payment still owes it, the rest is a recovery it owes the platform
  v_cost := p_amount_paise - v_p_r - v_pg_r + v_g_r + v_gg_r;
  v_open := v_payment.net_settlement_paise - v_payment.refund_payable_paise - v_payment.allocated_paise;
  v_payable := least(v_cost, greatest(v_open, 0));
  v_recovery := v_cost - v_payable;
  v_payable_refund := least(p_amount_paise - v_p_r - v_pg_r, v_payable);

  insert into public.payment_refunds (
    id, facility_id, payment_id, bill_id, patient_id, gateway, gateway_refund_id, amount_paise, advance_paise, reason,
    refunded_by, platform_fee_reversed_paise, platform_gst_reversed_paise, gateway_fee_recovered_paise,
    gateway_gst_recovered_paise, payable_paise, recovery_paise, journal_entry_id)
  values (
    v_refund, v_payment.facility_id, v_payment.id, v_payment.bill_id, v_payment.patient_id, v_payment.gateway,
    p_gateway_refund_id, p_amount_paise, v_advance, nullif(btrim(p_reason), ''),
    app.current_user_id(), v_p_r, v_pg_r, v_g_r, v_gg_r, v_payable, v_recovery, v_entry);

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

  perform app.post_journal_entry(
    v_payment.facility_id, 'online_refund', 'refund:' || v_payment.gateway || ':' || p_gateway_refund_id,
    jsonb_build_array(
      jsonb_build_object('account', 'platform_fee_income', 'debit_paise', v_p_r),
      jsonb_build_object('account', 'gst_output', 'debit_paise', v_pg_r),
      jsonb_build_object('account', 'facility_payable', 'debit_paise', v_payable_refund),
      jsonb_build_object('account', 'facility_payable', 'debit_paise', v_payable - v_payable_refund),
      jsonb_build_object('account', 'facility_receivable', 'debit_paise', v_recovery),
      jsonb_build_object('account', 'gateway_clearing', 'gateway', v_payment.gateway, 'credit_paise', p_amount_paise),
      jsonb_build_object('account', 'fee_recovery_income', 'credit_paise', v_g_r + v_gg_r)),
    'refund ' || v_payment.gateway || ' ' || p_gateway_refund_id || ' of payment ' || v_payment.gateway_payment_id
      || ' of bill ' || coalesce(v_bill.bill_number, v_bill.id::text),
    v_entry);
  return v_refund;
end
$$;
revoke all on function app.refund_payment(uuid, text, bigint, text) from public;
grant execute on function app.refund_payment(uuid, text, bigint, text) to careledger_app;
alter function app.refund_payment(uuid, text, bigint, text) owner to careledger_definer;
comment on function app.refund_payment(uuid, text, bigint, text) is
  'Records a gateway refund of a captured online payment of the current facility, idempotently per gateway refund id: advance first, then the bill; fees reversed by the cumulative rule; the facility''s cost from facility_payable up to the payment''s open amount, the rest a recovery in facility_receivable (MONEY.md posting 5).';
