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
-- Per-partition hook for upkeep: a staff member is never booked twice for
-- overlapping times. Cancelled and no-show appointments free the slot.
-- ----------------------------------------------------------------------------
create function app.appointments_partition_hook(p_partition regclass) returns void
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  if not exists (select 1 from pg_constraint c where c.conrelid = p_partition and c.contype = 'x') then
    execute format(
      'alter table %s add constraint %I exclude using gist'
      ' (facility_id with =, staff_id with =, tstzrange(starts_at, ends_at) with &&)'
      ' where (status not in (''cancelled'', ''no_show''))',
      p_partition,
      left((select c.relname from pg_class c where c.oid = p_partition), 45) || '_no_double_booking');
  end if;
end
$$;
revoke all on function app.appointments_partition_hook(regclass) from public;
comment on function app.appointments_partition_hook(regclass) is
  'Adds the no-double-booking exclusion constraint to one appointments partition (upkeep hook).';

-- ----------------------------------------------------------------------------
-- Rules a constraint cannot express.
-- ----------------------------------------------------------------------------

-- A rebooking points at a cancelled appointment of the same patient in the
-- same facility, visible to whoever books (checked with their rights).
create function app.check_appointment_insert() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  v_old record;
begin
  if new.rescheduled_from is not null then
    select a.status, a.patient_id into v_old
    from public.appointments a
    where a.facility_id = new.facility_id and a.id = new.rescheduled_from;
    if not found then
      raise exception 'appointment % to rebook from does not exist in this facility', new.rescheduled_from
        using errcode = 'foreign_key_violation';
    end if;
    if v_old.status <> 'cancelled' or v_old.patient_id <> new.patient_id then
      raise exception 'a rebooking replaces a cancelled appointment of the same patient'
        using errcode = 'check_violation';
    end if;
  end if;
  return new;
end
$$;

create trigger appointments_check_insert
  before insert on appointments
  for each row execute function app.check_appointment_insert();

-- What an update may change. The day (the partition key) never changes:
-- another day is cancel + rebook. The slot, staff and service change only
-- while booked; the status moves forward only:
--   booked -> checked_in | cancelled | no_show
--   checked_in -> in_consultation | completed | cancelled
--   in_consultation -> completed
create function app.check_appointment_update() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  if new.starts_on is distinct from old.starts_on then
    raise exception 'an appointment keeps its day (%): rescheduling to another day is cancel + rebook', old.starts_on
      using errcode = 'integrity_constraint_violation',
            hint = 'use app.reschedule_appointment, which links the new booking by rescheduled_from';
  end if;
  if (new.id, new.facility_id, new.patient_id, new.booked_by, new.rescheduled_from, new.created_at)
     is distinct from (old.id, old.facility_id, old.patient_id, old.booked_by, old.rescheduled_from, old.created_at) then
    raise exception 'an appointment keeps its id, facility, patient, booking and origin'
      using errcode = 'integrity_constraint_violation';
  end if;
  if (new.starts_at, new.ends_at, new.staff_id, new.service_id)
     is distinct from (old.starts_at, old.ends_at, old.staff_id, old.service_id)
     and old.status <> 'booked' then
    raise exception 'only a booked appointment can change its time, staff or service (it is %)', old.status
      using errcode = 'integrity_constraint_violation';
  end if;
  if new.status <> old.status and not (
       (old.status = 'booked' and new.status in ('checked_in', 'cancelled', 'no_show'))
    or (old.status = 'checked_in' and new.status in ('in_consultation', 'completed', 'cancelled'))
    or (old.status = 'in_consultation' and new.status = 'completed')) then
    raise exception 'an appointment cannot go from % to %', old.status, new.status
      using errcode = 'integrity_constraint_violation';
  end if;
  return new;
end
$$;

create trigger appointments_check_update
  before update on appointments
  for each row execute function app.check_appointment_update();

-- ----------------------------------------------------------------------------
-- Cancel + rebook in one call, with the caller's rights (and so under their
-- policies): the old appointment is cancelled, the new one points back at it.
-- ----------------------------------------------------------------------------
create function app.reschedule_appointment(
  p_facility     uuid,
  p_appointment  uuid,
  p_starts_at    timestamptz,
  p_ends_at      timestamptz,
  p_staff        uuid default null
) returns uuid
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_old public.appointments;
  v_new uuid;
begin
  update public.appointments a set status = 'cancelled'
  where a.facility_id = p_facility and a.id = p_appointment and a.status = 'booked'
  returning a.* into v_old;
  if not found then
    raise exception 'no booked appointment % to reschedule', p_appointment using errcode = 'no_data_found';
  end if;
  insert into public.appointments (facility_id, starts_on, patient_id, service_id, staff_id, starts_at, ends_at,
                                   rescheduled_from)
  values (p_facility, (p_starts_at at time zone 'Asia/Kolkata')::date, v_old.patient_id, v_old.service_id,
          coalesce(p_staff, v_old.staff_id), p_starts_at, p_ends_at, v_old.id)
  returning id into v_new;
  return v_new;
end
$$;
comment on function app.reschedule_appointment(uuid, uuid, timestamptz, timestamptz, uuid) is
  'Cancels a booked appointment and books its replacement (linked by rescheduled_from); the caller''s rights.';

-- ----------------------------------------------------------------------------
-- Privileges and policies. Staff of the facility see its appointments (times,
-- people, status: no clinical content, which lives in appointment_notes); a
-- patient sees their own. Booking and changes need appointments.manage.
-- Appointments are never deleted: they are cancelled.
-- ----------------------------------------------------------------------------
grant select, insert, update on appointments to careledger_app;
grant select, insert on appointments to careledger_definer;

create policy "Appointments are visible to their facility and their patient" on appointments
  for select using (facility_id = any ((select app.visible_facilities())::uuid[])
                    or patient_id = any ((select app.own_patient_ids())::uuid[]));
create policy "Staff who manage appointments book them at their facility" on appointments
  for insert with check (facility_id = any ((select app.visible_facilities())::uuid[])
                         and (select app.has_permission('appointments.manage'))
                         and booked_by = (select app.current_user_id()));
create policy "Staff who manage appointments change them at their facility" on appointments
  for update using (facility_id = any ((select app.visible_facilities())::uuid[])
                    and (select app.has_permission('appointments.manage')))
  with check (facility_id = any ((select app.visible_facilities())::uuid[]));

-- ----------------------------------------------------------------------------
-- Monthly partitions: last month through three months ahead now, the default,
-- and upkeep from here on.
-- ----------------------------------------------------------------------------
select app.register_monthly_partitions('public.appointments', 3, 1, 'app.appointments_partition_hook(regclass)');
