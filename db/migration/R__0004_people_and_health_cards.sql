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
-- Issuing a card to a patient of the current facility: a new card and the
-- link. The patient's sign-in (if any) becomes the holder. Its clinical record
-- is the entries recorded on it later (app.add_clinical_entry).
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
-- chronic conditions: the current entries of the card, app.clinical_list)
-- only for a user with clinical.read, and then the read of
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
           c.id as card_id, c.card_number, ($6 and c.id is not null) as clinical,
           case when $6 then app.clinical_blood_group(c.id) end as blood_group,
           case when $6 and c.id is not null then app.clinical_list(c.id, 'allergy') end as allergies,
           case when $6 and c.id is not null then app.clinical_list(c.id, 'condition') end as chronic_conditions,
           b.score::real as score
    from best b
    join public.patients p on p.id = b.id
    left join public.health_cards c on c.id = p.card_id
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
    perform app.record_phi_read('app.search_patients', 'clinical_entries', v_read,
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
-- (blood group, medical history, allergies, chronic conditions: the card's
-- current entries of each kind as JSON arrays, app.clinical_list) for its holder
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
  select c.id, c.card_number, c.holder_name, app.clinical_list(c.id, 'insurance'), v_clinical,
         case when v_clinical then app.clinical_blood_group(c.id) end,
         case when v_clinical then app.clinical_list(c.id, 'history') end,
         case when v_clinical then app.clinical_list(c.id, 'allergy') end,
         case when v_clinical then app.clinical_list(c.id, 'condition') end
    into card_id, card_number, holder_name, insurance, clinical_shown,
         blood_group, medical_history, allergies, chronic_conditions
  from public.health_cards c
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
-- Clinical entries (V0070): the clinical record of a card, append-only. The
-- app roles hold no privilege on the table; the functions below write and
-- read it. Writing an insurance entry needs patients.manage (the billing desk
-- records the insurer), every other kind clinical.write; both only for a
-- patient record of the current facility that has a card. Author, staff
-- record, facility and time come from the verified context
-- (app.stamp_clinical_entry), never from a parameter. A correction is a new
-- entry that supersedes the current one of its chain; "none known" is an
-- entry of its own, superseded by the first entry of its kind that is known.
-- ----------------------------------------------------------------------------

-- The current entry of each chain: the entries nothing supersedes.
create or replace view app.current_clinical_entries with (security_invoker = true) as
  select e.*
  from public.clinical_entries e
  where not exists (select 1 from public.clinical_entries s where s.supersedes = e.id);
revoke all on app.current_clinical_entries from public;
grant select on app.current_clinical_entries to careledger_definer;
comment on view app.current_clinical_entries is
  'The latest entry of each chain of clinical entries (nothing supersedes it); read by the definer functions only.';

-- An entry as a JSON object in the shape of the card's former arrays: what it
-- carried over (details), its columns, and the former names of its main
-- fields (an allergy's substance, a condition's name, a past event).
create or replace function app.clinical_entry_json(p_entry public.clinical_entries) returns jsonb
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
  select p_entry.details
         || jsonb_strip_nulls(jsonb_build_object(
              'entry_id', p_entry.id, 'code', p_entry.code, 'text', p_entry.text,
              'criticality', p_entry.criticality, 'reaction', p_entry.reaction, 'status', p_entry.status,
              'recorded_at', p_entry.recorded_at))
         || jsonb_strip_nulls(case p_entry.kind
              when 'allergy' then jsonb_build_object('substance', p_entry.code)
              when 'condition' then jsonb_build_object('name', p_entry.text)
              when 'history' then jsonb_build_object('event', p_entry.text)
              else '{}'::jsonb end)
$$;
revoke all on function app.clinical_entry_json(public.clinical_entries) from public;
grant execute on function app.clinical_entry_json(public.clinical_entries) to careledger_definer;

-- A card's current entries of one kind as a JSON array, oldest first: those
-- that state something (not "none known", not entered in error).
create or replace function app.clinical_list(p_card uuid, p_kind clinical_entry_kind) returns jsonb
language sql stable
set search_path = pg_catalog, public, pg_temp
as $$
  select coalesce(jsonb_agg(app.clinical_entry_json(e) order by e.recorded_at, e.id), '[]'::jsonb)
  from public.clinical_entries e
  where e.card_id = p_card and e.kind = p_kind and not e.none_known and e.status <> 'entered_in_error'
    and not exists (select 1 from public.clinical_entries s where s.supersedes = e.id)
$$;
revoke all on function app.clinical_list(uuid, clinical_entry_kind) from public;
grant execute on function app.clinical_list(uuid, clinical_entry_kind) to careledger_definer;

-- A card's current blood group, if one is recorded.
create or replace function app.clinical_blood_group(p_card uuid) returns text
language sql stable
set search_path = pg_catalog, public, pg_temp
as $$
  select e.code
  from public.clinical_entries e
  where e.card_id = p_card and e.kind = 'blood_group' and e.status <> 'entered_in_error'
    and not exists (select 1 from public.clinical_entries s where s.supersedes = e.id)
  order by e.recorded_at desc, e.id
  limit 1
$$;
revoke all on function app.clinical_blood_group(uuid) from public;
grant execute on function app.clinical_blood_group(uuid) to careledger_definer;

-- Insert trigger: who recorded an entry, where and when, from the verified
-- context whatever the writer put in the row. With nobody signed in (a
-- migration, the demo loader, the bench: only roles that own or define the
-- table insert at all) the row keeps what it was given, and the provenance
-- check constraint still demands an author and a facility unless it is
-- carried over.
create or replace function app.stamp_clinical_entry() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  v_user uuid := app.current_user_id();
begin
  if v_user is not null then
    new.recorded_by := v_user;
    new.recorded_by_staff := app.current_staff_id();
    new.facility_id := app.current_tenant();
    new.recorded_at := clock_timestamp();
    new.carried_over := false;
  end if;
  return new;
end
$$;

-- The permission that writes an entry of a kind, checked for the caller.
create or replace function app.require_clinical_write(p_kind clinical_entry_kind) returns void
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
declare
  v_permission text := case when p_kind = 'insurance' then 'patients.manage' else 'clinical.write' end;
begin
  if p_kind is null then
    raise exception 'a clinical entry needs a kind' using errcode = 'check_violation';
  end if;
  if not coalesce(app.has_permission(v_permission), false) then
    raise exception 'recording % entries needs %', p_kind, v_permission using errcode = 'insufficient_privilege';
  end if;
end
$$;
revoke all on function app.require_clinical_write(clinical_entry_kind) from public;
grant execute on function app.require_clinical_write(clinical_entry_kind) to careledger_definer;

-- The fields of an entry, refused with a sentence for the clinician before
-- the table's check constraints would refuse them.
create or replace function app.check_clinical_entry(p_kind clinical_entry_kind, p_code text, p_text text,
                                                    p_criticality clinical_criticality, p_reaction text,
                                                    p_status clinical_entry_status, p_details jsonb) returns void
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  if p_code is not null and not app.is_clean_text(p_code, 100) then
    raise exception 'a clinical entry''s code is plain text of at most 100 characters, not blank' using errcode = 'check_violation';
  end if;
  if p_text is not null and not app.is_clean_text(p_text, 2000, true) then
    raise exception 'a clinical entry''s text is plain text of at most 2 000 characters, not blank' using errcode = 'check_violation';
  end if;
  if p_reaction is not null and not app.is_clean_text(p_reaction, 500) then
    raise exception 'a reaction is plain text of at most 500 characters, not blank' using errcode = 'check_violation';
  end if;
  if p_details is null or jsonb_typeof(p_details) <> 'object' or length(p_details::text) > 16384 then
    raise exception 'the details of a clinical entry are a JSON object of at most 16 384 characters' using errcode = 'check_violation';
  end if;
  if p_status is null then
    raise exception 'a clinical entry needs a status' using errcode = 'check_violation';
  end if;
  if p_status <> 'entered_in_error' and p_code is null and p_text is null and p_details = '{}' then
    raise exception 'a clinical entry says something: give a code or a text' using errcode = 'check_violation';
  end if;
  if p_kind <> 'allergy' and (p_criticality is not null or p_reaction is not null) then
    raise exception 'only an allergy has a criticality and a reaction' using errcode = 'check_violation';
  end if;
  if p_kind = 'blood_group' and p_status <> 'entered_in_error'
     and (p_code is null or not (p_code = any (array['A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-']))) then
    raise exception 'a blood group is one of A+, A-, B+, B-, AB+, AB-, O+, O-' using errcode = 'check_violation';
  end if;
end
$$;
revoke all on function app.check_clinical_entry(clinical_entry_kind, text, text, clinical_criticality, text,
                                                clinical_entry_status, jsonb) from public;
grant execute on function app.check_clinical_entry(clinical_entry_kind, text, text, clinical_criticality, text,
                                                   clinical_entry_status, jsonb) to careledger_definer;

-- The patient record of the current facility (one the caller may see) that
-- has a card: an entry is always recorded for one.
create or replace function app.clinical_patient_here(p_patient uuid) returns public.patients
language plpgsql stable
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_patient public.patients;
begin
  select * into v_patient from public.patients p
  where p.id = p_patient and p.facility_id = app.current_tenant() and p.facility_id = any (app.visible_facilities());
  if not found then
    raise exception 'no patient % at this facility', p_patient using errcode = 'no_data_found';
  end if;
  if v_patient.card_id is null then
    raise exception 'this patient has no health card yet: issue or link one before recording clinical entries'
      using errcode = 'object_not_in_prerequisite_state';
  end if;
  return v_patient;
end
$$;
revoke all on function app.clinical_patient_here(uuid) from public;
grant execute on function app.clinical_patient_here(uuid) to careledger_definer;

-- Writers of one card's entries of one kind queue, so that "is there a
-- current one?" and the insert that follows see the same chains.
create or replace function app.lock_clinical_chains(p_card uuid, p_kind clinical_entry_kind) returns void
language sql volatile
set search_path = pg_catalog, pg_temp
as $$
  select pg_advisory_xact_lock(hashtextextended('clinical entries ' || p_card::text || ' ' || p_kind::text, 0))
$$;
revoke all on function app.lock_clinical_chains(uuid, clinical_entry_kind) from public;
grant execute on function app.lock_clinical_chains(uuid, clinical_entry_kind) to careledger_definer;

-- Records a new entry for a patient of the current facility. A current "none
-- known" of the kind is superseded by it; a card has one blood group, so a
-- second one is refused (correct the first instead). Returns the entry's id.
create or replace function app.add_clinical_entry(p_patient uuid, p_kind clinical_entry_kind, p_code text, p_text text,
                                                  p_criticality clinical_criticality default null,
                                                  p_reaction text default null,
                                                  p_status clinical_entry_status default 'active',
                                                  p_details jsonb default '{}') returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_patient public.patients;
  v_current public.clinical_entries;
  v_id uuid;
begin
  perform app.require_clinical_write(p_kind);
  v_patient := app.clinical_patient_here(p_patient);
  if p_status = 'entered_in_error' then
    raise exception 'only a correction marks an entry entered in error' using errcode = 'check_violation';
  end if;
  perform app.check_clinical_entry(p_kind, p_code, p_text, p_criticality, p_reaction, p_status, p_details);
  perform app.lock_clinical_chains(v_patient.card_id, p_kind);
  select * into v_current from app.current_clinical_entries e
  where e.card_id = v_patient.card_id and e.kind = p_kind and (e.none_known or p_kind = 'blood_group')
  order by e.recorded_at desc
  limit 1;
  if p_kind = 'blood_group' and v_current.status is distinct from 'entered_in_error' and v_current.id is not null then
    raise exception 'the blood group is recorded already: correct that entry instead' using errcode = 'unique_violation';
  end if;
  insert into public.clinical_entries (card_id, kind, code, text, criticality, reaction, status, details, supersedes,
                                       patient_id)
  values (v_patient.card_id, p_kind, p_code, p_text, p_criticality, p_reaction, p_status, p_details, v_current.id,
          v_patient.id)
  returning id into v_id;
  return v_id;
end
$$;
revoke all on function app.add_clinical_entry(uuid, clinical_entry_kind, text, text, clinical_criticality, text,
                                              clinical_entry_status, jsonb) from public;
grant execute on function app.add_clinical_entry(uuid, clinical_entry_kind, text, text, clinical_criticality, text,
                                                 clinical_entry_status, jsonb) to careledger_app, careledger_patient;
alter function app.add_clinical_entry(uuid, clinical_entry_kind, text, text, clinical_criticality, text,
                                      clinical_entry_status, jsonb) owner to careledger_definer;
comment on function app.add_clinical_entry(uuid, clinical_entry_kind, text, text, clinical_criticality, text,
                                           clinical_entry_status, jsonb) is
  'Records a clinical entry (insurance: patients.manage; else clinical.write) for a patient of the current facility with a card; author, facility and time from the verified context.';

-- Corrects an entry: a new entry of the same card and kind that supersedes it,
-- recorded at a facility where the card is registered. Only the current entry
-- of a chain is corrected; "entered_in_error" withdraws it. An entry the
-- caller may not correct answers like one that does not exist.
create or replace function app.correct_clinical_entry(p_entry uuid, p_code text, p_text text,
                                                      p_criticality clinical_criticality default null,
                                                      p_reaction text default null,
                                                      p_status clinical_entry_status default 'active',
                                                      p_details jsonb default '{}') returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_old public.clinical_entries;
  v_patient uuid;
  v_id uuid;
begin
  select * into v_old from public.clinical_entries e where e.id = p_entry;
  select p.id into v_patient from public.patients p
  where p.card_id = v_old.card_id and p.facility_id = app.current_tenant() and p.facility_id = any (app.visible_facilities());
  if v_old.id is null or v_patient is null then
    raise exception 'no clinical entry % for a patient of this facility', p_entry using errcode = 'no_data_found';
  end if;
  perform app.require_clinical_write(v_old.kind);
  perform app.check_clinical_entry(v_old.kind, p_code, p_text, p_criticality, p_reaction, p_status, p_details);
  perform app.lock_clinical_chains(v_old.card_id, v_old.kind);
  if exists (select 1 from public.clinical_entries s where s.supersedes = p_entry) then
    raise exception 'this entry has been corrected already: correct its latest version' using errcode = 'unique_violation';
  end if;
  insert into public.clinical_entries (card_id, kind, code, text, criticality, reaction, status, details, supersedes,
                                       patient_id)
  values (v_old.card_id, v_old.kind, p_code, p_text, p_criticality, p_reaction, p_status, p_details, p_entry, v_patient)
  returning id into v_id;
  return v_id;
end
$$;
revoke all on function app.correct_clinical_entry(uuid, text, text, clinical_criticality, text, clinical_entry_status,
                                                  jsonb) from public;
grant execute on function app.correct_clinical_entry(uuid, text, text, clinical_criticality, text, clinical_entry_status,
                                                     jsonb) to careledger_app, careledger_patient;
alter function app.correct_clinical_entry(uuid, text, text, clinical_criticality, text, clinical_entry_status, jsonb)
  owner to careledger_definer;
comment on function app.correct_clinical_entry(uuid, text, text, clinical_criticality, text, clinical_entry_status, jsonb) is
  'Corrects the current clinical entry of a chain with a new entry that supersedes it (entered_in_error withdraws it); never an update.';

-- Asserts "none known" for a kind (no known allergies), for a patient of the
-- current facility: refused while the card has an active entry of the kind;
-- an earlier assertion is superseded by the new one (who confirmed it, when).
create or replace function app.assert_none_known(p_patient uuid, p_kind clinical_entry_kind) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_patient public.patients;
  v_previous uuid;
  v_id uuid;
begin
  perform app.require_clinical_write(p_kind);
  v_patient := app.clinical_patient_here(p_patient);
  if p_kind = 'blood_group' then
    raise exception 'a blood group cannot be "none known"' using errcode = 'check_violation';
  end if;
  perform app.lock_clinical_chains(v_patient.card_id, p_kind);
  if exists (select 1 from app.current_clinical_entries e
             where e.card_id = v_patient.card_id and e.kind = p_kind and not e.none_known and e.status = 'active') then
    raise exception 'this card has active % entries: correct them before asserting none known', p_kind
      using errcode = 'object_not_in_prerequisite_state';
  end if;
  select e.id into v_previous from app.current_clinical_entries e
  where e.card_id = v_patient.card_id and e.kind = p_kind and e.none_known;
  insert into public.clinical_entries (card_id, kind, none_known, supersedes, patient_id)
  values (v_patient.card_id, p_kind, true, v_previous, v_patient.id)
  returning id into v_id;
  return v_id;
end
$$;
revoke all on function app.assert_none_known(uuid, clinical_entry_kind) from public;
grant execute on function app.assert_none_known(uuid, clinical_entry_kind) to careledger_app, careledger_patient;
alter function app.assert_none_known(uuid, clinical_entry_kind) owner to careledger_definer;
comment on function app.assert_none_known(uuid, clinical_entry_kind) is
  'Records an explicit "none known" of a kind for a patient of the current facility, while no active entry of that kind is current.';

-- Reads a card's entries: the current ones, or with p_history every entry,
-- superseded ones marked (superseded_by). Insurance to whoever may see the card
-- (as app.read_health_card), the other kinds to its holder and to staff with
-- clinical.read at the current facility where it is registered. Where an
-- entry was recorded, and by whom, is shown to the holder and for entries
-- recorded at the current facility; for others recorded_here is false and
-- the facility and author are null: a facility does not learn where else the
-- person is treated. The read is recorded in the audit log; a card the caller
-- may not read returns nothing and records nothing.
create or replace function app.read_clinical_entries(p_card uuid, p_history boolean default false,
                                                     p_purpose text default null)
returns table (entry_id uuid, kind clinical_entry_kind, none_known boolean, code text, text text,
               criticality clinical_criticality, reaction text, status clinical_entry_status, details jsonb,
               supersedes uuid, superseded_by uuid, recorded_at timestamptz, recorded_here boolean,
               facility_id uuid, recorded_by uuid, author_name text)
language plpgsql volatile security definer
set search_path = pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_holder boolean := app.is_card_holder(p_card);
  v_tenant uuid := app.current_tenant();
  v_clinical boolean;
  v_insurance boolean;
begin
  perform app.check_read_purpose(p_purpose);
  v_insurance := v_holder or exists (select 1 from public.patients p
                                     where p.card_id = p_card and p.facility_id = any (app.visible_facilities()));
  v_clinical := v_holder or (coalesce(app.has_permission('clinical.read'), false) and app.card_registered_here(p_card));
  if not (v_insurance or v_clinical) then
    return;
  end if;
  return query
    select e.id, e.kind, e.none_known, e.code, e.text, e.criticality, e.reaction, e.status, e.details,
           e.supersedes, s.id, e.recorded_at, coalesce(e.facility_id = v_tenant, false),
           case when v_holder or e.facility_id = v_tenant then e.facility_id end,
           case when v_holder or e.facility_id = v_tenant then e.recorded_by end,
           case when v_holder or e.facility_id = v_tenant then u.display_name end
    from public.clinical_entries e
    left join public.clinical_entries s on s.supersedes = e.id
    left join public.users u on u.id = e.recorded_by
    where e.card_id = p_card
      and case when e.kind = 'insurance' then v_insurance else v_clinical end
      and (p_history or s.id is null)
    order by e.kind, e.recorded_at, e.id;
  perform app.record_phi_read('app.read_clinical_entries', 'clinical_entries',
                              jsonb_build_array(jsonb_build_object('card_id', p_card)),
                              case when v_clinical and v_insurance
                                   then array['allergy', 'condition', 'history', 'insurance', 'blood_group']
                                   when v_clinical then array['allergy', 'condition', 'history', 'blood_group']
                                   else array['insurance'] end,
                              p_purpose);
end
$$;
revoke all on function app.read_clinical_entries(uuid, boolean, text) from public;
grant execute on function app.read_clinical_entries(uuid, boolean, text) to careledger_app, careledger_patient;
alter function app.read_clinical_entries(uuid, boolean, text) owner to careledger_definer;
comment on function app.read_clinical_entries(uuid, boolean, text) is
  'A card''s clinical entries (current, or all with superseded ones marked) as the caller may read them; provenance only for entries recorded here (or to the holder); the read is recorded in the audit log.';

-- ----------------------------------------------------------------------------
-- Demographics versions (V0071). The first trigger numbers the version: 1 at
-- registration, one more whenever name, date of birth, sex, phone or e-mail
-- change, whatever the writer set. The second, with definer rights (the app
-- roles cannot write patient_versions), records the version with who made it
-- and at which facility.
-- ----------------------------------------------------------------------------
create or replace function app.number_patient_version() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  if tg_op = 'INSERT' then
    new.demographics_version := 1;
  elsif (new.full_name, new.date_of_birth, new.sex, new.phone, new.email)
        is distinct from (old.full_name, old.date_of_birth, old.sex, old.phone, old.email) then
    new.demographics_version := old.demographics_version + 1;
  else
    new.demographics_version := old.demographics_version;
  end if;
  return new;
end
$$;

create or replace function app.record_patient_version() returns trigger
language plpgsql security definer
set search_path = pg_catalog, public, pg_temp
as $$
begin
  if tg_op = 'UPDATE' and new.demographics_version = old.demographics_version then
    return null;
  end if;
  insert into public.patient_versions (facility_id, patient_id, version, full_name, date_of_birth, sex, phone, email,
                                       changed_at, changed_by, changed_in)
  values (new.facility_id, new.id, new.demographics_version, new.full_name, new.date_of_birth, new.sex, new.phone,
          new.email, now(), app.current_user_id(), app.current_tenant());
  return null;
end
$$;
revoke all on function app.record_patient_version() from public;
alter function app.record_patient_version() owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Triggers of this area's functions (create or replace: re-run with the file).
-- ----------------------------------------------------------------------------

create or replace trigger clinical_entries_stamp
  before insert on clinical_entries
  for each row execute function app.stamp_clinical_entry();

create or replace trigger patients_number_version
  before insert or update on patients
  for each row execute function app.number_patient_version();

create or replace trigger patients_record_version
  after insert or update on patients
  for each row execute function app.record_patient_version();

