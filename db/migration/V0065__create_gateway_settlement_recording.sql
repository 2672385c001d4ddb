-- ============================================================================
-- Recording a gateway's settlement batch (issue 4 item 7; MONEY.md posting 2).
--
-- A gateway pays the platform in batches: one bank transfer (UTR) on a date,
-- covering captured payments of many facilities, less the refunds it paid out
-- in the meantime. app.record_gateway_settlement takes the batch as the
-- gateway's report states it (importing the report file comes with the
-- gateway integration) and, in one transaction:
--
--   * marks each covered payment and refund with the batch (once: a payment
--     or refund in two batches is refused);
--   * computes S_F per facility = Σ (A − g − gg) of its payments − Σ R of its
--     refunds, i.e. exactly what those items put into gateway_clearing[G,F];
--   * posts per facility D platform_bank S_F; C gateway_clearing[G,F] S_F
--     (sides swapped when refunds outweigh payments);
--   * compares Σ S_F with the amount the report states; a difference flags
--     the batch 'mismatched' for the super admin, and is not booked: the ledger
--     clears each item by what it put in, and the difference is a question for
--     the gateway (a correction entry books it once answered).
-- ============================================================================

-- What each item put into gateway_clearing[G,F]: a capture A − g − gg, a refund −R.
create function app.gateway_settlement_items(p_payment_ids uuid[], p_refund_ids uuid[])
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

create function app.record_gateway_settlement(
  p_gateway              payment_gateway,
  p_utr                  text,
  p_settled_on           date,
  p_stated_amount_paise  bigint,
  p_payment_ids          uuid[],
  p_refund_ids           uuid[] default '{}'
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
  if p_settled_on > (now() at time zone 'Asia/Kolkata')::date then
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
                                else 'already in gateway settlement ' || p.gateway_settlement_id end), ', ')
  into v_bad
  from public.payments p
  where p.id = any (v_payments)
    and (p.gateway <> p_gateway or p.captured_at is null or p.gateway_settlement_id is not null);
  if v_bad is not null then
    raise exception 'these cannot enter a % settlement: %', p_gateway, v_bad using errcode = 'check_violation';
  end if;
  select string_agg(format('refund %s (%s)', r.id,
                           case when r.gateway <> p_gateway then 'of gateway ' || r.gateway
                                else 'already in gateway settlement ' || r.gateway_settlement_id end), ', ')
  into v_bad
  from public.payment_refunds r
  where r.id = any (v_refunds) and (r.gateway <> p_gateway or r.gateway_settlement_id is not null);
  if v_bad is not null then
    raise exception 'these cannot enter a % settlement: %', p_gateway, v_bad using errcode = 'check_violation';
  end if;

  select sum(i.amount_paise) into v_expected from app.gateway_settlement_items(v_payments, v_refunds) i;

  insert into public.gateway_settlements (id, gateway, utr, settled_on, stated_amount_paise, expected_paise, status, recorded_by)
  values (v_batch, p_gateway, p_utr, p_settled_on, p_stated_amount_paise, v_expected,
          case when v_expected = p_stated_amount_paise then 'matched' else 'mismatched' end::public.gateway_settlement_status,
          v_actor);

  for v_part in
    select i.facility_id, count(*) filter (where i.is_payment) as payments_count,
           count(*) filter (where not i.is_payment) as refunds_count, sum(i.amount_paise)::bigint as amount_paise
    from app.gateway_settlement_items(v_payments, v_refunds) i
    group by i.facility_id order by i.facility_id
  loop
    v_entry := null;
    if v_part.amount_paise <> 0 then
      v_entry := app.post_journal_entry(
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
revoke all on function app.record_gateway_settlement(payment_gateway, text, date, bigint, uuid[], uuid[]) from public;
grant execute on function app.record_gateway_settlement(payment_gateway, text, date, bigint, uuid[], uuid[]) to careledger_app;
alter function app.record_gateway_settlement(payment_gateway, text, date, bigint, uuid[], uuid[]) owner to careledger_definer;
comment on function app.record_gateway_settlement(payment_gateway, text, date, bigint, uuid[], uuid[]) is
  'Records a gateway''s settlement batch (UTR, date, stated amount) covering captured payments and refunds: marks them, posts D platform_bank / C gateway_clearing[G,F] per facility (MONEY.md posting 2), flags a stated amount that differs from what the items add up to.';
