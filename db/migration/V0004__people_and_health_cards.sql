-- ============================================================================
-- People and health cards: patients, cards, PINs, national ids, search.
--
-- Types, tables, indexes, partitions, grants and policies of this area, as
-- they stand; functions, trigger functions and views are in R__0004_people_and_health_cards.sql,
-- but for the few a policy, check constraint or materialized view here names.
-- ============================================================================

-- ============================================================================
-- Patients: one row per person per facility where they are registered (the
-- facility's own record: its registration number, contact details). The same
-- person at two facilities has two rows, each visible only to its facility;
-- a person who signs in is linked through user_id and sees their own rows.
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
grant select, insert, update on patients to careledger_app, careledger_patient;
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

-- ============================================================================
-- Health cards: one card per person, platform-wide.
--
-- A person registered at two facilities has two `patients` rows (each the
-- facility's own record) and one health card that both rows reference through
-- patients.card_id. The card and its clinical record belong to the person,
-- not to a tenant, so these two tables have no facility_id. They are still
-- under forced row-level security, with policies written in the context
-- functions:
--   health_cards          the holder (patient sign-in) and every facility
--                         where the person is registered see it (number,
--                         printed name, insurance);
--   health_card_clinical  the holder, and staff of a facility where the person
--                         is registered who hold clinical.read. Facility admins
--                         and the super admin do not (minimum necessary), which
--                         is why clinical data is a table of its own: a policy
--                         filters rows, not columns.
-- The card row says nothing about where the person is treated: it carries no
-- issuing facility, so a facility learns of another facility only through
-- the clinical record a clinician wrote.
-- A card is attached to a facility's patient row only by definer functions:
-- issued there (app.issue_health_card) or presented there with its PIN
-- (app.link_health_card): the PIN is the person's consent to share.
-- ============================================================================

-- Does a string of digits end in its correct Verhoeff check digit? PL/pgSQL
-- like the above, because it also checks Aadhaar numbers: a SQL-language
-- function that is not inlined runs as a nested statement, and auto_explain
-- would log its argument.
create function app.verhoeff_is_valid(p_number text) returns boolean
language plpgsql immutable strict parallel safe
as $$
begin
  return p_number ~ '^[0-9]{2,}$' and app.verhoeff_check_digit(left(p_number, -1)) = right(p_number, 1);
end
$$;
comment on function app.verhoeff_is_valid(text) is 'True when the last digit is the Verhoeff check digit of the others.';

-- ----------------------------------------------------------------------------
-- health_cards
-- ----------------------------------------------------------------------------
create table health_cards (
  id              uuid primary key default gen_random_uuid(),
  card_number     text not null unique check (card_number ~ '^8[0-9]{15}$' and app.verhoeff_is_valid(card_number)),
  holder_user_id  uuid unique references users (id),
  holder_name     text not null check (length(btrim(holder_name)) between 1 and 200),
  -- billing data, not clinical: the billing desk needs the insurer and policy for a claim
  insurance       jsonb not null default '[]' check (jsonb_typeof(insurance) = 'array'),
  issued_at       timestamptz not null default now()
);
alter table health_cards enable row level security;
alter table health_cards force row level security;

-- containment is the query shape: insurance @> '[{"insurer": "Star Health"}]'
create index health_cards_insurance_idx on health_cards using gin (insurance jsonb_path_ops);
comment on table health_cards is
  'A person''s health card, one per person across the platform (not tenant data: no facility_id). Visible to its holder and to the facilities where the person is registered.';
comment on column health_cards.card_number is '16 digits: 8, 14 random digits, Verhoeff check digit. Printed as 4-4-4-4.';
comment on column health_cards.holder_user_id is 'The person''s patient sign-in, when they have one; they see the card online.';
comment on column health_cards.holder_name is 'Name printed on the card.';
comment on column health_cards.insurance is
  'Insurance policies and schemes: [{"insurer", "policy_number", "valid_until"} or {"scheme", "beneficiary_id"}].';

-- ----------------------------------------------------------------------------
-- health_card_clinical: the clinical part of the card, one row per card.
-- ----------------------------------------------------------------------------
create table health_card_clinical (
  card_id             uuid primary key references health_cards (id),
  blood_group         text check (blood_group in ('A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-')),
  medical_history     jsonb not null default '[]' check (jsonb_typeof(medical_history) = 'array'),
  allergies           jsonb not null default '[]' check (jsonb_typeof(allergies) = 'array'),
  chronic_conditions  jsonb not null default '[]' check (jsonb_typeof(chronic_conditions) = 'array'),
  updated_at          timestamptz not null default now(),
  updated_by          uuid references users (id)
);
alter table health_card_clinical enable row level security;
alter table health_card_clinical force row level security;

-- containment is the query shape (allergies @> '[{"substance": "Penicillin"}]'); jsonb_path_ops is
-- smaller and faster than the default opclass for it
create index health_card_clinical_medical_history_idx on health_card_clinical using gin (medical_history jsonb_path_ops);
create index health_card_clinical_allergies_idx on health_card_clinical using gin (allergies jsonb_path_ops);
create index health_card_clinical_chronic_conditions_idx on health_card_clinical using gin (chronic_conditions jsonb_path_ops);
comment on table health_card_clinical is
  'Clinical summary of a health card: readable by its holder and by staff with clinical.read where the person is registered; never by admins.';
comment on column health_card_clinical.medical_history is 'Past events: [{"year", "event", "notes"}].';
comment on column health_card_clinical.allergies is 'Allergies: [{"substance", "reaction", "severity"}].';
comment on column health_card_clinical.chronic_conditions is 'Long-term conditions: [{"code" (ICD-10), "name", "since"}].';

-- ----------------------------------------------------------------------------
-- patients.card_id: each facility's record of the person points at the card.
-- ----------------------------------------------------------------------------
alter table patients add column card_id uuid references health_cards (id);

-- one record per card and facility
alter table patients add constraint patients_facility_card_key unique (facility_id, card_id);
create index patients_card_id_idx on patients (card_id) where card_id is not null;
comment on column patients.card_id is
  'The person''s health card. Set only by app.issue_health_card and app.link_health_card, never written by the app directly.';

-- The app may write every column of a patient record except its identity and its card:
-- attaching a card is what makes the card visible here, so only the card functions do it.
revoke insert, update on patients from careledger_app, careledger_patient;
grant insert (id, facility_id, registration_number, full_name, date_of_birth, sex, phone, email, user_id, registered_at)
  on patients to careledger_app, careledger_patient;
grant update (registration_number, full_name, date_of_birth, sex, phone, email, user_id) on patients to careledger_app, careledger_patient;

-- ----------------------------------------------------------------------------
-- Privileges and policies. Cards and clinical rows are created by the
-- functions above (definer), never inserted by the app.
-- ----------------------------------------------------------------------------
grant select on health_cards, health_card_clinical to careledger_app, careledger_patient;
grant update (holder_name, insurance) on health_cards to careledger_app, careledger_patient;
grant update (blood_group, medical_history, allergies, chronic_conditions) on health_card_clinical to careledger_app, careledger_patient;
grant select, insert, update on health_cards, health_card_clinical to careledger_definer;
create policy "Holders see their own health card" on health_cards
  for select using (holder_user_id = (select app.current_user_id()));
create policy "Cards are visible where the person is registered" on health_cards
  for select using (exists (select 1 from patients p
                            where p.card_id = health_cards.id
                              and p.facility_id = any ((select app.visible_facilities())::uuid[])));

create policy "Staff who manage patients edit cards registered with them" on health_cards
  for update using ((select app.has_permission('patients.manage'))
                    and exists (select 1 from patients p
                                where p.card_id = health_cards.id
                                  and p.facility_id = (select app.current_tenant())
                                  and p.facility_id = any ((select app.visible_facilities())::uuid[])));
create policy "Holders read their own clinical record" on health_card_clinical
  for select using (exists (select 1 from health_cards c
                            where c.id = health_card_clinical.card_id
                              and c.holder_user_id = (select app.current_user_id())));
create policy "Clinical staff read records of persons registered with them" on health_card_clinical
  for select using ((select app.has_permission('clinical.read'))
                    and exists (select 1 from patients p
                                where p.card_id = health_card_clinical.card_id
                                  and p.facility_id = (select app.current_tenant())
                                  and p.facility_id = any ((select app.visible_facilities())::uuid[])));
create policy "Clinical staff write records of persons registered with them" on health_card_clinical
  for update using ((select app.has_permission('clinical.write'))
                    and exists (select 1 from patients p
                                where p.card_id = health_card_clinical.card_id
                                  and p.facility_id = (select app.current_tenant())
                                  and p.facility_id = any ((select app.visible_facilities())::uuid[])));

-- ============================================================================
-- Health card PINs. A PIN is verified, never read back, so it is stored as
--   crypt(hex(hmac_sha256(pin, key)), gen_salt('bf', 10))
-- where key is the app's PIN key from configuration, passed to every call as
-- a bind parameter: it is never stored in the database and never logged by
-- these functions. Stealing the table (or a backup) gives bcrypt hashes of
-- HMACs: guessing even a 4-digit PIN offline needs the key, and costs a
-- bcrypt per guess. Online guessing is stopped by the lock: five wrong PINs
-- in a row lock the card until a new PIN is set; a right PIN resets the count.
--
-- Every wrong PIN returns false (it never raises), so the counted attempt is
-- committed with the caller's transaction; the app must commit it.
--
-- The PIN and the key are used only in PL/pgSQL expressions, never handed to
-- a nested SQL statement or SQL-language function as a parameter: auto_explain
-- (log_parameter_max_length defaults to -1 in 16) would log such parameters.
-- ============================================================================
create table health_card_pins (
  card_id          uuid primary key references health_cards (id),
  pin_hash         text not null check (pin_hash ~ '^\$2a\$'),
  failed_attempts  smallint not null default 0 check (failed_attempts between 0 and 5),
  locked_at        timestamptz,
  changed_at       timestamptz not null default now(),
  constraint health_card_pins_locked_check check ((locked_at is not null) = (failed_attempts = 5))
);

-- No policy and no privilege for the app: only the definer functions below touch PINs.
alter table health_card_pins enable row level security;
alter table health_card_pins force row level security;
grant select, insert, update on health_card_pins to careledger_definer;
comment on table health_card_pins is
  'Health card PINs as bcrypt hashes of an HMAC under a key from configuration; read and written only by the PIN functions.';
comment on column health_card_pins.pin_hash is 'crypt(hex(hmac(pin, key, sha256)), bf); the PIN and the key are never stored.';
comment on column health_card_pins.failed_attempts is 'Wrong PINs in a row; the fifth locks the card.';
comment on column health_card_pins.locked_at is 'When the card was locked; it stays locked until a new PIN is set.';

-- ============================================================================
-- National identifiers (Aadhaar, ABHA number, PAN, passport, voter id) of a
-- health card's holder. Never stored in plain text:
--   lookup_hash  hmac_sha256(kind || ':' || number, lookup key): finds a card
--                by its number without decrypting anything; equal numbers give
--                equal hashes, so it is unique per kind (one card per person);
--   ciphertext   pgp_sym_encrypt(number, encryption key, aes256): read back
--                only by app.reveal_national_id, for a claim that needs it;
--   last4        the last four characters, for display ("XXXX XXXX 2346");
--                not identifying on their own.
-- Both keys come from the app's configuration as bind parameters and are
-- never stored; they must differ, so the lookup key cannot decrypt. The
-- number and the keys are used only in PL/pgSQL expressions, never passed to
-- a nested SQL statement, whose parameters auto_explain could log.
-- The id belongs to the person's card (platform-wide); the lookup answers only
-- with patient records of facilities the context may see. A facility that
-- records an id already on another card learns only that: the person then
-- links their card with its number and PIN instead of getting a second one.
-- ============================================================================
create type national_id_kind as enum ('aadhaar', 'abha_number', 'pan', 'passport', 'voter_id');
create table national_ids (
  card_id      uuid not null references health_cards (id),
  kind         national_id_kind not null,
  lookup_hash  bytea not null check (length(lookup_hash) = 32),
  ciphertext   bytea not null,
  last4        text not null check (last4 ~ '^[0-9A-Z]{4}$'),
  recorded_at  timestamptz not null default now(),
  recorded_by  uuid references users (id),
  primary key (card_id, kind),
  -- one card per person: the same number cannot sit on two cards
  constraint national_ids_kind_lookup_hash_key unique (kind, lookup_hash)
);
alter table national_ids enable row level security;
alter table national_ids force row level security;
comment on table national_ids is
  'National identifiers of a card''s holder: keyed hash for lookup, pgcrypto ciphertext, last four; never plain text. Platform-wide like the card.';
comment on column national_ids.lookup_hash is 'hmac_sha256(kind:number, lookup key from configuration).';
comment on column national_ids.ciphertext is 'pgp_sym_encrypt(number, encryption key from configuration), AES-256.';
comment on column national_ids.last4 is 'Last four characters, for display only.';

-- The app reads which ids a card has and their last four, never the hash or the ciphertext.
grant select (card_id, kind, last4, recorded_at, recorded_by) on national_ids to careledger_app, careledger_patient;
grant select, insert, update on national_ids to careledger_definer;
create policy "Holders see their own national ids" on national_ids
  for select using (exists (select 1 from health_cards c
                            where c.id = national_ids.card_id
                              and c.holder_user_id = (select app.current_user_id())));
create policy "National ids are visible where the person is registered" on national_ids
  for select using (exists (select 1 from patients p
                            where p.card_id = national_ids.card_id
                              and p.facility_id = any ((select app.visible_facilities())::uuid[])));

-- ============================================================================
-- Patient search by name, phone and card number, with pg_trgm.
--
-- Under row-level security the planner must apply the policy before any
-- operator that is not leakproof, so that a function cannot see (and leak)
-- a row the policy would hide. The trigram operators (%, <%, ilike through
-- pg_trgm) are not leakproof: a query by the app role reads every row its
-- policy admits (a whole facility) and filters them one by one, and the
-- trigram indexes below go unused. app.search_patients runs with definer
-- rights instead: it restricts to the current tenant itself, as its first
-- index condition, and lets the trigram index find the matches. Numbers are
-- in docs/database.md, "Patient search".
-- ============================================================================

-- facility_id first (btree_gin), so one index scan stays inside the tenant
create index patients_facility_name_trgm_idx on patients
  using gin (facility_id, full_name extensions.gin_trgm_ops);

-- phones are searched by their digits, whatever the spacing they were typed with
create index patients_facility_phone_trgm_idx on patients
  using gin (facility_id, (regexp_replace(phone, '\D', '', 'g')) extensions.gin_trgm_ops)
  where phone is not null;

-- cards are platform-wide: the match is joined to the tenant's patient rows
create index health_cards_card_number_trgm_idx on health_cards
  using gin (card_number extensions.gin_trgm_ops);
