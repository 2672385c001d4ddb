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
-- appointments (see V0022).
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

-- The appointment exists in the note's facility (seen with the writer's rights).
create function app.check_appointment_note() returns trigger
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

create trigger appointment_notes_check_appointment
  before insert on appointment_notes
  for each row execute function app.check_appointment_note();

grant select, insert on appointment_notes to careledger_app;

create policy "Notes are visible to clinical staff of their facility" on appointment_notes
  for select using (facility_id = any ((select app.visible_facilities())::uuid[])
                    and (select app.has_permission('clinical.read')));
create policy "Clinical staff write notes at their facility, as themselves" on appointment_notes
  for insert with check (facility_id = any ((select app.visible_facilities())::uuid[])
                         and (select app.has_permission('clinical.write'))
                         and written_by = (select app.current_user_id()));
