-- ============================================================================
-- A signed-in patient's requests run as their own role, careledger_patient,
-- so the staff's plans lose the patient branch (docs/benchmarks.md, "RLS
-- cost"; docs/database.md, "Security model").
--
-- Eight select policies let staff and a patient read the same table in one
-- expression: (facility_id = any(visible) and (perm or perm)) or patient_id =
-- any(own_patient_ids()). The patient branch names patient_id, which the
-- covering and partial indexes do not hold, so a facility admin's query read
-- the heap for every row to evaluate an OR whose second half is always false
-- for staff, where a BYPASSRLS role answered from the index alone.
--
-- Now each is two policies: the staff branch TO careledger_app (and the
-- migration owner, which is subject to the policies too and runs the
-- owner-only maintenance functions with a staff context), the patient branch
-- TO careledger_patient. The portal sets the context and then, for a patient
-- only, SET LOCAL ROLE careledger_patient (core.db.RlsTransactionManager).
-- Both fail closed: a patient's context on the app role matches no staff
-- branch (a patient has no visible facility), a staff context on the patient
-- role matches no patient branch (staff have no patient records of their
-- own), and going back to the app role within a patient's transaction gives
-- the staff branch, which again matches nothing.
--
-- The patient role gets the privileges the app role holds (schemas, tables,
-- columns, sequences, functions), copied from the catalog: rows are limited by
-- the policies, and the definer functions check the caller themselves. A later
-- migration that grants something to careledger_app grants it to
-- careledger_patient too (DatabaseRolesTest holds the two equal).
--
-- Policies that do not mention patients stay TO PUBLIC and so apply to both
-- roles: those that serve staff answer nothing to a patient (no visible
-- facility, no permission), those that serve a patient (patients, users,
-- health_cards, national_ids, health_card_clinical, services, permissions,
-- ledger_accounts) answer as before.
-- ============================================================================

do $$
begin
  if not exists (select from pg_roles where rolname = 'careledger_patient') then
    raise exception 'role careledger_patient is missing: run db/setup/roles.sql as a superuser first'
      using errcode = 'object_not_in_prerequisite_state';
  end if;
  if not pg_has_role('careledger_app', 'careledger_patient', 'set')
     or pg_has_role('careledger_app', 'careledger_patient', 'usage') then
    raise exception 'careledger_app must be granted careledger_patient with set true, inherit false: run db/setup/roles.sql as a superuser first'
      using errcode = 'object_not_in_prerequisite_state';
  end if;
end
$$;

-- ----------------------------------------------------------------------------
-- The app role's privileges, granted to the patient role (never with grant
-- option). Objects of the definer role are granted through the owner's
-- membership in it; objects the migrating role cannot grant (none of the
-- schema's; a scratch schema a superuser added, say) are left alone.
-- ----------------------------------------------------------------------------
do $$
declare
  r record;
begin
  for r in
    select format('grant %s on schema %I to careledger_patient', a.privilege_type, n.nspname) as stmt
    from pg_namespace n, aclexplode(n.nspacl) a
    where a.grantee = 'careledger_app'::regrole and pg_has_role(n.nspowner, 'usage')
    union all
    select format('grant %s on %s %s to careledger_patient', a.privilege_type,
                  case when c.relkind = 'S' then 'sequence' else 'table' end, c.oid::regclass)
    from pg_class c, aclexplode(c.relacl) a
    where a.grantee = 'careledger_app'::regrole and pg_has_role(c.relowner, 'usage')
    union all
    select format('grant %s (%I) on table %s to careledger_patient', a.privilege_type, t.attname, c.oid::regclass)
    from pg_attribute t
    join pg_class c on c.oid = t.attrelid, aclexplode(t.attacl) a
    where a.grantee = 'careledger_app'::regrole and not t.attisdropped and pg_has_role(c.relowner, 'usage')
    union all
    select format('grant %s on routine %s to careledger_patient', a.privilege_type, p.oid::regprocedure)
    from pg_proc p, aclexplode(p.proacl) a
    where a.grantee = 'careledger_app'::regrole and pg_has_role(p.proowner, 'usage')
    union all
    select format('grant %s on type %s to careledger_patient', a.privilege_type, t.oid::regtype)
    from pg_type t, aclexplode(t.typacl) a
    where a.grantee = 'careledger_app'::regrole and pg_has_role(t.typowner, 'usage')
  loop
    execute r.stmt;
  end loop;
end
$$;

-- ----------------------------------------------------------------------------
-- The eight combined policies, each split in two.
-- ----------------------------------------------------------------------------
drop policy "Appointments are visible to their facility and their patient" on appointments;
create policy "Appointments are visible to their facility" on appointments
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.visible_facilities())::uuid[]));
create policy "Appointments are visible to their patient" on appointments
  for select to careledger_patient
  using (patient_id = any ((select app.own_patient_ids())::uuid[]));

drop policy "Bills are visible to billing staff and to their patient" on bills;
create policy "Bills are visible to billing staff" on bills
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.visible_facilities())::uuid[])
         and ((select app.has_permission('billing.manage')) or (select app.has_permission('cash.collect'))));
create policy "Issued bills are visible to their patient" on bills
  for select to careledger_patient
  using (patient_id = any ((select app.own_patient_ids())::uuid[]) and status <> 'draft');

drop policy "Bill lines are visible to billing staff and to their patient" on bill_items;
create policy "Bill lines are visible to billing staff" on bill_items
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.visible_facilities())::uuid[])
         and ((select app.has_permission('billing.manage')) or (select app.has_permission('cash.collect'))));
create policy "Lines of issued bills are visible to their patient" on bill_items
  for select to careledger_patient
  using (patient_id = any ((select app.own_patient_ids())::uuid[])
         and exists (select 1 from bills b
                     where b.facility_id = bill_items.facility_id and b.id = bill_items.bill_id and b.status <> 'draft'));

drop policy "Payments are visible to billing staff and to their patient" on payments;
create policy "Payments are visible to billing staff" on payments
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.visible_facilities())::uuid[])
         and ((select app.has_permission('billing.manage')) or (select app.has_permission('cash.collect'))));
create policy "Payments are visible to their patient" on payments
  for select to careledger_patient
  using (patient_id = any ((select app.own_patient_ids())::uuid[]));

drop policy "Cash collections are visible to billing staff and their patient" on cash_collections;
create policy "Cash collections are visible to billing staff" on cash_collections
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.visible_facilities())::uuid[])
         and ((select app.has_permission('billing.manage')) or (select app.has_permission('cash.collect'))));
create policy "Cash collections are visible to their patient" on cash_collections
  for select to careledger_patient
  using (patient_id = any ((select app.own_patient_ids())::uuid[]));

drop policy "Payment refunds are visible to billing staff and their patient" on payment_refunds;
create policy "Payment refunds are visible to billing staff" on payment_refunds
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.visible_facilities())::uuid[])
         and ((select app.has_permission('billing.manage')) or (select app.has_permission('cash.collect'))));
create policy "Payment refunds are visible to their patient" on payment_refunds
  for select to careledger_patient
  using (patient_id = any ((select app.own_patient_ids())::uuid[]));

drop policy "Cash refunds are visible to billing staff and their patient" on cash_refunds;
create policy "Cash refunds are visible to billing staff" on cash_refunds
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.visible_facilities())::uuid[])
         and ((select app.has_permission('billing.manage')) or (select app.has_permission('cash.collect'))));
create policy "Cash refunds are visible to their patient" on cash_refunds
  for select to careledger_patient
  using (patient_id = any ((select app.own_patient_ids())::uuid[]));

drop policy "Receipts are visible to billing staff and their patient" on receipts;
create policy "Receipts are visible to billing staff" on receipts
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.visible_facilities())::uuid[])
         and ((select app.has_permission('billing.manage')) or (select app.has_permission('cash.collect'))));
create policy "Receipts are visible to their patient" on receipts
  for select to careledger_patient
  using (patient_id = any ((select app.own_patient_ids())::uuid[]));
