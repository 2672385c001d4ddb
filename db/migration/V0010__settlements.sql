-- ============================================================================
-- Settlements: drafts, allocations, netting, payment.
--
-- Types, tables, indexes, partitions, grants and policies of this area, as
-- they stand; functions, trigger functions and views are in R__0010_settlements.sql.
-- ============================================================================

-- ============================================================================
-- Settlements between the platform and a facility (docs/ledger.md
-- posting 4).
--
--   settlements             one settlement of one facility: type, status,
--                           period, the totals of its allocations, who moved
--                           it through draft → pending → approved → paid (or
--                           cancelled) and when, the bank reference and its
--                           ledger entry
--   settlement_allocations  what the settlement moves of each item: a
--                           payment, cash collection, payment refund or cash
--                           refund (the items' open amounts), in part or
--                           in full
--
-- RANGE-partitioned by IST month of created_at (written by the definer
-- function that makes the draft, always now(), so a row lands in a partition
-- upkeep made months ahead, never in the default). PostgreSQL puts the
-- partition key into every unique key, so the primary key is
-- (facility_id, id, created_at) and the allocations' foreign key names all
-- three. Settlement ids are random uuids; a lookup by id alone uses the
-- per-partition index on id.
--
-- Totals (X = hospital_share: payable side, what the platform owes;
-- Y = platform_share: receivable side, what the facility owes):
--   net_amount = |X − Y|, direction platform_to_facility when X ≥ Y
--   total_commission_amount = commission part (GST excluded) of the cash
--     collections allocated, the TDS base
--   tds_deducted = round(commission × tds_rate × (Y − X) / Y) when the
--     facility pays (Y > X), else 0
--   total_collections_amount = gross of the payments and cash collections
--     the settlement covers (what patients paid for them; informational)
-- The settlement functions (R__0010_settlements.sql) keep them; checks here tie each status to
-- the columns it needs. Only definer functions write; the app role reads
-- under RLS (super admin all; facility admins their facility's settlements
-- once submitted; staff and patients none).
-- ============================================================================
create type settlement_type as enum ('online_pg', 'cash_commission', 'mixed');
create type settlement_status as enum ('draft', 'pending', 'approved', 'paid', 'cancelled');
create type settlement_direction as enum ('platform_to_facility', 'facility_to_platform');
create type settlement_item_kind as enum ('payment', 'cash_collection', 'payment_refund', 'cash_refund');
create table settlements (
  id                              uuid not null default gen_random_uuid(),
  facility_id                     uuid not null references facilities (id),
  created_at                      timestamptz not null default now(),
  settlement_type                 settlement_type not null,
  settlement_status               settlement_status not null default 'draft',
  period_from                     date not null,
  period_to                       date not null,
  total_collections_amount_paise  bigint not null default 0 check (total_collections_amount_paise >= 0),
  total_commission_amount_paise   bigint not null default 0 check (total_commission_amount_paise >= 0),
  hospital_share_paise            bigint not null default 0 check (hospital_share_paise >= 0),
  platform_share_paise            bigint not null default 0 check (platform_share_paise >= 0),
  net_amount_paise                bigint not null default 0 check (net_amount_paise >= 0),
  direction                       settlement_direction not null default 'platform_to_facility',
  tds_rate                        numeric(6, 4) not null default 0 check (tds_rate between 0 and 0.2),
  tds_deducted_paise              bigint not null default 0 check (tds_deducted_paise >= 0),
  allocations_count               integer not null default 0 check (allocations_count >= 0),
  created_by                      uuid not null references users (id),
  submitted_at                    timestamptz,
  submitted_by                    uuid references users (id),
  acknowledged_at                 timestamptz,
  acknowledged_by                 uuid references users (id),
  approved_at                     timestamptz,
  approved_by                     uuid references users (id),
  paid_at                         timestamptz,
  paid_by                         uuid references users (id),
  bank_reference                  text check (bank_reference ~ '^[A-Za-z0-9]{6,40}$'),
  cancelled_at                    timestamptz,
  cancelled_by                    uuid references users (id),
  cancel_reason                   text check (length(btrim(cancel_reason)) between 3 and 500),
  journal_entry_id                uuid,
  constraint settlements_pkey primary key (facility_id, id, created_at),
  constraint settlements_period_check check (period_from <= period_to),
  constraint settlements_type_sides_check check (
    case settlement_type
      when 'online_pg' then platform_share_paise = 0 and total_commission_amount_paise = 0
      when 'cash_commission' then hospital_share_paise = 0
      else true
    end),
  constraint settlements_net_check check (
    net_amount_paise = abs(hospital_share_paise - platform_share_paise)
    and direction = case when hospital_share_paise >= platform_share_paise then 'platform_to_facility'::settlement_direction
                         else 'facility_to_platform'::settlement_direction end
    and (direction = 'facility_to_platform' or tds_deducted_paise = 0)
    and tds_deducted_paise <= net_amount_paise),
  -- the status and the columns it needs: each step keeps those of the steps before it
  constraint settlements_status_check check (
    (submitted_at is null) = (submitted_by is null)
    and (acknowledged_at is null) = (acknowledged_by is null)
    and (approved_at is null) = (approved_by is null)
    and (acknowledged_at is null or submitted_at is not null)
    and (approved_at is null or submitted_at is not null)
    and case settlement_status
      when 'draft' then num_nonnulls(submitted_at, acknowledged_at, approved_at, paid_at, paid_by, bank_reference,
                                     cancelled_at, cancelled_by, cancel_reason, journal_entry_id) = 0
      when 'pending' then submitted_at is not null and allocations_count > 0
                          and num_nonnulls(approved_at, paid_at, paid_by, bank_reference,
                                           cancelled_at, cancelled_by, cancel_reason, journal_entry_id) = 0
      when 'approved' then approved_at is not null and allocations_count > 0
                           and num_nonnulls(paid_at, paid_by, bank_reference,
                                            cancelled_at, cancelled_by, cancel_reason, journal_entry_id) = 0
      when 'paid' then approved_at is not null and allocations_count > 0
                       and num_nulls(paid_at, paid_by, bank_reference, journal_entry_id) = 0
                       and num_nonnulls(cancelled_at, cancelled_by, cancel_reason) = 0
      else num_nulls(cancelled_at, cancelled_by, cancel_reason) = 0
           and num_nonnulls(paid_at, paid_by, bank_reference, journal_entry_id) = 0
    end),
  constraint settlements_entry_fkey foreign key (facility_id, journal_entry_id)
    references journal_entries (facility_id, id) deferrable initially deferred
) partition by range (created_at);
comment on table settlements is
  'Settlements between the platform and a facility (posting 4 of docs/ledger.md): draft → pending → approved → paid, or cancelled; partitioned by IST month of created_at.';
comment on column settlements.created_at is 'When the draft was made (the partition key): written with the row, never changed.';
comment on column settlements.period_from is 'First IST day of the period the settlement is for.';
comment on column settlements.period_to is 'Last IST day of the period (inclusive): a draft made for the period takes the open items dated up to it, earlier ones carried forward included.';
comment on column settlements.total_collections_amount_paise is 'Gross of the payments and cash collections with an allocation here (what patients paid for them); informational.';
comment on column settlements.total_commission_amount_paise is 'Commission (GST excluded) in the cash collections'' allocations: the TDS base.';
comment on column settlements.hospital_share_paise is 'X: Σ allocations of payable-side items (payments, cash refunds), what the platform owes the facility.';
comment on column settlements.platform_share_paise is 'Y: Σ allocations of receivable-side items (cash collections, payment refunds), what the facility owes the platform.';
comment on column settlements.net_amount_paise is '|X − Y|: what crosses the bank (less TDS when the facility pays).';
comment on column settlements.direction is 'platform_to_facility when X ≥ Y, else facility_to_platform.';
comment on column settlements.tds_rate is 'The facility''s TDS rate used (configuration in force when the draft last changed).';
comment on column settlements.tds_deducted_paise is 'round(commission × tds_rate × (Y − X) / Y) when the facility pays, else 0: TDS on the commission part of what it pays.';
comment on column settlements.acknowledged_by is 'The facility admin who acknowledged the pending settlement.';
comment on column settlements.bank_reference is 'The bank reference (UTR) of the transfer, given when marked paid.';
comment on column settlements.journal_entry_id is 'The settlement_paid entry (posting 4 of docs/ledger.md), posted in the transaction that marks it paid.';
create index settlements_id_idx on settlements (id);
create index settlements_facility_created_idx on settlements (facility_id, created_at);
create index settlements_facility_status_idx on settlements (facility_id, settlement_status, period_to);
alter table settlements enable row level security;
alter table settlements force row level security;

-- ----------------------------------------------------------------------------
-- Allocations. item_id names the item of item_kind; the generated columns
-- carry it to the foreign key of its own table.
-- ----------------------------------------------------------------------------
create table settlement_allocations (
  id                      uuid primary key default gen_random_uuid(),
  facility_id             uuid not null references facilities (id),
  settlement_id           uuid not null,
  settlement_created_at   timestamptz not null,
  item_kind               settlement_item_kind not null,
  item_id                 uuid not null,
  amount_paise            bigint not null check (amount_paise > 0),
  -- of the amount, for a cash collection: the commission (GST excluded), round(amount × c / (c + cg))
  commission_paise        bigint not null default 0 check (commission_paise >= 0),
  allocated_at            timestamptz not null default now(),
  allocated_by            uuid not null references users (id),
  payment_id              uuid generated always as (case when item_kind = 'payment' then item_id end) stored,
  cash_collection_id      uuid generated always as (case when item_kind = 'cash_collection' then item_id end) stored,
  payment_refund_id       uuid generated always as (case when item_kind = 'payment_refund' then item_id end) stored,
  cash_refund_id          uuid generated always as (case when item_kind = 'cash_refund' then item_id end) stored,
  constraint settlement_allocations_item_key unique (settlement_id, item_kind, item_id),
  constraint settlement_allocations_settlement_fkey foreign key (facility_id, settlement_id, settlement_created_at)
    references settlements (facility_id, id, created_at),
  constraint settlement_allocations_payment_fkey foreign key (facility_id, payment_id) references payments (facility_id, id),
  constraint settlement_allocations_collection_fkey foreign key (facility_id, cash_collection_id)
    references cash_collections (facility_id, id),
  constraint settlement_allocations_payment_refund_fkey foreign key (facility_id, payment_refund_id)
    references payment_refunds (facility_id, id),
  constraint settlement_allocations_cash_refund_fkey foreign key (facility_id, cash_refund_id)
    references cash_refunds (facility_id, id),
  constraint settlement_allocations_commission_check check (
    commission_paise <= amount_paise and (item_kind = 'cash_collection' or commission_paise = 0))
);
create index settlement_allocations_settlement_idx on settlement_allocations (facility_id, settlement_id);
create index settlement_allocations_item_idx on settlement_allocations (facility_id, item_kind, item_id);
alter table settlement_allocations enable row level security;
alter table settlement_allocations force row level security;
comment on table settlement_allocations is
  'What a settlement moves of each item (the items'' open amounts): payable side payments and cash refunds, receivable side cash collections and payment refunds; partial or full; kept (not counted) when the settlement is cancelled.';
comment on column settlement_allocations.commission_paise is 'For a cash collection: the commission part (GST excluded) of the amount, round(amount × c / (c + cg)); the TDS base.';
grant select on settlements, settlement_allocations to careledger_app, careledger_patient;
grant select, insert, update on settlements to careledger_definer;
grant select, insert, delete on settlement_allocations to careledger_definer;
create policy "Settlements: super admin all, facility admins submitted ones" on settlements
  for select using (
    facility_id = any ((select app.administered_facilities())::uuid[])
    and ((select app.current_user_role()) in ('super_admin', 'system') or settlement_status <> 'draft'));
create policy "Allocations are seen with their settlement" on settlement_allocations
  for select using (
    facility_id = any ((select app.administered_facilities())::uuid[])
    and ((select app.current_user_role()) in ('super_admin', 'system')
         or exists (select 1 from settlements s
                    where s.facility_id = settlement_allocations.facility_id and s.id = settlement_allocations.settlement_id
                      and s.created_at = settlement_allocations.settlement_created_at and s.settlement_status <> 'draft')));

