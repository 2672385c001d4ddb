-- ============================================================================
-- Request context that cannot be forged, staff, permissions, system principals.
--
-- The app opens every transaction with
--   select app.set_current_user(:user), app.set_current_tenant(:tenant)
-- Both are SECURITY DEFINER: they check that the user is active and may work
-- in the tenant, then set app.user_id and app.current_tenant transaction-
-- locally together with app.context_sig, an HMAC of (user, tenant, backend,
-- transaction start in epoch seconds, so the session's time zone does not
-- matter) under a key that only the definer role can read.
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

-- The signature of a context in this transaction on this connection.
create function app.context_signature(p_user text, p_tenant text) returns text
language sql stable security definer
set search_path = pg_catalog, pg_temp
as $$
  select encode(extensions.hmac(
           convert_to(p_user || '|' || p_tenant || '|' || pg_backend_pid() || '|' || extract(epoch from now())::text, 'UTF8'),
           (select k.key from app.context_key k), 'sha256'), 'hex')
$$;
revoke all on function app.context_signature(text, text) from public;
alter function app.context_signature(text, text) owner to careledger_definer;

-- True when app.user_id and app.current_tenant were set by the functions below.
create function app.context_is_signed() returns boolean
language sql stable security definer
set search_path = pg_catalog, pg_temp
as $$
  select coalesce(current_setting('app.context_sig', true), '') <> ''
     and current_setting('app.context_sig', true) = app.context_signature(
           coalesce(current_setting('app.user_id', true), ''),
           coalesce(current_setting('app.current_tenant', true), ''))
$$;
revoke all on function app.context_is_signed() from public;
grant execute on function app.context_is_signed() to careledger_app;
alter function app.context_is_signed() owner to careledger_definer;

-- The signed-in user, or null (no context, or a forged one).
create or replace function app.current_user_id() returns uuid
language sql stable
set search_path = pg_catalog, pg_temp
as $$
  select case when app.context_is_signed() then nullif(current_setting('app.user_id', true), '')::uuid end
$$;

-- The facility of the request, or null.
create or replace function app.current_tenant() returns uuid
language sql stable
set search_path = pg_catalog, pg_temp
as $$
  select case when app.context_is_signed() then nullif(current_setting('app.current_tenant', true), '')::uuid end
$$;

-- The signed-in user's role, or null.
create function app.current_user_role() returns user_role
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select u.role from public.users u where u.id = app.current_user_id() and u.status = 'active'
$$;
revoke all on function app.current_user_role() from public;
grant execute on function app.current_user_role() to careledger_app;
alter function app.current_user_role() owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Setting the context.
-- ----------------------------------------------------------------------------
create function app.set_current_user(p_user uuid) returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  if p_user is not null and not exists (select 1 from public.users u where u.id = p_user and u.status = 'active') then
    raise exception 'no active user %', p_user using errcode = 'insufficient_privilege';
  end if;
  perform set_config('app.user_id', coalesce(p_user::text, ''), true);
  perform set_config('app.current_tenant', '', true);
  perform set_config('app.context_sig',
                     case when p_user is null then '' else app.context_signature(p_user::text, '') end, true);
end
$$;
revoke all on function app.set_current_user(uuid) from public;
grant execute on function app.set_current_user(uuid) to careledger_app;
alter function app.set_current_user(uuid) owner to careledger_definer;

-- Enters a facility (null: none). The super admin and system principals may
-- enter any facility; facility admins and staff only their own.
create function app.set_current_tenant(p_tenant uuid) returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user uuid := app.current_user_id();
  v_role user_role;
  v_home uuid;
begin
  if p_tenant is not null then
    select u.role, u.facility_id into v_role, v_home from public.users u where u.id = v_user and u.status = 'active';
    if v_role is null then
      raise exception 'set_current_user must come first' using errcode = 'insufficient_privilege';
    end if;
    if not exists (select 1 from public.facilities f where f.id = p_tenant)
       or not (v_role in ('super_admin', 'system') or (v_role in ('facility_admin', 'staff') and v_home = p_tenant)) then
      raise exception 'user % may not work in facility %', v_user, p_tenant using errcode = 'insufficient_privilege';
    end if;
  end if;
  perform set_config('app.current_tenant', coalesce(p_tenant::text, ''), true);
  perform set_config('app.context_sig',
                     case when v_user is null then '' else app.context_signature(v_user::text, coalesce(p_tenant::text, '')) end,
                     true);
end
$$;
revoke all on function app.set_current_tenant(uuid) from public;
grant execute on function app.set_current_tenant(uuid) to careledger_app;
alter function app.set_current_tenant(uuid) owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- What the context may see.
-- ----------------------------------------------------------------------------

-- Facilities whose rows the user may see: all for the super admin and system
-- principals (or only the one entered), the own facility for its admins and
-- staff once entered, none otherwise (patients see their own rows by other
-- policies).
create or replace function app.visible_facilities() returns uuid[]
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select coalesce(
    case
      when u.role in ('super_admin', 'system') and app.current_tenant() is null
        then (select array_agg(f.id) from public.facilities f)
      when u.role in ('super_admin', 'system')
        then array[app.current_tenant()]
      when u.role in ('facility_admin', 'staff') and u.facility_id = app.current_tenant()
        then array[u.facility_id]
    end,
    '{}'::uuid[])
  from (select app.current_user_id() as id) c
  left join public.users u on u.id = c.id and u.status = 'active'
$$;

-- Facilities the user administers: as above without staff.
create function app.administered_facilities() returns uuid[]
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select case when app.current_user_role() in ('super_admin', 'system', 'facility_admin')
              then app.visible_facilities() else '{}'::uuid[] end
$$;
revoke all on function app.administered_facilities() from public;
grant execute on function app.administered_facilities() to careledger_app;
alter function app.administered_facilities() owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Users: system principals, and a key other tenant tables can reference.
-- ----------------------------------------------------------------------------
alter table users drop constraint users_facility_matches_role;
alter table users add constraint users_facility_matches_role check (
  case role
    when 'super_admin' then facility_id is null
    when 'system' then facility_id is null
    when 'patient' then true
    else facility_id is not null
  end);
alter table users add constraint users_facility_id_id_key unique (facility_id, id);
comment on column users.role is 'super_admin, facility_admin, staff, patient; system for jobs, which never sign in.';

create or replace function app.find_login(p_email text)
returns table (id uuid, email text, display_name text, password_hash text,
               role user_role, facility_id uuid, status user_status)
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select u.id, u.email, u.display_name, u.password_hash, u.role, u.facility_id, u.status
  from public.users u
  where lower(u.email) = lower(btrim(p_email)) and u.role <> 'system'
$$;

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

-- Does the current user hold a permission in the current tenant? Facility
-- admins hold every permission but the clinical ones; the super admin none of
-- the clinical ones either (minimum necessary access to health information).
create function app.has_permission(p_permission text) returns boolean
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select case
    when u.role = 'facility_admin' and u.facility_id = app.current_tenant()
      then p_permission not like 'clinical.%'
    when u.role in ('super_admin', 'system')
      then p_permission not like 'clinical.%'
    when u.role = 'staff' and u.facility_id = app.current_tenant()
      then exists (select 1 from public.staff s
                   join public.facility_staff_permissions p on p.facility_id = s.facility_id and p.kind = s.kind
                   where s.user_id = u.id and s.active and p.permission = p_permission)
    else false
  end
  from public.users u
  where u.id = app.current_user_id() and u.status = 'active'
$$;
revoke all on function app.has_permission(text) from public;
grant execute on function app.has_permission(text) to careledger_app;
alter function app.has_permission(text) owner to careledger_definer;

-- The staff record of the signed-in user in the current tenant, or null.
create function app.current_staff_id() returns uuid
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select s.id from public.staff s
  where s.user_id = app.current_user_id() and s.facility_id = app.current_tenant() and s.active
$$;
revoke all on function app.current_staff_id() from public;
grant execute on function app.current_staff_id() to careledger_app;
alter function app.current_staff_id() owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Privileges and policies
-- ----------------------------------------------------------------------------
grant select on permissions, default_staff_permissions, facility_staff_permissions, staff to careledger_app;
grant insert, update on staff to careledger_app;
grant select, insert, update, delete on permissions, default_staff_permissions, facility_staff_permissions, staff
  to careledger_definer;

-- The super admin manages every sign-in, including patients and system principals (no facility).
drop policy "Users see themselves and the users of facilities they may see" on users;
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

-- System principals: their hash matches no password, and find_login skips them.
insert into users (id, email, display_name, password_hash, role) values
  ('00000000-0000-4000-8000-000000000001', 'partition-upkeep@system.careledger', 'System: partition upkeep', '!', 'system'),
  ('00000000-0000-4000-8000-000000000002', 'report-refresh@system.careledger', 'System: report refresh', '!', 'system'),
  ('00000000-0000-4000-8000-000000000003', 'payment-webhook@system.careledger', 'System: payment gateway webhook', '!', 'system');

reset role;
