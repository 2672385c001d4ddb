-- ============================================================================
-- Scheduling: services, appointments, appointment notes: functions, trigger functions and views.
--
-- Repeatable: Flyway runs this file again whenever it changes, so every
-- statement here can run twice (create or replace, grants, comments).
-- Tables, types and policies of the area are in V0005__scheduling.sql.
-- ============================================================================

-- A row keeps its tenant and its id: the partition key and the key that
-- appointments (and later bill lines) point at never change.
create or replace function app.refuse_key_change() returns trigger
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

-- ----------------------------------------------------------------------------
-- Per-partition hook for upkeep: a staff member is never booked twice for
-- overlapping times. Cancelled and no-show appointments free the slot.
-- ----------------------------------------------------------------------------
create or replace function app.appointments_partition_hook(p_partition regclass) returns void
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
create or replace function app.check_appointment_insert() returns trigger
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

-- What an update may change. The day (the partition key) never changes:
-- another day is cancel + rebook. The slot, staff and service change only
-- while booked; the status moves forward only:
--   booked -> checked_in | cancelled | no_show
--   checked_in -> in_consultation | completed | cancelled
--   in_consultation -> completed
create or replace function app.check_appointment_update() returns trigger
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

-- ----------------------------------------------------------------------------
-- Cancel + rebook in one call, with the caller's rights (and so under their
-- policies): the old appointment is cancelled, the new one points back at it.
-- ----------------------------------------------------------------------------
create or replace function app.reschedule_appointment(
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

-- The appointment exists in the note's facility (seen with the writer's rights).
create or replace function app.check_appointment_note() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  if not exists (select 1 from public.appointments a
                 where a.facility_id = new.facility_id and a.id = new.appointment_id) then
    raise exception 'appointment % does not exist in this facility', new.appointment_id
      using errcode = 'foreign_key_violation';
  end if;
  return new;
end
$$;

-- ----------------------------------------------------------------------------
-- Reading an appointment's clinical notes, oldest first: staff with
-- clinical.read at the current facility, as the notes' policy allows. The read
-- (the appointment and its patient, and the reason when given: at most 200
-- characters) is recorded in the audit log in the same transaction; an
-- appointment the caller may not read, or one without notes, returns nothing
-- and records nothing.
-- ----------------------------------------------------------------------------
create or replace function app.read_appointment_notes(p_appointment uuid, p_purpose text default null)
returns table (note_id uuid, appointment_id uuid, body text, written_by uuid, written_at timestamptz)
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_tenant uuid := app.current_tenant();
  v_patient uuid;
  v_found boolean := false;
begin
  perform app.check_read_purpose(p_purpose);
  if v_tenant is null or not (v_tenant = any (app.visible_facilities()))
     or not coalesce(app.has_permission('clinical.read'), false) then
    return;
  end if;
  for note_id, appointment_id, body, written_by, written_at in
    select n.id, n.appointment_id, n.body, n.written_by, n.written_at
    from public.appointment_notes n
    where n.facility_id = v_tenant and n.appointment_id = p_appointment
    order by n.written_at, n.id
  loop
    v_found := true;
    return next;
  end loop;
  if v_found then
    select a.patient_id into v_patient from public.appointments a where a.facility_id = v_tenant and a.id = p_appointment;
    perform app.record_phi_read('app.read_appointment_notes', 'appointment_notes',
                                jsonb_build_array(jsonb_build_object('appointment_id', p_appointment, 'patient_id', v_patient)),
                                array['body'], p_purpose);
  end if;
end
$$;
revoke all on function app.read_appointment_notes(uuid, text) from public;
grant execute on function app.read_appointment_notes(uuid, text) to careledger_app, careledger_patient;
alter function app.read_appointment_notes(uuid, text) owner to careledger_definer;
comment on function app.read_appointment_notes(uuid, text) is
  'An appointment''s clinical notes for staff with clinical.read at the current facility; the read is recorded in the audit log.';

-- ----------------------------------------------------------------------------
-- Triggers of this area's functions (create or replace: re-run with the file).
-- ----------------------------------------------------------------------------

create or replace trigger services_keep_their_key
  before update on services
  for each row execute function app.refuse_key_change();

create or replace trigger appointments_check_insert
  before insert on appointments
  for each row execute function app.check_appointment_insert();

create or replace trigger appointments_check_update
  before update on appointments
  for each row execute function app.check_appointment_update();

create or replace trigger appointment_notes_check_appointment
  before insert on appointment_notes
  for each row execute function app.check_appointment_note();

-- A product keeps its facility and id (bill lines point at them).
create or replace trigger products_keep_their_key
  before update on products
  for each row execute function app.refuse_key_change();

-- ----------------------------------------------------------------------------
-- Monthly partitions: last month through three months ahead now, the default,
-- and upkeep from here on.
-- ----------------------------------------------------------------------------
select app.register_monthly_partitions('public.appointments', 3, 1, 'app.appointments_partition_hook(regclass)');
