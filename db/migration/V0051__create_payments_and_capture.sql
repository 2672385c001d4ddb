-- ============================================================================
-- Online payments and their capture (issue 4, item 2; MONEY.md posting 1).
--
-- On capture the database computes, from the facility configuration in force
-- at the moment of capture and its MDR rates for the method, each rounded
-- once, half up, to the paisa, in this order:
--
--   gateway_fee         = round(amount × gateway MDR)
--   gateway_gst         = round(gateway_fee × GST)      (GST on the rounded fee)
--   platform_fee        = round(amount × platform MDR)
--   platform_gst        = round(platform_fee × GST)
--   platform_commission = platform_fee − gateway_fee     (the margin)
--   net_settlement      = amount − platform_fee − platform_gst
--
-- stores them with the rates and the configuration version used, and posts
--   D gateway_clearing[G,F] (A − g − gg), D gateway_fee_expense g, D gst_input gg;
--   C facility_payable[F] n, C platform_fee_income p, C gst_output pg
-- in the same transaction. Capture is idempotent per (gateway, gateway
-- payment id): a second delivery returns the same payment and posts nothing.
-- The part of a payment beyond the bill's outstanding amount (a bill already
-- paid, or cancelled) is a patient advance, flagged for refund.
--
-- Unpartitioned: gateway ids must be unique across time.
-- ============================================================================

create type payment_status as enum ('created', 'authorized', 'captured', 'failed', 'refunded', 'partially_refunded');

create table payments (
  id                     uuid primary key default gen_random_uuid(),
  facility_id            uuid not null references facilities (id),
  bill_id                uuid not null,
  patient_id             uuid not null,
  gateway                payment_gateway not null,
  gateway_order_id       text not null check (length(gateway_order_id) between 1 and 100),
  gateway_payment_id     text not null check (length(gateway_payment_id) between 1 and 100),
  method                 payment_method not null,
  amount_paise           bigint not null check (amount_paise > 0),
  status                 payment_status not null,
  captured_at            timestamptz,
  -- what went to the bill, and what is the patient's advance (beyond the outstanding amount)
  applied_paise          bigint not null default 0 check (applied_paise >= 0),
  advance_paise          bigint not null default 0 check (advance_paise >= 0),
  advance_refund_due     boolean generated always as (advance_paise > 0) stored,
  -- the rates used and the figures computed at capture
  configuration_effective_from timestamptz,
  gateway_mdr            numeric(7, 6),
  platform_mdr           numeric(7, 6),
  gst_rate               numeric(6, 4),
  gateway_fee_paise      bigint check (gateway_fee_paise >= 0),
  gateway_gst_paise      bigint check (gateway_gst_paise >= 0),
  platform_fee_paise     bigint check (platform_fee_paise >= 0),
  platform_gst_paise     bigint check (platform_gst_paise >= 0),
  platform_commission_paise bigint check (platform_commission_paise >= 0),
  net_settlement_paise   bigint check (net_settlement_paise >= 0),
  journal_entry_id       uuid,
  created_by             uuid not null references users (id),
  created_at             timestamptz not null default now(),
  constraint payments_facility_id_id_key unique (facility_id, id),
  constraint payments_gateway_payment_key unique (gateway, gateway_payment_id),
  constraint payments_bill_fkey foreign key (facility_id, bill_id, patient_id) references bills (facility_id, id, patient_id),
  constraint payments_configuration_fkey foreign key (facility_id, configuration_effective_from)
    references facility_configurations (facility_id, effective_from),
  -- the entry is posted after the row, in the same transaction
  constraint payments_journal_entry_fkey foreign key (facility_id, journal_entry_id)
    references journal_entries (facility_id, id) deferrable initially deferred,
  constraint payments_journal_entry_key unique (journal_entry_id),
  constraint payments_captured_check check (
    (status in ('captured', 'refunded', 'partially_refunded')) = (captured_at is not null)
    and (captured_at is null) = (journal_entry_id is null)
    and (captured_at is null) = (configuration_effective_from is null)
    and (captured_at is null or num_nulls(gateway_mdr, platform_mdr, gst_rate, gateway_fee_paise, gateway_gst_paise,
                                          platform_fee_paise, platform_gst_paise, platform_commission_paise,
                                          net_settlement_paise) = 0)),
  constraint payments_applied_plus_advance check (
    case when captured_at is null then applied_paise = 0 and advance_paise = 0
         else applied_paise + advance_paise = amount_paise end),
  constraint payments_figures_check check (
    platform_commission_paise = platform_fee_paise - gateway_fee_paise
    and net_settlement_paise = amount_paise - platform_fee_paise - platform_gst_paise)
);
-- an order is paid once: failed attempts may share it, one successful payment may not
create unique index payments_gateway_order_captured_key on payments (gateway, gateway_order_id)
  where status in ('captured', 'refunded', 'partially_refunded');
create index payments_facility_captured_idx on payments (facility_id, captured_at);
create index payments_facility_bill_idx on payments (facility_id, bill_id);
create index payments_facility_patient_idx on payments (facility_id, patient_id);
create index payments_captured_at_brin on payments using brin (captured_at);
alter table payments enable row level security;
alter table payments force row level security;

comment on table payments is
  'Online payments of bills through a gateway; on capture the fees, GST and net are computed and stored with the rates used, and posted to the ledger.';
comment on column payments.applied_paise is 'Part of the amount that paid the bill (at most what was outstanding).';
comment on column payments.advance_paise is 'Part beyond the bill''s outstanding amount: a patient advance, flagged for refund.';
comment on column payments.configuration_effective_from is 'The facility configuration version whose rates priced the capture.';
comment on column payments.platform_commission_paise is 'Platform fee − gateway fee: the platform''s margin.';
comment on column payments.net_settlement_paise is 'Amount − platform fee − its GST: what the platform owes the facility.';

grant select on payments to careledger_app;
grant select, insert, update on payments to careledger_definer;

create policy "Payments are visible to billing staff and to their patient" on payments
  for select using (
    (facility_id = any ((select app.visible_facilities())::uuid[])
     and ((select app.has_permission('billing.manage')) or (select app.has_permission('cash.collect'))))
    or patient_id = any ((select app.own_patient_ids())::uuid[]));

create trigger audit after insert or update or delete on payments
  for each row execute function app.audit_row('id');

-- Money rows are never deleted; what capture fixed never changes.
create function app.check_payment_update() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  if tg_op = 'DELETE' then
    raise exception 'payments are never deleted' using errcode = 'integrity_constraint_violation';
  end if;
  if old.captured_at is not null
     and (to_jsonb(new) - array['status', 'advance_refund_due']) <> (to_jsonb(old) - array['status', 'advance_refund_due']) then
    raise exception 'payment % is captured: only its refund status changes', old.id
      using errcode = 'integrity_constraint_violation';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end
$$;
create trigger payments_check_change
  before update or delete on payments
  for each row execute function app.check_payment_update();

-- ----------------------------------------------------------------------------
-- The arithmetic of a capture: the only place where its fees are rounded.
-- numeric round() is half away from zero: half up for amounts never negative.
-- ----------------------------------------------------------------------------
create function app.online_payment_figures(
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
grant execute on function app.online_payment_figures(bigint, numeric, numeric, numeric) to careledger_app, careledger_definer;
comment on function app.online_payment_figures(bigint, numeric, numeric, numeric) is
  'Gateway fee and GST, platform fee and GST, commission and net of an online payment, each rounded half up once, GST on the rounded fee.';

-- ----------------------------------------------------------------------------
-- Capture. Definer rights (it writes payments, the bill's paid amount and the
-- ledger, none of which the app role may), so it checks the caller itself:
-- the payment-webhook system principal or staff with billing.manage, in the
-- bill's facility entered as the current tenant.
-- ----------------------------------------------------------------------------
create function app.capture_payment(
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
  v_tenant uuid := app.current_tenant();
  v_now timestamptz := now();
  v_bill public.bills;
  v_config public.facility_configurations;
  v_rates public.facility_method_rates;
  v_fig record;
  v_payment uuid;
  v_existing public.payments;
  v_entry uuid := gen_random_uuid();
  v_applied bigint;
begin
  if v_tenant is null or not (v_tenant = any (app.visible_facilities()))
     or not coalesce(app.has_permission('billing.manage'), false)
     or (app.current_user_role() = 'system' and app.current_user_id() <> '00000000-0000-4000-8000-000000000003') then
    raise exception 'capturing a payment needs billing.manage in the bill''s facility (or the payment webhook)'
      using errcode = 'insufficient_privilege';
  end if;
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

  -- the bill, locked until commit: what is outstanding is paid, the rest is the patient's advance
  select b.* into v_bill from public.bills b where b.id = p_bill for update;
  v_applied := case when v_bill.status in ('issued', 'partially_paid')
                    then least(p_amount_paise, v_bill.total_paise - v_bill.paid_paise) else 0 end;

  -- the gateway's payment id decides: a second delivery (even a concurrent one, which waits here) posts nothing
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
    if v_existing.facility_id <> v_tenant or v_existing.bill_id <> p_bill or v_existing.amount_paise <> p_amount_paise
       or v_existing.gateway_order_id <> p_gateway_order_id or v_existing.method <> p_method then
      raise exception 'gateway payment % was already captured with other details', p_gateway_payment_id
        using errcode = 'unique_violation';
    end if;
    return v_existing.id;
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
revoke all on function app.capture_payment(uuid, payment_gateway, text, text, payment_method, bigint) from public;
grant execute on function app.capture_payment(uuid, payment_gateway, text, text, payment_method, bigint) to careledger_app;
alter function app.capture_payment(uuid, payment_gateway, text, text, payment_method, bigint) owner to careledger_definer;
comment on function app.capture_payment(uuid, payment_gateway, text, text, payment_method, bigint) is
  'Records a captured online payment of an issued bill of the current facility, idempotently per gateway payment id: fees at the rates in force, bill paid amount, ledger entry (MONEY.md posting 1).';
