-- ============================================================================
-- Facilities (the tenants) and the people who sign in.
-- The full tenancy model (configuration, staff, patients) follows in later
-- migrations; this is the minimal slice the portal needs to sign in and show
-- facilities under row-level security.
-- ============================================================================

create type facility_type as enum (
  'hospital', 'clinic', 'lab', 'ivf_centre', 'medical_store', 'blood_bank', 'diagnostic_centre'
);
create type facility_status as enum ('onboarding', 'active', 'suspended');
create type user_role as enum ('super_admin', 'facility_admin', 'staff', 'patient');
create type user_status as enum ('active', 'disabled');

-- ----------------------------------------------------------------------------
-- facilities: one row per tenant. Ids are UUIDs so that URLs are not guessable.
-- ----------------------------------------------------------------------------
create table facilities (
  id          uuid primary key default gen_random_uuid(),
  name        text not null check (length(btrim(name)) between 2 and 200),
  type        facility_type not null,
  status      facility_status not null default 'onboarding',
  city        text not null check (length(btrim(city)) between 2 and 100),
  created_at  timestamptz not null default now()
);
alter table facilities enable row level security;
alter table facilities force row level security;
comment on table facilities is 'Tenants of the platform: hospitals, clinics, labs and the other facility types.';

-- ----------------------------------------------------------------------------
-- users: everyone who signs in. Staff and facility admins belong to exactly
-- one facility; the super admin to none. Emails are unique ignoring case.
-- ----------------------------------------------------------------------------
create table users (
  id             uuid primary key default gen_random_uuid(),
  email          text not null check (email ~ '^[^@\s]+@[^@\s]+$' and length(email) <= 254),
  display_name   text not null check (length(btrim(display_name)) between 1 and 200),
  password_hash  text not null,
  role           user_role not null,
  facility_id    uuid references facilities (id),
  status         user_status not null default 'active',
  created_at     timestamptz not null default now(),
  constraint users_facility_matches_role check (
    case role
      when 'super_admin' then facility_id is null
      when 'patient' then true
      else facility_id is not null
    end)
);
create unique index users_email_key on users (lower(email));
create index users_facility_id_idx on users (facility_id);
alter table users enable row level security;
alter table users force row level security;
comment on table users is 'People who sign in, with their role; password hashes are Spring Security DelegatingPasswordEncoder strings.';
comment on column users.password_hash is 'Encoded password with its {id} prefix (bcrypt or argon2); never shown or logged.';

-- The app reads; writes go through SECURITY DEFINER functions of later migrations.
grant select on facilities, users to careledger_app;
grant select, insert, update on facilities, users to careledger_definer;
