-- ============================================================================
-- Reconciliation views (issue 5, first part): per facility, read with the
-- caller's rights, so row-level security decides what is summed.
--
--   app.reporting_facilities()      the facilities whose reports the caller
--                                   may read
--   reporting_facility_summary      billed, collected online and in cash,
--                                   commission earned and pending, per facility
--   reporting_platform_summary      the same summed over every facility the
--                                   caller may read (the super admin: all)
--   app.pending_commission_aging    open receivable-side items by age, in IST
--                                   calendar days as of a date passed in
--
-- Every figure is integer paise. Definitions (docs/ledger.md, "Reporting"):
--   billed               Σ total of bills issued, partially paid or paid
--                        (drafts and cancelled bills are not billed)
--   collected online     Σ captured payments − Σ their refunds
--   collected in cash    Σ cash collections − Σ cash refunds
--   commission online    Σ (platform fee − gateway fee) of captures − Σ platform
--                        fee reversed by refunds (GST is not income; fee
--                        recoveries stay in the ledger's fee_recovery_income)
--   commission cash      Σ commission − Σ commission reversed (GST apart)
--   pending cash         balance of facility_receivable[F] (commission + GST
--                        and recoveries the facility has not paid yet)
--   pending online       the margin (platform fee − reversed − gateway fee) of
--                        captures the gateway has not settled yet
--                        (payments.gateway_settlement_id is null)
-- ============================================================================

-- ----------------------------------------------------------------------------
-- Who reads reports: the super admin (every facility, or the one entered),
-- facility admins (their own), and staff holding reports.view (their own).
-- Patients, system principals and other staff read none.
-- ----------------------------------------------------------------------------
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
grant execute on function app.reporting_facilities() to careledger_app;
alter function app.reporting_facilities() owner to careledger_definer;
comment on function app.reporting_facilities() is
  'Facilities whose reports the caller may read: all (or the entered one) for the super admin, the own facility for its admins and for staff with reports.view, none otherwise.';

-- ----------------------------------------------------------------------------
-- The summary per facility. Caller's rights: bills, payments, collections and
-- journal lines are read under their own policies, and the facility filter
-- keeps a patient (who sees their own bills) and staff without reports.view
-- out altogether.
-- ----------------------------------------------------------------------------
create view reporting_facility_summary with (security_invoker = true) as
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
  where x.facility_id = f.id and x.captured_at is not null) p
cross join lateral (
  select coalesce(sum(x.amount_collected_paise), 0)::bigint     as collected_paise,
         coalesce(sum(x.refunded_paise), 0)::bigint             as refunded_paise,
         coalesce(sum(x.commission_paise), 0)::bigint           as commission_paise,
         coalesce(sum(x.commission_reversed_paise), 0)::bigint  as commission_reversed_paise
  from public.cash_collections x
  where x.facility_id = f.id) c
cross join lateral (
  select app.account_balance(f.id, 'facility_receivable') as receivable_paise) r
where f.id = any ((select app.reporting_facilities())::uuid[]);

grant select on reporting_facility_summary to careledger_app;
comment on view reporting_facility_summary is
  'Per facility the caller may report on: billed (issued bills), collected online and in cash (less refunds), commission earned (online margin and cash commission, less reversals) and pending (facility_receivable balance + margin on captures the gateway has not settled). Caller''s rights.';

create view reporting_platform_summary with (security_invoker = true) as
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

grant select on reporting_platform_summary to careledger_app;
comment on view reporting_platform_summary is
  'reporting_facility_summary summed over every facility the caller may report on: the platform for the super admin.';

-- ----------------------------------------------------------------------------
-- Aging of pending commission. The open receivable-side items (V0061):
--   cash collections  commission + GST − receivable_reversed − allocated, aged
--                     from the IST date of collected_at
--   payment refunds   recovery − allocated, aged from the IST date of refunded_at
-- An item's age is p_as_of minus its date in calendar days; buckets 0–30,
-- 31–60, 61–90, 91+. Items dated after p_as_of are left out (they did not
-- exist yet); the open amount is today's. Caller's rights, facilities as above.
-- ----------------------------------------------------------------------------
create function app.pending_commission_aging(p_as_of date default null)
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
    union all
    select r.facility_id, (r.refunded_at at time zone 'Asia/Kolkata')::date,
           r.recovery_paise - r.allocated_paise
    from public.payment_refunds r
    where r.facility_id = any ((select app.reporting_facilities())::uuid[])
      and r.allocated_paise < r.recovery_paise
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
grant execute on function app.pending_commission_aging(date) to careledger_app;
comment on function app.pending_commission_aging(date) is
  'Open receivable-side amounts (cash commission + GST, refund recoveries) per facility in buckets of 0-30, 31-60, 61-90 and 91+ IST calendar days as of a date (default today in IST); caller''s rights.';
