-- ============================================================================
-- The ledger: the platform's books of its relations with facilities, the
-- gateways and the tax authorities (shared/MONEY.md, "Accounts", "Postings").
--
--   ledger_accounts   the eleven accounts of MONEY.md, their kind and normal
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
  'The accounts of MONEY.md: kind and normal balance side. Lines of every entry are of its facility, so facility_payable[F] is the facility_payable lines of F''s entries.';

create trigger ledger_accounts_are_fixed
  before update or delete on ledger_accounts
  for each row execute function app.refuse_change();

grant select on ledger_accounts to careledger_app;
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

-- Balanced and not empty, at commit (every line of the entry is in by then).
create function app.check_journal_entry_balanced() returns trigger
language plpgsql security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_entry uuid;
  v_lines integer;
  v_debit numeric;
  v_credit numeric;
begin
  -- a record field is looked up when the statement is planned: one assignment per table
  if tg_table_name = 'journal_entries' then
    v_entry := new.id;
  else
    v_entry := new.entry_id;
  end if;
  select count(*), coalesce(sum(l.debit_paise), 0), coalesce(sum(l.credit_paise), 0)
  into v_lines, v_debit, v_credit
  from public.journal_lines l where l.entry_id = v_entry;
  if v_lines < 2 or v_debit <> v_credit then
    raise exception 'journal entry % is unbalanced: % lines, debit % paise, credit % paise', v_entry, v_lines, v_debit, v_credit
      using errcode = 'check_violation';
  end if;
  return null;
end
$$;
revoke all on function app.check_journal_entry_balanced() from public;
alter function app.check_journal_entry_balanced() owner to careledger_definer;

create constraint trigger journal_entries_balanced
  after insert on journal_entries deferrable initially deferred
  for each row execute function app.check_journal_entry_balanced();
create constraint trigger journal_lines_balanced
  after insert on journal_lines deferrable initially deferred
  for each row execute function app.check_journal_entry_balanced();

-- Nothing posted changes, for anyone (the owner and the definer role included).
create trigger journal_entries_are_immutable
  before update or delete on journal_entries
  for each row execute function app.refuse_change();
create trigger journal_lines_are_immutable
  before update or delete on journal_lines
  for each row execute function app.refuse_change();
create trigger journal_entries_are_never_truncated
  before truncate on journal_entries
  for each statement execute function app.refuse_change();
create trigger journal_lines_are_never_truncated
  before truncate on journal_lines
  for each statement execute function app.refuse_change();

grant select on journal_entries, journal_lines to careledger_app;
grant select, insert on journal_entries, journal_lines to careledger_definer;

create policy "Facility admins and the super admin read journal entries" on journal_entries
  for select using (facility_id = any ((select app.administered_facilities())::uuid[]));
create policy "Facility admins and the super admin read journal lines" on journal_lines
  for select using (facility_id = any ((select app.administered_facilities())::uuid[]));

-- ----------------------------------------------------------------------------
-- Posting. Only definer functions of later migrations call this (the app role
-- holds no privilege on it): they check the caller, then post the event's
-- entry in their own transaction. p_lines is a jsonb array of
-- {account, gateway?, debit_paise | credit_paise}; zero lines are left out
-- (a 0 % MDR has no fee line). The entry must balance now; the deferred
-- trigger checks again at commit.
-- ----------------------------------------------------------------------------
create function app.post_journal_entry(
  p_facility         uuid,
  p_event            journal_event,
  p_idempotency_key  text,
  p_lines            jsonb,
  p_memo             text default null,
  p_entry            uuid default null,
  p_reverses         uuid default null
) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_entry uuid := coalesce(p_entry, gen_random_uuid());
  v_actor uuid := app.current_user_id();
  v_debit numeric;
  v_credit numeric;
begin
  if v_actor is null then
    raise exception 'posting needs a signed-in user or system principal' using errcode = 'insufficient_privilege';
  end if;
  insert into public.journal_entries (id, facility_id, event_kind, idempotency_key, posted_by, reverses_entry_id, memo)
  values (v_entry, p_facility, p_event, p_idempotency_key, v_actor, p_reverses, p_memo);

  insert into public.journal_lines (facility_id, entry_id, line_no, account, gateway, debit_paise, credit_paise)
  select p_facility, v_entry, row_number() over (order by l.n), (l.v ->> 'account')::public.ledger_account,
         (l.v ->> 'gateway')::public.payment_gateway,
         coalesce((l.v ->> 'debit_paise')::bigint, 0), coalesce((l.v ->> 'credit_paise')::bigint, 0)
  from jsonb_array_elements(p_lines) with ordinality as l(v, n)
  where coalesce((l.v ->> 'debit_paise')::bigint, 0) <> 0 or coalesce((l.v ->> 'credit_paise')::bigint, 0) <> 0;

  select coalesce(sum(l.debit_paise), 0), coalesce(sum(l.credit_paise), 0) into v_debit, v_credit
  from public.journal_lines l where l.entry_id = v_entry;
  if v_debit <> v_credit or v_debit = 0 then
    raise exception 'journal entry % is unbalanced: debit % paise, credit % paise', p_idempotency_key, v_debit, v_credit
      using errcode = 'check_violation';
  end if;
  return v_entry;
end
$$;
revoke all on function app.post_journal_entry(uuid, journal_event, text, jsonb, text, uuid, uuid) from public;
alter function app.post_journal_entry(uuid, journal_event, text, jsonb, text, uuid, uuid) owner to careledger_definer;
comment on function app.post_journal_entry(uuid, journal_event, text, jsonb, text, uuid, uuid) is
  'Posts one balanced entry (lines as jsonb, zero lines left out). Called only by definer functions that checked the caller.';

-- A correction: a new entry with every line of the wrong one on the other side. Super admin only.
create function app.reverse_journal_entry(p_entry uuid, p_memo text) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_wrong public.journal_entries;
begin
  if app.current_user_role() is distinct from 'super_admin' then
    raise exception 'only the super admin corrects the ledger' using errcode = 'insufficient_privilege';
  end if;
  if coalesce(btrim(p_memo), '') = '' then
    raise exception 'a correction needs a memo saying why' using errcode = 'check_violation';
  end if;
  select e.* into v_wrong from public.journal_entries e
  where e.id = p_entry and e.facility_id = any (app.visible_facilities());
  if not found then
    raise exception 'journal entry % not found', p_entry using errcode = 'no_data_found';
  end if;
  if v_wrong.event_kind = 'correction' then
    raise exception 'a correction is not reversed: post the right entry instead' using errcode = 'check_violation';
  end if;
  return app.post_journal_entry(
    v_wrong.facility_id, 'correction', 'correction:' || v_wrong.id,
    (select jsonb_agg(jsonb_build_object('account', l.account, 'gateway', l.gateway,
                                         'debit_paise', l.credit_paise, 'credit_paise', l.debit_paise) order by l.line_no)
     from public.journal_lines l where l.entry_id = v_wrong.id),
    p_memo, null, v_wrong.id);
end
$$;
revoke all on function app.reverse_journal_entry(uuid, text) from public;
grant execute on function app.reverse_journal_entry(uuid, text) to careledger_app;
alter function app.reverse_journal_entry(uuid, text) owner to careledger_definer;
comment on function app.reverse_journal_entry(uuid, text) is
  'Corrects an entry by posting its reversal (sides swapped), once; super admin only.';

-- ----------------------------------------------------------------------------
-- Balances, with the caller's rights: row-level security decides what is
-- summed (facility admins their facility, the super admin all; others nothing).
-- ----------------------------------------------------------------------------

-- Balance of an account on its normal side (a debit-normal account: debits −
-- credits), of one facility or (null) of all the caller sees; optionally of
-- one gateway (gateway_clearing[G,F]).
create function app.account_balance(p_facility uuid, p_account ledger_account, p_gateway payment_gateway default null)
returns bigint
language sql stable
set search_path = pg_catalog, public, pg_temp
as $$
  select coalesce(sum(case a.normal_side when 'debit' then l.debit_paise - l.credit_paise
                                         else l.credit_paise - l.debit_paise end), 0)::bigint
  from public.journal_lines l
  join public.ledger_accounts a on a.account = l.account
  where (p_facility is null or l.facility_id = p_facility)
    and l.account = p_account
    and (p_gateway is null or l.gateway = p_gateway)
$$;
comment on function app.account_balance(uuid, ledger_account, payment_gateway) is
  'Balance of an account on its normal side, for a facility (or all visible), optionally one gateway; under RLS.';

-- Trial balance: per account, total debits and credits and the balance as
-- debit − credit. Σ balance_paise is always 0 (every entry balances).
create function app.trial_balance(p_facility uuid)
returns table (account ledger_account, kind ledger_account_kind, normal_side ledger_side,
               debit_paise bigint, credit_paise bigint, balance_paise bigint)
language sql stable
set search_path = pg_catalog, public, pg_temp
as $$
  select a.account, a.kind, a.normal_side,
         coalesce(sum(l.debit_paise), 0)::bigint, coalesce(sum(l.credit_paise), 0)::bigint,
         coalesce(sum(l.debit_paise - l.credit_paise), 0)::bigint
  from public.ledger_accounts a
  left join public.journal_lines l on l.account = a.account and (p_facility is null or l.facility_id = p_facility)
  group by a.account, a.kind, a.normal_side
  order by a.account
$$;
comment on function app.trial_balance(uuid) is
  'Per account: debits, credits, debit − credit, for a facility or (null) all visible; the balances sum to 0.';

revoke all on function app.account_balance(uuid, ledger_account, payment_gateway) from public;
revoke all on function app.trial_balance(uuid) from public;
grant execute on function app.account_balance(uuid, ledger_account, payment_gateway) to careledger_app, careledger_definer;
grant execute on function app.trial_balance(uuid) to careledger_app, careledger_definer;
