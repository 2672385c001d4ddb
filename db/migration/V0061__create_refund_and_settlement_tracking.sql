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
--                         (MONEY.md posting 2)
--   payment_refunds       refunds of online payments (posting 5)
--   cash_refunds          cash paid back at the counter (posting 6)
--
-- The open amount a settlement may allocate (MONEY.md posting 4) of each item
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
  'A gateway batch''s part per facility: S_F and the entry D platform_bank S_F, C gateway_clearing[G,F] S_F (MONEY.md posting 2).';

grant select on gateway_settlements, gateway_settlement_facilities to careledger_app;
grant select, insert on gateway_settlements, gateway_settlement_facilities to careledger_definer;

create policy "Facility admins see their part of gateway settlements" on gateway_settlement_facilities
  for select using (facility_id = any ((select app.administered_facilities())::uuid[]));
create policy "Gateway settlements are seen by admins of a facility they cover" on gateway_settlements
  for select using (
    (select app.current_user_role()) = 'super_admin'
    or exists (select 1 from gateway_settlement_facilities f
               where f.gateway_settlement_id = gateway_settlements.id
                 and f.facility_id = any ((select app.administered_facilities())::uuid[])));

create trigger gateway_settlements_are_immutable
  before update or delete on gateway_settlements
  for each row execute function app.refuse_change();
create trigger gateway_settlement_facilities_are_immutable
  before update or delete on gateway_settlement_facilities
  for each row execute function app.refuse_change();

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

-- A captured payment never changes but for its status, its gateway batch (once)
-- and its running totals, which only grow.
create or replace function app.check_payment_update() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  if tg_op = 'DELETE' then
    raise exception 'payments are never deleted' using errcode = 'integrity_constraint_violation';
  end if;
  if old.captured_at is not null then
    if (to_jsonb(new) - array['status', 'advance_refund_due', 'gateway_settlement_id', 'refunded_paise',
                              'advance_refunded_paise', 'platform_fee_reversed_paise', 'platform_gst_reversed_paise',
                              'gateway_fee_recovered_paise', 'gateway_gst_recovered_paise', 'refund_payable_paise',
                              'allocated_paise', 'settled_paise'])
       <> (to_jsonb(old) - array['status', 'advance_refund_due', 'gateway_settlement_id', 'refunded_paise',
                                 'advance_refunded_paise', 'platform_fee_reversed_paise', 'platform_gst_reversed_paise',
                                 'gateway_fee_recovered_paise', 'gateway_gst_recovered_paise', 'refund_payable_paise',
                                 'allocated_paise', 'settled_paise']) then
      raise exception 'payment % is captured: only its refunds, gateway settlement and settlement totals change', old.id
        using errcode = 'integrity_constraint_violation';
    end if;
    if old.gateway_settlement_id is not null and new.gateway_settlement_id is distinct from old.gateway_settlement_id then
      raise exception 'payment % is already in gateway settlement %', old.id, old.gateway_settlement_id
        using errcode = 'integrity_constraint_violation';
    end if;
    if new.refunded_paise < old.refunded_paise or new.advance_refunded_paise < old.advance_refunded_paise
       or new.platform_fee_reversed_paise < old.platform_fee_reversed_paise
       or new.platform_gst_reversed_paise < old.platform_gst_reversed_paise
       or new.gateway_fee_recovered_paise < old.gateway_fee_recovered_paise
       or new.gateway_gst_recovered_paise < old.gateway_gst_recovered_paise
       or new.refund_payable_paise < old.refund_payable_paise
       or new.settled_paise < old.settled_paise then
      raise exception 'payment % : refund and settlement totals only grow', old.id
        using errcode = 'integrity_constraint_violation';
    end if;
  end if;
  return new;
end
$$;

-- ----------------------------------------------------------------------------
-- Running totals on cash collections; the settlement status follows them.
-- ----------------------------------------------------------------------------
drop index cash_collections_facility_open_idx;
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

comment on column cash_collections.settlement_status is
  'Derived from allocations in paid settlements (a check holds it): pending, partially_settled, settled; a collection that owes nothing stays pending.';
comment on column cash_collections.refunded_paise is 'Σ cash refunds of the collection.';
comment on column cash_collections.receivable_reversed_paise is 'Σ what refunds credited to facility_receivable for this collection (commission + GST reversed, up to its open amount).';
comment on column cash_collections.allocated_paise is 'Σ allocations to this collection in settlements not cancelled.';
comment on column cash_collections.settled_paise is 'Σ allocations to this collection in paid settlements.';

create or replace function app.check_cash_collection_change() returns trigger
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
  if (to_jsonb(new) - array['settlement_status', 'refunded_paise', 'commission_reversed_paise',
                            'commission_gst_reversed_paise', 'receivable_reversed_paise', 'allocated_paise',
                            'settled_paise'])
     <> (to_jsonb(old) - array['settlement_status', 'refunded_paise', 'commission_reversed_paise',
                               'commission_gst_reversed_paise', 'receivable_reversed_paise', 'allocated_paise',
                               'settled_paise']) then
    raise exception 'cash collection % is recorded: only its refund and settlement totals change', old.id
      using errcode = 'integrity_constraint_violation';
  end if;
  if new.refunded_paise < old.refunded_paise or new.commission_reversed_paise < old.commission_reversed_paise
     or new.commission_gst_reversed_paise < old.commission_gst_reversed_paise
     or new.receivable_reversed_paise < old.receivable_reversed_paise or new.settled_paise < old.settled_paise then
    raise exception 'cash collection % : refund and settlement totals only grow', old.id
      using errcode = 'integrity_constraint_violation';
  end if;
  return new;
end
$$;

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
  'Refunds of captured online payments (MONEY.md posting 5): fees reversed by the cumulative rule, the facility''s cost split between facility_payable and a recovery in facility_receivable.';

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
alter table cash_refunds enable row level security;
alter table cash_refunds force row level security;
comment on table cash_refunds is
  'Cash paid back at the counter against a collection, out of the refunding clerk''s open shift (MONEY.md posting 6).';

grant select on payment_refunds, cash_refunds to careledger_app;
grant select, insert, update on payment_refunds, cash_refunds to careledger_definer;

create policy "Payment refunds are visible to billing staff and their patient" on payment_refunds
  for select using (
    (facility_id = any ((select app.visible_facilities())::uuid[])
     and ((select app.has_permission('billing.manage')) or (select app.has_permission('cash.collect'))))
    or patient_id = any ((select app.own_patient_ids())::uuid[]));
create policy "Cash refunds are visible to billing staff and their patient" on cash_refunds
  for select using (
    (facility_id = any ((select app.visible_facilities())::uuid[])
     and ((select app.has_permission('billing.manage')) or (select app.has_permission('cash.collect'))))
    or patient_id = any ((select app.own_patient_ids())::uuid[]));

create trigger audit after insert or update or delete on payment_refunds
  for each row execute function app.audit_row('id');
create trigger audit after insert or update or delete on cash_refunds
  for each row execute function app.audit_row('id');

-- A refund is recorded once: afterwards only its gateway batch (once) and its settlement totals change.
create function app.check_refund_change() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  if tg_op = 'DELETE' then
    raise exception '% are never deleted', tg_table_name using errcode = 'integrity_constraint_violation';
  end if;
  if (to_jsonb(new) - array['gateway_settlement_id', 'allocated_paise', 'settled_paise'])
     <> (to_jsonb(old) - array['gateway_settlement_id', 'allocated_paise', 'settled_paise']) then
    raise exception 'refund % is recorded: only its gateway batch and settlement totals change', old.id
      using errcode = 'integrity_constraint_violation';
  end if;
  if (to_jsonb(old) ->> 'gateway_settlement_id') is not null
     and (to_jsonb(new) ->> 'gateway_settlement_id') is distinct from (to_jsonb(old) ->> 'gateway_settlement_id') then
    raise exception 'refund % is already in a gateway settlement', old.id using errcode = 'integrity_constraint_violation';
  end if;
  if new.settled_paise < old.settled_paise then
    raise exception 'refund % : settled totals only grow', old.id using errcode = 'integrity_constraint_violation';
  end if;
  return new;
end
$$;
create trigger payment_refunds_check_change
  before update or delete on payment_refunds
  for each row execute function app.check_refund_change();
create trigger cash_refunds_check_change
  before update or delete on cash_refunds
  for each row execute function app.check_refund_change();
