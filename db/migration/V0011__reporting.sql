-- ============================================================================
-- Reporting: the owner's questions, reconciliation, reporting views.
--
-- Types, tables, indexes, partitions, grants and policies of this area, as
-- they stand; functions, trigger functions and views are in R__0011_reporting.sql,
-- but for the few a policy, check constraint or materialized view here names.
-- ============================================================================

-- ============================================================================
-- The owner's three questions (docs/ledger.md), per facility, as functions
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

-- ============================================================================
-- Materialized views for dashboards, their wrappers and their refresh

--
--   app.mv_facility_daily_revenue   per facility and IST day: billed, online,
--                                   cash, refunds, commission
--   app.mv_pending_commission       per facility: pending commission now
--   app.mv_patient_lifetime_value   per facility patient: billed and paid
--   app.mv_category_revenue         per facility and IST month, with its
--                                   category (the wrapper sums by category)
--
-- A materialized view has no row-level security, so the app role holds no
-- privilege on any of them. They belong to careledger_definer (only an MV's
-- owner may refresh it, and the definer role reads every tenant's rows, as
-- the refresh must); the app reads them only through the app.report_*
-- SECURITY DEFINER functions below, which filter by app.reporting_facilities().
--
-- Refresh: app.refresh_reporting_view(name) (the super admin, or the
-- report-refresh system principal) refreshes CONCURRENTLY, so readers are
-- never blocked, under a per-view advisory lock taken with try: a second
-- refresh of the same view while one runs is skipped, and the skip recorded in
-- reporting_refresh_log with the runs.
-- ============================================================================

create view app.reporting_revenue_events with (security_invoker = true) as
select b.facility_id, b.patient_id, b.issued_on as day,
       b.total_paise as billed_paise, 0::bigint as online_paise, 0::bigint as online_refunded_paise,
       0::bigint as cash_paise, 0::bigint as cash_refunded_paise,
       0::bigint as commission_online_paise, 0::bigint as commission_cash_paise
from public.bills b
where b.status in ('issued', 'partially_paid', 'paid')
union all
select p.facility_id, p.patient_id, (p.captured_at at time zone 'Asia/Kolkata')::date,
       0, p.amount_paise, 0, 0, 0, p.platform_fee_paise - p.gateway_fee_paise, 0
from public.payments p
where p.captured_at is not null
union all
select r.facility_id, r.patient_id, (r.refunded_at at time zone 'Asia/Kolkata')::date,
       0, 0, r.amount_paise, 0, 0, -r.platform_fee_reversed_paise, 0
from public.payment_refunds r
union all
select c.facility_id, c.patient_id, (c.collected_at at time zone 'Asia/Kolkata')::date,
       0, 0, 0, c.amount_collected_paise, 0, 0, c.commission_paise
from public.cash_collections c
union all
select r.facility_id, r.patient_id, (r.refunded_at at time zone 'Asia/Kolkata')::date,
       0, 0, 0, 0, r.amount_paise, 0, -r.commission_reversed_paise
from public.cash_refunds r;
revoke all on app.reporting_revenue_events from public;
comment on view app.reporting_revenue_events is
  'Every money event of every facility with its IST day: bills issued, captures, online refunds, cash collections, cash refunds. Read only by the materialized views (definer role).';
grant select on app.reporting_revenue_events to careledger_definer;
set local role careledger_definer;
create materialized view app.mv_facility_daily_revenue as
select e.facility_id, e.day,
       sum(e.billed_paise)::bigint            as billed_paise,
       sum(e.online_paise)::bigint            as online_paise,
       sum(e.online_refunded_paise)::bigint   as online_refunded_paise,
       sum(e.cash_paise)::bigint              as cash_paise,
       sum(e.cash_refunded_paise)::bigint     as cash_refunded_paise,
       sum(e.online_paise - e.online_refunded_paise + e.cash_paise - e.cash_refunded_paise)::bigint as revenue_paise,
       sum(e.commission_online_paise)::bigint as commission_online_paise,
       sum(e.commission_cash_paise)::bigint   as commission_cash_paise
from app.reporting_revenue_events e
group by e.facility_id, e.day;
create unique index mv_facility_daily_revenue_key on app.mv_facility_daily_revenue (facility_id, day);
comment on materialized view app.mv_facility_daily_revenue is
  'Per facility and IST day: billed (bills issued that day), online captured and refunded, cash collected and refunded, revenue (online + cash less refunds), commission earned (online margin, cash commission, less reversals). Read through app.report_facility_daily_revenue.';
create materialized view app.mv_pending_commission as
select f.id as facility_id,
       coalesce(l.receivable_paise, 0)::bigint                  as pending_cash_paise,
       coalesce(p.unsettled_margin_paise, 0)::bigint            as pending_online_paise,
       (coalesce(l.receivable_paise, 0) + coalesce(p.unsettled_margin_paise, 0))::bigint as pending_paise,
       coalesce(o.open_items, 0)::bigint                        as open_items,
       o.oldest_item_on
from public.facilities f
left join (
  select j.facility_id, sum(j.debit_paise - j.credit_paise) as receivable_paise
  from public.journal_lines j where j.account = 'facility_receivable'
  group by j.facility_id) l on l.facility_id = f.id
left join (
  select x.facility_id, sum(x.platform_fee_paise - x.platform_fee_reversed_paise - x.gateway_fee_paise) as unsettled_margin_paise
  from public.payments x where x.captured_at is not null and x.gateway_settlement_id is null
  group by x.facility_id) p on p.facility_id = f.id
left join (
  select i.facility_id, count(*) as open_items, min(i.item_on) as oldest_item_on
  from (select c.facility_id, (c.collected_at at time zone 'Asia/Kolkata')::date as item_on
        from public.cash_collections c
        where c.allocated_paise + c.receivable_reversed_paise < c.commission_paise + c.commission_gst_paise
        union all
        select r.facility_id, (r.refunded_at at time zone 'Asia/Kolkata')::date
        from public.payment_refunds r where r.allocated_paise < r.recovery_paise) i
  group by i.facility_id) o on o.facility_id = f.id;
create unique index mv_pending_commission_key on app.mv_pending_commission (facility_id);
comment on materialized view app.mv_pending_commission is
  'Per facility: pending commission, cash (facility_receivable balance) and online (margin on captures the gateway has not settled), with the count and oldest IST date of open receivable-side items. Read through app.report_pending_commission.';
create materialized view app.mv_patient_lifetime_value as
select e.facility_id, e.patient_id,
       count(*) filter (where e.billed_paise > 0)::bigint               as bills_count,
       sum(e.billed_paise)::bigint                                      as billed_paise,
       sum(e.online_paise - e.online_refunded_paise)::bigint            as paid_online_paise,
       sum(e.cash_paise - e.cash_refunded_paise)::bigint                as paid_cash_paise,
       sum(e.online_paise - e.online_refunded_paise + e.cash_paise - e.cash_refunded_paise)::bigint as lifetime_value_paise,
       min(e.day)                                                       as first_seen_on,
       max(e.day)                                                       as last_seen_on
from app.reporting_revenue_events e
group by e.facility_id, e.patient_id;
create unique index mv_patient_lifetime_value_key on app.mv_patient_lifetime_value (facility_id, patient_id);
comment on materialized view app.mv_patient_lifetime_value is
  'Per facility patient with any money event: bills issued and billed, paid online and in cash less refunds (the lifetime value), first and last IST day. Read through app.report_patient_lifetime_value.';
create materialized view app.mv_category_revenue as
select e.facility_id, f.type as category, date_trunc('month', e.day)::date as month,
       sum(e.billed_paise)::bigint                                      as billed_paise,
       sum(e.online_paise - e.online_refunded_paise)::bigint            as online_paise,
       sum(e.cash_paise - e.cash_refunded_paise)::bigint                as cash_paise,
       sum(e.online_paise - e.online_refunded_paise + e.cash_paise - e.cash_refunded_paise)::bigint as revenue_paise,
       sum(e.commission_online_paise + e.commission_cash_paise)::bigint as commission_paise
from app.reporting_revenue_events e
join public.facilities f on f.id = e.facility_id
group by e.facility_id, f.type, date_trunc('month', e.day)::date;
create unique index mv_category_revenue_key on app.mv_category_revenue (facility_id, month);
create index mv_category_revenue_category_idx on app.mv_category_revenue (category, month);
comment on materialized view app.mv_category_revenue is
  'Per facility and IST month, with the facility''s category: billed, online and cash less refunds, revenue, commission. app.report_category_revenue sums it by category over the facilities the caller may report on.';
reset role;
revoke all on app.mv_facility_daily_revenue, app.mv_pending_commission, app.mv_patient_lifetime_value,
              app.mv_category_revenue from public, careledger_app, careledger_patient;

-- ----------------------------------------------------------------------------
-- The refresh log: every run and every skip. Platform metadata without
-- tenant rows; readable by whoever reads reports (the dashboards show how
-- fresh each view is); written only by app.refresh_reporting_view.
-- ----------------------------------------------------------------------------
create table reporting_refresh_log (
  id             bigint generated always as identity primary key,
  view_name      text not null,
  started_at     timestamptz not null,
  finished_at    timestamptz not null,
  rows_count     bigint check (rows_count >= 0),
  refreshed_by   uuid not null references users (id),
  skipped        boolean not null default false,
  constraint reporting_refresh_log_times_check check (finished_at >= started_at),
  constraint reporting_refresh_log_rows_check check ((rows_count is null) = skipped)
);
create index reporting_refresh_log_view_idx on reporting_refresh_log (view_name, finished_at desc);
alter table reporting_refresh_log enable row level security;
alter table reporting_refresh_log force row level security;
comment on table reporting_refresh_log is
  'Each refresh of a reporting materialized view: when it started and finished, the rows it holds after, who ran it; skipped when another refresh of the same view was running.';
comment on column reporting_refresh_log.view_name is 'facility_daily_revenue, pending_commission, patient_lifetime_value or category_revenue.';
comment on column reporting_refresh_log.skipped is 'True when another refresh of the view held its lock: nothing was refreshed, rows_count is null.';
grant select on reporting_refresh_log to careledger_app, careledger_patient;
grant select, insert on reporting_refresh_log to careledger_definer;

create function app.reporting_facilities() returns uuid[]
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select case
    when app.current_user_role() in ('super_admin', 'facility_admin') then app.administered_facilities()
    when app.current_user_role() = 'staff' and coalesce(app.has_permission('reports.view'), false)
      then app.visible_facilities()
    else '{}'::uuid[]
  end
$$;
revoke all on function app.reporting_facilities() from public;
grant execute on function app.reporting_facilities() to careledger_app, careledger_patient;
alter function app.reporting_facilities() owner to careledger_definer;
comment on function app.reporting_facilities() is
  'Facilities whose reports the caller may read: all (or the entered one) for the super admin, the own facility for its admins and for staff with reports.view, none otherwise.';
create policy "Report readers see when reports were refreshed" on reporting_refresh_log
  for select using ((select app.current_user_role()) = 'super_admin'
                    or cardinality((select app.reporting_facilities())) > 0);
