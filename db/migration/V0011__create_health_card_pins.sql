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

-- A key from configuration must be there and long enough. The message never contains it.
create function app.require_key(p_key text, p_name text) returns void
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
create function app.require_pin_format(p_pin text) returns void
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
create function app.set_card_pin(p_card uuid, p_pin text, p_key text) returns void
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
grant execute on function app.set_card_pin(uuid, text, text) to careledger_app;
alter function app.set_card_pin(uuid, text, text) owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Checking a PIN, counting wrong ones. No context check: the callers below
-- decide who may try. The row is locked so that parallel guesses queue and
-- each one is counted.
-- ----------------------------------------------------------------------------
create function app.check_card_pin(p_card uuid, p_pin text, p_key text) returns boolean
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
create function app.verify_card_pin(p_card uuid, p_pin text, p_key text) returns boolean
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
grant execute on function app.verify_card_pin(uuid, text, text) to careledger_app;
alter function app.verify_card_pin(uuid, text, text) owner to careledger_definer;

-- What the UI may tell about a PIN: set or not, locked or not, wrong tries so far.
create function app.card_pin_state(p_card uuid)
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
grant execute on function app.card_pin_state(uuid) to careledger_app;
alter function app.card_pin_state(uuid) owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Linking a person's existing card at another facility: the person presents
-- the card and types the PIN; the right PIN is their consent. Returns false
-- for an unknown number or a wrong PIN (the attempt is counted) and says no
-- more, so the function is no oracle for card numbers.
-- ----------------------------------------------------------------------------
create function app.link_health_card(p_patient uuid, p_card_number text, p_pin text, p_key text) returns boolean
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
grant execute on function app.link_health_card(uuid, text, text, text) to careledger_app;
alter function app.link_health_card(uuid, text, text, text) owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Claiming a card online: a patient who signs in after the card was issued
-- types its number and PIN, becomes its holder, and their records at the
-- facilities that know the card are linked to their sign-in (where they have
-- no other record there). False for an unknown number or a wrong PIN.
-- ----------------------------------------------------------------------------
create function app.claim_health_card(p_card_number text, p_pin text, p_key text) returns boolean
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
grant execute on function app.claim_health_card(text, text, text) to careledger_app;
alter function app.claim_health_card(text, text, text) owner to careledger_definer;
