-- ============================================================================
-- Facility profile and configuration.
-- The configuration is versioned: every change is a new version with its own
-- effective_from, never an update, so a payment or collection is always priced
-- with the version in force at its moment (MONEY.md), and the version used is
-- recorded on the money rows of later migrations.
-- ============================================================================

create type payment_method as enum ('card', 'upi', 'rupay_debit', 'netbanking', 'wallet');
create type cash_commission_type as enum ('percentage', 'fixed_per_bill');
create type gateway_fee_bearer as enum ('platform', 'facility');
create type settlement_cycle as enum ('daily', 'weekly', 'fortnightly', 'monthly');

-- ----------------------------------------------------------------------------
-- Profile: who the facility is, for invoices (GSTIN, state) and contact.
-- ----------------------------------------------------------------------------
alter table facilities
  add column legal_name    text,
  add column gstin         text,
  add column state_code    char(2),
  add column address_line  text,
  add column pincode       char(6),
  add column contact_email text,
  add column contact_phone text;

update facilities set legal_name = name where legal_name is null;

alter table facilities
  alter column legal_name set not null,
  add constraint facilities_legal_name_check check (length(btrim(legal_name)) between 2 and 200),
  -- GSTIN: 2-digit state code, PAN, entity number, 'Z', check character
  add constraint facilities_gstin_check check (gstin ~ '^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$'),
  add constraint facilities_gstin_state_check check (gstin is null or state_code is null or left(gstin, 2) = state_code),
  add constraint facilities_state_code_check check (state_code ~ '^[0-9]{2}$'),
  add constraint facilities_pincode_check check (pincode ~ '^[1-9][0-9]{5}$'),
  add constraint facilities_contact_email_check check (contact_email ~ '^[^@\s]+@[^@\s]+$'),
  add constraint facilities_contact_phone_check check (contact_phone ~ '^\+?[0-9 -]{8,16}$');

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

-- History is never changed or removed (configuration versions here, audit rows later).
create function app.refuse_change() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  raise exception '% rows are never %: they are history', tg_table_name,
    case tg_op when 'UPDATE' then 'updated' else 'deleted' end
    using errcode = 'integrity_constraint_violation';
end
$$;

create trigger facility_configurations_are_history
  before update or delete on facility_configurations
  for each row execute function app.refuse_change();
create trigger facility_method_rates_are_history
  before update or delete on facility_method_rates
  for each row execute function app.refuse_change();

-- A new version may start now or later, never in the past (that would reprice history).
create function app.check_configuration_not_backdated() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  if new.effective_from < now() - interval '1 minute' then
    raise exception 'a configuration version cannot start in the past (%)', new.effective_from
      using errcode = 'check_violation';
  end if;
  return new;
end
$$;

create trigger facility_configurations_not_backdated
  before insert on facility_configurations
  for each row execute function app.check_configuration_not_backdated();

-- The version in force at a moment.
create function app.facility_configuration_at(p_facility uuid, p_at timestamptz)
returns facility_configurations
language sql stable
set search_path = pg_catalog, public, pg_temp
as $$
  select c.* from public.facility_configurations c
  where c.facility_id = p_facility and c.effective_from <= p_at
  order by c.effective_from desc
  limit 1
$$;

grant select on facility_configurations, facility_method_rates to careledger_app;
grant select, insert on facility_configurations, facility_method_rates to careledger_definer;
grant update on facilities to careledger_definer;
grant execute on function app.facility_configuration_at(uuid, timestamptz) to careledger_app, careledger_definer;

-- Commission terms and payout details are for the facility's admins and the platform, not all staff.
create policy "Configuration is visible to its facility admins and super admin" on facility_configurations
  for select using (facility_id = any ((select app.administered_facilities())::uuid[]));
create policy "Method rates are visible to its facility admins and super admin" on facility_method_rates
  for select using (facility_id = any ((select app.administered_facilities())::uuid[]));
