-- ============================================================================
-- Reporting: the owner's questions, reconciliation, reporting views: functions, trigger functions and views.
--
-- Repeatable: Flyway runs this file again whenever it changes, so every
-- statement here can run twice (create or replace, grants, comments).
-- Tables, types and policies of the area are in V0011__reporting.sql.
-- ============================================================================

-- The facilities a question answers for: the one asked (if the caller administers it) or all they administer.
create or replace function app.answered_facilities(p_facility uuid) returns setof uuid
language sql stable
set search_path = pg_catalog, public, pg_temp
as $$
  select f from unnest(app.administered_facilities()) f
  where p_facility is null or f = p_facility
$$;

-- Balance (debit − credit) of one facility's account, from the covering index.
create or replace function app.facility_account_debit_balance(p_facility uuid, p_account ledger_account) returns bigint
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
create or replace function app.commission_pending(p_facility uuid default null)
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
    where c.facility_id = f.id and c.correction_entry_id is null
      and c.settled_paise + c.receivable_reversed_paise < c.commission_paise + c.commission_gst_paise) g on true
  left join lateral (
    select sum(r.recovery_paise - r.settled_paise)::bigint as recovery
    from public.payment_refunds r
    where r.facility_id = f.id and r.settled_paise < r.recovery_paise and r.correction_entry_id is null) rc on true
  left join lateral (
    select sum(p.platform_fee_paise - p.platform_fee_reversed_paise - p.gateway_fee_paise)::bigint as margin
    from public.payments p
    where p.facility_id = f.id and p.gateway_settlement_id is null and p.captured_at is not null
      and p.correction_entry_id is null) m on true
  order by f.id
$$;
comment on function app.commission_pending(uuid) is
  'Kitna commission pending: per facility, cash (facility_receivable balance; of it the GST and refund recoveries) and the online margin on captures the gateway has not settled; under RLS.';

-- ----------------------------------------------------------------------------
-- 2. What F holds that belongs to the platform: the balance of facility_receivable[F].
-- ----------------------------------------------------------------------------
create or replace function app.held_for_platform(p_facility uuid default null)
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
--    (facility_payable − facility_receivable) from the entries that
--    settlement's transaction did not see (its own entry excluded), beside the
--    open net position now, which is what a full mixed settlement would move
--    (positive: the platform owes F). They differ when earlier settlements
--    were partial. The last settlement is the one committed last
--    (settlement_no); what it saw is its snapshot (V0081), so an entry whose
--    transaction started before the settlement and committed after it falls
--    after it, and every entry falls in exactly one window. Entries written in
--    the settlement's own transaction (a history imported in one transaction
--    through the _at variants) count after it when posted at a later moment.
--    net = Σ (credit − debit) over both accounts: payable is credit-normal,
--    receivable debit-normal.
-- ----------------------------------------------------------------------------
create or replace function app.pending_since_last_settlement(p_facility uuid default null)
returns table (facility_id uuid, last_settlement_paid_at timestamptz, change_since_paise bigint, open_net_paise bigint)
language sql stable
set search_path = pg_catalog, public, pg_temp
as $$
  select f.id, s.posted_at,
         (select coalesce(sum(l.credit_paise - l.debit_paise), 0)::bigint
          from public.journal_entries e
          join public.journal_lines l on l.facility_id = e.facility_id and l.entry_id = e.id
          where e.facility_id = f.id
            and e.transaction_id >= coalesce(s.seen_below, '0'::xid8)
            and (s.transaction_id is null
                 or (e.transaction_id <> s.transaction_id
                     and not pg_visible_in_snapshot(e.transaction_id, s.settlement_snapshot))
                 -- in the settlement's own transaction (a history imported through the _at variants) by moment
                 or (e.transaction_id = s.transaction_id and e.posted_at > s.posted_at))
            and l.account in ('facility_payable', 'facility_receivable')),
         app.facility_account_debit_balance(f.id, 'facility_receivable') * -1
           - app.facility_account_debit_balance(f.id, 'facility_payable')
  from app.answered_facilities(p_facility) f(id)
  left join lateral (
    select e.posted_at, e.transaction_id, e.settlement_snapshot,
           pg_snapshot_xmin(e.settlement_snapshot) as seen_below
    from public.journal_entries e
    where e.facility_id = f.id and e.settlement_no is not null
    order by e.settlement_no desc
    limit 1) s on true
  order by f.id
$$;
comment on function app.pending_since_last_settlement(uuid) is
  'Last settlement se abhi tak ka pending difference: per facility, the change of (facility_payable − facility_receivable) from the entries the last paid settlement did not see (by commit, not by start), and the open net position now; under RLS.';

create or replace function app.reconciliation(p_facility uuid default null)
returns table (facility_id uuid, account ledger_account, gateway payment_gateway,
               ledger_paise bigint, source_paise bigint, difference_paise bigint)
language sql stable
set search_path = pg_catalog, public, pg_temp
as $$
  with f as (select id from app.answered_facilities(p_facility) id),
  source as (
    -- gateway_clearing per gateway
    select i.facility_id, 'gateway_clearing'::ledger_account as account, i.gateway, sum(i.amount)::bigint as paise
    from (select p.facility_id, p.gateway, p.amount_paise - p.gateway_fee_paise - p.gateway_gst_paise as amount
          from public.payments p
          where p.facility_id in (select id from f) and p.captured_at is not null and p.gateway_settlement_id is null
            and p.correction_entry_id is null
          union all
          select r.facility_id, r.gateway, -r.amount_paise
          from public.payment_refunds r
          where r.facility_id in (select id from f) and r.gateway_settlement_id is null and r.correction_entry_id is null) i
    group by i.facility_id, i.gateway
    union all
    select x.facility_id, 'facility_payable', null, -sum(x.amount)::bigint
    from (select p.facility_id, p.net_settlement_paise - p.refund_payable_paise - p.drawn_paise - p.settled_paise as amount
          from public.payments p
          where p.facility_id in (select id from f) and p.captured_at is not null and p.correction_entry_id is null
          union all
          select r.facility_id, r.payable_paise - r.drawn_paise - r.settled_paise from public.cash_refunds r
          where r.facility_id in (select id from f) and r.correction_entry_id is null) x
    group by x.facility_id
    union all
    select x.facility_id, 'facility_receivable', null, sum(x.amount)::bigint
    from (select c.facility_id, c.commission_paise + c.commission_gst_paise - c.receivable_reversed_paise - c.settled_paise as amount
          from public.cash_collections c where c.facility_id in (select id from f) and c.correction_entry_id is null
          union all
          select r.facility_id, r.recovery_paise - r.settled_paise from public.payment_refunds r
          where r.facility_id in (select id from f) and r.correction_entry_id is null) x
    group by x.facility_id
    union all
    select x.facility_id, 'platform_bank', null, sum(x.amount)::bigint
    from (select g.facility_id, g.amount_paise as amount
          from public.gateway_settlement_facilities g where g.facility_id in (select id from f)
          union all
          select c.facility_id, c.settled_paise from public.cash_collections c where c.facility_id in (select id from f)
          union all
          select r.facility_id, r.settled_paise from public.payment_refunds r where r.facility_id in (select id from f)
          union all
          select p.facility_id, -p.settled_paise from public.payments p where p.facility_id in (select id from f)
          union all
          select r.facility_id, -r.settled_paise from public.cash_refunds r where r.facility_id in (select id from f)
          union all
          select s.facility_id, -s.tds_deducted_paise from public.settlements s
          where s.facility_id in (select id from f) and s.settlement_status = 'paid') x
    group by x.facility_id
    union all
    select s.facility_id, 'tds_receivable', null, sum(s.tds_deducted_paise)::bigint
    from public.settlements s where s.facility_id in (select id from f) and s.settlement_status = 'paid'
    group by s.facility_id
    union all
    select p.facility_id, a.account, null,
           sum(case a.account
                 when 'platform_fee_income' then -(p.platform_fee_paise - p.platform_fee_reversed_paise)
                 when 'fee_recovery_income' then -(p.gateway_fee_recovered_paise + p.gateway_gst_recovered_paise)
                 when 'gateway_fee_expense' then p.gateway_fee_paise
                 when 'gst_input' then p.gateway_gst_paise
                 else -(p.platform_gst_paise - p.platform_gst_reversed_paise) end)::bigint
    from public.payments p
    cross join (values ('platform_fee_income'::ledger_account), ('fee_recovery_income'), ('gateway_fee_expense'),
                       ('gst_input'), ('gst_output')) a(account)
    where p.facility_id in (select id from f) and p.captured_at is not null and p.correction_entry_id is null
    group by p.facility_id, a.account
    union all
    select c.facility_id, a.account, null,
           sum(case a.account
                 when 'cash_commission_income' then -(c.commission_paise - c.commission_reversed_paise)
                 else -(c.commission_gst_paise - c.commission_gst_reversed_paise) end)::bigint
    from public.cash_collections c
    cross join (values ('cash_commission_income'::ledger_account), ('gst_output')) a(account)
    where c.facility_id in (select id from f) and c.correction_entry_id is null
    group by c.facility_id, a.account
  ),
  source_total as (
    select s.facility_id, s.account, s.gateway, sum(s.paise)::bigint as paise from source s
    group by s.facility_id, s.account, s.gateway
  ),
  ledger as (
    select l.facility_id, l.account, l.gateway, sum(l.debit_paise - l.credit_paise)::bigint as paise
    from public.journal_lines l where l.facility_id in (select id from f)
    group by l.facility_id, l.account, l.gateway
  )
  select coalesce(l.facility_id, s.facility_id), coalesce(l.account, s.account), coalesce(l.gateway, s.gateway),
         coalesce(l.paise, 0), coalesce(s.paise, 0), coalesce(l.paise, 0) - coalesce(s.paise, 0)
  from ledger l
  full join source_total s on s.facility_id = l.facility_id and s.account = l.account
                          and s.gateway is not distinct from l.gateway
  order by 1, 2, 3
$$;
comment on function app.reconciliation(uuid) is
  'Per facility and account: the ledger balance (debit − credit), the same computed from payments, gateway batches, collections, refunds and settlements, and the difference (always 0); under RLS.';
revoke all on function app.reconciliation(uuid) from public;
grant execute on function app.reconciliation(uuid) to careledger_app, careledger_definer, careledger_patient;

-- ----------------------------------------------------------------------------
-- Who reads reports: the super admin (every facility, or the one entered),
-- facility admins (their own), and staff holding reports.view (their own).
-- Patients, system principals and other staff read none.
-- ----------------------------------------------------------------------------

-- ----------------------------------------------------------------------------
-- The summary per facility. Caller's rights: bills, payments, collections and
-- journal lines are read under their own policies, and the facility filter
-- keeps a patient (who sees their own bills) and staff without reports.view
-- out altogether.
-- ----------------------------------------------------------------------------
create or replace view reporting_facility_summary with (security_invoker = true) as
select f.id                                                  as facility_id,
       f.name                                                as facility_name,
       f.type                                                as category,
       b.bills_count,
       b.billed_paise,
       p.captured_paise - p.refunded_paise                   as collected_online_paise,
       c.collected_paise - c.refunded_paise                  as collected_cash_paise,
       p.margin_paise - p.fee_reversed_paise                 as commission_online_paise,
       c.commission_paise - c.commission_reversed_paise      as commission_cash_paise,
       p.margin_paise - p.fee_reversed_paise
         + c.commission_paise - c.commission_reversed_paise  as commission_earned_paise,
       r.receivable_paise                                    as commission_pending_cash_paise,
       p.unsettled_margin_paise                              as commission_pending_online_paise,
       r.receivable_paise + p.unsettled_margin_paise         as commission_pending_paise
from public.facilities f
cross join lateral (
  select count(*)::bigint as bills_count, coalesce(sum(x.total_paise), 0)::bigint as billed_paise
  from public.bills x
  where x.facility_id = f.id and x.status in ('issued', 'partially_paid', 'paid')) b
cross join lateral (
  select coalesce(sum(x.amount_paise), 0)::bigint                                  as captured_paise,
         coalesce(sum(x.refunded_paise), 0)::bigint                                as refunded_paise,
         coalesce(sum(x.platform_fee_paise - x.gateway_fee_paise), 0)::bigint      as margin_paise,
         coalesce(sum(x.platform_fee_reversed_paise), 0)::bigint                   as fee_reversed_paise,
         coalesce(sum(x.platform_fee_paise - x.platform_fee_reversed_paise - x.gateway_fee_paise)
                    filter (where x.gateway_settlement_id is null), 0)::bigint     as unsettled_margin_paise
  from public.payments x
  where x.facility_id = f.id and x.captured_at is not null and x.correction_entry_id is null) p
cross join lateral (
  select coalesce(sum(x.amount_collected_paise), 0)::bigint     as collected_paise,
         coalesce(sum(x.refunded_paise), 0)::bigint             as refunded_paise,
         coalesce(sum(x.commission_paise), 0)::bigint           as commission_paise,
         coalesce(sum(x.commission_reversed_paise), 0)::bigint  as commission_reversed_paise
  from public.cash_collections x
  where x.facility_id = f.id and x.correction_entry_id is null) c
cross join lateral (
  select app.account_balance(f.id, 'facility_receivable') as receivable_paise) r
where f.id = any ((select app.reporting_facilities())::uuid[]);
grant select on reporting_facility_summary to careledger_app, careledger_patient;
comment on view reporting_facility_summary is
  'Per facility the caller may report on: billed (issued bills), collected online and in cash (less refunds), commission earned (online margin and cash commission, less reversals) and pending (facility_receivable balance + margin on captures the gateway has not settled). Caller''s rights.';

create or replace view reporting_platform_summary with (security_invoker = true) as
select count(*)::bigint                                        as facilities_count,
       coalesce(sum(s.bills_count), 0)::bigint                 as bills_count,
       coalesce(sum(s.billed_paise), 0)::bigint                as billed_paise,
       coalesce(sum(s.collected_online_paise), 0)::bigint      as collected_online_paise,
       coalesce(sum(s.collected_cash_paise), 0)::bigint        as collected_cash_paise,
       coalesce(sum(s.commission_online_paise), 0)::bigint     as commission_online_paise,
       coalesce(sum(s.commission_cash_paise), 0)::bigint       as commission_cash_paise,
       coalesce(sum(s.commission_earned_paise), 0)::bigint     as commission_earned_paise,
       coalesce(sum(s.commission_pending_cash_paise), 0)::bigint   as commission_pending_cash_paise,
       coalesce(sum(s.commission_pending_online_paise), 0)::bigint as commission_pending_online_paise,
       coalesce(sum(s.commission_pending_paise), 0)::bigint    as commission_pending_paise
from reporting_facility_summary s;
grant select on reporting_platform_summary to careledger_app, careledger_patient;
comment on view reporting_platform_summary is
  'reporting_facility_summary summed over every facility the caller may report on: the platform for the super admin.';

-- ----------------------------------------------------------------------------
-- Aging of pending commission. The open receivable-side items (their open amounts as settlements see them):
--   cash collections  commission + GST − receivable_reversed − allocated, aged
--                     from the IST date of collected_at
--   payment refunds   recovery − allocated, aged from the IST date of refunded_at
-- An item's age is p_as_of minus its date in calendar days; buckets 0–30,
-- 31–60, 61–90, 91+. Items dated after p_as_of are left out (they did not
-- exist yet); the open amount is today's. Caller's rights, facilities as above.
-- ----------------------------------------------------------------------------
create or replace function app.pending_commission_aging(p_as_of date default null)
returns table (facility_id uuid, days_0_30_paise bigint, days_31_60_paise bigint, days_61_90_paise bigint,
               days_91_plus_paise bigint, total_paise bigint, open_items bigint, oldest_item_on date)
language sql stable
set search_path = pg_catalog, public, pg_temp
as $$
  with items as (
    select c.facility_id, (c.collected_at at time zone 'Asia/Kolkata')::date as item_on,
           c.commission_paise + c.commission_gst_paise - c.receivable_reversed_paise - c.allocated_paise as open_paise
    from public.cash_collections c
    where c.facility_id = any ((select app.reporting_facilities())::uuid[])
      and c.allocated_paise + c.receivable_reversed_paise < c.commission_paise + c.commission_gst_paise
      and c.correction_entry_id is null
    union all
    select r.facility_id, (r.refunded_at at time zone 'Asia/Kolkata')::date,
           r.recovery_paise - r.allocated_paise
    from public.payment_refunds r
    where r.facility_id = any ((select app.reporting_facilities())::uuid[])
      and r.allocated_paise < r.recovery_paise and r.correction_entry_id is null
  ), aged as (
    select i.facility_id, i.item_on, i.open_paise,
           coalesce(p_as_of, app.ist_today()) - i.item_on as age_days
    from items i
  )
  select a.facility_id,
         coalesce(sum(a.open_paise) filter (where a.age_days <= 30), 0)::bigint,
         coalesce(sum(a.open_paise) filter (where a.age_days between 31 and 60), 0)::bigint,
         coalesce(sum(a.open_paise) filter (where a.age_days between 61 and 90), 0)::bigint,
         coalesce(sum(a.open_paise) filter (where a.age_days >= 91), 0)::bigint,
         sum(a.open_paise)::bigint,
         count(*)::bigint,
         min(a.item_on)
  from aged a
  where a.age_days >= 0
  group by a.facility_id
  order by a.facility_id
$$;
revoke all on function app.pending_commission_aging(date) from public;
grant execute on function app.pending_commission_aging(date) to careledger_app, careledger_patient;
comment on function app.pending_commission_aging(date) is
  'Open receivable-side amounts (cash commission + GST, refund recoveries) per facility in buckets of 0-30, 31-60, 61-90 and 91+ IST calendar days as of a date (default today in IST); caller''s rights.';

-- ----------------------------------------------------------------------------
-- The money events of every facility as rows (facility, IST day, figures): a
-- plain view the materialized views aggregate. Caller's rights and no grant
-- to the app role: only the definer role (at refresh) reads it.
-- ----------------------------------------------------------------------------

-- ----------------------------------------------------------------------------
-- The views that may be refreshed, in the order a full refresh takes them.
-- ----------------------------------------------------------------------------
create or replace function app.reporting_view_names() returns text[]
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
  select array['facility_daily_revenue', 'pending_commission', 'patient_lifetime_value', 'category_revenue']
$$;
revoke all on function app.reporting_view_names() from public;
grant execute on function app.reporting_view_names() to careledger_app, careledger_definer, careledger_patient;
comment on function app.reporting_view_names() is 'Names of the reporting materialized views (app.mv_<name>), in refresh order.';

-- ----------------------------------------------------------------------------
-- Refresh one view. Definer rights of the views' owner. The lock is
-- transaction-scoped: it is released at the caller's commit or rollback, and
-- a refresh of the same view in another transaction meanwhile is skipped
-- rather than queued behind it. CONCURRENTLY: readers see the previous
-- contents until commit, never wait.
-- ----------------------------------------------------------------------------
create or replace function app.refresh_reporting_view(p_view text)
returns table (view_name text, skipped boolean, rows_count bigint, started_at timestamptz, finished_at timestamptz)
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user uuid := app.current_user_id();
  v_started timestamptz := clock_timestamp();
  v_rows bigint;
begin
  if not (v_user is not distinct from '00000000-0000-4000-8000-000000000002'::uuid
          or app.current_user_role() is not distinct from 'super_admin') then
    raise exception 'only the super admin or the report-refresh principal refreshes reports'
      using errcode = 'insufficient_privilege';
  end if;
  if p_view is null or not (p_view = any (app.reporting_view_names())) then
    raise exception 'reporting view % does not exist (known: %)', coalesce(p_view, 'none'),
      array_to_string(app.reporting_view_names(), ', ') using errcode = 'no_data_found';
  end if;

  if not pg_try_advisory_xact_lock(hashtext('app.refresh_reporting_view'), hashtext(p_view)) then
    insert into public.reporting_refresh_log (view_name, started_at, finished_at, rows_count, refreshed_by, skipped)
    values (p_view, v_started, clock_timestamp(), null, v_user, true);
    return query select p_view, true, null::bigint, v_started, clock_timestamp();
    return;
  end if;

  execute format('refresh materialized view concurrently app.%I', 'mv_' || p_view);
  execute format('select count(*) from app.%I', 'mv_' || p_view) into v_rows;

  insert into public.reporting_refresh_log (view_name, started_at, finished_at, rows_count, refreshed_by, skipped)
  values (p_view, v_started, clock_timestamp(), v_rows, v_user, false);
  return query select p_view, false, v_rows, v_started, clock_timestamp();
end
$$;
revoke all on function app.refresh_reporting_view(text) from public;
grant execute on function app.refresh_reporting_view(text) to careledger_app, careledger_patient;
alter function app.refresh_reporting_view(text) owner to careledger_definer;
comment on function app.refresh_reporting_view(text) is
  'Refreshes one reporting materialized view CONCURRENTLY, or skips it when another refresh of it holds its advisory lock; logs either. Super admin or the report-refresh principal.';

-- Every view, one after the other, in one transaction.
create or replace function app.refresh_reporting_views()
returns table (view_name text, skipped boolean, rows_count bigint, started_at timestamptz, finished_at timestamptz)
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select r.* from unnest(app.reporting_view_names()) with ordinality v(name, n)
  cross join lateral app.refresh_reporting_view(v.name) r
  order by v.n
$$;
revoke all on function app.refresh_reporting_views() from public;
grant execute on function app.refresh_reporting_views() to careledger_app, careledger_patient;
alter function app.refresh_reporting_views() owner to careledger_definer;
comment on function app.refresh_reporting_views() is 'app.refresh_reporting_view for every reporting view, in order.';

-- ----------------------------------------------------------------------------
-- The wrappers: what the app reads, filtered by the request context.
-- ----------------------------------------------------------------------------
create or replace function app.report_facility_daily_revenue(p_from date, p_to date)
returns table (facility_id uuid, day date, billed_paise bigint, online_paise bigint, online_refunded_paise bigint,
               cash_paise bigint, cash_refunded_paise bigint, revenue_paise bigint,
               commission_online_paise bigint, commission_cash_paise bigint)
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select m.facility_id, m.day, m.billed_paise, m.online_paise, m.online_refunded_paise, m.cash_paise,
         m.cash_refunded_paise, m.revenue_paise, m.commission_online_paise, m.commission_cash_paise
  from app.mv_facility_daily_revenue m
  where m.facility_id = any (app.reporting_facilities())
    and (p_from is null or m.day >= p_from) and (p_to is null or m.day <= p_to)
  order by m.facility_id, m.day
$$;
revoke all on function app.report_facility_daily_revenue(date, date) from public;
grant execute on function app.report_facility_daily_revenue(date, date) to careledger_app, careledger_patient;
alter function app.report_facility_daily_revenue(date, date) owner to careledger_definer;
comment on function app.report_facility_daily_revenue(date, date) is
  'Daily revenue per facility (IST days from..to, either open) from app.mv_facility_daily_revenue, for the facilities the caller may report on.';

create or replace function app.report_pending_commission()
returns table (facility_id uuid, facility_name text, pending_cash_paise bigint, pending_online_paise bigint,
               pending_paise bigint, open_items bigint, oldest_item_on date)
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select m.facility_id, f.name, m.pending_cash_paise, m.pending_online_paise, m.pending_paise, m.open_items,
         m.oldest_item_on
  from app.mv_pending_commission m
  join public.facilities f on f.id = m.facility_id
  where m.facility_id = any (app.reporting_facilities())
  order by m.pending_paise desc, f.name
$$;
revoke all on function app.report_pending_commission() from public;
grant execute on function app.report_pending_commission() to careledger_app, careledger_patient;
alter function app.report_pending_commission() owner to careledger_definer;
comment on function app.report_pending_commission() is
  'Pending commission per facility (cash, online, total, open items, oldest) from app.mv_pending_commission, for the facilities the caller may report on, largest first.';

create or replace function app.report_patient_lifetime_value(p_facility uuid default null, p_limit integer default 100)
returns table (facility_id uuid, patient_id uuid, full_name text, bills_count bigint, billed_paise bigint,
               paid_online_paise bigint, paid_cash_paise bigint, lifetime_value_paise bigint,
               first_seen_on date, last_seen_on date)
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select m.facility_id, m.patient_id, p.full_name, m.bills_count, m.billed_paise, m.paid_online_paise,
         m.paid_cash_paise, m.lifetime_value_paise, m.first_seen_on, m.last_seen_on
  from app.mv_patient_lifetime_value m
  join public.patients p on p.facility_id = m.facility_id and p.id = m.patient_id
  where m.facility_id = any (app.reporting_facilities())
    and (p_facility is null or m.facility_id = p_facility)
  order by m.lifetime_value_paise desc, m.patient_id
  limit greatest(coalesce(p_limit, 100), 0)
$$;
revoke all on function app.report_patient_lifetime_value(uuid, integer) from public;
grant execute on function app.report_patient_lifetime_value(uuid, integer) to careledger_app, careledger_patient;
alter function app.report_patient_lifetime_value(uuid, integer) owner to careledger_definer;
comment on function app.report_patient_lifetime_value(uuid, integer) is
  'Patients by lifetime value (paid online + cash less refunds) from app.mv_patient_lifetime_value, of one facility or all the caller may report on, highest first.';

create or replace function app.report_category_revenue(p_from date, p_to date)
returns table (category facility_type, month date, facilities_count bigint, billed_paise bigint, online_paise bigint,
               cash_paise bigint, revenue_paise bigint, commission_paise bigint)
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select m.category, m.month, count(distinct m.facility_id)::bigint, sum(m.billed_paise)::bigint,
         sum(m.online_paise)::bigint, sum(m.cash_paise)::bigint, sum(m.revenue_paise)::bigint,
         sum(m.commission_paise)::bigint
  from app.mv_category_revenue m
  where m.facility_id = any (app.reporting_facilities())
    and (p_from is null or m.month >= date_trunc('month', p_from)::date)
    and (p_to is null or m.month <= p_to)
  group by m.category, m.month
  order by m.month, m.category
$$;
revoke all on function app.report_category_revenue(date, date) from public;
grant execute on function app.report_category_revenue(date, date) to careledger_app, careledger_patient;
alter function app.report_category_revenue(date, date) owner to careledger_definer;
comment on function app.report_category_revenue(date, date) is
  'Revenue per facility category and IST month (months touching from..to) from app.mv_category_revenue, summed over the facilities the caller may report on.';

-- How fresh each view is: its last refresh that ran, and its last attempt.
create or replace function app.report_refresh_freshness()
returns table (view_name text, refreshed_at timestamptz, rows_count bigint, refreshed_by uuid,
               last_attempt_at timestamptz, last_attempt_skipped boolean)
language sql stable
set search_path = pg_catalog, public, pg_temp
as $$
  select v.name, r.finished_at, r.rows_count, r.refreshed_by, a.finished_at, a.skipped
  from unnest(app.reporting_view_names()) with ordinality v(name, n)
  left join lateral (select l.* from public.reporting_refresh_log l
                     where l.view_name = v.name and not l.skipped
                     order by l.finished_at desc, l.id desc limit 1) r on true
  left join lateral (select l.* from public.reporting_refresh_log l
                     where l.view_name = v.name
                     order by l.finished_at desc, l.id desc limit 1) a on true
  order by v.n
$$;
revoke all on function app.report_refresh_freshness() from public;
grant execute on function app.report_refresh_freshness() to careledger_app, careledger_patient;
comment on function app.report_refresh_freshness() is
  'Per reporting view: when its last refresh finished, with how many rows and by whom, and its last attempt (skipped or not). Caller''s rights: nothing for those who read no reports.';

-- ----------------------------------------------------------------------------
-- The health-card analytics show no group of fewer than k patients, and no
-- total from which one could be worked out (docs/reporting.md, "Small
-- groups"). k, in one place:
-- ----------------------------------------------------------------------------
create or replace function app.analytics_k() returns integer
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
  select 5
$$;
revoke all on function app.analytics_k() from public;
grant execute on function app.analytics_k() to careledger_definer;
comment on function app.analytics_k() is
  'k of the health-card analytics: no group of fewer than k patients is shown, nor one a shown total would reveal by subtraction.';

-- A number the analytics may let a reader work out: none, or at least k.
-- A negative difference (people counted at two facilities) is a group too.
create or replace function app.analytics_group_safe(p_count bigint) returns boolean
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
  select p_count = 0 or abs(p_count) >= app.analytics_k()
$$;
revoke all on function app.analytics_group_safe(bigint) from public;
grant execute on function app.analytics_group_safe(bigint) to careledger_definer;
comment on function app.analytics_group_safe(bigint) is
  'Whether a count the health-card analytics show, or one a reader could work out from them, is 0 or at least k (in size).';

-- ----------------------------------------------------------------------------
-- The counting, shared by the three report functions: for each value, the
-- cards of the caller's facilities' patients with a current, active clinical
-- entry of kind p_kind whose code is that value (an allergy's substance, a
-- condition's ICD-10 code, an insurer or scheme; superseded, withdrawn and
-- "none known" entries count for nothing). With no values given, the values
-- present on those cards are counted. One row per facility and value
-- (scope 'facility') and per category and value (scope 'category'), with the
-- cohort (patients with a card) beside it.
--
-- Small groups disappear, row and all; what is left reveals none:
--   - a facility's row is shown only when at least k of its cohort have the
--     value and at least k do not (the cohort is a total: cohort − patients
--     would otherwise count a small group without it);
--   - a category's row likewise, and only when what subtracting its shown
--     facilities' rows leaves — patients with the value, and without it — is
--     none or at least k (else the category row minus the shown facilities
--     would be the hidden facilities' small group; a negative rest is people
--     counted at two facilities, a group as well).
-- Each value's rows depend on that value's counts alone, so a list of values
-- only picks rows of the answer to no list: a value whose rows are hidden
-- answers nothing, whether it is on no card or on fewer than k, and no list
-- tells presence below k.
-- ----------------------------------------------------------------------------
create or replace function app.health_card_prevalence(p_kind clinical_entry_kind, p_values text[])
returns table (scope text, facility_id uuid, category facility_type, item text,
               patients bigint, patients_shown text, cohort bigint, cohort_shown text)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_facilities uuid[] := app.reporting_facilities();
  v_values text[] := p_values;
begin
  if p_kind is null or p_kind not in ('allergy', 'condition', 'insurance') then
    raise exception 'no health-card analytics over % entries', coalesce(p_kind::text, 'unnamed') using errcode = 'invalid_parameter_value';
  end if;
  if cardinality(v_facilities) = 0 then
    return;
  end if;

  if v_values is null then
    select array(select distinct e.code
                 from public.patients p
                 join public.clinical_entries e on e.card_id = p.card_id
                 where p.facility_id = any (v_facilities) and e.kind = p_kind and e.code is not null
                   and not e.none_known and e.status = 'active'
                   and not exists (select 1 from public.clinical_entries s where s.supersedes = e.id)
                 order by 1)
    into v_values;
  end if;

  return query
    with cohort as (
      select p.facility_id, f.type as category, p.card_id
      from public.patients p join public.facilities f on f.id = p.facility_id
      where p.facility_id = any (v_facilities) and p.card_id is not null
    ), items as (
      select distinct v.item from unnest(v_values) v(item) where v.item is not null
    ), matches as (
      select v.item, e.card_id from items v
      join public.clinical_entries e on e.kind = p_kind and e.code = v.item
      where not e.none_known and e.status = 'active'
        and not exists (select 1 from public.clinical_entries s where s.supersedes = e.id)
    ), hits as (
      select distinct c.facility_id, c.category, m.item, c.card_id
      from cohort c join matches m on m.card_id = c.card_id
    ), facilities as (
      select c.facility_id, c.category, count(distinct c.card_id) as cohort_n from cohort c group by 1, 2
    ), categories as (
      select c.category, count(distinct c.card_id) as cohort_n from cohort c group by 1
    ), per_facility as (
      select f.facility_id, f.category, i.item, count(distinct h.card_id) as n, f.cohort_n,
             count(distinct h.card_id) >= app.analytics_k()
             and f.cohort_n - count(distinct h.card_id) >= app.analytics_k() as shown
      from facilities f cross join items i
      left join hits h on h.facility_id = f.facility_id and h.item = i.item
      group by f.facility_id, f.category, i.item, f.cohort_n
    ), per_category as (
      select g.category, i.item, count(distinct h.card_id) as n, g.cohort_n
      from categories g cross join items i
      left join hits h on h.category = g.category and h.item = i.item
      group by g.category, i.item, g.cohort_n
    ), category_rest as (
      -- what a reader gets by subtracting the category's shown facility rows from its row
      select g.category, g.item, g.n, g.cohort_n,
             g.n - coalesce(sum(x.n) filter (where x.shown), 0)::bigint as rest_with,
             (g.cohort_n - g.n) - coalesce(sum(x.cohort_n - x.n) filter (where x.shown), 0)::bigint as rest_without
      from per_category g
      left join per_facility x on x.category = g.category and x.item = g.item
      group by g.category, g.item, g.n, g.cohort_n
    )
    select 'facility'::text, x.facility_id, x.category, x.item, x.n, x.n::text, x.cohort_n, x.cohort_n::text
    from per_facility x
    where x.shown
    union all
    select 'category'::text, null::uuid, x.category, x.item, x.n, x.n::text, x.cohort_n, x.cohort_n::text
    from category_rest x
    where x.n >= app.analytics_k() and x.cohort_n - x.n >= app.analytics_k()
      and app.analytics_group_safe(x.rest_with) and app.analytics_group_safe(x.rest_without)
    order by 1 desc, 3, 2, 4;
end
$$;
revoke all on function app.health_card_prevalence(clinical_entry_kind, text[]) from public;
alter function app.health_card_prevalence(clinical_entry_kind, text[]) owner to careledger_definer;
comment on function app.health_card_prevalence(clinical_entry_kind, text[]) is
  'Counting behind the health-card analytics (not callable by the app): cards of the caller''s report facilities with a current, active entry of the kind coded with each value, per facility and category; a row only when it, its complement in the cohort and what subtraction of the shown rows leaves are none or at least k patients (app.analytics_k).';

create or replace function app.report_chronic_condition_prevalence(p_codes text[] default null)
returns table (scope text, facility_id uuid, category facility_type, item text,
               patients bigint, patients_shown text, cohort bigint, cohort_shown text)
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select * from app.health_card_prevalence('condition', p_codes)
$$;
alter function app.report_chronic_condition_prevalence(text[]) owner to careledger_definer;
comment on function app.report_chronic_condition_prevalence(text[]) is
  'Patients with each chronic condition (ICD-10 code; all present when null) per facility and per category the caller may report on, from the current clinical entries; only groups of at least k patients (app.analytics_k) whose complements are at least k too: smaller ones are absent, listed or not.';

create or replace function app.report_allergy_prevalence(p_substances text[] default null)
returns table (scope text, facility_id uuid, category facility_type, item text,
               patients bigint, patients_shown text, cohort bigint, cohort_shown text)
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select * from app.health_card_prevalence('allergy', p_substances)
$$;
alter function app.report_allergy_prevalence(text[]) owner to careledger_definer;
comment on function app.report_allergy_prevalence(text[]) is
  'Patients with each allergy (substance; all present when null) per facility and per category the caller may report on, from the current clinical entries; only groups of at least k patients (app.analytics_k) whose complements are at least k too: smaller ones are absent, listed or not.';

create or replace function app.report_insurance_mix(p_insurers text[] default null)
returns table (scope text, facility_id uuid, category facility_type, item text,
               patients bigint, patients_shown text, cohort bigint, cohort_shown text)
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select * from app.health_card_prevalence('insurance', p_insurers)
$$;
revoke all on function app.report_chronic_condition_prevalence(text[]), app.report_allergy_prevalence(text[]),
                       app.report_insurance_mix(text[]) from public;
grant execute on function app.report_chronic_condition_prevalence(text[]), app.report_allergy_prevalence(text[]),
                          app.report_insurance_mix(text[]) to careledger_app, careledger_patient;
alter function app.report_insurance_mix(text[]) owner to careledger_definer;
comment on function app.report_insurance_mix(text[]) is
  'Patients with each insurer or scheme (all present when null) per facility and per category the caller may report on, from the current clinical entries; only groups of at least k patients (app.analytics_k) whose complements are at least k too: smaller ones are absent, listed or not.';

do $$
declare
  f text;
begin
  foreach f in array array[
    'app.answered_facilities(uuid)', 'app.facility_account_debit_balance(uuid, ledger_account)',
    'app.commission_pending(uuid)', 'app.held_for_platform(uuid)', 'app.pending_since_last_settlement(uuid)'] loop
    execute format('revoke all on function %s from public', f);
    execute format('grant execute on function %s to careledger_app, careledger_definer, careledger_patient', f);
  end loop;
end
$$;
