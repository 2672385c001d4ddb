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

-- Is a number (upper case, without spaces or hyphens) well formed for its
-- kind? Aadhaar: 12 digits, not starting with 0 or 1, Verhoeff check digit.
-- ABHA number: 14 digits. PL/pgSQL, so the number is never the parameter of
-- a nested statement.
create function app.national_id_is_valid(p_kind national_id_kind, p_value text) returns boolean
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
grant select (card_id, kind, last4, recorded_at, recorded_by) on national_ids to careledger_app;
grant select, insert, update on national_ids to careledger_definer;

create policy "Holders see their own national ids" on national_ids
  for select using (exists (select 1 from health_cards c
                            where c.id = national_ids.card_id
                              and c.holder_user_id = (select app.current_user_id())));
create policy "National ids are visible where the person is registered" on national_ids
  for select using (exists (select 1 from patients p
                            where p.card_id = national_ids.card_id
                              and p.facility_id = any ((select app.visible_facilities())::uuid[])));

-- ----------------------------------------------------------------------------
-- Recording an id: the holder, or staff who manage patients where the card is
-- registered. Replaces an earlier number of the same kind.
-- ----------------------------------------------------------------------------
create function app.set_national_id(p_card uuid, p_kind national_id_kind, p_value text,
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
grant execute on function app.set_national_id(uuid, national_id_kind, text, text, text) to careledger_app;
alter function app.set_national_id(uuid, national_id_kind, text, text, text) owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Finding patients by national id: the records, among the facilities the
-- context may see, whose card carries that number. Nothing from elsewhere.
-- ----------------------------------------------------------------------------
create function app.find_patients_by_national_id(p_kind national_id_kind, p_value text, p_lookup_key text)
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
grant execute on function app.find_patients_by_national_id(national_id_kind, text, text) to careledger_app;
alter function app.find_patients_by_national_id(national_id_kind, text, text) owner to careledger_definer;

-- ----------------------------------------------------------------------------
-- Reading a number back (an insurance claim under PM-JAY needs the Aadhaar):
-- the holder, or staff who manage patients where the card is registered.
-- A wrong key fails in pgcrypto ("Wrong key or corrupt data").
-- ----------------------------------------------------------------------------
create function app.reveal_national_id(p_card uuid, p_kind national_id_kind, p_encryption_key text) returns text
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_ciphertext bytea;
begin
  perform app.require_key(p_encryption_key, 'national id encryption');
  if not (app.is_card_holder(p_card)
          or (app.card_registered_here(p_card) and coalesce(app.has_permission('patients.manage'), false))) then
    raise exception 'not allowed to read national ids of card %', p_card using errcode = 'insufficient_privilege';
  end if;
  select n.ciphertext into v_ciphertext from public.national_ids n where n.card_id = p_card and n.kind = p_kind;
  return extensions.pgp_sym_decrypt(v_ciphertext, p_encryption_key);
end
$$;
revoke all on function app.reveal_national_id(uuid, national_id_kind, text) from public;
grant execute on function app.reveal_national_id(uuid, national_id_kind, text) to careledger_app;
alter function app.reveal_national_id(uuid, national_id_kind, text) owner to careledger_definer;
