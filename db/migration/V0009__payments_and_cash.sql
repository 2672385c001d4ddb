-- ============================================================================
-- Payments and cash: captures, shifts, collections, refunds, gateway batches, receipts.
--
-- Types, tables, indexes, partitions, grants and policies of this area, as
-- they stand; functions, trigger functions and views are in R__0009_payments_and_cash.sql.
-- ============================================================================

-- ============================================================================
-- Online payments and their capture (posting 1 of docs/ledger.md).
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
grant select on payments to careledger_app, careledger_patient;
grant select, insert, update on payments to careledger_definer;

-- ============================================================================
-- Cash at the counter (docs/ledger.md posting 3).
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
grant select on cashier_shifts to careledger_app, careledger_patient;
grant select, insert, update on cashier_shifts to careledger_definer;

create policy "Shifts are visible to their clerk and to facility admins" on cashier_shifts
  for select using (facility_id = any ((select app.administered_facilities())::uuid[])
                    or (staff_id = (select app.current_staff_id())
                        and facility_id = any ((select app.visible_facilities())::uuid[])));

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
create index cash_collections_collected_at_brin on cash_collections using brin (collected_at);
alter table cash_collections enable row level security;
alter table cash_collections force row level security;
comment on table cash_collections is
  'Cash collected at the counter for issued bills, in the collector''s open shift; the commission terms used and figures; commission posted to the ledger (posting 3 of docs/ledger.md).';
comment on column cash_collections.commission_type is 'Null when the facility''s configuration charged no cash commission.';
comment on column cash_collections.gst_rate is 'GST rate applied to the commission: the configuration''s, or 0 when it charges no GST on cash commission.';
comment on column cash_collections.commission_paise is 'round_half_up(amount × rate), or the fixed fee at the bill''s first cash collection (0 on later ones).';
comment on column cash_collections.settlement_status is 'Derived from settlement allocations (later), set only by definer functions; pending until then.';
comment on column cash_collections.idempotency_key is 'The portal''s key for the collection, unique per facility: a retry returns the first collection.';
grant select on cash_collections to careledger_app, careledger_patient;
grant select, insert, update on cash_collections to careledger_definer;

-- ============================================================================
-- What moves a captured payment or a cash collection after the fact: refunds,
-- the gateway's settlement batches and the platform's settlements with the
-- facility. This migration holds the tables and running totals they share;
-- the functions that write them come in the migrations of each event.
--
--   gateway_settlements   a gateway's payout batch to the platform (UTR, date,
--                         the amount its report states), cross-facility
--   gateway_settlement_facilities
--                         the batch's part per facility: what it settles of
--                         F's captures and refunds, and its ledger entry
--                         (posting 2 of docs/ledger.md)
--   payment_refunds       refunds of online payments (posting 5)
--   cash_refunds          cash paid back at the counter (posting 6)
--
-- The open amount a settlement may allocate (posting 4 of docs/ledger.md) of each item
-- follows from its own row, so a check keeps it never negative:
--
--   payment        net_settlement − refund_payable − allocated      (payable side)
--   cash_collection  commission + GST − receivable_reversed − allocated (receivable side)
--   payment_refund   recovery − allocated     (a refund that cost the facility
--                    more than the payment still owed it: receivable side)
--   cash_refund      payable − allocated      (commission reversed beyond what
--                    the collection still owed: payable side)
--
-- allocated_paise counts allocations in settlements not cancelled;
-- settled_paise those in paid settlements (≤ allocated). The ledger moves at
-- payment, so facility_payable[F] = Σ payable-side (amount − settled) and
-- facility_receivable[F] = Σ receivable-side (amount − settled).
-- Every running total only grows; only definer functions write them.
-- ============================================================================

-- ----------------------------------------------------------------------------
-- Gateway settlement batches.
-- ----------------------------------------------------------------------------
create type gateway_settlement_status as enum ('matched', 'mismatched');
create table gateway_settlements (
  id                   uuid primary key default gen_random_uuid(),
  gateway              payment_gateway not null,
  utr                  text not null check (utr ~ '^[A-Za-z0-9]{6,40}$'),
  settled_on           date not null,
  -- what the gateway's report says it paid, and what the covered items add up to
  stated_amount_paise  bigint not null,
  expected_paise       bigint not null,
  difference_paise     bigint generated always as (stated_amount_paise - expected_paise) stored,
  status               gateway_settlement_status not null,
  recorded_by          uuid not null references users (id),
  recorded_at          timestamptz not null default now(),
  constraint gateway_settlements_utr_key unique (gateway, utr),
  constraint gateway_settlements_status_check check (
    status = case when stated_amount_paise = expected_paise then 'matched'::gateway_settlement_status
                  else 'mismatched'::gateway_settlement_status end)
);
alter table gateway_settlements enable row level security;
alter table gateway_settlements force row level security;
comment on table gateway_settlements is
  'A gateway''s settlement batch (UTR, date, stated amount) to the platform; expected is what the covered payments and refunds add up to; mismatched when they differ.';
create table gateway_settlement_facilities (
  gateway_settlement_id  uuid not null references gateway_settlements (id),
  facility_id            uuid not null references facilities (id),
  payments_count         integer not null check (payments_count >= 0),
  refunds_count          integer not null check (refunds_count >= 0),
  -- S_F: Σ (amount − gateway fee − its GST) of the payments − Σ refunds; negative when refunds outweigh
  amount_paise           bigint not null,
  journal_entry_id       uuid,
  primary key (gateway_settlement_id, facility_id),
  constraint gateway_settlement_facilities_entry_fkey foreign key (facility_id, journal_entry_id)
    references journal_entries (facility_id, id) deferrable initially deferred,
  constraint gateway_settlement_facilities_entry_key unique (journal_entry_id),
  constraint gateway_settlement_facilities_entry_check check ((journal_entry_id is null) = (amount_paise = 0))
);
create index gateway_settlement_facilities_facility_idx on gateway_settlement_facilities (facility_id);
alter table gateway_settlement_facilities enable row level security;
alter table gateway_settlement_facilities force row level security;
comment on table gateway_settlement_facilities is
  'A gateway batch''s part per facility: S_F and the entry D platform_bank S_F, C gateway_clearing[G,F] S_F (posting 2 of docs/ledger.md).';
grant select on gateway_settlements, gateway_settlement_facilities to careledger_app, careledger_patient;
grant select, insert on gateway_settlements, gateway_settlement_facilities to careledger_definer;
create policy "Facility admins see their part of gateway settlements" on gateway_settlement_facilities
  for select using (facility_id = any ((select app.administered_facilities())::uuid[]));
create policy "Gateway settlements are seen by admins of a facility they cover" on gateway_settlements
  for select using (
    (select app.current_user_role()) = 'super_admin'
    or exists (select 1 from gateway_settlement_facilities f
               where f.gateway_settlement_id = gateway_settlements.id
                 and f.facility_id = any ((select app.administered_facilities())::uuid[])));

-- ----------------------------------------------------------------------------
-- Running totals on payments.
-- ----------------------------------------------------------------------------
alter table payments
  add column gateway_settlement_id        uuid references gateway_settlements (id),
  add column refunded_paise               bigint not null default 0 check (refunded_paise >= 0),
  add column advance_refunded_paise       bigint not null default 0 check (advance_refunded_paise >= 0),
  add column platform_fee_reversed_paise  bigint not null default 0 check (platform_fee_reversed_paise >= 0),
  add column platform_gst_reversed_paise  bigint not null default 0 check (platform_gst_reversed_paise >= 0),
  add column gateway_fee_recovered_paise  bigint not null default 0 check (gateway_fee_recovered_paise >= 0),
  add column gateway_gst_recovered_paise  bigint not null default 0 check (gateway_gst_recovered_paise >= 0),
  add column refund_payable_paise         bigint not null default 0 check (refund_payable_paise >= 0),
  add column allocated_paise              bigint not null default 0 check (allocated_paise >= 0),
  add column settled_paise                bigint not null default 0 check (settled_paise >= 0),
  add constraint payments_refund_totals_check check (
    refunded_paise <= amount_paise
    and advance_refunded_paise <= advance_paise
    and advance_refunded_paise <= refunded_paise
    and platform_fee_reversed_paise <= coalesce(platform_fee_paise, 0)
    and platform_gst_reversed_paise <= coalesce(platform_gst_paise, 0)
    and gateway_fee_recovered_paise <= coalesce(gateway_fee_paise, 0)
    and gateway_gst_recovered_paise <= coalesce(gateway_gst_paise, 0)),
  add constraint payments_open_amount_check check (
    settled_paise <= allocated_paise
    and allocated_paise + refund_payable_paise <= coalesce(net_settlement_paise, 0)),
  add constraint payments_gateway_settled_check check (gateway_settlement_id is null or captured_at is not null);
create index payments_gateway_unsettled_idx on payments (gateway, facility_id) where gateway_settlement_id is null and captured_at is not null;
create index payments_facility_open_idx on payments (facility_id, captured_at)
  where gateway_settlement_id is not null and allocated_paise + refund_payable_paise < net_settlement_paise;
comment on column payments.gateway_settlement_id is 'The gateway batch that paid this capture to the platform; only then may a settlement allocate it.';
comment on column payments.refunded_paise is 'Σ refunds of the payment.';
comment on column payments.advance_refunded_paise is 'Part of the refunds that returned the patient''s advance (the rest lowered the bill''s paid amount).';
comment on column payments.refund_payable_paise is 'Σ what refunds debited to facility_payable for this payment (refund − fees reversed + gateway fee recovered, up to the open amount).';
comment on column payments.allocated_paise is 'Σ allocations to this payment in settlements not cancelled.';
comment on column payments.settled_paise is 'Σ allocations to this payment in paid settlements.';
alter table cash_collections
  add column refunded_paise                  bigint not null default 0 check (refunded_paise >= 0),
  add column commission_reversed_paise       bigint not null default 0 check (commission_reversed_paise >= 0),
  add column commission_gst_reversed_paise   bigint not null default 0 check (commission_gst_reversed_paise >= 0),
  add column receivable_reversed_paise       bigint not null default 0 check (receivable_reversed_paise >= 0),
  add column allocated_paise                 bigint not null default 0 check (allocated_paise >= 0),
  add column settled_paise                   bigint not null default 0 check (settled_paise >= 0),
  add constraint cash_collections_refund_totals_check check (
    refunded_paise <= amount_collected_paise
    and commission_reversed_paise <= commission_paise
    and commission_gst_reversed_paise <= commission_gst_paise
    and receivable_reversed_paise <= commission_reversed_paise + commission_gst_reversed_paise),
  add constraint cash_collections_open_amount_check check (
    settled_paise <= allocated_paise
    and allocated_paise + receivable_reversed_paise <= commission_paise + commission_gst_paise),
  -- derived, never hand-set: pending until a paid settlement took part of what the collection owes
  add constraint cash_collections_settlement_status_check check (
    settlement_status = case
      when settled_paise > 0 and settled_paise = commission_paise + commission_gst_paise - receivable_reversed_paise
        then 'settled'::cash_settlement_status
      when settled_paise > 0 then 'partially_settled'::cash_settlement_status
      else 'pending'::cash_settlement_status end);
create index cash_collections_facility_open_idx on cash_collections (facility_id, collected_at)
  where allocated_paise + receivable_reversed_paise < commission_paise + commission_gst_paise;
create policy "Cash collections are visible to billing staff" on cash_collections
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.facilities_permitting('{billing.manage,cash.collect}'))::uuid[]));
create policy "Cash collections are visible to their patient" on cash_collections
  for select to careledger_patient
  using (patient_id = any ((select app.own_patient_ids())::uuid[]));

comment on column cash_collections.settlement_status is
  'Derived from allocations in paid settlements (a check holds it): pending, partially_settled, settled; a collection that owes nothing stays pending.';
comment on column cash_collections.refunded_paise is 'Σ cash refunds of the collection.';
comment on column cash_collections.receivable_reversed_paise is 'Σ what refunds credited to facility_receivable for this collection (commission + GST reversed, up to its open amount).';
comment on column cash_collections.allocated_paise is 'Σ allocations to this collection in settlements not cancelled.';
comment on column cash_collections.settled_paise is 'Σ allocations to this collection in paid settlements.';

-- ----------------------------------------------------------------------------
-- Online refunds (posting 5). Unpartitioned: the gateway's refund id is unique
-- across time.
-- ----------------------------------------------------------------------------
create table payment_refunds (
  id                           uuid primary key default gen_random_uuid(),
  facility_id                  uuid not null references facilities (id),
  payment_id                   uuid not null,
  bill_id                      uuid not null,
  patient_id                   uuid not null,
  gateway                      payment_gateway not null,
  gateway_refund_id            text not null check (length(gateway_refund_id) between 1 and 100),
  amount_paise                 bigint not null check (amount_paise > 0),
  -- of the amount: the patient's advance returned (the rest lowers the bill's paid amount)
  advance_paise                bigint not null default 0 check (advance_paise >= 0),
  reason                       text check (length(reason) <= 500),
  refunded_at                  timestamptz not null default now(),
  refunded_by                  uuid not null references users (id),
  -- the cumulative rule's reversals and, where the facility bears it, the gateway fee recovered
  platform_fee_reversed_paise  bigint not null check (platform_fee_reversed_paise >= 0),
  platform_gst_reversed_paise  bigint not null check (platform_gst_reversed_paise >= 0),
  gateway_fee_recovered_paise  bigint not null default 0 check (gateway_fee_recovered_paise >= 0),
  gateway_gst_recovered_paise  bigint not null default 0 check (gateway_gst_recovered_paise >= 0),
  -- the facility's cost (amount − reversals + recovery), split: debited to facility_payable up to the
  -- payment's open amount, the rest to facility_receivable (a recovery the facility owes)
  payable_paise                bigint not null check (payable_paise >= 0),
  recovery_paise               bigint not null default 0 check (recovery_paise >= 0),
  gateway_settlement_id        uuid references gateway_settlements (id),
  allocated_paise              bigint not null default 0 check (allocated_paise >= 0),
  settled_paise                bigint not null default 0 check (settled_paise >= 0),
  journal_entry_id             uuid not null,
  constraint payment_refunds_facility_id_id_key unique (facility_id, id),
  constraint payment_refunds_gateway_refund_key unique (gateway, gateway_refund_id),
  constraint payment_refunds_payment_fkey foreign key (facility_id, payment_id) references payments (facility_id, id),
  constraint payment_refunds_bill_fkey foreign key (facility_id, bill_id, patient_id)
    references bills (facility_id, id, patient_id),
  constraint payment_refunds_entry_fkey foreign key (facility_id, journal_entry_id)
    references journal_entries (facility_id, id) deferrable initially deferred,
  constraint payment_refunds_entry_key unique (journal_entry_id),
  constraint payment_refunds_advance_check check (advance_paise <= amount_paise),
  constraint payment_refunds_cost_check check (
    payable_paise + recovery_paise = amount_paise - platform_fee_reversed_paise - platform_gst_reversed_paise
                                     + gateway_fee_recovered_paise + gateway_gst_recovered_paise),
  constraint payment_refunds_open_amount_check check (settled_paise <= allocated_paise and allocated_paise <= recovery_paise)
);
create index payment_refunds_facility_payment_idx on payment_refunds (facility_id, payment_id);
create index payment_refunds_facility_refunded_idx on payment_refunds (facility_id, refunded_at);
create index payment_refunds_gateway_unsettled_idx on payment_refunds (gateway, facility_id) where gateway_settlement_id is null;
create index payment_refunds_refunded_at_brin on payment_refunds using brin (refunded_at);
alter table payment_refunds enable row level security;
alter table payment_refunds force row level security;
comment on table payment_refunds is
  'Refunds of captured online payments (posting 5 of docs/ledger.md): fees reversed by the cumulative rule, the facility''s cost split between facility_payable and a recovery in facility_receivable.';

-- ----------------------------------------------------------------------------
-- Cash refunds (posting 6), paid out of the refunding clerk's open shift.
-- ----------------------------------------------------------------------------
create table cash_refunds (
  id                             uuid primary key default gen_random_uuid(),
  facility_id                    uuid not null references facilities (id),
  collection_id                  uuid not null,
  bill_id                        uuid not null,
  patient_id                     uuid not null,
  shift_id                       uuid not null,
  refunded_by                    uuid not null,
  amount_paise                   bigint not null check (amount_paise > 0),
  reason                         text check (length(reason) <= 500),
  refunded_at                    timestamptz not null default now(),
  idempotency_key                text not null check (length(idempotency_key) between 3 and 200),
  -- the cumulative rule's reversal of the collection's commission and its GST (a fixed fee: all of it, once,
  -- when nothing of the bill stays paid)
  commission_reversed_paise      bigint not null check (commission_reversed_paise >= 0),
  commission_gst_reversed_paise  bigint not null check (commission_gst_reversed_paise >= 0),
  -- the reversal, split: credited to facility_receivable up to the collection's open amount, the rest to
  -- facility_payable (commission the facility had already paid, now owed back to it)
  receivable_paise               bigint not null check (receivable_paise >= 0),
  payable_paise                  bigint not null default 0 check (payable_paise >= 0),
  allocated_paise                bigint not null default 0 check (allocated_paise >= 0),
  settled_paise                  bigint not null default 0 check (settled_paise >= 0),
  journal_entry_id               uuid,
  created_by                     uuid not null references users (id),
  constraint cash_refunds_facility_id_id_key unique (facility_id, id),
  constraint cash_refunds_idempotency_key unique (facility_id, idempotency_key),
  constraint cash_refunds_collection_fkey foreign key (facility_id, collection_id) references cash_collections (facility_id, id),
  constraint cash_refunds_bill_fkey foreign key (facility_id, bill_id, patient_id)
    references bills (facility_id, id, patient_id),
  constraint cash_refunds_shift_fkey foreign key (facility_id, shift_id, refunded_by)
    references cashier_shifts (facility_id, id, staff_id),
  constraint cash_refunds_entry_fkey foreign key (facility_id, journal_entry_id)
    references journal_entries (facility_id, id) deferrable initially deferred,
  constraint cash_refunds_entry_key unique (journal_entry_id),
  constraint cash_refunds_split_check check (
    receivable_paise + payable_paise = commission_reversed_paise + commission_gst_reversed_paise),
  constraint cash_refunds_journal_check check ((journal_entry_id is null) = (commission_reversed_paise + commission_gst_reversed_paise = 0)),
  constraint cash_refunds_open_amount_check check (settled_paise <= allocated_paise and allocated_paise <= payable_paise)
);
create index cash_refunds_facility_collection_idx on cash_refunds (facility_id, collection_id);
create index cash_refunds_facility_shift_idx on cash_refunds (facility_id, shift_id) include (amount_paise);
create index cash_refunds_facility_refunded_idx on cash_refunds (facility_id, refunded_at);
create index cash_refunds_refunded_at_brin on cash_refunds using brin (refunded_at);
create policy "Cash refunds are visible to billing staff" on cash_refunds
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.facilities_permitting('{billing.manage,cash.collect}'))::uuid[]));
create policy "Cash refunds are visible to their patient" on cash_refunds
  for select to careledger_patient
  using (patient_id = any ((select app.own_patient_ids())::uuid[]));
alter table cash_refunds enable row level security;
alter table cash_refunds force row level security;
comment on table cash_refunds is
  'Cash paid back at the counter against a collection, out of the refunding clerk''s open shift (posting 6 of docs/ledger.md).';
grant select on payment_refunds, cash_refunds to careledger_app, careledger_patient;
grant select, insert, update on payment_refunds, cash_refunds to careledger_definer;
create policy "Payment refunds are visible to billing staff" on payment_refunds
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.facilities_permitting('{billing.manage,cash.collect}'))::uuid[]));
create policy "Payment refunds are visible to their patient" on payment_refunds
  for select to careledger_patient
  using (patient_id = any ((select app.own_patient_ids())::uuid[]));

-- ============================================================================
-- Cash refunds at the counter (posting 6 of docs/ledger.md), and the
-- shift's expected cash with them. The table (cash_refunds) and the
-- collection's running totals are kept on the collection.
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
comment on table cashier_shifts is
  'A clerk''s cash shift: opening float; at the close the counted cash, the expected cash (float + collections − cash refunds) and the variance.';
comment on column cashier_shifts.expected_paise is 'Opening float + cash collected in the shift − cash refunded out of it, at the close.';

-- ============================================================================
-- Receipts: every captured online payment and every cash collection gets a
-- receipt number, gap-free per facility and financial year.
--
-- The number comes from the same counters as tax invoices (document_counters,
-- document_counters, kind 'receipt'), incremented under the counter's row
-- lock in the transaction that captures the payment or collects the cash: a
-- rolled-back capture or collection gives its number back, concurrent ones of
-- a facility queue on the row. Triggers on payments and cash_collections do
-- it, so every writer of those rows (app.capture_payment, app.collect_cash,
-- and any later one) numbers them without knowing it.
--
-- Number format: PREFIX/RYYYY/NNNNNN, e.g. SMH/R2627/000123 for the 123rd
-- receipt of 2026-27 of the facility whose invoice prefix is SMH. GST rule 46
-- binds tax invoices, not receipts, but the same 16 characters keep receipts
-- as short; the R and the year written without its dash (2627, not 26-27)
-- make a receipt number impossible to read as an invoice number
-- (SMH/26-27/000123), and six digits give 999999 receipts a year. The
-- financial year (April-March) is that of the IST moment of the capture or
-- collection.
-- ============================================================================

-- ----------------------------------------------------------------------------
-- One receipt per captured payment or cash collection. Unpartitioned: the
-- numbers are unique across time.
-- ----------------------------------------------------------------------------
create table receipts (
  facility_id         uuid not null references facilities (id),
  financial_year      smallint not null check (financial_year between 2000 and 2999),
  serial              integer not null check (serial between 1 and 999999),
  receipt_number      text not null check (length(receipt_number) <= 16),
  issued_at           timestamptz not null,
  bill_id             uuid not null,
  patient_id          uuid not null,
  payment_id          uuid,
  cash_collection_id  uuid,
  amount_paise        bigint not null check (amount_paise > 0),
  primary key (facility_id, financial_year, serial),
  constraint receipts_number_key unique (facility_id, receipt_number),
  constraint receipts_payment_key unique (payment_id),
  constraint receipts_cash_collection_key unique (cash_collection_id),
  constraint receipts_one_source_check check (num_nonnulls(payment_id, cash_collection_id) = 1),
  constraint receipts_payment_fkey foreign key (facility_id, payment_id) references payments (facility_id, id),
  constraint receipts_cash_collection_fkey foreign key (facility_id, cash_collection_id)
    references cash_collections (facility_id, id),
  constraint receipts_bill_fkey foreign key (facility_id, bill_id, patient_id) references bills (facility_id, id, patient_id)
);
create index receipts_facility_bill_idx on receipts (facility_id, bill_id);
create index receipts_facility_patient_idx on receipts (facility_id, patient_id);
create index receipts_issued_at_brin on receipts using brin (issued_at);
alter table receipts enable row level security;
alter table receipts force row level security;
comment on table receipts is
  'Receipts for captured online payments and cash collections: gap-free numbers per facility and financial year (IST), given in the transaction that records the money.';
comment on column receipts.financial_year is 'First year of the financial year: 2026 is 2026-27.';
comment on column receipts.receipt_number is 'PREFIX/RYYYY/NNNNNN, e.g. SMH/R2627/000123.';
comment on column receipts.issued_at is 'The moment of the capture or collection.';
comment on column receipts.amount_paise is 'The amount received: the payment''s amount or the cash collected.';
grant select on receipts to careledger_app, careledger_patient;
grant select, insert on receipts to careledger_definer;
create policy "Receipts are visible to billing staff" on receipts
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.facilities_permitting('{billing.manage,cash.collect}'))::uuid[]));
create policy "Receipts are visible to their patient" on receipts
  for select to careledger_patient
  using (patient_id = any ((select app.own_patient_ids())::uuid[]));

-- ============================================================================
-- Payment states before capture: created, authorized, failed.
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
create policy "Payments are visible to billing staff" on payments
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.facilities_permitting('{billing.manage,cash.collect}'))::uuid[]));
create policy "Payments are visible to their patient" on payments
  for select to careledger_patient
  using (patient_id = any ((select app.own_patient_ids())::uuid[]));
comment on column payments.gateway_payment_id is 'The gateway''s payment id; none while the row is an order (created) that no attempt has taken yet.';
comment on column payments.method is 'How the patient paid; unknown while the row is an order (created).';
comment on column payments.authorized_at is 'When the gateway''s authorization of this payment was recorded.';
comment on column payments.failed_at is 'When the gateway''s failure of this payment was recorded; a failed payment never changes.';
comment on column payments.failure_reason is 'The gateway''s reason for the failure.';

