-- ============================================================================
-- Materialized views for dashboards, their wrappers and their refresh
-- (issue 5, first part).
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

-- ----------------------------------------------------------------------------
-- The money events of every facility as rows (facility, IST day, figures): a
-- plain view the materialized views aggregate. Caller's rights and no grant
-- to the app role: only the definer role (at refresh) reads it.
-- ----------------------------------------------------------------------------
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

-- Built by the definer role, which then owns them: they are populated with
-- every tenant's rows (the migration owner is under forced row-level security
-- and would see none).
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
              app.mv_category_revenue from public, careledger_app;

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

grant select on reporting_refresh_log to careledger_app;
grant select, insert on reporting_refresh_log to careledger_definer;
create policy "Report readers see when reports were refreshed" on reporting_refresh_log
  for select using ((select app.current_user_role()) = 'super_admin'
                    or cardinality((select app.reporting_facilities())) > 0);

create trigger reporting_refresh_log_is_append_only
  before update or delete on reporting_refresh_log
  for each row execute function app.refuse_change();

-- ----------------------------------------------------------------------------
-- The views that may be refreshed, in the order a full refresh takes them.
-- ----------------------------------------------------------------------------
create function app.reporting_view_names() returns text[]
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
  select array['facility_daily_revenue', 'pending_commission', 'patient_lifetime_value', 'category_revenue']
$$;
revoke all on function app.reporting_view_names() from public;
grant execute on function app.reporting_view_names() to careledger_app, careledger_definer;
comment on function app.reporting_view_names() is 'Names of the reporting materialized views (app.mv_<name>), in refresh order.';

-- ----------------------------------------------------------------------------
-- Refresh one view. Definer rights of the views' owner. The lock is
-- transaction-scoped: it is released at the caller's commit or rollback, and
-- a refresh of the same view in another transaction meanwhile is skipped
-- rather than queued behind it. CONCURRENTLY: readers see the previous
-- contents until commit, never wait.
-- ----------------------------------------------------------------------------
create function app.refresh_reporting_view(p_view text)
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
grant execute on function app.refresh_reporting_view(text) to careledger_app;
alter function app.refresh_reporting_view(text) owner to careledger_definer;
comment on function app.refresh_reporting_view(text) is
  'Refreshes one reporting materialized view CONCURRENTLY, or skips it when another refresh of it holds its advisory lock; logs either. Super admin or the report-refresh principal.';

-- Every view, one after the other, in one transaction.
create function app.refresh_reporting_views()
returns table (view_name text, skipped boolean, rows_count bigint, started_at timestamptz, finished_at timestamptz)
language sql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select r.* from unnest(app.reporting_view_names()) with ordinality v(name, n)
  cross join lateral app.refresh_reporting_view(v.name) r
  order by v.n
$$;
revoke all on function app.refresh_reporting_views() from public;
grant execute on function app.refresh_reporting_views() to careledger_app;
alter function app.refresh_reporting_views() owner to careledger_definer;
comment on function app.refresh_reporting_views() is 'app.refresh_reporting_view for every reporting view, in order.';

-- ----------------------------------------------------------------------------
-- The wrappers: what the app reads, filtered by the request context.
-- ----------------------------------------------------------------------------
create function app.report_facility_daily_revenue(p_from date, p_to date)
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
grant execute on function app.report_facility_daily_revenue(date, date) to careledger_app;
alter function app.report_facility_daily_revenue(date, date) owner to careledger_definer;
comment on function app.report_facility_daily_revenue(date, date) is
  'Daily revenue per facility (IST days from..to, either open) from app.mv_facility_daily_revenue, for the facilities the caller may report on.';

create function app.report_pending_commission()
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
grant execute on function app.report_pending_commission() to careledger_app;
alter function app.report_pending_commission() owner to careledger_definer;
comment on function app.report_pending_commission() is
  'Pending commission per facility (cash, online, total, open items, oldest) from app.mv_pending_commission, for the facilities the caller may report on, largest first.';

create function app.report_patient_lifetime_value(p_facility uuid default null, p_limit integer default 100)
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
grant execute on function app.report_patient_lifetime_value(uuid, integer) to careledger_app;
alter function app.report_patient_lifetime_value(uuid, integer) owner to careledger_definer;
comment on function app.report_patient_lifetime_value(uuid, integer) is
  'Patients by lifetime value (paid online + cash less refunds) from app.mv_patient_lifetime_value, of one facility or all the caller may report on, highest first.';

create function app.report_category_revenue(p_from date, p_to date)
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
grant execute on function app.report_category_revenue(date, date) to careledger_app;
alter function app.report_category_revenue(date, date) owner to careledger_definer;
comment on function app.report_category_revenue(date, date) is
  'Revenue per facility category and IST month (months touching from..to) from app.mv_category_revenue, summed over the facilities the caller may report on.';

-- How fresh each view is: its last refresh that ran, and its last attempt.
create function app.report_refresh_freshness()
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
grant execute on function app.report_refresh_freshness() to careledger_app;
comment on function app.report_refresh_freshness() is
  'Per reporting view: when its last refresh finished, with how many rows and by whom, and its last attempt (skipped or not). Caller''s rights: nothing for those who read no reports.';
