-- ============================================================================
-- Ledger: accounts, journal entries and lines: functions, trigger functions and views.
--
-- Repeatable: Flyway runs this file again whenever it changes, so every
-- statement here can run twice (create or replace, grants, comments).
-- Tables, types and policies of the area are in V0008__ledger.sql.
-- ============================================================================

-- Balanced and not empty, at commit (every line of the entry is in by then).
create or replace function app.check_journal_entry_balanced() returns trigger
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

-- ----------------------------------------------------------------------------
-- Posting. Only definer functions of the money areas call this (the app role
-- holds no privilege on it): they check the caller, then post the event's
-- entry in their own transaction. p_lines is a jsonb array of
-- {account, gateway?, debit_paise | credit_paise}; zero lines are left out
-- (a 0 % MDR has no fee line). The entry must balance now; the deferred
-- trigger checks again at commit. app.post_journal_entry_at posts as of a
-- given moment (posted_at), for the _at variants of the money functions;
-- app.post_journal_entry posts now.
-- ----------------------------------------------------------------------------
create or replace function app.post_journal_entry_at(
  p_at               timestamptz,
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
  insert into public.journal_entries (id, facility_id, event_kind, idempotency_key, posted_at, posted_by,
                                      reverses_entry_id, memo)
  values (v_entry, p_facility, p_event, p_idempotency_key, p_at, v_actor, p_reverses, p_memo);

  insert into public.journal_lines (facility_id, entry_id, line_no, account, gateway, debit_paise, credit_paise,
                                    posted_at)
  select p_facility, v_entry, row_number() over (order by l.n), (l.v ->> 'account')::public.ledger_account,
         (l.v ->> 'gateway')::public.payment_gateway,
         coalesce((l.v ->> 'debit_paise')::bigint, 0), coalesce((l.v ->> 'credit_paise')::bigint, 0), p_at
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
revoke all on function app.post_journal_entry_at(timestamptz, uuid, journal_event, text, jsonb, text, uuid, uuid) from public;
alter function app.post_journal_entry_at(timestamptz, uuid, journal_event, text, jsonb, text, uuid, uuid) owner to careledger_definer;
comment on function app.post_journal_entry_at(timestamptz, uuid, journal_event, text, jsonb, text, uuid, uuid) is
  'As app.post_journal_entry, at a given moment instead of now() (imports, the demo history, tests; owner only).';

create or replace function app.post_journal_entry(
  p_facility         uuid,
  p_event            journal_event,
  p_idempotency_key  text,
  p_lines            jsonb,
  p_memo             text default null,
  p_entry            uuid default null,
  p_reverses         uuid default null
) returns uuid
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select app.post_journal_entry_at(now(), p_facility, p_event, p_idempotency_key, p_lines, p_memo, p_entry, p_reverses)
$$;
revoke all on function app.post_journal_entry(uuid, journal_event, text, jsonb, text, uuid, uuid) from public;
alter function app.post_journal_entry(uuid, journal_event, text, jsonb, text, uuid, uuid) owner to careledger_definer;
comment on function app.post_journal_entry(uuid, journal_event, text, jsonb, text, uuid, uuid) is
  'Posts one balanced entry (lines as jsonb, zero lines left out). Called only by definer functions that checked the caller.';

-- A settlement_paid entry keeps the snapshot it is written under and its number
-- in the facility's commit order (V0081__settlement_snapshots.sql). Its
-- writer, app.pay_settlement_at, holds the facility's settlement lock until
-- commit, so the highest number so far is that of the settlement committed
-- last; the unique index on (facility_id, settlement_no) refuses a second
-- writer that did not hold the lock. Every other entry carries neither.
create or replace function app.stamp_settlement_entry() returns trigger
language plpgsql
set search_path = pg_catalog, public, pg_temp
as $$
begin
  if new.event_kind = 'settlement_paid' then
    new.settlement_snapshot := pg_current_snapshot();
    new.settlement_no := 1 + coalesce((select max(e.settlement_no) from public.journal_entries e
                                       where e.facility_id = new.facility_id and e.settlement_no is not null), 0);
  else
    new.settlement_snapshot := null;
    new.settlement_no := null;
  end if;
  return new;
end
$$;
revoke all on function app.stamp_settlement_entry() from public;

-- A correction: a new entry with every line of the wrong one on the other side. Super admin only.
-- The item the wrong entry booked (a captured payment, a cash collection, a
-- refund) is voided with it (app.void_corrected_item), so no settlement or
-- gateway batch uses it afterwards and the reconciliation stays 0. The entry
-- of a gateway batch or of a paid settlement is not reversed: that money moved
-- between bank accounts and its items stay covered or settled by it.
create or replace function app.reverse_journal_entry(p_entry uuid, p_memo text) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_wrong public.journal_entries;
  v_correction uuid := gen_random_uuid();
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
  elsif v_wrong.event_kind = 'gateway_settlement' then
    raise exception 'entry % books a gateway batch: it is not reversed (its payments and refunds stay covered by the batch)', p_entry
      using errcode = 'check_violation';
  elsif v_wrong.event_kind = 'settlement_paid' then
    raise exception 'entry % pays a settlement: it is not reversed (the bank transfer was made); settle any difference in the next settlement', p_entry
      using errcode = 'check_violation';
  end if;
  if exists (select 1 from public.journal_entries e where e.reverses_entry_id = v_wrong.id) then
    raise exception 'journal entry % was already corrected', p_entry using errcode = 'unique_violation';
  end if;
  perform app.void_corrected_item(v_wrong, v_correction);
  return app.post_journal_entry(
    v_wrong.facility_id, 'correction', 'correction:' || v_wrong.id,
    (select jsonb_agg(jsonb_build_object('account', l.account, 'gateway', l.gateway,
                                         'debit_paise', l.credit_paise, 'credit_paise', l.debit_paise) order by l.line_no)
     from public.journal_lines l where l.entry_id = v_wrong.id),
    p_memo, v_correction, v_wrong.id);
end
$$;
revoke all on function app.reverse_journal_entry(uuid, text) from public;
grant execute on function app.reverse_journal_entry(uuid, text) to careledger_app, careledger_patient;
alter function app.reverse_journal_entry(uuid, text) owner to careledger_definer;
comment on function app.reverse_journal_entry(uuid, text) is
  'Corrects an entry by posting its reversal (sides swapped), once, and voids the payment, collection or refund it booked; not for gateway batches or paid settlements; super admin only.';

-- ----------------------------------------------------------------------------
-- Balances, with the caller's rights: row-level security decides what is
-- summed (facility admins their facility, the super admin all; others nothing).
-- ----------------------------------------------------------------------------

-- Balance of an account on its normal side (a debit-normal account: debits −
-- credits), of one facility or (null) of all the caller sees; optionally of
-- one gateway (gateway_clearing[G,F]).
create or replace function app.account_balance(p_facility uuid, p_account ledger_account, p_gateway payment_gateway default null)
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
revoke all on function app.account_balance(uuid, ledger_account, payment_gateway) from public;
grant execute on function app.account_balance(uuid, ledger_account, payment_gateway) to careledger_app, careledger_definer, careledger_patient;

-- Trial balance: per account, total debits and credits and the balance as
-- debit − credit. Σ balance_paise is always 0 (every entry balances).
create or replace function app.trial_balance(p_facility uuid)
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
revoke all on function app.trial_balance(uuid) from public;
grant execute on function app.trial_balance(uuid) to careledger_app, careledger_definer, careledger_patient;

-- ----------------------------------------------------------------------------
-- Triggers of this area's functions (create or replace: re-run with the file).
-- ----------------------------------------------------------------------------

do $$
begin
  -- a constraint trigger cannot be replaced: made once, kept while it exists
  if not exists (select 1 from pg_trigger where tgname = 'journal_entries_balanced' and tgrelid = 'public.journal_entries'::regclass) then
    create constraint trigger journal_entries_balanced
      after insert on journal_entries deferrable initially deferred
      for each row execute function app.check_journal_entry_balanced();
  end if;
end
$$;

do $$
begin
  -- a constraint trigger cannot be replaced: made once, kept while it exists
  if not exists (select 1 from pg_trigger where tgname = 'journal_lines_balanced' and tgrelid = 'public.journal_lines'::regclass) then
    create constraint trigger journal_lines_balanced
      after insert on journal_lines deferrable initially deferred
      for each row execute function app.check_journal_entry_balanced();
  end if;
end
$$;

create or replace trigger journal_entries_stamp_settlement
  before insert on journal_entries
  for each row execute function app.stamp_settlement_entry();
