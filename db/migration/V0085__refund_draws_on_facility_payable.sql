-- ============================================================================
-- A refund after payout draws on the facility's payable balance.
--
-- The facility's cost of an online refund is taken from facility_payable while
-- the facility still has money there, not only from the refunded payment's own
-- unpaid share: first from that payment, then from the other payable-side items
-- of the facility (payments, cash refunds owed to it). Only what would take the
-- balance below zero is a recovery in facility_receivable. An amount in a draft
-- settlement is not paid out (the draft gives it up); an amount in a pending,
-- approved or paid settlement is.
--
-- payment_refund_draws records what a refund took from another item, so the
-- settlements see less open on that item and a correction of the refund can
-- give it back. docs/ledger.md, "Refunds", has the rule and its order.
-- ============================================================================
create table payment_refund_draws (
  id             uuid primary key default gen_random_uuid(),
  facility_id    uuid not null references facilities (id),
  refund_id      uuid not null,
  item_kind      settlement_item_kind not null check (item_kind in ('payment', 'cash_refund')),
  item_id        uuid not null,
  amount_paise   bigint not null check (amount_paise > 0 and amount_paise <= 10000000000),
  payment_id     uuid generated always as (case when item_kind = 'payment' then item_id end) stored,
  cash_refund_id uuid generated always as (case when item_kind = 'cash_refund' then item_id end) stored,
  constraint payment_refund_draws_item_key unique (refund_id, item_kind, item_id),
  constraint payment_refund_draws_refund_fkey foreign key (facility_id, refund_id) references payment_refunds (facility_id, id),
  constraint payment_refund_draws_payment_fkey foreign key (facility_id, payment_id) references payments (facility_id, id),
  constraint payment_refund_draws_cash_refund_fkey foreign key (facility_id, cash_refund_id)
    references cash_refunds (facility_id, id)
);
create index payment_refund_draws_facility_refund_idx on payment_refund_draws (facility_id, refund_id);
alter table payment_refund_draws enable row level security;
alter table payment_refund_draws force row level security;
grant select on payment_refund_draws to careledger_app, careledger_patient;
grant select, insert on payment_refund_draws to careledger_definer;
create policy "Refund draws are visible to billing staff" on payment_refund_draws
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.facilities_permitting('{billing.manage,cash.collect}'))::uuid[]));
comment on table payment_refund_draws is
  'What an online refund took from another payable-side item of its facility (a payment, a cash refund owed to it) once its own payment had nothing open: that item''s open amount is less by it.';

alter table payment_refunds
  add column drawn_paise bigint not null default 0 check (drawn_paise >= 0 and drawn_paise <= 10000000000),
  drop constraint payment_refunds_cost_check,
  add constraint payment_refunds_cost_check check (
    payable_paise + drawn_paise + recovery_paise = amount_paise - platform_fee_reversed_paise - platform_gst_reversed_paise
                                                   + gateway_fee_recovered_paise + gateway_gst_recovered_paise);
comment on column payment_refunds.payable_paise is
  'Of the facility''s cost, what was debited to facility_payable against the refunded payment''s own open amount.';
comment on column payment_refunds.drawn_paise is
  'Of the facility''s cost, what was debited to facility_payable against other items of the facility (Σ its payment_refund_draws).';

alter table payments
  add column drawn_paise bigint not null default 0 check (drawn_paise >= 0),
  drop constraint payments_open_amount_check,
  add constraint payments_open_amount_check check (
    settled_paise <= allocated_paise
    and allocated_paise + refund_payable_paise + drawn_paise <= coalesce(net_settlement_paise, 0));
drop index payments_facility_open_idx;
create index payments_facility_open_idx on payments (facility_id, captured_at)
  where gateway_settlement_id is not null and allocated_paise + refund_payable_paise + drawn_paise < net_settlement_paise;
-- the payments whose net is still (partly) in facility_payable: where a refund looks for money once its own
-- payment's share runs short, without reading the facility's settled history
create index payments_facility_payable_left_idx on payments (facility_id, id)
  where captured_at is not null and correction_entry_id is null
    and refund_payable_paise + drawn_paise + settled_paise < net_settlement_paise;
comment on column payments.drawn_paise is
  'Σ what refunds of other payments took from this payment''s open amount (payment_refund_draws).';

alter table cash_refunds
  add column drawn_paise bigint not null default 0 check (drawn_paise >= 0),
  drop constraint cash_refunds_open_amount_check,
  add constraint cash_refunds_open_amount_check check (
    settled_paise <= allocated_paise and allocated_paise + drawn_paise <= payable_paise);
comment on column cash_refunds.drawn_paise is
  'Σ what online refunds took from what this cash refund left owed to the facility (payment_refund_draws).';
