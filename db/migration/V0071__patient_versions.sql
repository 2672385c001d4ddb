-- ============================================================================
-- Demographics are versioned: a patient record's name, date of birth, sex,
-- phone and e-mail keep every earlier value, with who changed them, when and
-- at which facility. patients.demographics_version counts the versions; a
-- trigger numbers it (the app roles may not write it) and another writes the
-- version, with definer rights, to patient_versions: one row per version,
-- the first made at registration, so the current values are the last row and
-- each earlier row is what a change replaced. Every path that writes patients
-- (the clerk's plain UPDATE under its policy, definer functions) goes through
-- the triggers, so no edit escapes a version.
--
-- The app roles read the versions of their facility's records and write none;
-- a trigger refuses UPDATE, DELETE and TRUNCATE to everybody (R__0001).
-- ============================================================================
alter table patients add column demographics_version integer not null default 1 check (demographics_version >= 1);
comment on column patients.demographics_version is
  'How many versions the demographics (name, date of birth, sex, phone, e-mail) have had; numbered by trigger, never by the app.';

create table patient_versions (
  facility_id    uuid not null,
  patient_id     uuid not null,
  version        integer not null check (version >= 1),
  full_name      text not null,
  date_of_birth  date,
  sex            sex not null,
  phone          text,
  email          text,
  changed_at     timestamptz not null default now(),
  changed_by     uuid references users (id),
  changed_in     uuid references facilities (id),
  primary key (facility_id, patient_id, version),
  constraint patient_versions_patient_fkey foreign key (facility_id, patient_id) references patients (facility_id, id)
);
alter table patient_versions enable row level security;
alter table patient_versions force row level security;
comment on table patient_versions is
  'Every version of a patient record''s demographics, with who made it, when and at which facility; append-only, written by trigger.';
comment on column patient_versions.changed_by is 'The signed-in user who made this version; null when nobody was signed in (a migration, the demo loader).';
comment on column patient_versions.changed_in is 'The facility the change was made at (the request''s tenant); null outside a facility.';

grant select on patient_versions to careledger_app, careledger_patient;
grant select, insert on patient_versions to careledger_definer;
create policy "Versions are visible to the patient's facility" on patient_versions
  for select using (facility_id = any ((select app.visible_facilities())::uuid[]));

-- The records made before versions existed get their first version now.
set local role careledger_definer;
insert into patient_versions (facility_id, patient_id, version, full_name, date_of_birth, sex, phone, email, changed_at)
select p.facility_id, p.id, 1, p.full_name, p.date_of_birth, p.sex, p.phone, p.email, p.registered_at
from patients p;
reset role;
