-- ============================================================================
-- Refresh-free reconciliation (issue 4 item 11): for each facility and
-- account, the ledger balance beside the same figure computed from the
-- source rows — payments, gateway batches, cash collections, refunds and
-- settlement allocations — and the difference, which is always 0.
--
-- Balances are debit − credit (a credit-normal account is negative). From the
-- source rows, per facility F (gateway G for gateway_clearing):
--   gateway_clearing[G]    Σ captures no batch covered (A − g − gg) − Σ refunds no batch covered R
--   facility_payable       −(Σ payments (n − refund_payable − settled) + Σ cash refunds (payable − settled))
--   facility_receivable    Σ collections (c + cg − receivable_reversed − settled) + Σ payment refunds (recovery − settled)
--   platform_bank          Σ batch parts S_F + Σ receivable-side settled − Σ payable-side settled − Σ TDS
--   tds_receivable         Σ TDS of paid settlements
--   platform_fee_income    −Σ (p − p_reversed)
--   cash_commission_income −Σ (c − c_reversed)
--   fee_recovery_income    −Σ (g_recovered + gg_recovered)
--   gateway_fee_expense    Σ g
--   gst_input              Σ gg
--   gst_output             −(Σ (pg − pg_reversed) + Σ (cg − cg_reversed))
-- With the caller's rights: row-level security decides what is compared.
-- ============================================================================

create function app.reconciliation(p_facility uuid default null)
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
          union all
          select r.facility_id, r.gateway, -r.amount_paise
          from public.payment_refunds r
          where r.facility_id in (select id from f) and r.gateway_settlement_id is null) i
    group by i.facility_id, i.gateway
    union all
    select x.facility_id, 'facility_payable', null, -sum(x.amount)::bigint
    from (select p.facility_id, p.net_settlement_paise - p.refund_payable_paise - p.settled_paise as amount
          from public.payments p where p.facility_id in (select id from f) and p.captured_at is not null
          union all
          select r.facility_id, r.payable_paise - r.settled_paise from public.cash_refunds r where r.facility_id in (select id from f)) x
    group by x.facility_id
    union all
    select x.facility_id, 'facility_receivable', null, sum(x.amount)::bigint
    from (select c.facility_id, c.commission_paise + c.commission_gst_paise - c.receivable_reversed_paise - c.settled_paise as amount
          from public.cash_collections c where c.facility_id in (select id from f)
          union all
          select r.facility_id, r.recovery_paise - r.settled_paise from public.payment_refunds r where r.facility_id in (select id from f)) x
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
    where p.facility_id in (select id from f) and p.captured_at is not null
    group by p.facility_id, a.account
    union all
    select c.facility_id, a.account, null,
           sum(case a.account
                 when 'cash_commission_income' then -(c.commission_paise - c.commission_reversed_paise)
                 else -(c.commission_gst_paise - c.commission_gst_reversed_paise) end)::bigint
    from public.cash_collections c
    cross join (values ('cash_commission_income'::ledger_account), ('gst_output')) a(account)
    where c.facility_id in (select id from f)
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
grant execute on function app.reconciliation(uuid) to careledger_app, careledger_definer;
