-- ============================================================================
-- Owned clinical data: the clinical record of a health card becomes a list of
-- append-only entries, each with its author and the facility where it was
-- recorded, instead of one row of JSON arrays that any clinician of any
-- facility where the card is registered could rewrite (and erase what another
-- facility had recorded, leaving only "[clinical]" in the audit log).
--
--   kind         allergy, condition, history, insurance, blood_group
--   code         a short coded value: the substance of an allergy, the ICD-10
--                code of a condition, the insurer or scheme, the blood group
--   text         free text (a condition's name, a past event, a policy note)
--   criticality  of an allergy: high, low, unable_to_assess
--   reaction     of an allergy
--   status       active, inactive, resolved, entered_in_error
--   none_known   an explicit "none known" for its kind (no known allergies):
--                an assertion someone made, not the absence of entries
--   supersedes   the earlier entry of the same card and kind this one
--                corrects; an entry is corrected at most once, so each chain
--                is a line and its last entry is the current one
--   details      what does not fit the columns, as a JSON object (a policy
--                number, the year of an event, the source object of an entry
--                carried over from the JSON arrays)
--   facility_id, patient_id, recorded_by, recorded_by_staff, recorded_at
--                where, for which of that facility's patient records, by whom
--                and when: taken from the verified request context by the
--                insert trigger, never from the writer (app.stamp_clinical_entry)
--   carried_over an entry that existed before entries had authors (moved here
--                from health_card_clinical and health_cards.insurance, or bulk
--                loaded with no signed-in user): author, and for moved rows
--                the facility, unknown
--
-- A correction is a new entry that supersedes, never an update or a delete:
-- a trigger refuses UPDATE, DELETE and TRUNCATE to everybody, the owner and
-- the definer role included (R__0001). The app roles hold no privilege on the
-- table at all: entries are written by the definer functions
-- app.add_clinical_entry, app.correct_clinical_entry, app.assert_none_known
-- and read by app.read_clinical_entries, app.read_health_card,
-- app.search_patients, which check the caller and record the read (R__0004).
--
-- Not partitioned: a card has a handful of entries, every read is by card
-- across the facilities where it is registered (so neither time nor facility
-- would prune), and the table grows with patients, not with activity.
-- ============================================================================
create type clinical_entry_kind as enum ('allergy', 'condition', 'history', 'insurance', 'blood_group');
create type clinical_criticality as enum ('high', 'low', 'unable_to_assess');
create type clinical_entry_status as enum ('active', 'inactive', 'resolved', 'entered_in_error');

create table clinical_entries (
  id                 uuid primary key default gen_random_uuid(),
  card_id            uuid not null references health_cards (id),
  kind               clinical_entry_kind not null,
  none_known         boolean not null default false,
  code               text check (code is null or app.is_clean_text(code, 100)),
  text               text check (text is null or app.is_clean_text(text, 2000, true)),
  criticality        clinical_criticality,
  reaction           text check (reaction is null or app.is_clean_text(reaction, 500)),
  status             clinical_entry_status not null default 'active',
  details            jsonb not null default '{}'
                       check (jsonb_typeof(details) = 'object' and length(details::text) <= 16384),
  supersedes         uuid,
  facility_id        uuid references facilities (id),
  patient_id         uuid,
  recorded_by        uuid references users (id),
  recorded_by_staff  uuid,
  recorded_at        timestamptz not null default now(),
  carried_over       boolean not null default false,
  constraint clinical_entries_card_kind_id_key unique (card_id, kind, id),
  -- a correction stays on its card and kind: the foreign key names both
  constraint clinical_entries_supersedes_fkey foreign key (card_id, kind, supersedes)
    references clinical_entries (card_id, kind, id),
  -- an entry is superseded at most once: chains do not fork
  constraint clinical_entries_supersedes_key unique (supersedes),
  constraint clinical_entries_patient_fkey foreign key (facility_id, patient_id) references patients (facility_id, id),
  constraint clinical_entries_staff_fkey foreign key (facility_id, recorded_by_staff) references staff (facility_id, id),
  constraint clinical_entries_provenance_check
    check (carried_over or (facility_id is not null and patient_id is not null and recorded_by is not null)),
  constraint clinical_entries_facility_patient_check check ((facility_id is null) = (patient_id is null)),
  constraint clinical_entries_none_known_check
    check (not none_known or (kind <> 'blood_group' and code is null and text is null and criticality is null
                              and reaction is null and status = 'active')),
  constraint clinical_entries_content_check
    check (none_known or status = 'entered_in_error' or code is not null or text is not null or details <> '{}'),
  constraint clinical_entries_allergy_fields_check check (kind = 'allergy' or (criticality is null and reaction is null)),
  constraint clinical_entries_blood_group_check
    check (kind <> 'blood_group' or status = 'entered_in_error' or code in ('A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-'))
);
create index clinical_entries_card_idx on clinical_entries (card_id, kind, recorded_at);
-- the analytics count cards by kind and code
create index clinical_entries_kind_code_idx on clinical_entries (kind, code, card_id) where not none_known;
alter table clinical_entries enable row level security;
alter table clinical_entries force row level security;
comment on table clinical_entries is
  'The clinical record of a health card (and its insurance), append-only: a correction is a new entry that supersedes. No privilege for the app roles: written and read through definer functions that check the caller and record reads.';
comment on column clinical_entries.kind is 'allergy, condition, history, insurance or blood_group.';
comment on column clinical_entries.code is 'Coded value: an allergy''s substance, a condition''s ICD-10 code, the insurer or scheme, the blood group.';
comment on column clinical_entries.criticality is 'Of an allergy: high, low or unable_to_assess.';
comment on column clinical_entries.none_known is 'An explicit "none known" for the kind (no known allergies), made by its author.';
comment on column clinical_entries.supersedes is 'The earlier entry of the same card and kind this one corrects; each entry is corrected at most once.';
comment on column clinical_entries.facility_id is 'Where the entry was recorded (the request''s tenant); null only for entries carried over without one.';
comment on column clinical_entries.patient_id is 'The recording facility''s patient record the entry was made for.';
comment on column clinical_entries.recorded_by is 'The signed-in user who recorded it, from the verified context.';
comment on column clinical_entries.recorded_by_staff is 'The author''s staff record at the facility, from the verified context.';
comment on column clinical_entries.carried_over is 'Recorded before entries had authors (moved from the JSON arrays, or bulk loaded): author unknown.';

grant select, insert on clinical_entries to careledger_definer;

-- ----------------------------------------------------------------------------
-- The JSON arrays become entries. On a fresh database they are empty (the demo
-- data loads after the migrations); on a database made before, every element
-- becomes one carried-over entry of its card, its object kept in details.
-- Text that app.is_clean_text would refuse stays in details only.
-- ----------------------------------------------------------------------------
set local role careledger_definer;

insert into clinical_entries (card_id, kind, code, recorded_at, carried_over)
select k.card_id, 'blood_group', k.blood_group, k.updated_at, true
from health_card_clinical k
where k.blood_group is not null;

insert into clinical_entries (card_id, kind, code, text, criticality, reaction, details, recorded_at, carried_over)
select k.card_id, 'allergy',
       case when app.is_clean_text(e ->> 'substance', 100) then e ->> 'substance' end,
       null,
       case when lower(e ->> 'severity') in ('severe', 'high', 'life-threatening') then 'high'
            when lower(e ->> 'severity') in ('mild', 'moderate', 'low') then 'low'
            else 'unable_to_assess' end::clinical_criticality,
       case when app.is_clean_text(e ->> 'reaction', 500) then e ->> 'reaction' end,
       e, k.updated_at, true
from health_card_clinical k
cross join lateral jsonb_array_elements(k.allergies) e
where jsonb_typeof(e) = 'object';

insert into clinical_entries (card_id, kind, code, text, details, recorded_at, carried_over)
select k.card_id, 'condition',
       case when app.is_clean_text(e ->> 'code', 100) then e ->> 'code' end,
       case when app.is_clean_text(e ->> 'name', 2000, true) then e ->> 'name' end,
       e, k.updated_at, true
from health_card_clinical k
cross join lateral jsonb_array_elements(k.chronic_conditions) e
where jsonb_typeof(e) = 'object';

insert into clinical_entries (card_id, kind, text, details, recorded_at, carried_over)
select k.card_id, 'history',
       case when app.is_clean_text(e ->> 'event', 2000, true) then e ->> 'event' end,
       e, k.updated_at, true
from health_card_clinical k
cross join lateral jsonb_array_elements(k.medical_history) e
where jsonb_typeof(e) = 'object';

insert into clinical_entries (card_id, kind, code, details, recorded_at, carried_over)
select c.id, 'insurance',
       case when app.is_clean_text(coalesce(e ->> 'insurer', e ->> 'scheme'), 100) then coalesce(e ->> 'insurer', e ->> 'scheme') end,
       e, c.issued_at, true
from health_cards c
cross join lateral jsonb_array_elements(c.insurance) e
where jsonb_typeof(e) = 'object';

reset role;

-- The old storage goes: one place holds the record. Its stamp trigger's
-- function goes with it (it exists only where the repeatable files ran).
drop table health_card_clinical;
drop function if exists app.stamp_clinical_update();
alter table health_cards drop column insurance;

-- The analytics count entries by kind now (R__0011 defines the new signature).
drop function if exists app.health_card_prevalence(text, text, text, text, text[]);
