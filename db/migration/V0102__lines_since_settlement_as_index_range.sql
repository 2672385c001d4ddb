-- ============================================================================
-- The lines since the last paid settlement are an index range under RLS.
--
-- app.pending_since_last_settlement (V0080) picked them with
--   (s.paid_at is null or l.posted_at > s.paid_at)
-- An OR is no index condition, so the read went through every line of the
-- facility in journal_lines_facility_posted_idx and filtered them. Written as
-- l.posted_at > coalesce(s.paid_at, '-infinity') it is one for the BYPASSRLS
-- role, but still not for the app role: PostgreSQL 16 counts a COALESCE as
-- possibly leaky, and under a row security policy only leakproof conditions
-- may run before the policy's, inside the index scan.
--
-- So the bound is computed where the last settlement is found, and the lines
-- are compared with it plainly (posted_at is not null). The answer is the
-- same; only the read changes.
-- ============================================================================

create or replace function app.pending_since_last_settlement(p_facility uuid default null)
returns table (facility_id uuid, last_settlement_paid_at timestamptz, change_since_paise bigint, open_net_paise bigint)
language sql stable
set search_path = pg_catalog, public, pg_temp
as $$
  select f.id, s.paid_at,
         (select coalesce(sum(l.credit_paise - l.debit_paise), 0)::bigint
          from public.journal_lines l
          where l.facility_id = f.id and l.account in ('facility_payable', 'facility_receivable')
            and l.posted_at > s.since),
         app.facility_account_debit_balance(f.id, 'facility_receivable') * -1
           - app.facility_account_debit_balance(f.id, 'facility_payable')
  from app.answered_facilities(p_facility) f(id)
  cross join lateral (
    select max(e.posted_at) as paid_at, coalesce(max(e.posted_at), '-infinity') as since
    from public.journal_entries e
    where e.facility_id = f.id and e.event_kind = 'settlement_paid') s
  order by f.id
$$;
