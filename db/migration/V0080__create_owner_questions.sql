-- ============================================================================
-- The owner's three questions (shared/MONEY.md), per facility, as functions
-- with the caller's rights: row-level security decides which facilities are
-- answered (a facility admin their own, the super admin every facility, or the
-- one entered; staff and patients none). p_facility null = every facility the
-- caller administers; the portal sums the rows for the platform.
--
--   1. app.commission_pending         "Kitna commission pending"
--   2. app.held_for_platform          "Hospital ke paas kitna payment hold hai
--                                      jo software ko dena hai"
--   3. app.pending_since_last_settlement
--                                     "Last settlement se abhi tak ka pending
--                                      difference"
--
-- Each is answered from indexes: ledger balances from the covering index on
-- (facility_id, account, gateway); the lines since a date from a covering index
-- on (facility_id, posted_at); the open items from partial indexes that hold
-- only what is still open.
-- ============================================================================

create index journal_lines_facility_posted_idx on journal_lines (facility_id, posted_at)
  include (account, debit_paise, credit_paise);
create index journal_entries_facility_settlement_paid_idx on journal_entries (facility_id, posted_at)
  where event_kind = 'settlement_paid';
create index payments_facility_gateway_unsettled_idx on payments (facility_id)
  include (platform_fee_paise, platform_fee_reversed_paise, gateway_fee_paise)
  where gateway_settlement_id is null and captured_at is not null;
create index cash_collections_facility_unsettled_idx on cash_collections (facility_id)
  include (commission_paise, commission_gst_paise, commission_reversed_paise, commission_gst_reversed_paise,
           receivable_reversed_paise, settled_paise)
  where settled_paise + receivable_reversed_paise < commission_paise + commission_gst_paise;
create index payment_refunds_facility_unsettled_recovery_idx on payment_refunds (facility_id)
  include (recovery_paise, settled_paise)
  where settled_paise < recovery_paise;

-- The facilities a question answers for: the one asked (if the caller administers it) or all they administer.
create function app.answered_facilities(p_facility uuid) returns setof uuid
language sql stable
set search_path = pg_catalog, public, pg_temp
as $$
  select f from unnest(app.administered_facilities()) f
  where p_facility is null or f = p_facility
$$;

-- Balance (debit − credit) of one facility's account, from the covering index.
create function app.facility_account_debit_balance(p_facility uuid, p_account ledger_account) returns bigint
language sql stable
set search_path = pg_catalog, public, pg_temp
as $$
  select coalesce(sum(l.debit_paise - l.credit_paise), 0)::bigint
  from public.journal_lines l where l.facility_id = p_facility and l.account = p_account
$$;

-- ----------------------------------------------------------------------------
-- 1. Commission earned from F that the platform has not received yet.
--    cash: what F owes on facility_receivable (its balance), of which the GST
--          on cash commission and the recoveries of refunds apart;
--    online: the margin (platform fee, less what refunds reversed, − gateway
--          fee) on F's captures the gateway has not settled yet.
-- ----------------------------------------------------------------------------
create function app.commission_pending(p_facility uuid default null)
returns table (facility_id uuid, cash_paise bigint, cash_gst_paise bigint, cash_recovery_paise bigint,
               online_margin_paise bigint, total_paise bigint)
language sql stable
set search_path = pg_catalog, public, pg_temp
as $$
  select f.id, r.balance, coalesce(g.gst, 0), coalesce(rc.recovery, 0), coalesce(m.margin, 0),
         r.balance + coalesce(m.margin, 0)
  from app.answered_facilities(p_facility) f(id)
  cross join lateral (select app.facility_account_debit_balance(f.id, 'facility_receivable') as balance) r
  -- the GST part of each collection's unsettled amount, pro rata to its commission and GST after reversals
  left join lateral (
    select sum(round((c.commission_paise + c.commission_gst_paise - c.receivable_reversed_paise - c.settled_paise)::numeric
                     * (c.commission_gst_paise - c.commission_gst_reversed_paise)
                     / nullif(c.commission_paise + c.commission_gst_paise - c.commission_reversed_paise
                              - c.commission_gst_reversed_paise, 0)))::bigint as gst
    from public.cash_collections c
    where c.facility_id = f.id
      and c.settled_paise + c.receivable_reversed_paise < c.commission_paise + c.commission_gst_paise) g on true
  left join lateral (
    select sum(r.recovery_paise - r.settled_paise)::bigint as recovery
    from public.payment_refunds r where r.facility_id = f.id and r.settled_paise < r.recovery_paise) rc on true
  left join lateral (
    select sum(p.platform_fee_paise - p.platform_fee_reversed_paise - p.gateway_fee_paise)::bigint as margin
    from public.payments p
    where p.facility_id = f.id and p.gateway_settlement_id is null and p.captured_at is not null) m on true
  order by f.id
$$;
comment on function app.commission_pending(uuid) is
  'Kitna commission pending: per facility, cash (facility_receivable balance; of it the GST and refund recoveries) and the online margin on captures the gateway has not settled; under RLS.';

-- ----------------------------------------------------------------------------
-- 2. What F holds that belongs to the platform: the balance of facility_receivable[F].
-- ----------------------------------------------------------------------------
create function app.held_for_platform(p_facility uuid default null)
returns table (facility_id uuid, receivable_paise bigint)
language sql stable
set search_path = pg_catalog, public, pg_temp
as $$
  select f.id, app.facility_account_debit_balance(f.id, 'facility_receivable')
  from app.answered_facilities(p_facility) f(id)
  order by f.id
$$;
comment on function app.held_for_platform(uuid) is
  'Hospital ke paas kitna payment hold hai jo software ko dena hai: the balance of facility_receivable per facility; under RLS.';

-- ----------------------------------------------------------------------------
-- 3. Since F's last paid settlement: the change in F's net position
--    (facility_payable − facility_receivable) from entries posted after it
--    (the settlement's own entry excluded), beside the open net position now,
--    which is what a full mixed settlement would move (positive: the platform
--    owes F). They differ when earlier settlements were partial.
--    net = Σ (credit − debit) over both accounts: payable is credit-normal,
--    receivable debit-normal.
-- ----------------------------------------------------------------------------
create function app.pending_since_last_settlement(p_facility uuid default null)
returns table (facility_id uuid, last_settlement_paid_at timestamptz, change_since_paise bigint, open_net_paise bigint)
language sql stable
set search_path = pg_catalog, public, pg_temp
as $$
  select f.id, s.paid_at,
         (select coalesce(sum(l.credit_paise - l.debit_paise), 0)::bigint
          from public.journal_lines l
          where l.facility_id = f.id and l.account in ('facility_payable', 'facility_receivable')
            and (s.paid_at is null or l.posted_at > s.paid_at)),
         app.facility_account_debit_balance(f.id, 'facility_receivable') * -1
           - app.facility_account_debit_balance(f.id, 'facility_payable')
  from app.answered_facilities(p_facility) f(id)
  cross join lateral (
    select max(e.posted_at) as paid_at from public.journal_entries e
    where e.facility_id = f.id and e.event_kind = 'settlement_paid') s
  order by f.id
$$;
comment on function app.pending_since_last_settlement(uuid) is
  'Last settlement se abhi tak ka pending difference: per facility, the change of (facility_payable − facility_receivable) since the last paid settlement, and the open net position now; under RLS.';

do $$
declare
  f text;
begin
  foreach f in array array[
    'app.answered_facilities(uuid)', 'app.facility_account_debit_balance(uuid, ledger_account)',
    'app.commission_pending(uuid)', 'app.held_for_platform(uuid)', 'app.pending_since_last_settlement(uuid)'] loop
    execute format('revoke all on function %s from public', f);
    execute format('grant execute on function %s to careledger_app, careledger_definer', f);
  end loop;
end
$$;
