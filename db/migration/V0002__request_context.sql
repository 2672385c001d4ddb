-- ============================================================================
-- Request context and staff: the signed context, staff, permissions, the rule of who sees what.
--
-- Types, tables, indexes, partitions, grants and policies of this area, as
-- they stand; functions, trigger functions and views are in R__0002_request_context.sql,
-- but for the few a policy, check constraint or materialized view here names.
-- ============================================================================

-- The request context each server process verified in its transaction, kept
-- for the rest of it (app.remember_request_context).
create unlogged table app.request_contexts (
  backend_pid       integer primary key,
  transaction_start timestamptz not null,
  user_setting      text not null,
  tenant_setting    text not null,
  signature         text not null,
  user_id           uuid not null,
  tenant_id         uuid,
  role              user_role,
  home_facility     uuid,
  -- null: every facility (the super admin or a system principal that entered none), read when asked
  visible           uuid[],
  administered      uuid[],
  -- a staff member's permissions at the facility entered; null for the roles whose permissions are a rule
  -- (admins and the super admin: everything but clinical.*)
  permissions       text[]
);
alter table app.request_contexts enable row level security;
alter table app.request_contexts force row level security;
revoke all on app.request_contexts from public;
alter table app.request_contexts owner to careledger_definer;
comment on table app.request_contexts is
  'The request context each server process verified in its current transaction; written and read only by definer functions.';

-- ----------------------------------------------------------------------------
-- What policies ask: the signed-in user, the facility entered, the role, the
-- staff record, and the facilities and permissions app.access_of gives the
-- principal (read through app.current_access, in R__0002_request_context.sql).
-- Policies name these functions, so they are made here, before the policies;
-- they hold no rule of their own and change only with a versioned migration.
-- ----------------------------------------------------------------------------
-- The signed-in user, or null.
create function app.current_user_id() returns uuid
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
begin
  if app.context_is_signed() then
    return nullif(current_setting('app.user_id', true), '')::uuid;
  end if;
  return null;
end
$$;

-- The facility of the request, or null.
create function app.current_tenant() returns uuid
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
begin
  if app.context_is_signed() then
    return nullif(current_setting('app.current_tenant', true), '')::uuid;
  end if;
  return null;
end
$$;

-- The signed-in user's role, or null.
create function app.current_user_role() returns user_role
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  return (app.signed_context()).ctx_role;
end
$$;
revoke all on function app.current_user_role() from public;
grant execute on function app.current_user_role() to careledger_app, careledger_patient;
alter function app.current_user_role() owner to careledger_definer;

-- The staff record of the signed-in user in the current tenant, or null.
create function app.current_staff_id() returns uuid
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  c record;
begin
  c := app.signed_context();
  return (select s.id from public.staff s
          where s.user_id = c.ctx_user and s.facility_id = c.ctx_tenant and s.active);
end
$$;
revoke all on function app.current_staff_id() from public;
grant execute on function app.current_staff_id() to careledger_app, careledger_patient;
alter function app.current_staff_id() owner to careledger_definer;

-- The facilities the current principal may see (app.access_of).
create function app.visible_facilities() returns uuid[]
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  r app.request_contexts := app.current_access();
begin
  return coalesce(r.visible, (select array_agg(f.id) from public.facilities f), '{}'::uuid[]);
end
$$;
revoke all on function app.visible_facilities() from public;
grant execute on function app.visible_facilities() to careledger_app, careledger_patient;
alter function app.visible_facilities() owner to careledger_definer;

-- The facilities the current principal administers (app.access_of).
create function app.administered_facilities() returns uuid[]
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  r app.request_contexts := app.current_access();
begin
  return coalesce(r.administered, (select array_agg(f.id) from public.facilities f), '{}'::uuid[]);
end
$$;
revoke all on function app.administered_facilities() from public;
grant execute on function app.administered_facilities() to careledger_app, careledger_patient;
alter function app.administered_facilities() owner to careledger_definer;

-- Does the current principal hold a permission in the facility entered
-- (app.access_of)? Null with no context.
create function app.has_permission(p_permission text) returns boolean
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  r app.request_contexts := app.current_access();
begin
  return app.access_permits(r.role, r.permissions, p_permission);
end
$$;
revoke all on function app.has_permission(text) from public;
grant execute on function app.has_permission(text) to careledger_app, careledger_patient;
alter function app.has_permission(text) owner to careledger_definer;
comment on function app.has_permission(text) is
  'Whether the request context holds a permission (app.access_of), from the row kept for this transaction or the verified signature.';

-- The facilities visible to the current principal if it holds any of the
-- permissions named, none otherwise: one call per statement in a policy.
create function app.facilities_permitting(p_any_of text[]) returns uuid[]
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  r app.request_contexts := app.current_access();
  v_permission text;
begin
  if r.visible is not null and cardinality(r.visible) = 0 then
    return '{}'::uuid[];
  end if;
  foreach v_permission in array coalesce(p_any_of, '{}'::text[]) loop
    if app.access_permits(r.role, r.permissions, v_permission) then
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

-- ----------------------------------------------------------------------------
-- Policies
-- ----------------------------------------------------------------------------
create policy "Facilities are visible to their users and the super admin" on facilities
  for select using (id = any ((select app.visible_facilities())::uuid[]));

-- Commission terms and payout details are for the facility's admins and the platform, not all staff.
create policy "Configuration is visible to its facility admins and super admin" on facility_configurations
  for select using (facility_id = any ((select app.administered_facilities())::uuid[]));
create policy "Method rates are visible to its facility admins and super admin" on facility_method_rates
  for select using (facility_id = any ((select app.administered_facilities())::uuid[]));

-- ============================================================================
-- Request context that cannot be forged, staff, permissions, system principals.
--
-- The app opens every transaction with
--   select app.set_current_user(:user, :proof), app.set_current_tenant(:tenant)
-- Both are SECURITY DEFINER: they check the proof (a live session's token or
-- the job runner's secret, V0013), that the user is active and may work in the
-- tenant, then set app.user_id, app.current_tenant and app.session_id
-- transaction-locally together with app.context_sig, an HMAC of (user, tenant,
-- session, transaction start in epoch seconds, so the session's time zone does
-- not matter) under a key that only the definer role can read.
-- Policies read the context only through app.current_user_id() and
-- app.current_tenant(), which return null unless the signature matches. So a
-- statement that calls set_config('app.current_tenant', ...) itself, as
-- injected SQL would, widens nothing: it breaks the signature and the
-- transaction sees no tenant rows at all. A signature from another
-- transaction or connection does not verify either.
-- ============================================================================

-- ----------------------------------------------------------------------------
-- The signing key: random, made here, readable by the definer role only.
-- ----------------------------------------------------------------------------
create table app.context_key (
  only_row  boolean primary key default true check (only_row),
  key       bytea not null default extensions.gen_random_bytes(32)
);
insert into app.context_key default values;
alter table app.context_key enable row level security;
alter table app.context_key force row level security;
revoke all on app.context_key from public;
grant select on app.context_key to careledger_definer;
comment on table app.context_key is 'HMAC key that signs the request context; never readable by the app role.';

-- ----------------------------------------------------------------------------
-- Permissions: what each staff kind may do is data. The platform keeps the
-- catalogue and a default grant per kind; each facility gets its own copy at
-- onboarding and may change it.
-- ----------------------------------------------------------------------------
create type staff_kind as enum ('doctor', 'nurse', 'billing', 'lab_tech', 'reception');
create table permissions (
  code        text primary key check (code ~ '^[a-z_]+\.[a-z_]+$'),
  description text not null
);
alter table permissions enable row level security;
alter table permissions force row level security;
comment on table permissions is 'Catalogue of what staff may be allowed to do.';
create table default_staff_permissions (
  kind        staff_kind not null,
  permission  text not null references permissions (code),
  primary key (kind, permission)
);
alter table default_staff_permissions enable row level security;
alter table default_staff_permissions force row level security;
comment on table default_staff_permissions is 'Permissions a staff kind gets at a newly onboarded facility.';
create table facility_staff_permissions (
  facility_id uuid not null references facilities (id),
  kind        staff_kind not null,
  permission  text not null references permissions (code),
  primary key (facility_id, kind, permission)
);
alter table facility_staff_permissions enable row level security;
alter table facility_staff_permissions force row level security;
comment on table facility_staff_permissions is 'What each staff kind may do at one facility.';

-- ----------------------------------------------------------------------------
-- Staff of a facility. A staff member may have a sign-in (users row of the same
-- facility) or not (a visiting doctor who never signs in).
-- ----------------------------------------------------------------------------
create table staff (
  id                   uuid primary key default gen_random_uuid(),
  facility_id          uuid not null references facilities (id),
  user_id              uuid unique,
  kind                 staff_kind not null,
  display_name         text not null check (length(btrim(display_name)) between 1 and 200),
  registration_number  text check (length(registration_number) between 3 and 40),
  phone                text check (phone ~ '^\+?[0-9 -]{8,16}$'),
  active               boolean not null default true,
  created_at           timestamptz not null default now(),
  constraint staff_facility_id_id_key unique (facility_id, id),
  -- the sign-in belongs to the same facility
  constraint staff_user_fkey foreign key (facility_id, user_id) references users (facility_id, id)
);
create index staff_facility_id_idx on staff (facility_id, kind);
alter table staff enable row level security;
alter table staff force row level security;
comment on table staff is 'People who work at a facility: doctors, nurses, billing clerks, lab technicians, reception.';
comment on column staff.registration_number is 'Medical council registration of a doctor or nurse.';

-- ----------------------------------------------------------------------------
-- Privileges and policies
-- ----------------------------------------------------------------------------
grant select on permissions, default_staff_permissions, facility_staff_permissions, staff to careledger_app, careledger_patient;
grant insert, update on staff to careledger_app, careledger_patient;
grant select, insert, update, delete on permissions, default_staff_permissions, facility_staff_permissions, staff
  to careledger_definer;


create policy "Users are visible to themselves, their facility and super admin" on users
  for select using (id = (select app.current_user_id())
                    or facility_id = any ((select app.visible_facilities())::uuid[])
                    or (select app.current_user_role()) = 'super_admin');
create policy "The permission catalogue is readable by everyone signed in" on permissions
  for select using ((select app.current_user_id()) is not null);
create policy "Default grants are readable by everyone signed in" on default_staff_permissions
  for select using ((select app.current_user_id()) is not null);
create policy "Staff grants are visible with their facility" on facility_staff_permissions
  for select using (facility_id = any ((select app.visible_facilities())::uuid[]));
create policy "Staff are visible with their facility" on staff
  for select using (facility_id = any ((select app.visible_facilities())::uuid[]));
create policy "Facility admins add staff to their facility" on staff
  for insert with check (facility_id = any ((select app.administered_facilities())::uuid[]));
create policy "Facility admins edit staff of their facility" on staff
  for update using (facility_id = any ((select app.administered_facilities())::uuid[]))
  with check (facility_id = any ((select app.administered_facilities())::uuid[]));

-- ----------------------------------------------------------------------------
-- Seed rows, written as the definer role: forced row-level security applies to
-- the owner too, and these tables have no insert policy.
-- ----------------------------------------------------------------------------
set local role careledger_definer;
insert into permissions (code, description) values
  ('clinical.read', 'Read clinical details: medical history, allergies, chronic conditions, appointment notes'),
  ('clinical.write', 'Write clinical details and appointment notes'),
  ('patients.manage', 'Register patients and edit their contact details'),
  ('appointments.manage', 'Book, reschedule, check in and cancel appointments'),
  ('billing.manage', 'Create and issue bills'),
  ('cash.collect', 'Record cash collected at the counter and run a cashier shift'),
  ('reports.view', 'See the facility''s reports');
insert into default_staff_permissions (kind, permission) values
  ('doctor', 'clinical.read'), ('doctor', 'clinical.write'), ('doctor', 'appointments.manage'),
  ('nurse', 'clinical.read'), ('nurse', 'appointments.manage'),
  ('lab_tech', 'clinical.read'),
  ('reception', 'patients.manage'), ('reception', 'appointments.manage'),
  ('billing', 'billing.manage'), ('billing', 'cash.collect'), ('billing', 'patients.manage');
-- System principals: their hash matches no password and app.sign_in skips them; the job
-- runner enters them with its secret (app.system_keys).
insert into users (id, email, display_name, password_hash, role) values
  ('00000000-0000-4000-8000-000000000001', 'partition-upkeep@system.careledger', 'System: partition upkeep', '!', 'system'),
  ('00000000-0000-4000-8000-000000000002', 'report-refresh@system.careledger', 'System: report refresh', '!', 'system'),
  ('00000000-0000-4000-8000-000000000003', 'payment-webhook@system.careledger', 'System: payment gateway webhook', '!', 'system');
reset role;
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
