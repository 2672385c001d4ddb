-- ============================================================================
-- Tenancy and roles: facilities, users, their configuration and onboarding.
--
-- Types, tables, indexes, partitions, grants and policies of this area, as
-- they stand; functions, trigger functions and views are in R__0001_tenancy_and_roles.sql.
-- ============================================================================

-- ============================================================================
-- Schemas that are not tables of the product.
--   extensions  every PostgreSQL extension lives here, out of the schema that
--               jOOQ generates from, so generated code is the product only.
--   app         request context and security functions (app.current_user_id(),
--               app.visible_facilities(), the sign-in lookup, ...).
-- Runs as careledger_owner, which owns the database (trusted extensions need
-- CREATE on it, not a superuser).
-- ============================================================================
create schema if not exists extensions;
comment on schema extensions is 'PostgreSQL extensions; left out of jOOQ code generation.';

-- pgcrypto: bcrypt for demo passwords now; health-card PINs and national ids later.
create extension if not exists pgcrypto with schema extensions;
create schema app;
comment on schema app is 'Request context and security functions used by row-level security policies.';

-- Nobody creates objects in public but the owner.
revoke create on schema public from public;
grant usage on schema extensions to careledger_app, careledger_definer, careledger_patient;
grant usage on schema app to careledger_app, careledger_definer, careledger_patient;
grant usage on schema public to careledger_app, careledger_definer, careledger_patient;

-- The definer role owns SECURITY DEFINER functions, so it needs CREATE where they live.
grant create on schema app to careledger_definer;

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
-- 'system': the named principals that jobs with no signed-in user act as (partition upkeep, refreshes,
-- gateway webhooks); they never sign in.
create type user_role as enum ('super_admin', 'facility_admin', 'staff', 'patient', 'system');
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
  created_at  timestamptz not null default now(),
  -- the profile: who the facility is, for invoices (GSTIN, state) and contact
  legal_name    text not null,
  gstin         text,
  state_code    char(2),
  address_line  text,
  pincode       char(6),
  contact_email text,
  contact_phone text,
  constraint facilities_legal_name_check check (length(btrim(legal_name)) between 2 and 200),
  -- GSTIN: 2-digit state code, PAN, entity number, 'Z', check character
  constraint facilities_gstin_check check (gstin ~ '^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$'),
  constraint facilities_gstin_state_check check (gstin is null or state_code is null or left(gstin, 2) = state_code),
  constraint facilities_state_code_check check (state_code ~ '^[0-9]{2}$'),
  constraint facilities_pincode_check check (pincode ~ '^[1-9][0-9]{5}$'),
  constraint facilities_contact_email_check check (contact_email ~ '^[^@\s]+@[^@\s]+$'),
  constraint facilities_contact_phone_check check (contact_phone ~ '^\+?[0-9 -]{8,16}$')
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
      when 'system' then facility_id is null
      when 'patient' then true
      else facility_id is not null
    end),
  -- a key other tenant tables can reference, so a row can only name a user of its own facility
  constraint users_facility_id_id_key unique (facility_id, id)
);
create unique index users_email_key on users (lower(email));
create index users_facility_id_idx on users (facility_id);
alter table users enable row level security;
alter table users force row level security;
comment on table users is 'People who sign in, with their role; password hashes are Spring Security DelegatingPasswordEncoder strings.';
comment on column users.role is 'super_admin, facility_admin, staff, patient; system for jobs, which never sign in.';
comment on column users.password_hash is 'Encoded password with its {id} prefix (bcrypt or argon2); never shown or logged.';

-- The app reads; writes go through SECURITY DEFINER functions.
grant select on facilities, users to careledger_app, careledger_patient;
grant select, insert, update on facilities, users to careledger_definer;

-- ============================================================================
-- Extensions, all in the extensions schema (never generated into jOOQ code).
--   uuid-ossp   uuid_generate_v4() for callers that expect it (ids default to
--               core gen_random_uuid())
--   pg_trgm     trigram search by name, phone and card number
--   btree_gin   facility_id inside GIN indexes next to jsonb and trigrams
--   btree_gist  facility/staff equality inside the no-double-booking
--               exclusion constraint of appointments
-- All four are trusted extensions: the database owner creates them.
-- pg_partman and timescaledb are optional: created here when the server offers
-- them and the owner may create them, skipped otherwise (the embedded server
-- has neither). The app logs which ones it found at start-up.
-- ============================================================================
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pg_trgm with schema extensions;
create extension if not exists btree_gin with schema extensions;
create extension if not exists btree_gist with schema extensions;
do $$
declare
  ext text;
begin
  foreach ext in array array['pg_partman', 'timescaledb'] loop
    if exists (select 1 from pg_available_extensions where name = ext) then
      begin
        execute format('create extension if not exists %I with schema extensions', ext);
      exception when others then
        raise notice 'extension % is available but could not be created here: %', ext, sqlerrm;
      end;
    end if;
  end loop;
end
$$;

-- ============================================================================
-- Facility profile and configuration.
-- The configuration is versioned: every change is a new version with its own
-- effective_from, never an update, so a payment or collection is always priced
-- with the version in force at its moment (docs/ledger.md), and the version used is
-- recorded on the money rows.
-- ============================================================================
create type payment_method as enum ('card', 'upi', 'rupay_debit', 'netbanking', 'wallet');
create type cash_commission_type as enum ('percentage', 'fixed_per_bill');
create type gateway_fee_bearer as enum ('platform', 'facility');
create type settlement_cycle as enum ('daily', 'weekly', 'fortnightly', 'monthly');

comment on column facilities.gstin is 'GST identification number; its first two digits are the state code.';
comment on column facilities.state_code is 'GST state code of the facility (decides CGST+SGST or IGST on its invoices).';

-- ----------------------------------------------------------------------------
-- Configuration versions. One row per facility and effective_from.
-- Rates are exact fractions: 0.0110 is 1.10 %. Amounts are paise.
-- ----------------------------------------------------------------------------
create table facility_configurations (
  facility_id                 uuid not null references facilities (id),
  effective_from              timestamptz not null,
  gst_rate                    numeric(6, 4) not null default 0.18 check (gst_rate between 0 and 0.28),
  cash_commission_applies     boolean not null default false,
  cash_commission_type        cash_commission_type not null default 'percentage',
  cash_commission_rate        numeric(7, 6) check (cash_commission_rate between 0 and 0.5),
  cash_commission_fixed_paise bigint check (cash_commission_fixed_paise between 0 and 100000000),
  gst_on_cash_commission      boolean not null default true,
  refund_gateway_fee_bearer   gateway_fee_bearer not null default 'platform',
  tds_rate                    numeric(6, 4) not null default 0 check (tds_rate between 0 and 0.2),
  settlement_cycle            settlement_cycle not null default 'weekly',
  minimum_payout_paise        bigint not null default 0 check (minimum_payout_paise >= 0),
  netting_allowed             boolean not null default true,
  payout_account_name         text check (length(btrim(payout_account_name)) between 2 and 200),
  payout_account_number       text check (payout_account_number ~ '^[0-9]{9,18}$'),
  payout_ifsc                 text check (payout_ifsc ~ '^[A-Z]{4}0[A-Z0-9]{6}$'),
  payout_pan                  text check (payout_pan ~ '^[A-Z]{5}[0-9]{4}[A-Z]$'),
  created_by                  uuid references users (id),
  created_at                  timestamptz not null default now(),
  primary key (facility_id, effective_from),
  -- exactly the value of the chosen commission type
  constraint facility_configurations_cash_commission_check check (
    not cash_commission_applies
    or (cash_commission_type = 'percentage' and cash_commission_rate is not null and cash_commission_fixed_paise is null)
    or (cash_commission_type = 'fixed_per_bill' and cash_commission_fixed_paise is not null and cash_commission_rate is null))
);
alter table facility_configurations enable row level security;
alter table facility_configurations force row level security;
comment on table facility_configurations is
  'Versions of a facility''s commission, tax, refund, TDS, settlement and payout rules; the version in force at a moment is the latest effective_from not after it.';

-- MDR per payment method, for each configuration version.
create table facility_method_rates (
  facility_id     uuid not null,
  effective_from  timestamptz not null,
  method          payment_method not null,
  gateway_mdr     numeric(7, 6) not null check (gateway_mdr between 0 and 0.1),
  platform_mdr    numeric(7, 6) not null check (platform_mdr between 0 and 0.1),
  primary key (facility_id, effective_from, method),
  foreign key (facility_id, effective_from) references facility_configurations (facility_id, effective_from),
  -- the platform's margin (platform fee − gateway fee) is never negative
  constraint facility_method_rates_margin_check check (platform_mdr >= gateway_mdr)
);
alter table facility_method_rates enable row level security;
alter table facility_method_rates force row level security;
comment on table facility_method_rates is
  'Gateway and platform MDR per payment method of a configuration version (UPI and RuPay debit may be 0).';

grant select on facility_configurations, facility_method_rates to careledger_app, careledger_patient;
grant select, insert on facility_configurations, facility_method_rates to careledger_definer;
grant update on facilities to careledger_definer;
