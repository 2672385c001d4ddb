-- ============================================================================
-- Cash refunds at the counter (issue 4, item 3; MONEY.md posting 6), and the
-- shift's expected cash with them. The table (cash_refunds) and the
-- collection's running totals come from V0061.
--
-- A refund r of a collection of amount a, paid out of the refunding clerk's
-- open shift, in one transaction:
--
--   percentage commission: c_r, cg_r = round(c × refunded_so_far / a)
--                          − reversed_so_far (the cumulative rule), on the
--                          refunded collection's own totals
--   fixed fee per bill:    all of what is left of c and cg, once, by the refund
--                          that leaves nothing of the bill paid (bills.paid_paise
--                          = 0 after it); taken from the bill's collection that
--                          carried the fee (commission_type fixed_per_bill and
--                          commission_paise > 0)
--   split, per collection: credited to facility_receivable up to the
--                          collection's open amount (c + cg − receivable_reversed
--                          − allocated), the rest to facility_payable
--
-- and, when anything is reversed, posts
--   D cash_commission_income c_r, D gst_output cg_r;
--   C facility_receivable (receivable part), C facility_payable (payable part).
-- docs/ledger.md, "Refunds", records the choices.
-- ============================================================================

create function app.refund_cash(
  p_collection       uuid,
  p_amount_paise     bigint,
  p_reason           text,
  p_idempotency_key  text
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
  if p_idempotency_key is null or length(btrim(p_idempotency_key)) not between 3 and 200 then
    raise exception 'a cash refund needs an idempotency key of 3 to 200 characters' using errcode = 'check_violation';
  end if;
  if length(p_reason) > 500 then
    raise exception 'a refund reason is at most 500 characters' using errcode = 'check_violation';
  end if;

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
       where c.facility_id = v_tenant and c.shift_id = v_shift.id)
    - (select coalesce(sum(r.amount_paise), 0) from public.cash_refunds r
       where r.facility_id = v_tenant and r.shift_id = v_shift.id);
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
      and c.commission_type = 'fixed_per_bill' and c.commission_paise > 0
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
    commission_reversed_paise, commission_gst_reversed_paise, receivable_paise, payable_paise, journal_entry_id, created_by)
  values (
    v_refund, v_tenant, v_collection.id, v_collection.bill_id, v_collection.patient_id, v_shift.id, v_staff, p_amount_paise,
    nullif(btrim(p_reason), ''), p_idempotency_key, v_c_r + v_fee_r, v_cg_r + v_fee_gst_r,
    v_receivable + v_fee_receivable, v_c_r + v_cg_r - v_receivable + v_fee_r + v_fee_gst_r - v_fee_receivable,
    v_entry, app.current_user_id());

  -- the collections' totals; the settlement status follows what is still owed (V0061's check)
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
    perform app.post_journal_entry(
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
revoke all on function app.refund_cash(uuid, bigint, text, text) from public;
grant execute on function app.refund_cash(uuid, bigint, text, text) to careledger_app;
alter function app.refund_cash(uuid, bigint, text, text) owner to careledger_definer;
comment on function app.refund_cash(uuid, bigint, text, text) is
  'Pays cash back against a collection of the current facility out of the clerk''s open shift, idempotently per key: never beyond what is left of the collection or in the drawer; commission reversed by the cumulative rule (a fixed fee: whole, when nothing of the bill stays paid), credited to facility_receivable up to what the collection still owes, the rest to facility_payable (MONEY.md posting 6).';

-- ----------------------------------------------------------------------------
-- The close of a shift, now with the cash refunded out of it.
-- ----------------------------------------------------------------------------
create or replace function app.close_shift(p_shift uuid, p_counted_paise bigint) returns cashier_shifts
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
  select coalesce(sum(c.amount_collected_paise), 0) into v_collected
  from public.cash_collections c where c.facility_id = v_tenant and c.shift_id = p_shift;
  select coalesce(sum(r.amount_paise), 0) into v_refunded
  from public.cash_refunds r where r.facility_id = v_tenant and r.shift_id = p_shift;

  update public.cashier_shifts s
  set status = 'closed', closed_at = greatest(now(), s.opened_at), counted_paise = p_counted_paise,
      expected_paise = s.opening_float_paise + v_collected - v_refunded,
      variance_paise = p_counted_paise - (s.opening_float_paise + v_collected - v_refunded)
  where s.id = p_shift
  returning s.* into v_shift;
  return v_shift;
end
$$;
alter function app.close_shift(uuid, bigint) owner to careledger_definer;
comment on function app.close_shift(uuid, bigint) is
  'Closes the signed-in clerk''s own open shift with the counted cash: expected = float + collections − cash refunds paid out of it, variance = counted − expected.';
comment on table cashier_shifts is
  'A clerk''s cash shift: opening float; at the close the counted cash, the expected cash (float + collections − cash refunds) and the variance.';
comment on column cashier_shifts.expected_paise is 'Opening float + cash collected in the shift − cash refunded out of it, at the close.';
