-- ============================================================================
-- One context call per table in the billing staff's policies
-- (docs/benchmarks.md, "RLS cost").
--
-- The select policies V0095 gave billing staff read
--   facility_id = any(visible_facilities()) and (has_permission('billing.manage') or has_permission('cash.collect'))
-- which is three init plans, three calls of the request context, for every
-- statement that reads one of these tables. app.facilities_permitting(...)
-- answers the same in one call: the visible facilities if the context holds
-- any of the permissions named, none otherwise. Who sees which rows does not
-- change.
-- ============================================================================

create function app.facilities_permitting(p_any_of text[]) returns uuid[]
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  r app.request_contexts;
  v_permission text;
begin
  select * into r from app.this_transaction_context;
  if r.backend_pid is null then
    -- no kept row: the same answer through the signature-checked helpers
    if cardinality(app.visible_facilities()) = 0 then
      return '{}'::uuid[];
    end if;
    foreach v_permission in array coalesce(p_any_of, '{}'::text[]) loop
      if app.has_permission(v_permission) then
        return app.visible_facilities();
      end if;
    end loop;
    return '{}'::uuid[];
  end if;
  if r.visible is not null and cardinality(r.visible) = 0 then
    return '{}'::uuid[];
  end if;
  foreach v_permission in array coalesce(p_any_of, '{}'::text[]) loop
    if app.kept_context_permits(r.role, r.permissions, v_permission) then
      return coalesce(r.visible, (select array_agg(f.id) from public.facilities f), '{}'::uuid[]);
    end if;
  end loop;
  return '{}'::uuid[];
end
$$;
revoke all on function app.facilities_permitting(text[]) from public;
grant execute on function app.facilities_permitting(text[]) to careledger_app, careledger_patient;
alter function app.facilities_permitting(text[]) owner to careledger_definer;
comment on function app.facilities_permitting(text[]) is
  'The facilities visible to the request context if it holds any of the permissions named; none otherwise. One call per statement in a policy.';

drop policy "Bills are visible to billing staff" on bills;
create policy "Bills are visible to billing staff" on bills
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.facilities_permitting('{billing.manage,cash.collect}'))::uuid[]));

drop policy "Bill lines are visible to billing staff" on bill_items;
create policy "Bill lines are visible to billing staff" on bill_items
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.facilities_permitting('{billing.manage,cash.collect}'))::uuid[]));

drop policy "Payments are visible to billing staff" on payments;
create policy "Payments are visible to billing staff" on payments
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.facilities_permitting('{billing.manage,cash.collect}'))::uuid[]));

drop policy "Cash collections are visible to billing staff" on cash_collections;
create policy "Cash collections are visible to billing staff" on cash_collections
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.facilities_permitting('{billing.manage,cash.collect}'))::uuid[]));

drop policy "Payment refunds are visible to billing staff" on payment_refunds;
create policy "Payment refunds are visible to billing staff" on payment_refunds
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.facilities_permitting('{billing.manage,cash.collect}'))::uuid[]));

drop policy "Cash refunds are visible to billing staff" on cash_refunds;
create policy "Cash refunds are visible to billing staff" on cash_refunds
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.facilities_permitting('{billing.manage,cash.collect}'))::uuid[]));

drop policy "Receipts are visible to billing staff" on receipts;
create policy "Receipts are visible to billing staff" on receipts
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.facilities_permitting('{billing.manage,cash.collect}'))::uuid[]));
