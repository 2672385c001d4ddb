-- ============================================================================
-- People and health cards: patients, cards, PINs, national ids, search: functions, trigger functions and views.
--
-- Repeatable: Flyway runs this file again whenever it changes, so every
-- statement here can run twice (create or replace, grants, comments).
-- Tables, types and policies of the area are in V0004__people_and_health_cards.sql.
-- ============================================================================

-- ----------------------------------------------------------------------------
-- Verhoeff check digits (the scheme of Aadhaar numbers): they catch every
-- single-digit error and every swap of adjacent digits, which Luhn does not
-- (09 <-> 90). Used for card numbers and Aadhaar numbers.
-- ----------------------------------------------------------------------------

-- The check digit to append to a string of digits. The tables are strings of
-- digits read with substr (a 2-D array literal would be parsed on every call,
-- three times slower). Pure functions of their argument calling only built-ins,
-- so no search_path setting (it costs a configuration save and restore per
-- call, and stops a SQL function from being inlined).
create or replace function app.verhoeff_check_digit(p_digits text) returns text
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

-- ----------------------------------------------------------------------------
-- Card numbers: 16 digits, '8' (ISO/IEC 7812's major industry digit for
-- healthcare), 14 random digits, a Verhoeff check digit. Random, not a
-- sequence, so numbers cannot be enumerated; printed in groups of four.
-- ----------------------------------------------------------------------------
create or replace function app.card_number_is_valid(p_card_number text) returns boolean
language sql immutable parallel safe
as $$
  select coalesce(regexp_replace(p_card_number, '[\s-]', '', 'g') ~ '^8[0-9]{15}$'
                  and app.verhoeff_is_valid(regexp_replace(p_card_number, '[\s-]', '', 'g')), false)
$$;
comment on function app.card_number_is_valid(text) is
  'True for a well-formed health card number (spaces and hyphens ignored): 16 digits, leading 8, Verhoeff check digit.';

-- A fresh random card number (uniqueness is checked by the caller's insert).
create or replace function app.new_card_number() returns text
language sql volatile parallel safe
set search_path = pg_catalog, pg_temp
as $$
  select n || app.verhoeff_check_digit(n)
  from (select '8' || lpad(((('x' || encode(extensions.gen_random_bytes(7), 'hex'))::bit(56)::bigint)
                            % 100000000000000)::text, 14, '0') as n) s
$$;
comment on function app.new_card_number() is 'A new random, valid health card number.';

-- Who changed the clinical record last, and when, whatever the caller sent.
create or replace function app.stamp_clinical_update() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  new.updated_at := now();
  new.updated_by := app.current_user_id();
  return new;
end
$$;

-- ----------------------------------------------------------------------------
-- Helpers for the policies and functions below. Definer rights: they read
-- patients and cards whatever the caller may see, and answer only about the
-- current context.
-- ----------------------------------------------------------------------------

-- Is the card registered at the facility the user works in (and may see)?
create or replace function app.card_registered_here(p_card uuid) returns boolean
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select exists (select 1 from public.patients p
                 where p.card_id = p_card and p.facility_id = app.current_tenant()
                   and p.facility_id = any (app.visible_facilities()))
$$;
revoke all on function app.card_registered_here(uuid) from public;
grant execute on function app.card_registered_here(uuid) to careledger_app, careledger_patient;
alter function app.card_registered_here(uuid) owner to careledger_definer;

-- Is the signed-in user the card's holder?
create or replace function app.is_card_holder(p_card uuid) returns boolean
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select exists (select 1 from public.health_cards c
                 where c.id = p_card and c.holder_user_id = app.current_user_id())
$$;
revoke all on function app.is_card_holder(uuid) from public;
grant execute on function app.is_card_holder(uuid) to careledger_app, careledger_patient;
alter function app.is_card_holder(uuid) owner to careledger_definer;

-- A patient of the current facility who has no card yet, locked for the
-- caller that will give them one (issue here, link with app.link_health_card).
create or replace function app.lock_patient_without_card(p_patient uuid) returns patients
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
create or replace function app.issue_health_card(p_patient uuid) returns health_cards
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
grant execute on function app.issue_health_card(uuid) to careledger_app, careledger_patient;
alter function app.issue_health_card(uuid) owner to careledger_definer;

-- A key from configuration must be there and long enough. The message never contains it.
create or replace function app.require_key(p_key text, p_name text) returns void
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  if p_key is null or length(p_key) < 32 then
    raise exception 'the % key from configuration is missing or shorter than 32 characters', p_name
      using errcode = 'invalid_parameter_value';
  end if;
end
$$;

-- 4 to 6 digits.
create or replace function app.require_pin_format(p_pin text) returns void
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  if p_pin is null or p_pin !~ '^[0-9]{4,6}$' then
    raise exception 'a PIN is 4 to 6 digits' using errcode = 'invalid_parameter_value';
  end if;
end
$$;

-- ----------------------------------------------------------------------------
-- Setting a PIN: the holder, or staff who manage patients at a facility where
-- the card is registered (the counter sets the first PIN and resets a locked
-- card, with the person present). A new PIN unlocks the card.
-- ----------------------------------------------------------------------------
create or replace function app.set_card_pin(p_card uuid, p_pin text, p_key text) returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_hash text;
begin
  perform app.require_key(p_key, 'PIN');
  perform app.require_pin_format(p_pin);
  -- all one digit (1111) or a run (1234, 987654): the first guesses of anyone
  if p_pin ~ '^([0-9])\1*$' or position(p_pin in '0123456789') > 0 or position(p_pin in '9876543210') > 0 then
    raise exception 'this PIN is too easy to guess' using errcode = 'invalid_parameter_value';
  end if;
  if not (app.is_card_holder(p_card)
          or (app.card_registered_here(p_card) and coalesce(app.has_permission('patients.manage'), false))) then
    raise exception 'not allowed to set the PIN of card %', p_card using errcode = 'insufficient_privilege';
  end if;
  -- the stored form: crypt(hex(hmac_sha256(pin, key)), bf, cost 10)
  v_hash := extensions.crypt(encode(extensions.hmac(p_pin, p_key, 'sha256'), 'hex'), extensions.gen_salt('bf', 10));
  insert into public.health_card_pins (card_id, pin_hash, failed_attempts, locked_at, changed_at)
  values (p_card, v_hash, 0, null, now())
  on conflict (card_id) do update
    set pin_hash = excluded.pin_hash, failed_attempts = 0, locked_at = null, changed_at = excluded.changed_at;
end
$$;
revoke all on function app.set_card_pin(uuid, text, text) from public;
grant execute on function app.set_card_pin(uuid, text, text) to careledger_app, careledger_patient;
alter function app.set_card_pin(uuid, text, text) owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Checking a PIN, counting wrong ones. No context check: the callers below
-- decide who may try. The row is locked so that parallel guesses queue and
-- each one is counted.
-- ----------------------------------------------------------------------------
create or replace function app.check_card_pin(p_card uuid, p_pin text, p_key text) returns boolean
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v public.health_card_pins;
begin
  perform app.require_key(p_key, 'PIN');
  perform app.require_pin_format(p_pin);
  select * into v from public.health_card_pins where card_id = p_card for update;
  if not found or v.locked_at is not null then
    return false;
  end if;
  if v.pin_hash = extensions.crypt(encode(extensions.hmac(p_pin, p_key, 'sha256'), 'hex'), v.pin_hash) then
    if v.failed_attempts > 0 then
      update public.health_card_pins set failed_attempts = 0 where card_id = p_card;
    end if;
    return true;
  end if;
  update public.health_card_pins
     set failed_attempts = failed_attempts + 1,
         locked_at = case when failed_attempts + 1 >= 5 then now() end
   where card_id = p_card;
  return false;
end
$$;
revoke all on function app.check_card_pin(uuid, text, text) from public;
alter function app.check_card_pin(uuid, text, text) owner to careledger_definer;

-- Verifying a PIN: the holder, or anyone working at a facility where the card
-- is registered (the counter checks the person in front of it). A locked card
-- or a card without a PIN answers false.
create or replace function app.verify_card_pin(p_card uuid, p_pin text, p_key text) returns boolean
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  if not (app.is_card_holder(p_card) or app.card_registered_here(p_card)) then
    raise exception 'not allowed to verify the PIN of card %', p_card using errcode = 'insufficient_privilege';
  end if;
  return app.check_card_pin(p_card, p_pin, p_key);
end
$$;
revoke all on function app.verify_card_pin(uuid, text, text) from public;
grant execute on function app.verify_card_pin(uuid, text, text) to careledger_app, careledger_patient;
alter function app.verify_card_pin(uuid, text, text) owner to careledger_definer;

-- What the UI may tell about a PIN: set or not, locked or not, wrong tries so far.
create or replace function app.card_pin_state(p_card uuid)
returns table (pin_set boolean, locked boolean, failed_attempts integer)
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select v.card_id is not null, coalesce(v.locked_at is not null, false), coalesce(v.failed_attempts, 0)::integer
  from (select 1) one
  left join public.health_card_pins v on v.card_id = p_card
  where app.is_card_holder(p_card) or app.card_registered_here(p_card)
$$;
revoke all on function app.card_pin_state(uuid) from public;
grant execute on function app.card_pin_state(uuid) to careledger_app, careledger_patient;
alter function app.card_pin_state(uuid) owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Linking a person's existing card at another facility: the person presents
-- the card and types the PIN; the right PIN is their consent. Returns false
-- for an unknown number or a wrong PIN (the attempt is counted) and says no
-- more, so the function is no oracle for card numbers.
-- ----------------------------------------------------------------------------
create or replace function app.link_health_card(p_patient uuid, p_card_number text, p_pin text, p_key text) returns boolean
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_patient public.patients;
  v_card public.health_cards;
begin
  if not coalesce(app.has_permission('patients.manage'), false) then
    raise exception 'linking a health card needs patients.manage' using errcode = 'insufficient_privilege';
  end if;
  v_patient := app.lock_patient_without_card(p_patient);
  select * into v_card from public.health_cards c
  where c.card_number = regexp_replace(coalesce(p_card_number, ''), '[\s-]', '', 'g');
  if not found then
    perform app.require_key(p_key, 'PIN');
    perform app.require_pin_format(p_pin);
    return false;
  end if;
  if not app.check_card_pin(v_card.id, p_pin, p_key) then
    return false;
  end if;
  if v_patient.user_id is not null and v_card.holder_user_id is not null and v_patient.user_id <> v_card.holder_user_id then
    raise exception 'this card belongs to another person' using errcode = 'check_violation';
  end if;
  if exists (select 1 from public.patients p where p.facility_id = v_patient.facility_id and p.card_id = v_card.id) then
    raise exception 'this card is already linked to another patient record here' using errcode = 'unique_violation';
  end if;
  update public.patients set card_id = v_card.id where id = v_patient.id;
  return true;
end
$$;
revoke all on function app.link_health_card(uuid, text, text, text) from public;
grant execute on function app.link_health_card(uuid, text, text, text) to careledger_app, careledger_patient;
alter function app.link_health_card(uuid, text, text, text) owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Claiming a card online: a patient who signs in after the card was issued
-- types its number and PIN, becomes its holder, and their records at the
-- facilities that know the card are linked to their sign-in (where they have
-- no other record there). False for an unknown number or a wrong PIN.
-- ----------------------------------------------------------------------------
create or replace function app.claim_health_card(p_card_number text, p_pin text, p_key text) returns boolean
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_user uuid := app.current_user_id();
  v_card public.health_cards;
begin
  if app.current_user_role() is distinct from 'patient' then
    raise exception 'only a patient claims a health card' using errcode = 'insufficient_privilege';
  end if;
  if exists (select 1 from public.health_cards c where c.holder_user_id = v_user) then
    raise exception 'you already hold a health card' using errcode = 'unique_violation';
  end if;
  select * into v_card from public.health_cards c
  where c.card_number = regexp_replace(coalesce(p_card_number, ''), '[\s-]', '', 'g')
  for update;
  if not found then
    perform app.require_key(p_key, 'PIN');
    perform app.require_pin_format(p_pin);
    return false;
  end if;
  if not app.check_card_pin(v_card.id, p_pin, p_key) then
    return false;
  end if;
  if v_card.holder_user_id is not null then
    raise exception 'this card already belongs to another sign-in' using errcode = 'unique_violation';
  end if;
  update public.health_cards set holder_user_id = v_user where id = v_card.id;
  update public.patients p set user_id = v_user
  where p.card_id = v_card.id and p.user_id is null
    and not exists (select 1 from public.patients o where o.facility_id = p.facility_id and o.user_id = v_user);
  return true;
end
$$;
revoke all on function app.claim_health_card(text, text, text) from public;
grant execute on function app.claim_health_card(text, text, text) to careledger_app, careledger_patient;
alter function app.claim_health_card(text, text, text) owner to careledger_definer;

-- Is a number (upper case, without spaces or hyphens) well formed for its
-- kind? Aadhaar: 12 digits, not starting with 0 or 1, Verhoeff check digit.
-- ABHA number: 14 digits. PL/pgSQL, so the number is never the parameter of
-- a nested statement.
create or replace function app.national_id_is_valid(p_kind national_id_kind, p_value text) returns boolean
language plpgsql immutable parallel safe
as $$
begin
  return coalesce(case p_kind
    when 'aadhaar' then p_value ~ '^[2-9][0-9]{11}$' and app.verhoeff_is_valid(p_value)
    when 'abha_number' then p_value ~ '^[0-9]{14}$'
    when 'pan' then p_value ~ '^[A-Z]{5}[0-9]{4}[A-Z]$'
    when 'passport' then p_value ~ '^[A-Z][0-9]{7}$'
    when 'voter_id' then p_value ~ '^[A-Z]{3}[0-9]{7}$'
  end, false);
end
$$;

-- ----------------------------------------------------------------------------
-- Recording an id: the holder, or staff who manage patients where the card is
-- registered. Replaces an earlier number of the same kind.
-- ----------------------------------------------------------------------------
create or replace function app.set_national_id(p_card uuid, p_kind national_id_kind, p_value text,
                                    p_lookup_key text, p_encryption_key text) returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_value text := upper(regexp_replace(p_value, '[\s-]', '', 'g'));
  v_hash bytea;
  v_ciphertext bytea;
begin
  perform app.require_key(p_lookup_key, 'national id lookup');
  perform app.require_key(p_encryption_key, 'national id encryption');
  if p_lookup_key = p_encryption_key then
    raise exception 'the national id lookup and encryption keys must differ' using errcode = 'invalid_parameter_value';
  end if;
  if p_kind is null or not app.national_id_is_valid(p_kind, v_value) then
    raise exception 'not a valid % number', coalesce(p_kind::text, 'national id') using errcode = 'invalid_parameter_value';
  end if;
  if not (app.is_card_holder(p_card)
          or (app.card_registered_here(p_card) and coalesce(app.has_permission('patients.manage'), false))) then
    raise exception 'not allowed to record national ids on card %', p_card using errcode = 'insufficient_privilege';
  end if;
  v_hash := extensions.hmac(p_kind::text || ':' || v_value, p_lookup_key, 'sha256');
  v_ciphertext := extensions.pgp_sym_encrypt(v_value, p_encryption_key, 'cipher-algo=aes256');
  begin
    insert into public.national_ids (card_id, kind, lookup_hash, ciphertext, last4, recorded_by)
    values (p_card, p_kind, v_hash, v_ciphertext, right(v_value, 4), app.current_user_id())
    on conflict (card_id, kind) do update
      set lookup_hash = excluded.lookup_hash, ciphertext = excluded.ciphertext, last4 = excluded.last4,
          recorded_at = now(), recorded_by = excluded.recorded_by;
  exception when unique_violation then
    raise exception 'this % number is already recorded on another health card: link that card with its number and PIN', p_kind
      using errcode = 'unique_violation';
  end;
end
$$;
revoke all on function app.set_national_id(uuid, national_id_kind, text, text, text) from public;
grant execute on function app.set_national_id(uuid, national_id_kind, text, text, text) to careledger_app, careledger_patient;
alter function app.set_national_id(uuid, national_id_kind, text, text, text) owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Finding patients by national id: the records, among the facilities the
-- context may see, whose card carries that number. Nothing from elsewhere.
-- ----------------------------------------------------------------------------
create or replace function app.find_patients_by_national_id(p_kind national_id_kind, p_value text, p_lookup_key text)
returns table (patient_id uuid, facility_id uuid, registration_number text, full_name text,
               card_id uuid, card_number text, last4 text)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_hash bytea;
begin
  perform app.require_key(p_lookup_key, 'national id lookup');
  v_hash := extensions.hmac(p_kind::text || ':' || upper(regexp_replace(p_value, '[\s-]', '', 'g')), p_lookup_key, 'sha256');
  return query
    select p.id, p.facility_id, p.registration_number, p.full_name, c.id, c.card_number, n.last4
    from public.national_ids n
    join public.health_cards c on c.id = n.card_id
    join public.patients p on p.card_id = c.id
    where n.kind = p_kind
      and n.lookup_hash = v_hash
      and p.facility_id = any (app.visible_facilities())
    order by p.facility_id, p.registration_number;
end
$$;
revoke all on function app.find_patients_by_national_id(national_id_kind, text, text) from public;
grant execute on function app.find_patients_by_national_id(national_id_kind, text, text) to careledger_app, careledger_patient;
alter function app.find_patients_by_national_id(national_id_kind, text, text) owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Reading a number back (an insurance claim under PM-JAY needs the Aadhaar):
-- the holder, or staff who manage patients where the card is registered.
-- A wrong key fails in pgcrypto ("Wrong key or corrupt data"). The read is
-- recorded in the audit log (app.record_phi_read).
-- ----------------------------------------------------------------------------
create or replace function app.reveal_national_id(p_card uuid, p_kind national_id_kind, p_encryption_key text) returns text
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_ciphertext bytea;
  v_number text;
begin
  perform app.require_key(p_encryption_key, 'national id encryption');
  if not (app.is_card_holder(p_card)
          or (app.card_registered_here(p_card) and coalesce(app.has_permission('patients.manage'), false))) then
    raise exception 'not allowed to read national ids of card %', p_card using errcode = 'insufficient_privilege';
  end if;
  select n.ciphertext into v_ciphertext from public.national_ids n where n.card_id = p_card and n.kind = p_kind;
  v_number := extensions.pgp_sym_decrypt(v_ciphertext, p_encryption_key);
  if v_number is not null then
    perform app.record_phi_read('app.reveal_national_id', 'national_ids',
                                jsonb_build_array(jsonb_build_object('card_id', p_card, 'kind', p_kind)), array['number'], null);
  end if;
  return v_number;
end
$$;
revoke all on function app.reveal_national_id(uuid, national_id_kind, text) from public;
grant execute on function app.reveal_national_id(uuid, national_id_kind, text) to careledger_app, careledger_patient;
alter function app.reveal_national_id(uuid, national_id_kind, text) owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Search the current facility's patients. Matches
--   names:  word similarity (typos, partial names) or a substring;
--   digits: a substring of the phone or the card number (4 digits or more).
-- A query of more than 100 characters is refused before any search. At most
-- p_max rows (1 to 100), best first. Clinical fields (blood group, allergies,
-- chronic conditions) only for a user with clinical.read, and then the read of
-- every card returned is recorded in the audit log (app.record_phi_read).
-- Nothing without a current tenant the user may see (a super admin must enter
-- one). The query is run by EXECUTE so that it is planned for the values at
-- hand: a generic plan cannot know that a search string is selective.
-- ----------------------------------------------------------------------------
create or replace function app.search_patients(p_query text, p_max integer default 20)
returns table (patient_id uuid, facility_id uuid, registration_number text, full_name text,
               date_of_birth date, sex sex, phone text, card_id uuid, card_number text,
               blood_group text, allergies jsonb, chronic_conditions jsonb, score real)
language plpgsql volatile security definer
set search_path = pg_catalog, public, extensions, pg_temp
as $$
declare
  v_tenant uuid := app.current_tenant();
  v_query text;
  v_digits text;
  v_clinical boolean;
  v_read jsonb := '[]';
  r record;
begin
  -- before any work on it: a long query would cost the trigram search seconds
  if length(p_query) > 100 then
    raise exception 'a search is at most 100 characters (got %)', length(p_query) using errcode = 'check_violation';
  end if;
  v_query := lower(btrim(coalesce(p_query, '')));
  v_digits := regexp_replace(coalesce(p_query, ''), '\D', '', 'g');
  if v_tenant is null or not (v_tenant = any (app.visible_facilities())) or length(v_query) < 3 then
    return;
  end if;
  v_clinical := coalesce(app.has_permission('clinical.read'), false);
  for r in execute $sql$
    with hits as (
      select p.id, word_similarity($2, p.full_name) as score
      from public.patients p
      where p.facility_id = $1 and ($2 <% p.full_name or p.full_name ilike $3)
      union all
      select p.id, 1
      from public.patients p
      where length($4) >= 4 and p.facility_id = $1 and p.phone is not null
        and regexp_replace(p.phone, '\D', '', 'g') like '%' || $4 || '%'
      union all
      select p.id, 1
      from public.health_cards c
      join public.patients p on p.card_id = c.id and p.facility_id = $1
      where length($4) >= 4 and c.card_number like '%' || $4 || '%'
    ), best as (
      select h.id, max(h.score) as score from hits h group by h.id order by 2 desc, 1 limit $5
    )
    select p.id, p.facility_id, p.registration_number, p.full_name, p.date_of_birth, p.sex, p.phone,
           c.id as card_id, c.card_number, k.card_id is not null as clinical,
           k.blood_group, k.allergies, k.chronic_conditions, b.score::real as score
    from best b
    join public.patients p on p.id = b.id
    left join public.health_cards c on c.id = p.card_id
    left join public.health_card_clinical k on $6 and k.card_id = p.card_id
    order by b.score desc, p.full_name, p.id
  $sql$
  using v_tenant,
        v_query,
        '%' || replace(replace(replace(v_query, '\', '\\'), '%', '\%'), '_', '\_') || '%',
        v_digits,
        least(greatest(coalesce(p_max, 20), 1), 100),
        v_clinical
  loop
    patient_id := r.id;
    facility_id := r.facility_id;
    registration_number := r.registration_number;
    full_name := r.full_name;
    date_of_birth := r.date_of_birth;
    sex := r.sex;
    phone := r.phone;
    card_id := r.card_id;
    card_number := r.card_number;
    blood_group := r.blood_group;
    allergies := r.allergies;
    chronic_conditions := r.chronic_conditions;
    score := r.score;
    if r.clinical then
      v_read := v_read || jsonb_build_object('card_id', r.card_id, 'patient_id', r.id);
    end if;
    return next;
  end loop;
  if jsonb_array_length(v_read) > 0 then
    perform app.record_phi_read('app.search_patients', 'health_card_clinical', v_read,
                                array['blood_group', 'allergies', 'chronic_conditions'], null);
  end if;
end
$$;
revoke all on function app.search_patients(text, integer) from public;
grant execute on function app.search_patients(text, integer) to careledger_app, careledger_patient;
alter function app.search_patients(text, integer) owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Reading a health card: number, printed name and insurance for whoever may see
-- the card (its holder; staff and admins of a facility where it is registered,
-- the super admin where it is registered anywhere), and the clinical record
-- (blood group, medical history, allergies, chronic conditions) for its holder
-- and for staff with clinical.read at the current facility where it is
-- registered; the clinical columns are null for anyone else. The read, with
-- the fields returned and the reason when given (staff only, at most 200
-- characters), is recorded in the audit log in the same transaction. A card
-- the caller may not see returns no row and records nothing.
-- ----------------------------------------------------------------------------
create or replace function app.read_health_card(p_card uuid, p_purpose text default null)
returns table (card_id uuid, card_number text, holder_name text, insurance jsonb, clinical_shown boolean,
               blood_group text, medical_history jsonb, allergies jsonb, chronic_conditions jsonb)
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_holder boolean := app.is_card_holder(p_card);
  v_clinical boolean;
begin
  perform app.check_read_purpose(p_purpose);
  if not (v_holder or exists (select 1 from public.patients p
                              where p.card_id = p_card and p.facility_id = any (app.visible_facilities()))) then
    return;
  end if;
  v_clinical := v_holder or (coalesce(app.has_permission('clinical.read'), false) and app.card_registered_here(p_card));
  select c.id, c.card_number, c.holder_name, c.insurance, v_clinical,
         case when v_clinical then k.blood_group end, case when v_clinical then k.medical_history end,
         case when v_clinical then k.allergies end, case when v_clinical then k.chronic_conditions end
    into card_id, card_number, holder_name, insurance, clinical_shown,
         blood_group, medical_history, allergies, chronic_conditions
  from public.health_cards c
  left join public.health_card_clinical k on k.card_id = c.id
  where c.id = p_card;
  if not found then
    return;
  end if;
  perform app.record_phi_read('app.read_health_card', 'health_cards', jsonb_build_array(jsonb_build_object('card_id', p_card)),
                              case when v_clinical
                                   then array['insurance', 'blood_group', 'medical_history', 'allergies', 'chronic_conditions']
                                   else array['insurance'] end,
                              p_purpose);
  return next;
end
$$;
revoke all on function app.read_health_card(uuid, text) from public;
grant execute on function app.read_health_card(uuid, text) to careledger_app, careledger_patient;
alter function app.read_health_card(uuid, text) owner to careledger_definer;
comment on function app.read_health_card(uuid, text) is
  'A health card with its insurance, and its clinical record where the caller may read it; the read is recorded in the audit log.';

-- ----------------------------------------------------------------------------
-- Triggers of this area's functions (create or replace: re-run with the file).
-- ----------------------------------------------------------------------------

create or replace trigger health_card_clinical_stamp
  before update on health_card_clinical
  for each row execute function app.stamp_clinical_update();
