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
-- (app.link_health_card, V0011): the PIN is the person's consent to share.
-- ============================================================================

-- ----------------------------------------------------------------------------
-- Verhoeff check digits (the scheme of Aadhaar numbers): they catch every
-- single-digit error and every swap of adjacent digits, which Luhn does not
-- (09 <-> 90). Used for card numbers here and Aadhaar numbers in V0012.
-- ----------------------------------------------------------------------------

-- The check digit to append to a string of digits. The tables are strings of
-- digits read with substr (a 2-D array literal would be parsed on every call,
-- three times slower). Pure functions of their argument calling only built-ins,
-- so no search_path setting (it costs a configuration save and restore per
-- call, and stops a SQL function from being inlined).
create function app.verhoeff_check_digit(p_digits text) returns text
language plpgsql immutable strict parallel safe
as $$
declare
  -- d: multiplication table of the dihedral group D5, row by row (d[c][x] at c * 10 + x + 1)
  d constant text := '0123456789123406789523401789563401289567401239567859876043216598710432765982104387659321049876543210';
  -- p: the permutation applied to a digit at position i (p[i mod 8][x] at (i mod 8) * 10 + x + 1)
  p constant text := '01234567891576283094580379614289160435279453126870428657390127938064157046913258';
  n int := length(p_digits);
  c int := 0;
begin
  if p_digits !~ '^[0-9]+$' then
    return null;
  end if;
  -- from the rightmost digit, which sits at position 1 once the check digit is appended
  -- (ascii(x) - 48 is the digit x, so ascii(x) - 47 is its 1-based offset)
  for i in 0 .. n - 1 loop
    c := ascii(substr(d, c * 10 + ascii(substr(p, ((i + 1) % 8) * 10 + ascii(substr(p_digits, n - i, 1)) - 47, 1)) - 47, 1)) - 48;
  end loop;
  -- the inverse of c in D5
  return substr('0432156789', c + 1, 1);
end
$$;
comment on function app.verhoeff_check_digit(text) is 'Verhoeff check digit for a string of digits (null if it is not all digits).';

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
-- Card numbers: 16 digits, '8' (ISO/IEC 7812's major industry digit for
-- healthcare), 14 random digits, a Verhoeff check digit. Random, not a
-- sequence, so numbers cannot be enumerated; printed in groups of four.
-- ----------------------------------------------------------------------------
create function app.card_number_is_valid(p_card_number text) returns boolean
language sql immutable parallel safe
as $$
  select coalesce(regexp_replace(p_card_number, '[\s-]', '', 'g') ~ '^8[0-9]{15}$'
                  and app.verhoeff_is_valid(regexp_replace(p_card_number, '[\s-]', '', 'g')), false)
$$;
comment on function app.card_number_is_valid(text) is
  'True for a well-formed health card number (spaces and hyphens ignored): 16 digits, leading 8, Verhoeff check digit.';

-- A fresh random card number (uniqueness is checked by the caller's insert).
create function app.new_card_number() returns text
language sql volatile parallel safe
set search_path = pg_catalog, pg_temp
as $$
  select n || app.verhoeff_check_digit(n)
  from (select '8' || lpad(((('x' || encode(extensions.gen_random_bytes(7), 'hex'))::bit(56)::bigint)
                            % 100000000000000)::text, 14, '0') as n) s
$$;
comment on function app.new_card_number() is 'A new random, valid health card number.';

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

-- Who changed the clinical record last, and when, whatever the caller sent.
create function app.stamp_clinical_update() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  new.updated_at := now();
  new.updated_by := app.current_user_id();
  return new;
end
$$;
create trigger health_card_clinical_stamp
  before update on health_card_clinical
  for each row execute function app.stamp_clinical_update();

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
revoke insert, update on patients from careledger_app;
grant insert (id, facility_id, registration_number, full_name, date_of_birth, sex, phone, email, user_id, registered_at)
  on patients to careledger_app;
grant update (registration_number, full_name, date_of_birth, sex, phone, email, user_id) on patients to careledger_app;

-- ----------------------------------------------------------------------------
-- Helpers for the policies and functions below. Definer rights: they read
-- patients and cards whatever the caller may see, and answer only about the
-- current context.
-- ----------------------------------------------------------------------------

-- Is the card registered at the facility the user works in (and may see)?
create function app.card_registered_here(p_card uuid) returns boolean
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select exists (select 1 from public.patients p
                 where p.card_id = p_card and p.facility_id = app.current_tenant()
                   and p.facility_id = any (app.visible_facilities()))
$$;
revoke all on function app.card_registered_here(uuid) from public;
grant execute on function app.card_registered_here(uuid) to careledger_app;
alter function app.card_registered_here(uuid) owner to careledger_definer;

-- Is the signed-in user the card's holder?
create function app.is_card_holder(p_card uuid) returns boolean
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select exists (select 1 from public.health_cards c
                 where c.id = p_card and c.holder_user_id = app.current_user_id())
$$;
revoke all on function app.is_card_holder(uuid) from public;
grant execute on function app.is_card_holder(uuid) to careledger_app;
alter function app.is_card_holder(uuid) owner to careledger_definer;

-- A patient of the current facility who has no card yet, locked for the
-- caller that will give them one (issue here, link in V0011).
create function app.lock_patient_without_card(p_patient uuid) returns patients
language plpgsql volatile
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_patient public.patients;
begin
  select * into v_patient from public.patients p
  where p.id = p_patient and p.facility_id = app.current_tenant() and p.facility_id = any (app.visible_facilities())
  for update;
  if not found then
    raise exception 'no patient % at this facility', p_patient using errcode = 'no_data_found';
  end if;
  if v_patient.card_id is not null then
    raise exception 'this patient already has a health card' using errcode = 'unique_violation';
  end if;
  return v_patient;
end
$$;
revoke all on function app.lock_patient_without_card(uuid) from public;
grant execute on function app.lock_patient_without_card(uuid) to careledger_definer;

-- ----------------------------------------------------------------------------
-- Issuing a card to a patient of the current facility: a new card, its empty
-- clinical record, the link. The patient's sign-in (if any) becomes the holder.
-- ----------------------------------------------------------------------------
create function app.issue_health_card(p_patient uuid) returns health_cards
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_patient public.patients;
  v_card public.health_cards;
begin
  if not coalesce(app.has_permission('patients.manage'), false) then
    raise exception 'issuing a health card needs patients.manage' using errcode = 'insufficient_privilege';
  end if;
  v_patient := app.lock_patient_without_card(p_patient);
  if v_patient.user_id is not null
     and exists (select 1 from public.health_cards c where c.holder_user_id = v_patient.user_id) then
    raise exception 'this person already holds a health card: link it with its number and PIN'
      using errcode = 'unique_violation';
  end if;
  -- a random number is taken again on the (rare) collision
  loop
    insert into public.health_cards (card_number, holder_user_id, holder_name)
    values (app.new_card_number(), v_patient.user_id, v_patient.full_name)
    on conflict (card_number) do nothing
    returning * into v_card;
    exit when v_card.id is not null;
  end loop;
  insert into public.health_card_clinical (card_id, updated_by) values (v_card.id, app.current_user_id());
  update public.patients set card_id = v_card.id where id = v_patient.id;
  return v_card;
end
$$;
revoke all on function app.issue_health_card(uuid) from public;
grant execute on function app.issue_health_card(uuid) to careledger_app;
alter function app.issue_health_card(uuid) owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Privileges and policies. Cards and clinical rows are created by the
-- functions above (definer), never inserted by the app.
-- ----------------------------------------------------------------------------
grant select on health_cards, health_card_clinical to careledger_app;
grant update (holder_name, insurance) on health_cards to careledger_app;
grant update (blood_group, medical_history, allergies, chronic_conditions) on health_card_clinical to careledger_app;
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
