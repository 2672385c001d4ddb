-- ============================================================================
-- Patients: one row per person per facility where they are registered (the
-- facility's own record: its registration number, contact details). The same
-- person at two facilities has two rows, each visible only to its facility;
-- a person who signs in is linked through user_id and sees their own rows.
-- Health cards, clinical details and search follow in later migrations.
-- ============================================================================

create type sex as enum ('female', 'male', 'other', 'undisclosed');

create table patients (
  id                   uuid primary key default gen_random_uuid(),
  facility_id          uuid not null references facilities (id),
  registration_number  text not null check (registration_number ~ '^[A-Z0-9][A-Z0-9/-]{2,29}$'),
  full_name            text not null check (length(btrim(full_name)) between 1 and 200),
  date_of_birth        date check (date_of_birth between date '1900-01-01' and current_date),
  sex                  sex not null default 'undisclosed',
  phone                text check (phone ~ '^\+?[0-9 -]{8,16}$'),
  email                text check (email ~ '^[^@\s]+@[^@\s]+$'),
  user_id              uuid references users (id),
  registered_at        timestamptz not null default now(),
  constraint patients_facility_id_id_key unique (facility_id, id),
  constraint patients_registration_number_key unique (facility_id, registration_number),
  -- one record per person and facility
  constraint patients_facility_user_key unique (facility_id, user_id)
);
create index patients_user_id_idx on patients (user_id) where user_id is not null;
create index patients_registered_at_brin on patients using brin (registered_at);
alter table patients enable row level security;
alter table patients force row level security;
comment on table patients is 'A person registered at a facility: the facility''s record of them.';
comment on column patients.registration_number is 'The facility''s own patient number (MRN / UHID).';
comment on column patients.user_id is 'The person''s sign-in, when they use the patient portal.';

grant select, insert, update on patients to careledger_app;
grant select, insert, update on patients to careledger_definer;

create policy "Patients are visible to their facility and to themselves" on patients
  for select using (facility_id = any ((select app.visible_facilities())::uuid[])
                    or user_id = (select app.current_user_id()));
create policy "Staff who manage patients register them at their facility" on patients
  for insert with check (facility_id = any ((select app.visible_facilities())::uuid[])
                         and (select app.has_permission('patients.manage')));
create policy "Staff who manage patients edit them at their facility" on patients
  for update using (facility_id = any ((select app.visible_facilities())::uuid[])
                    and (select app.has_permission('patients.manage')))
  with check (facility_id = any ((select app.visible_facilities())::uuid[]));
