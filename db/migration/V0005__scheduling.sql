-- ============================================================================
-- Scheduling: services, appointments, appointment notes.
--
-- Types, tables, indexes, partitions, grants and policies of this area, as
-- they stand; functions, trigger functions and views are in R__0005_scheduling.sql,
-- but for the few a policy, check constraint or materialized view here names.
-- ============================================================================

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

alter table services enable row level security;
alter table services force row level security;

-- ----------------------------------------------------------------------------
-- Privileges and policies: staff read their facility's price list, patients
-- the price lists of facilities they are registered at (to see what they
-- booked), facility admins keep it. Services are never deleted (deactivate).
-- ----------------------------------------------------------------------------
grant select, insert, update on services to careledger_app, careledger_patient;
grant select, insert on services to careledger_definer;

-- ----------------------------------------------------------------------------
-- A patient's own records: the patients rows linked to the signed-in user,
-- and the facilities they are registered at. Definer rights: they read
-- patients without the policies that call them.
-- ----------------------------------------------------------------------------
create function app.own_patient_facilities() returns uuid[]
language sql stable security definer
set search_path = pg_catalog, pg_temp
as $$
  select coalesce(array_agg(distinct p.facility_id), '{}'::uuid[])
  from public.patients p
  where p.user_id = app.current_user_id()
$$;
revoke all on function app.own_patient_facilities() from public;
grant execute on function app.own_patient_facilities() to careledger_app, careledger_patient;
alter function app.own_patient_facilities() owner to careledger_definer;
comment on function app.own_patient_facilities() is 'Facilities where the signed-in user is a registered patient.';
create policy "Services are visible to their facility and its patients" on services
  for select using (facility_id = any ((select app.visible_facilities())::uuid[])
                    or facility_id = any ((select app.own_patient_facilities())::uuid[]));
create policy "Facility admins add services to their facility" on services
  for insert with check (facility_id = any ((select app.administered_facilities())::uuid[]));
create policy "Facility admins edit services of their facility" on services
  for update using (facility_id = any ((select app.administered_facilities())::uuid[]))
  with check (facility_id = any ((select app.administered_facilities())::uuid[]));

-- ============================================================================
-- Appointments: a patient booked for a service at a facility, usually with a
-- staff member (the doctor), for a time slot.
--
-- RANGE-partitioned by month on starts_on, the IST date of starts_at. The key
-- is a plain column checked against starts_at by a constraint: PostgreSQL 16
-- cannot partition by a generated column, and a BEFORE trigger cannot fill it
-- in (a row is routed to its partition before BEFORE ROW triggers run, and a
-- trigger may not move it to another). Writers pass it:
--   starts_on = (starts_at at time zone 'Asia/Kolkata')::date
--
-- The partition key is immutable: PostgreSQL puts it into every unique key,
-- and a change would move the row between partitions. An appointment keeps
-- its day; rescheduling to another day is cancel + rebook, the new row linked
-- to the old by rescheduled_from (app.reschedule_appointment does both).
--
-- An appointment lies within one IST month, so it never crosses a partition
-- boundary, and two appointments that overlap in time are always in the same
-- partition. That is what makes the no-double-booking exclusion constraint,
-- which PostgreSQL 16 allows only on each partition, hold for the whole table:
-- partition upkeep adds it to every partition, the default included.
--
-- Nothing holds a declarative foreign key to appointments (rescheduled_from,
-- appointment notes): a key that points at a range-partitioned table would
-- stop upkeep from moving rows out of the default partition (its referential
-- triggers see the moved row as deleted). Those links are checked by triggers
-- when written, and appointments are never deleted.
-- ============================================================================
create type appointment_status as enum ('booked', 'checked_in', 'in_consultation', 'completed', 'cancelled', 'no_show');
create table appointments (
  id                uuid not null default gen_random_uuid(),
  facility_id       uuid not null references facilities (id),
  starts_on         date not null,
  patient_id        uuid not null,
  service_id        uuid not null,
  staff_id          uuid,
  starts_at         timestamptz not null,
  ends_at           timestamptz not null,
  status            appointment_status not null default 'booked',
  booked_by         uuid not null default app.current_user_id() references users (id),
  rescheduled_from  uuid,
  created_at        timestamptz not null default now(),
  constraint appointments_pkey primary key (facility_id, id, starts_on),
  -- every reference stays inside the facility
  constraint appointments_patient_fkey foreign key (facility_id, patient_id) references patients (facility_id, id),
  constraint appointments_service_fkey foreign key (facility_id, service_id) references services (facility_id, id),
  constraint appointments_staff_fkey foreign key (facility_id, staff_id) references staff (facility_id, id),
  constraint appointments_starts_on_is_ist_date check (starts_on = (starts_at at time zone 'Asia/Kolkata')::date),
  constraint appointments_ends_after_start check (ends_at > starts_at),
  -- never across a partition boundary: it ends by midnight IST after the last day of its month
  constraint appointments_within_one_ist_month
    check (ends_at <= (date_trunc('month', starts_on::timestamp) + interval '1 month') at time zone 'Asia/Kolkata'),
  constraint appointments_at_most_a_day check (ends_at - starts_at <= interval '24 hours'),
  constraint appointments_not_rescheduled_from_itself check (rescheduled_from <> id)
) partition by range (starts_on);
comment on table appointments is
  'A patient booked for a service (and usually a staff member) in a time slot; partitioned by IST month of starts_on.';
comment on column appointments.starts_on is
  'IST date of starts_at, the partition key: written with the row, never changed.';
comment on column appointments.staff_id is 'Who sees the patient (the doctor); null for a service with no one assigned.';
comment on column appointments.booked_by is 'The user who booked it.';
comment on column appointments.rescheduled_from is
  'The cancelled appointment this one replaces (cancel + rebook), in the same facility and for the same patient.';
alter table appointments enable row level security;
alter table appointments force row level security;

-- ----------------------------------------------------------------------------
-- Indexes (partitioned: each partition gets its own). Tenant queries lead with
-- facility_id; created_at grows with insertion order, so BRIN is enough.
-- ----------------------------------------------------------------------------
create index appointments_facility_starts_at_idx on appointments (facility_id, starts_at);
create index appointments_facility_staff_starts_at_idx on appointments (facility_id, staff_id, starts_at);
create index appointments_facility_patient_idx on appointments (facility_id, patient_id, starts_at);
create index appointments_rescheduled_from_idx on appointments (facility_id, rescheduled_from)
  where rescheduled_from is not null;
create index appointments_created_at_brin on appointments using brin (created_at);

-- ----------------------------------------------------------------------------
-- Privileges and policies. Staff of the facility see its appointments (times,
-- people, status: no clinical content, which lives in appointment_notes); a
-- patient sees their own. Booking and changes need appointments.manage.
-- Appointments are never deleted: they are cancelled.
-- ----------------------------------------------------------------------------
grant select, insert, update on appointments to careledger_app, careledger_patient;
grant select, insert on appointments to careledger_definer;
create policy "Staff who manage appointments book them at their facility" on appointments
  for insert with check (facility_id = any ((select app.visible_facilities())::uuid[])
                         and (select app.has_permission('appointments.manage'))
                         and booked_by = (select app.current_user_id()));
create policy "Staff who manage appointments change them at their facility" on appointments
  for update using (facility_id = any ((select app.visible_facilities())::uuid[])
                    and (select app.has_permission('appointments.manage')))
  with check (facility_id = any ((select app.visible_facilities())::uuid[]));
create policy "Appointments are visible to their facility" on appointments
  for select to careledger_app, careledger_owner
  using (facility_id = any ((select app.visible_facilities())::uuid[]));

create function app.own_patient_ids() returns uuid[]
language sql stable security definer
set search_path = pg_catalog, pg_temp
as $$
  select coalesce(array_agg(p.id), '{}'::uuid[])
  from public.patients p
  where p.user_id = app.current_user_id()
$$;
revoke all on function app.own_patient_ids() from public;
grant execute on function app.own_patient_ids() to careledger_app, careledger_patient;
alter function app.own_patient_ids() owner to careledger_definer;
comment on function app.own_patient_ids() is 'Patient records (one per facility) of the signed-in user.';
create policy "Appointments are visible to their patient" on appointments
  for select to careledger_patient
  using (patient_id = any ((select app.own_patient_ids())::uuid[]));

-- ============================================================================
-- Appointment notes: the clinical content of an appointment (complaint,
-- findings, advice), readable only with clinical.read, written only with
-- clinical.write.
--
-- A table of its own rather than a column of appointments: row-level security
-- filters rows, not columns, and every request runs as the one app role, so
-- column privileges cannot tell a doctor from a receptionist. A view or
-- function that blanks the column would leave the base table readable to the
-- app role (it must be, for reception to book). With notes in their own rows,
-- the policy that hides them is one line, and reception, billing and the
-- facility admin see appointments without any clinical detail.
--
-- Notes are append-only (a correction is a new note), like a paper chart.
-- They point at their appointment by (facility_id, appointment_id), checked by
-- trigger: no declarative foreign key may point at the range-partitioned
-- appointments.
-- ============================================================================
create table appointment_notes (
  id              uuid primary key default gen_random_uuid(),
  facility_id     uuid not null references facilities (id),
  appointment_id  uuid not null,
  body            text not null check (length(btrim(body)) between 1 and 20000),
  written_by      uuid not null default app.current_user_id() references users (id),
  written_at      timestamptz not null default now(),
  constraint appointment_notes_facility_id_id_key unique (facility_id, id)
);
create index appointment_notes_appointment_idx on appointment_notes (facility_id, appointment_id, written_at);
alter table appointment_notes enable row level security;
alter table appointment_notes force row level security;
comment on table appointment_notes is
  'Clinical notes of an appointment; readable with clinical.read, written with clinical.write, never changed.';
comment on column appointment_notes.appointment_id is 'The appointment (same facility); checked when the note is written.';

grant select, insert on appointment_notes to careledger_app, careledger_patient;
create policy "Notes are visible to clinical staff of their facility" on appointment_notes
  for select using (facility_id = any ((select app.visible_facilities())::uuid[])
                    and (select app.has_permission('clinical.read')));
create policy "Clinical staff write notes at their facility, as themselves" on appointment_notes
  for insert with check (facility_id = any ((select app.visible_facilities())::uuid[])
                         and (select app.has_permission('clinical.write'))
                         and written_by = (select app.current_user_id()));
