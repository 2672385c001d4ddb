-- ============================================================================
-- Ledger: accounts, journal entries and lines.
--
-- Types, tables, indexes, partitions, grants and policies of this area, as
-- they stand; functions, trigger functions and views are in R__0008_ledger.sql.
-- ============================================================================

-- ============================================================================
-- The ledger: the platform's books of its relations with facilities, the
-- gateways and the tax authorities (docs/ledger.md, "Accounts", "Postings").
--
--   ledger_accounts   the eleven accounts (docs/ledger.md), their kind and normal
--                     side (a catalogue, not tenant data)
--   journal_entries   one per money event, of exactly one facility, with a
--                     globally unique idempotency key, the actor, the
--                     transaction id and, for a correction, the entry it
--                     reverses
--   journal_lines     debit or credit (exactly one positive) on one account;
--                     gateway_clearing lines name their gateway
--
-- Every entry is balanced (Σ debit = Σ credit, at least two lines), checked by
-- a deferred constraint trigger at commit; nothing posted is ever updated or
-- deleted (corrections are new entries that reverse the wrong one). Entries
-- are posted only by SECURITY DEFINER functions (app.post_journal_entry is
-- reachable only from them); the app role reads under RLS: facility admins
-- their facility's entries, the super admin all. Append-only with actor,
-- transaction id and idempotency key, so no generic audit trigger.
--
-- Unpartitioned: the idempotency key must be unique across time.
-- ============================================================================
create type ledger_account as enum (
  'gateway_clearing', 'platform_bank', 'facility_payable', 'facility_receivable', 'tds_receivable',
  'platform_fee_income', 'cash_commission_income', 'fee_recovery_income', 'gateway_fee_expense',
  'gst_output', 'gst_input');
create type ledger_account_kind as enum ('asset', 'liability', 'income', 'expense');
create type ledger_side as enum ('debit', 'credit');
create type payment_gateway as enum ('razorpay', 'payu');
create type journal_event as enum (
  'online_capture', 'gateway_settlement', 'cash_collection', 'settlement_paid', 'online_refund', 'cash_refund',
  'correction');
create table ledger_accounts (
  account       ledger_account primary key,
  kind          ledger_account_kind not null,
  normal_side   ledger_side not null,
  per_gateway   boolean not null default false,
  description   text not null,
  constraint ledger_accounts_normal_side_check check (
    normal_side = case when kind in ('asset', 'expense') then 'debit'::ledger_side else 'credit'::ledger_side end)
);
alter table ledger_accounts enable row level security;
alter table ledger_accounts force row level security;
comment on table ledger_accounts is
  'The accounts of the platform''s books: kind and normal balance side. Lines of every entry are of its facility, so facility_payable[F] is the facility_payable lines of F''s entries.';
grant select on ledger_accounts to careledger_app, careledger_patient;
grant select, insert on ledger_accounts to careledger_definer;

-- the seed, written as the definer role: forced row-level security applies to the owner, and there is no insert policy
set local role careledger_definer;
insert into ledger_accounts (account, kind, normal_side, per_gateway, description) values
  ('gateway_clearing', 'asset', 'debit', true, 'Facility F''s captured online money that gateway G has not yet settled to the platform'),
  ('platform_bank', 'asset', 'debit', false, 'The platform''s bank account'),
  ('facility_payable', 'liability', 'credit', false, 'Online money the platform owes facility F'),
  ('facility_receivable', 'asset', 'debit', false, 'What facility F owes the platform (cash commission and its GST, recoveries)'),
  ('tds_receivable', 'asset', 'debit', false, 'Income tax the facility deducted at source from commission it paid'),
  ('platform_fee_income', 'income', 'credit', false, 'Platform MDR fee charged to facilities on online payments'),
  ('cash_commission_income', 'income', 'credit', false, 'Commission on cash collected at facilities'),
  ('fee_recovery_income', 'income', 'credit', false, 'Unreturned gateway fees recovered from a facility after refunds'),
  ('gateway_fee_expense', 'expense', 'debit', false, 'Gateway MDR fee'),
  ('gst_output', 'liability', 'credit', false, 'GST the platform charged'),
  ('gst_input', 'asset', 'debit', false, 'GST the gateway charged the platform (input credit)');
reset role;
create policy "Ledger accounts are readable by everyone signed in" on ledger_accounts
  for select using ((select app.current_user_id()) is not null);

-- ----------------------------------------------------------------------------
-- Entries and lines.
-- ----------------------------------------------------------------------------
create table journal_entries (
  id                 uuid primary key default gen_random_uuid(),
  facility_id        uuid not null references facilities (id),
  event_kind         journal_event not null,
  idempotency_key    text not null check (length(idempotency_key) between 3 and 200),
  posted_at          timestamptz not null default now(),
  posted_by          uuid not null references users (id),
  transaction_id     xid8 not null default pg_current_xact_id(),
  reverses_entry_id  uuid,
  memo               text check (length(memo) <= 500),
  constraint journal_entries_facility_id_id_key unique (facility_id, id),
  -- one event, one entry, whatever the facility: keys name their event (capture:razorpay:pay_...)
  constraint journal_entries_idempotency_key_key unique (idempotency_key),
  constraint journal_entries_reverses_fkey foreign key (facility_id, reverses_entry_id)
    references journal_entries (facility_id, id),
  -- an entry is corrected at most once
  constraint journal_entries_reverses_once_key unique (reverses_entry_id),
  constraint journal_entries_correction_check check ((event_kind = 'correction') = (reverses_entry_id is not null))
);
create index journal_entries_facility_posted_idx on journal_entries (facility_id, posted_at);
create index journal_entries_posted_at_brin on journal_entries using brin (posted_at);
alter table journal_entries enable row level security;
alter table journal_entries force row level security;
comment on table journal_entries is
  'One balanced, immutable journal entry per money event, of one facility; posted only by definer functions.';
comment on column journal_entries.idempotency_key is 'Names the event (e.g. capture:razorpay:pay_X): unique across all time and facilities.';
comment on column journal_entries.posted_by is 'The signed-in user or system principal whose call posted it.';
comment on column journal_entries.transaction_id is 'Transaction that posted it: entries of one transaction share it.';
comment on column journal_entries.reverses_entry_id is 'For a correction: the entry it reverses (line by line, sides swapped).';
create table journal_lines (
  id            uuid primary key default gen_random_uuid(),
  facility_id   uuid not null,
  entry_id      uuid not null,
  line_no       smallint not null check (line_no >= 1),
  account       ledger_account not null references ledger_accounts (account),
  gateway       payment_gateway,
  debit_paise   bigint not null default 0 check (debit_paise >= 0),
  credit_paise  bigint not null default 0 check (credit_paise >= 0),
  posted_at     timestamptz not null default now(),
  constraint journal_lines_facility_id_id_key unique (facility_id, id),
  constraint journal_lines_line_key unique (entry_id, line_no),
  constraint journal_lines_entry_fkey foreign key (facility_id, entry_id) references journal_entries (facility_id, id),
  constraint journal_lines_one_side check ((debit_paise > 0) <> (credit_paise > 0)),
  constraint journal_lines_gateway_check check ((account = 'gateway_clearing') = (gateway is not null))
);
create index journal_lines_entry_idx on journal_lines (facility_id, entry_id);
create index journal_lines_account_idx on journal_lines (facility_id, account, gateway) include (debit_paise, credit_paise);
create index journal_lines_posted_at_brin on journal_lines using brin (posted_at);
alter table journal_lines enable row level security;
alter table journal_lines force row level security;
comment on table journal_lines is
  'Lines of a journal entry: a debit or a credit (exactly one positive) on one account; gateway for gateway_clearing[G,F].';

grant select on journal_entries, journal_lines to careledger_app, careledger_patient;
grant select, insert on journal_entries, journal_lines to careledger_definer;
create policy "Facility admins and the super admin read journal entries" on journal_entries
  for select using (facility_id = any ((select app.administered_facilities())::uuid[]));
create policy "Facility admins and the super admin read journal lines" on journal_lines
  for select using (facility_id = any ((select app.administered_facilities())::uuid[]));
