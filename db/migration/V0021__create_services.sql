-- ============================================================================
-- Services: what a facility offers and charges for (a consultation, a CBC
-- test, a chest X-ray), with its price and GST treatment. Appointments book a
-- service; bills will price their lines from it.
--
-- HASH-partitioned by facility_id into 8 partitions made here, once: every
-- facility's price list lives in one partition, and the key already has the
-- shape a sharded engine (Citus) distributes by. The partition key is part of
-- every key (facility_id, id) and never changes (a facility's services stay
-- its own).
-- ============================================================================

create type service_category as enum (
  'consultation', 'lab_test', 'imaging', 'procedure', 'therapy', 'ivf', 'blood_component', 'pharmacy', 'package', 'other'
);

create table services (
  id                uuid not null default gen_random_uuid(),
  facility_id       uuid not null references facilities (id),
  code              text not null check (code ~ '^[A-Z0-9][A-Z0-9_-]{1,19}$'),
  name              text not null check (length(btrim(name)) between 2 and 200),
  category          service_category not null,
  price_paise       bigint not null check (price_paise >= 0),
  hsn_sac_code      text not null check (hsn_sac_code ~ '^[0-9]{4}([0-9]{2}([0-9]{2})?)?$'),
  gst_rate          numeric(6, 4) not null default 0 check (gst_rate between 0 and 0.40),
  duration_minutes  integer not null default 15 check (duration_minutes between 1 and 1440),
  active            boolean not null default true,
  created_at        timestamptz not null default now(),
  constraint services_pkey primary key (facility_id, id),
  constraint services_code_key unique (facility_id, code)
) partition by hash (facility_id);

comment on table services is
  'What a facility offers and charges for, with price and GST; hash-partitioned by facility (8 partitions).';
comment on column services.code is 'The facility''s own short code for the service (e.g. OPD-CONS, LAB-CBC).';
comment on column services.price_paise is 'Price before GST, in paise.';
comment on column services.hsn_sac_code is
  'GST classification: a SAC (services, 9993xx for health care) or HSN (goods) code of 4, 6 or 8 digits.';
comment on column services.gst_rate is
  'GST rate as a fraction (0.18 = 18 %). Health care services of clinical establishments are exempt: 0.';
comment on column services.duration_minutes is 'Usual length of an appointment for this service.';
comment on column services.active is 'Inactive services stay for history but are no longer offered.';

-- The 8 partitions, each under forced row-level security with no privileges of
-- its own: the app reaches rows through the parent, whose policies apply.
do $$
begin
  for i in 0..7 loop
    execute format('create table %I partition of services for values with (modulus 8, remainder %s)', 'services_h' || i, i);
    execute format('alter table %I enable row level security', 'services_h' || i);
    execute format('alter table %I force row level security', 'services_h' || i);
  end loop;
end
$$;

create index services_facility_name_idx on services (facility_id, name);

-- A row keeps its tenant and its id: the partition key and the key that
-- appointments (and later bill lines) point at never change.
create function app.refuse_key_change() returns trigger
language plpgsql
set search_path = pg_catalog
as $$
begin
  if new.facility_id is distinct from old.facility_id or new.id is distinct from old.id then
    raise exception '% rows keep their facility and id', tg_table_name
      using errcode = 'integrity_constraint_violation';
  end if;
  return new;
end
$$;

create trigger services_keep_their_key
  before update on services
  for each row execute function app.refuse_key_change();

alter table services enable row level security;
alter table services force row level security;

-- ----------------------------------------------------------------------------
-- A patient's own records: the patients rows linked to the signed-in user,
-- and the facilities they are registered at. Definer rights: they read
-- patients without the policies that call them.
-- ----------------------------------------------------------------------------
create function app.own_patient_ids() returns uuid[]
language sql stable security definer
set search_path = pg_catalog, pg_temp
as $$
  select coalesce(array_agg(p.id), '{}'::uuid[])
  from public.patients p
  where p.user_id = app.current_user_id()
$$;
revoke all on function app.own_patient_ids() from public;
grant execute on function app.own_patient_ids() to careledger_app;
alter function app.own_patient_ids() owner to careledger_definer;
comment on function app.own_patient_ids() is 'Patient records (one per facility) of the signed-in user.';

create function app.own_patient_facilities() returns uuid[]
language sql stable security definer
set search_path = pg_catalog, pg_temp
as $$
  select coalesce(array_agg(distinct p.facility_id), '{}'::uuid[])
  from public.patients p
  where p.user_id = app.current_user_id()
$$;
revoke all on function app.own_patient_facilities() from public;
grant execute on function app.own_patient_facilities() to careledger_app;
alter function app.own_patient_facilities() owner to careledger_definer;
comment on function app.own_patient_facilities() is 'Facilities where the signed-in user is a registered patient.';

-- ----------------------------------------------------------------------------
-- Privileges and policies: staff read their facility's price list, patients
-- the price lists of facilities they are registered at (to see what they
-- booked), facility admins keep it. Services are never deleted (deactivate).
-- ----------------------------------------------------------------------------
grant select, insert, update on services to careledger_app;
grant select, insert on services to careledger_definer;

create policy "Services are visible to their facility and its patients" on services
  for select using (facility_id = any ((select app.visible_facilities())::uuid[])
                    or facility_id = any ((select app.own_patient_facilities())::uuid[]));
create policy "Facility admins add services to their facility" on services
  for insert with check (facility_id = any ((select app.administered_facilities())::uuid[]));
create policy "Facility admins edit services of their facility" on services
  for update using (facility_id = any ((select app.administered_facilities())::uuid[]))
  with check (facility_id = any ((select app.administered_facilities())::uuid[]));
